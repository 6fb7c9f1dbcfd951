"""Trainers' quiz results in the Wagtail admin.

Screens: the trainer's quizzes, one quiz's attempts (filters, search,
CSV/XLSX export), one attempt with manual grading, the "needs grading"
queue across quizzes, and the regrade report. Registered from
``courses/wagtail_hooks.py``; every change goes through
:mod:`courses.quiz_services`, every read is scoped by :mod:`.scope`.
"""
