"""The question bank's admin and its file import/export.

Layers, lowest first (each imports only the ones above it):

* ``snapshots`` and ``conversion``: pure functions, no ORM. They turn admin
  form data, imported schema dicts and model values into one shape
  (:class:`~courses.question_bank.conversion.QuestionData`) and into grading
  snapshots, so the admin and the importer refuse exactly the same questions
  (``courses.quiz.grading.validate``).
* ``selectors``: reads (category paths, a question as ``QuestionData``).
* ``permissions``: who may import, export and edit which question types.
* ``importing``: the services ``questions_import`` and ``category_export``.
* ``forms``, ``viewsets``, ``views``, ``wagtail_hooks``: the admin.

The pure parsers and the GIFT writer live in :mod:`courses.importers`.
"""
