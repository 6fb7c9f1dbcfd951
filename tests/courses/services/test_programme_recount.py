"""services.programme_recount, directly and through the page-tree receivers."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from courses import services
from courses.models import Enrolment
from tests.factories import (
    LessonPageFactory,
    ModulePageFactory,
    UserFactory,
    build_programme,
)

from .conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def learners(tree, approval_tree, learner, other_learner):
    """Three enrolments in ``tree``: active (1 done), active (none), completed."""
    finisher = UserFactory(username="finisher")
    for user in (learner, other_learner, finisher):
        services.enrolment_create(user=user, programme=tree.programme)
    services.item_complete(user=learner, item=tree.lessons[0])
    for lesson in tree.lessons:
        services.item_complete(user=finisher, item=lesson)
    return {"learner": learner, "other": other_learner, "finisher": finisher}


def _state(user, programme) -> tuple[str, int, int]:
    e = Enrolment.objects.get(user=user, programme=programme)
    return e.status, e.completed_count, e.required_count


def _states(learners, programme) -> dict:
    return {name: _state(user, programme) for name, user in learners.items()}


def test_publishing_a_lesson_grows_every_enrolment(
    tree, learners, django_capture_on_commit_callbacks
):
    lesson = LessonPageFactory(parent=tree.modules[0], live=False)
    assert _states(learners, tree.programme) == {
        "learner": ("active", 1, 4),
        "other": ("active", 0, 4),
        "finisher": ("completed", 4, 4),
    }

    with django_capture_on_commit_callbacks(execute=True):
        publish(lesson)

    assert _states(learners, tree.programme) == {
        "learner": ("active", 1, 5),
        "other": ("active", 0, 5),
        "finisher": ("completed", 4, 5),
    }


def test_recount_waits_for_commit(tree, learners, django_capture_on_commit_callbacks):
    lesson = LessonPageFactory(parent=tree.modules[0], live=False)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish(lesson)
    assert _state(learners["other"], tree.programme) == ("active", 0, 4)

    for callback in callbacks:
        callback()
    assert _state(learners["other"], tree.programme) == ("active", 0, 5)


def test_unpublishing_a_lesson_shrinks_every_enrolment(
    tree, learners, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tree.lessons[0].unpublish()

    assert _states(learners, tree.programme) == {
        "learner": ("active", 0, 3),
        "other": ("active", 0, 3),
        "finisher": ("completed", 3, 3),
    }


def test_republishing_restores_the_count(
    tree, learners, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tree.lessons[0].unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        publish(tree.lessons[0])

    assert _state(learners["learner"], tree.programme) == ("active", 1, 4)


def test_deleting_a_lesson_shrinks_every_enrolment(
    tree, learners, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tree.lessons[3].delete()

    assert _states(learners, tree.programme) == {
        "learner": ("active", 1, 3),
        "other": ("active", 0, 3),
        "finisher": ("completed", 3, 3),
    }


def test_retiring_the_last_missing_lesson_completes_the_learner(
    tree, learner, announced, django_capture_on_commit_callbacks
):
    enrolment = services.enrolment_create(user=learner, programme=tree.programme)
    for lesson in tree.lessons[:3]:
        services.item_complete(user=learner, item=lesson)

    with django_capture_on_commit_callbacks(execute=True):
        tree.lessons[3].unpublish()

    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert (stored.status, stored.completed_count, stored.required_count) == (
        "completed",
        3,
        3,
    )
    assert stored.completed_at is not None
    assert len(announced) == 1
    assert announced[0]["enrolment"].pk == enrolment.pk


def test_completed_enrolment_stays_completed(
    tree, learners, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(LessonPageFactory(parent=tree.modules[1], live=False))
        services.programme_recount(programme=tree.programme)

    finisher = Enrolment.objects.get(user=learners["finisher"])
    assert finisher.status == "completed"
    assert finisher.completed_at is not None
    assert announced == []


def test_pending_requests_are_counted_but_not_completed(
    approval_tree, learner, django_capture_on_commit_callbacks
):
    enrolment = services.enrolment_create(
        user=learner, programme=approval_tree.programme
    )

    with django_capture_on_commit_callbacks(execute=True):
        publish(LessonPageFactory(parent=approval_tree.modules[0], live=False))

    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert (stored.status, stored.required_count) == ("pending", 3)


def test_other_programmes_are_untouched(
    tree, approval_tree, learner, django_capture_on_commit_callbacks
):
    services.enrolment_create(user=learner, programme=approval_tree.programme)

    with django_capture_on_commit_callbacks(execute=True):
        publish(LessonPageFactory(parent=tree.modules[0], live=False))

    assert _state(learner, approval_tree.programme) == ("pending", 0, 2)


def test_moving_a_module_page_does_not_break(
    tree, learners, django_capture_on_commit_callbacks
):
    """Reordering modules inside one programme changes nothing that is counted."""
    with django_capture_on_commit_callbacks(execute=True):
        tree.modules[1].move(tree.programme, pos="first-child")

    assert _state(learners["learner"], tree.programme) == ("active", 1, 4)


def test_moving_a_lesson_recounts_both_programmes(
    tree, catalogue, learners, django_capture_on_commit_callbacks
):
    other = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
    services.enrolment_create(user=learners["other"], programme=other.programme)

    with django_capture_on_commit_callbacks(execute=True):
        tree.lessons[0].move(other.modules[0], pos="last-child")

    assert _state(learners["other"], other.programme) == ("active", 0, 2)
    assert _state(learners["other"], tree.programme) == ("active", 0, 3)
    assert _state(learners["learner"], tree.programme) == ("active", 0, 3)


def test_moving_a_module_recounts_both_programmes(
    tree, catalogue, learners, django_capture_on_commit_callbacks
):
    other = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
    services.enrolment_create(user=learners["other"], programme=other.programme)

    with django_capture_on_commit_callbacks(execute=True):
        tree.modules[0].move(other.programme, pos="last-child")

    assert _state(learners["other"], other.programme) == ("active", 0, 3)
    assert _state(learners["other"], tree.programme) == ("active", 0, 2)
    assert _state(learners["learner"], tree.programme) == ("active", 0, 2)


class TestDirectCall:
    def test_returns_the_number_changed_then_zero(self, tree, learners):
        publish_without_receivers = LessonPageFactory(parent=tree.modules[0])
        assert publish_without_receivers.live

        assert services.programme_recount(programme=tree.programme) == 3
        assert services.programme_recount(programme=tree.programme) == 0
        assert _state(learners["other"], tree.programme) == ("active", 0, 5)

    def test_new_module_without_lessons_changes_nothing(self, tree, learners):
        ModulePageFactory(parent=tree.programme)

        assert services.programme_recount(programme=tree.programme) == 0

    def test_programme_without_enrolments(self, tree):
        assert services.programme_recount(programme=tree.programme) == 0

    def test_query_count_does_not_grow_with_learners(self, catalogue):
        counts = {}
        for size in (1, 6):
            tree = build_programme(parent=catalogue, modules=1, lessons_per_module=2)
            for n in range(size):
                user = UserFactory(username=f"u{size}-{n}")
                services.enrolment_create(user=user, programme=tree.programme)
            LessonPageFactory(parent=tree.modules[0])
            with CaptureQueriesContext(connection) as ctx:
                assert services.programme_recount(programme=tree.programme) == size
            counts[size] = len(ctx.captured_queries)

        assert counts[1] == counts[6]
