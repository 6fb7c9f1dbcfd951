"""Who sees which quiz results: the trainers of a programme see its quizzes.

One rule for every screen and export (quiz reference §5.9, §6.30): a quiz's
results belong to the programme above it, and only users who manage that
programme (:func:`courses.permissions.user_can_manage_programme`) or
superusers see them. Lists use the queryset filters, single objects the
boolean checks; both come from :mod:`courses.permissions`.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from .. import permissions
from ..models import ProgrammePage, QuizAttempt, QuizPage


def managed_programmes(user) -> list[ProgrammePage]:
    """The programmes whose quiz results ``user`` may see (one query)."""
    return list(permissions.programmes_managed_by(user).order_by("path"))


def _under(programmes, prefix: str = "") -> Q | None:
    if not programmes:
        return None
    return reduce(or_, (Q(**{f"{prefix}path__startswith": p.path}) for p in programmes))


def managed_quizzes(user, programmes=None) -> QuerySet[QuizPage]:
    """Quizzes in programmes ``user`` manages (all of them for superusers)."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return QuizPage.objects.all()
    if programmes is None:
        programmes = managed_programmes(user)
    condition = _under(programmes)
    if condition is None:
        return QuizPage.objects.none()
    return QuizPage.objects.filter(condition)


def managed_attempts(user, programmes=None) -> QuerySet[QuizAttempt]:
    """Attempts at quizzes in programmes ``user`` manages."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return QuizAttempt.objects.all()
    if programmes is None:
        programmes = managed_programmes(user)
    condition = _under(programmes, prefix="quiz__")
    if condition is None:
        return QuizAttempt.objects.none()
    return QuizAttempt.objects.filter(condition)


def user_has_quiz_results(user) -> bool:
    """Whether the results screens are for ``user`` at all (the menu, the lists)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or permissions.programmes_managed_by(user).exists()


def user_can_view_quiz(user, quiz: QuizPage) -> bool:
    """Whether ``user`` may see (and grade, regrade) the results of ``quiz``."""
    if not user.is_authenticated or not user.is_active:
        return False
    programme = permissions.programme_for_item(quiz)
    if programme is None:
        return user.is_superuser
    return permissions.user_can_manage_programme(user, programme)


def programme_of(quiz: QuizPage, programmes) -> ProgrammePage | None:
    """The programme above ``quiz`` among ``programmes`` (no query)."""
    for programme in programmes:
        if quiz.path.startswith(programme.path):
            return programme
    return None
