"""services.enrolment_decide"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

import pytest

from courses import services
from courses.models import Enrolment
from tests.factories import UserFactory, build_programme

from .conftest import log_actions, make_trainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(approval_tree, learner):
    enrolment = services.enrolment_create(
        user=learner, programme=approval_tree.programme
    )
    assert enrolment.status == "pending"
    return enrolment


def _status(enrolment) -> str:
    return Enrolment.objects.get(pk=enrolment.pk).status


def test_learner_cannot_decide(pending, other_learner):
    with pytest.raises(PermissionDenied):
        services.enrolment_decide(actor=other_learner, enrolment=pending, approve=True)
    assert _status(pending) == "pending"


def test_learner_cannot_approve_their_own_request(pending, learner):
    with pytest.raises(PermissionDenied):
        services.enrolment_decide(actor=learner, enrolment=pending, approve=True)
    assert _status(pending) == "pending"


def test_superuser_approves(pending, superuser):
    result = services.enrolment_decide(actor=superuser, enrolment=pending, approve=True)

    assert result.status == "active"
    stored = Enrolment.objects.get(pk=pending.pk)
    assert stored.status == "active"
    assert stored.decided_by == superuser
    assert stored.decided_at is not None
    assert log_actions(pending)[-1] == "courses.enrolment.approve"


def test_superuser_rejects(pending, superuser):
    result = services.enrolment_decide(
        actor=superuser, enrolment=pending, approve=False
    )

    assert result.status == "rejected"
    assert _status(pending) == "rejected"
    assert log_actions(pending)[-1] == "courses.enrolment.reject"


def test_trainer_of_the_programme_decides(pending, approval_tree):
    trainer = make_trainer("trainer", approval_tree.programme)

    result = services.enrolment_decide(actor=trainer, enrolment=pending, approve=True)

    assert result.status == "active"
    assert Enrolment.objects.get(pk=pending.pk).decided_by == trainer


def test_trainer_of_another_programme_cannot(pending, catalogue):
    other = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
    trainer = make_trainer("stranger", other.programme)

    with pytest.raises(PermissionDenied):
        services.enrolment_decide(actor=trainer, enrolment=pending, approve=True)
    assert _status(pending) == "pending"


def test_inactive_trainer_cannot(pending, approval_tree):
    trainer = make_trainer("former", approval_tree.programme)
    trainer.is_active = False
    trainer.save()

    with pytest.raises(PermissionDenied):
        services.enrolment_decide(actor=trainer, enrolment=pending, approve=True)


def test_enrolment_manager_decides(pending):
    manager = UserFactory(username="registrar")
    manager.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="courses", codename="change_enrolment"
        )
    )

    result = services.enrolment_decide(actor=manager, enrolment=pending, approve=True)

    assert result.status == "active"


def test_deciding_twice_is_a_no_op(pending, superuser, approval_tree):
    trainer = make_trainer("trainer", approval_tree.programme)
    services.enrolment_decide(actor=superuser, enrolment=pending, approve=True)
    first = Enrolment.objects.get(pk=pending.pk)

    again = services.enrolment_decide(actor=trainer, enrolment=pending, approve=False)

    assert again.status == "active"
    stored = Enrolment.objects.get(pk=pending.pk)
    assert stored.status == "active"
    assert (stored.decided_by, stored.decided_at) == (superuser, first.decided_at)
    assert log_actions(pending).count("courses.enrolment.approve") == 1
    assert "courses.enrolment.reject" not in log_actions(pending)


def test_active_enrolment_cannot_be_rejected_later(tree, learner, superuser):
    enrolment = services.enrolment_create(user=learner, programme=tree.programme)

    result = services.enrolment_decide(
        actor=superuser, enrolment=enrolment, approve=False
    )

    assert result.status == "active"


def test_approve_recounts_progress(pending, superuser, approval_tree):
    Enrolment.objects.filter(pk=pending.pk).update(required_count=0, completed_count=0)

    services.enrolment_decide(actor=superuser, enrolment=pending, approve=True)

    stored = Enrolment.objects.get(pk=pending.pk)
    assert (stored.required_count, stored.completed_count) == (2, 0)


def test_approving_a_returning_learner_who_had_finished_completes(
    catalogue, learner, superuser, announced, django_capture_on_commit_callbacks
):
    tree = build_programme(parent=catalogue, modules=1, lessons_per_module=2)
    services.enrolment_create(user=learner, programme=tree.programme)
    services.item_complete(user=learner, item=tree.lessons[0])
    services.enrolment_withdraw(user=learner, programme=tree.programme)
    # The trainers switch to approval and one lesson is retired meanwhile.
    tree.programme.enrolment_policy = "approval"
    tree.programme.save()
    tree.lessons[1].unpublish()
    request = services.enrolment_create(user=learner, programme=tree.programme)
    assert request.status == "pending"

    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_decide(actor=superuser, enrolment=request, approve=True)

    stored = Enrolment.objects.get(pk=request.pk)
    assert stored.status == "completed"
    assert (stored.required_count, stored.completed_count) == (1, 1)
    assert len(announced) == 1
