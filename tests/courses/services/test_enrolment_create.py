"""services.enrolment_create"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from wagtail.models import ModelLogEntry

import pytest

from courses import services
from courses.models import Enrolment
from tests.factories import UserFactory

from .conftest import log_actions

pytestmark = pytest.mark.django_db


def test_open_programme_enrols_as_active(tree, learner):
    enrolment = services.enrolment_create(user=learner, programme=tree.programme)

    assert enrolment.pk is not None
    assert enrolment.status == "active"
    assert (enrolment.user, enrolment.programme) == (learner, tree.programme)
    assert enrolment.decided_at is None


def test_progress_is_counted_at_enrolment(tree, learner):
    enrolment = services.enrolment_create(user=learner, programme=tree.programme)

    enrolment.refresh_from_db()
    assert (enrolment.required_count, enrolment.completed_count) == (4, 0)


def test_approval_programme_queues_a_pending_request(approval_tree, learner):
    enrolment = services.enrolment_create(
        user=learner, programme=approval_tree.programme
    )

    assert enrolment.status == "pending"
    assert Enrolment.objects.get(pk=enrolment.pk).status == "pending"


def test_is_idempotent(tree, learner):
    first = services.enrolment_create(user=learner, programme=tree.programme)
    second = services.enrolment_create(user=learner, programme=tree.programme)

    assert second.pk == first.pk
    assert Enrolment.objects.filter(user=learner).count() == 1
    assert log_actions(first) == ["courses.enrolment.create"]


def test_repeat_keeps_a_pending_request_pending(approval_tree, learner):
    first = services.enrolment_create(user=learner, programme=approval_tree.programme)
    second = services.enrolment_create(user=learner, programme=approval_tree.programme)

    assert second.pk == first.pk
    assert second.status == "pending"


def test_repeat_keeps_a_completed_enrolment_completed(tree, learner):
    enrolment = services.enrolment_create(user=learner, programme=tree.programme)
    for lesson in tree.lessons:
        services.item_complete(user=learner, item=lesson)

    again = services.enrolment_create(user=learner, programme=tree.programme)

    assert again.pk == enrolment.pk
    assert again.status == "completed"


def test_withdrawn_learner_enrols_again_as_active(tree, learner):
    enrolment = services.enrolment_create(user=learner, programme=tree.programme)
    services.enrolment_withdraw(user=learner, programme=tree.programme)

    again = services.enrolment_create(user=learner, programme=tree.programme)

    assert again.pk == enrolment.pk
    assert again.status == "active"
    assert Enrolment.objects.get(pk=enrolment.pk).status == "active"
    assert log_actions(enrolment) == [
        "courses.enrolment.create",
        "courses.enrolment.withdraw",
        "courses.enrolment.create",
    ]


def test_coming_back_resumes_progress(tree, learner):
    services.enrolment_create(user=learner, programme=tree.programme)
    services.item_complete(user=learner, item=tree.lessons[0])
    services.enrolment_withdraw(user=learner, programme=tree.programme)

    again = services.enrolment_create(user=learner, programme=tree.programme)

    again.refresh_from_db()
    assert (again.required_count, again.completed_count) == (4, 1)


def test_rejected_learner_asks_again_and_is_pending(approval_tree, learner, superuser):
    enrolment = services.enrolment_create(
        user=learner, programme=approval_tree.programme
    )
    services.enrolment_decide(actor=superuser, enrolment=enrolment, approve=False)
    assert Enrolment.objects.get(pk=enrolment.pk).status == "rejected"

    again = services.enrolment_create(user=learner, programme=approval_tree.programme)

    again.refresh_from_db()
    assert again.pk == enrolment.pk
    assert again.status == "pending"
    assert again.decided_at is None
    assert again.decided_by is None


def test_policy_change_applies_to_a_returning_learner(tree, learner):
    services.enrolment_create(user=learner, programme=tree.programme)
    services.enrolment_withdraw(user=learner, programme=tree.programme)
    tree.programme.enrolment_policy = "approval"
    tree.programme.save()

    again = services.enrolment_create(user=learner, programme=tree.programme)

    assert again.status == "pending"


def test_programme_not_live_is_refused(tree, learner):
    tree.programme.unpublish()
    tree.programme.refresh_from_db()

    with pytest.raises(ValidationError):
        services.enrolment_create(user=learner, programme=tree.programme)
    assert not Enrolment.objects.exists()


def test_anonymous_is_refused(tree):
    with pytest.raises(PermissionDenied):
        services.enrolment_create(user=AnonymousUser(), programme=tree.programme)
    assert not Enrolment.objects.exists()


def test_inactive_user_is_refused(tree):
    user = UserFactory(username="gone", is_active=False)

    with pytest.raises(PermissionDenied):
        services.enrolment_create(user=user, programme=tree.programme)
    assert not Enrolment.objects.exists()


def test_audit_log_entry(tree, learner):
    enrolment = services.enrolment_create(user=learner, programme=tree.programme)

    entry = ModelLogEntry.objects.get(
        action="courses.enrolment.create", object_id=str(enrolment.pk)
    )
    assert entry.user_id == learner.pk
    assert entry.content_type.model_class() is Enrolment


def test_two_learners_get_two_rows(tree, learner, other_learner):
    a = services.enrolment_create(user=learner, programme=tree.programme)
    b = services.enrolment_create(user=other_learner, programme=tree.programme)

    assert a.pk != b.pk
    assert Enrolment.objects.filter(programme=tree.programme).count() == 2
