"""Pure quiz logic: question grading on snapshots and attempt/quiz totals.

Import rule: nothing in this package imports Django, Wagtail or any model. It
works on plain dicts (question *snapshots*) and ``Decimal`` marks, so it can be
unit-tested without a database and so that a recorded attempt is always
re-gradable from the snapshot it stored, whatever happened to the question
since. The question models build the snapshots and call in here; never the
other way round.

- ``courses.quiz.grading``: ``grade``, ``validate``, ``parse_response``.
- ``courses.quiz.totals``: attempt totals, quiz grade, final grade, overall
  feedback, pass check.
- ``courses.quiz.normalise``: text and number normalisation used by grading.
"""
