"""services.item_complete"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from wagtail.models import Page

import pytest

from courses import services
from courses.models import Enrolment, ItemCompletion
from tests.factories import LessonPageFactory, build_programme

from .conftest import log_actions, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(tree, learner):
    return services.enrolment_create(user=learner, programme=tree.programme)


def _progress(enrolment) -> tuple[str, int, int]:
    stored = Enrolment.objects.get(pk=enrolment.pk)
    return stored.status, stored.completed_count, stored.required_count


class TestRefusals:
    def test_not_enrolled(self, tree, learner):
        with pytest.raises(PermissionDenied):
            services.item_complete(user=learner, item=tree.lessons[0])
        assert not ItemCompletion.objects.exists()

    def test_anonymous(self, tree):
        with pytest.raises(PermissionDenied):
            services.item_complete(user=AnonymousUser(), item=tree.lessons[0])

    def test_pending(self, approval_tree, learner):
        services.enrolment_create(user=learner, programme=approval_tree.programme)

        with pytest.raises(PermissionDenied):
            services.item_complete(user=learner, item=approval_tree.lessons[0])
        assert not ItemCompletion.objects.exists()

    def test_withdrawn(self, tree, learner, enrolled):
        services.enrolment_withdraw(user=learner, programme=tree.programme)

        with pytest.raises(PermissionDenied):
            services.item_complete(user=learner, item=tree.lessons[0])

    def test_rejected(self, approval_tree, learner, superuser):
        enrolment = services.enrolment_create(
            user=learner, programme=approval_tree.programme
        )
        services.enrolment_decide(actor=superuser, enrolment=enrolment, approve=False)

        with pytest.raises(PermissionDenied):
            services.item_complete(user=learner, item=approval_tree.lessons[0])

    def test_enrolled_in_another_programme_only(self, catalogue, tree, learner):
        other = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
        services.enrolment_create(user=learner, programme=other.programme)

        with pytest.raises(PermissionDenied):
            services.item_complete(user=learner, item=tree.lessons[0])

    def test_module_page(self, tree, learner, enrolled):
        with pytest.raises(ValidationError):
            services.item_complete(user=learner, item=tree.modules[0])
        assert not ItemCompletion.objects.exists()

    def test_programme_page(self, tree, learner, enrolled):
        with pytest.raises(ValidationError):
            services.item_complete(user=learner, item=tree.programme)
        assert not ItemCompletion.objects.exists()

    def test_site_page(self, home, learner, enrolled):
        with pytest.raises(ValidationError):
            services.item_complete(user=learner, item=home)

    def test_unpublished_lesson(self, tree, learner, enrolled):
        lesson = tree.lessons[0]
        lesson.unpublish()
        lesson.refresh_from_db()

        with pytest.raises(ValidationError):
            services.item_complete(user=learner, item=lesson)
        assert not ItemCompletion.objects.exists()


class TestRecording:
    def test_records_the_completion(self, tree, learner, enrolled):
        completion = services.item_complete(user=learner, item=tree.lessons[1])

        assert completion.pk is not None
        assert completion.user == learner
        assert completion.item_id == tree.lessons[1].pk
        assert completion.programme_id == tree.programme.pk
        assert completion.source == ItemCompletion.Source.LEARNER
        assert log_actions(completion) == ["courses.item.complete"]

    def test_source_is_kept(self, tree, learner, enrolled):
        completion = services.item_complete(
            user=learner, item=tree.lessons[0], source=ItemCompletion.Source.STAFF
        )
        assert ItemCompletion.objects.get(pk=completion.pk).source == "staff"

    def test_accepts_a_generic_page(self, tree, learner, enrolled):
        page = Page.objects.get(pk=tree.lessons[0].pk)

        services.item_complete(user=learner, item=page)

        assert _progress(enrolled) == ("active", 1, 4)

    def test_counts_update(self, tree, learner, enrolled):
        assert _progress(enrolled) == ("active", 0, 4)
        services.item_complete(user=learner, item=tree.lessons[0])
        assert _progress(enrolled) == ("active", 1, 4)
        services.item_complete(user=learner, item=tree.lessons[3])
        assert _progress(enrolled) == ("active", 2, 4)
        assert Enrolment.objects.get(pk=enrolled.pk).percent == 50

    def test_is_idempotent(self, tree, learner, enrolled):
        first = services.item_complete(user=learner, item=tree.lessons[0])
        second = services.item_complete(user=learner, item=tree.lessons[0])

        assert second.pk == first.pk
        assert ItemCompletion.objects.filter(user=learner).count() == 1
        assert _progress(enrolled) == ("active", 1, 4)
        assert log_actions(first) == ["courses.item.complete"]

    def test_other_learners_are_unaffected(self, tree, learner, other_learner):
        services.enrolment_create(user=learner, programme=tree.programme)
        other = services.enrolment_create(user=other_learner, programme=tree.programme)

        services.item_complete(user=learner, item=tree.lessons[0])

        assert _progress(other) == ("active", 0, 4)


class TestCompletion:
    def test_last_item_completes_the_programme(
        self, tree, learner, enrolled, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in tree.lessons:
                services.item_complete(user=learner, item=lesson)

        stored = Enrolment.objects.get(pk=enrolled.pk)
        assert (stored.status, stored.completed_count, stored.required_count) == (
            "completed",
            4,
            4,
        )
        assert stored.completed_at is not None
        assert stored.percent == 100
        assert "courses.enrolment.complete" in log_actions(enrolled)

    def test_signal_is_sent_once_with_its_arguments(
        self, tree, learner, enrolled, announced, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in tree.lessons:
                services.item_complete(user=learner, item=lesson)

        assert len(announced) == 1
        call = announced[0]
        assert call["sender"] is Enrolment
        assert call["enrolment"].pk == enrolled.pk
        assert call["user"] == learner
        assert call["programme"] == tree.programme

    def test_signal_is_not_sent_again_by_repeats(
        self, tree, learner, enrolled, announced, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in tree.lessons:
                services.item_complete(user=learner, item=lesson)
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in tree.lessons:
                services.item_complete(user=learner, item=lesson)
            services.enrolment_create(user=learner, programme=tree.programme)
            services.programme_recount(programme=tree.programme)

        assert len(announced) == 1
        assert log_actions(enrolled).count("courses.enrolment.complete") == 1

    def test_signal_waits_for_commit(
        self, tree, learner, enrolled, announced, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            for lesson in tree.lessons:
                services.item_complete(user=learner, item=lesson)
            assert announced == []

        assert announced == []
        assert callbacks
        for callback in callbacks:
            callback()
        assert len(announced) == 1

    def test_not_sent_before_the_last_item(
        self, tree, learner, enrolled, announced, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in tree.lessons[:-1]:
                services.item_complete(user=learner, item=lesson)

        assert announced == []
        assert _progress(enrolled) == ("active", 3, 4)

    def test_completed_learner_may_complete_a_new_item_without_a_new_signal(
        self, tree, learner, enrolled, announced, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in tree.lessons:
                services.item_complete(user=learner, item=lesson)
            extra = LessonPageFactory(parent=tree.modules[1], live=False)
            publish(extra)
            extra.refresh_from_db()
            services.item_complete(user=learner, item=extra)

        assert _progress(enrolled) == ("completed", 5, 5)
        assert len(announced) == 1


@pytest.mark.django_db(transaction=True)
class TestAfterRealCommit:
    """With real transactions: the signal follows the outermost commit."""

    def test_sent_after_the_outer_transaction_commits(
        self, catalogue, learner, announced
    ):
        tree = build_programme(parent=catalogue, modules=1, lessons_per_module=2)
        services.enrolment_create(user=learner, programme=tree.programme)

        with transaction.atomic():
            for lesson in tree.lessons:
                services.item_complete(user=learner, item=lesson)
            assert Enrolment.objects.get(user=learner).status == "completed"
            assert announced == []

        assert len(announced) == 1
        assert announced[0]["enrolment"].status == "completed"

    def test_never_sent_when_the_transaction_rolls_back(
        self, catalogue, learner, announced
    ):
        tree = build_programme(parent=catalogue, modules=1, lessons_per_module=2)
        services.enrolment_create(user=learner, programme=tree.programme)

        with pytest.raises(RuntimeError), transaction.atomic():
            for lesson in tree.lessons:
                services.item_complete(user=learner, item=lesson)
            raise RuntimeError("request failed")

        assert announced == []
        assert not ItemCompletion.objects.exists()
        assert Enrolment.objects.get(user=learner).status == "active"

    def test_sent_once_when_each_call_commits(self, catalogue, learner, announced):
        tree = build_programme(parent=catalogue, modules=1, lessons_per_module=2)
        services.enrolment_create(user=learner, programme=tree.programme)

        for _round in range(2):
            for lesson in tree.lessons:
                services.item_complete(user=learner, item=lesson)

        assert len(announced) == 1
