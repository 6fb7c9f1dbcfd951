"""services.enrolment_withdraw"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

import pytest

from courses import permissions, services
from courses.models import Enrolment, ItemCompletion

from .conftest import log_actions

pytestmark = pytest.mark.django_db


def test_active_enrolment_is_withdrawn(tree, learner):
    enrolment = services.enrolment_create(user=learner, programme=tree.programme)

    result = services.enrolment_withdraw(user=learner, programme=tree.programme)

    assert result.pk == enrolment.pk
    assert Enrolment.objects.get(pk=enrolment.pk).status == "withdrawn"
    assert log_actions(enrolment)[-1] == "courses.enrolment.withdraw"


def test_pending_request_is_withdrawn(approval_tree, learner):
    services.enrolment_create(user=learner, programme=approval_tree.programme)

    result = services.enrolment_withdraw(
        user=learner, programme=approval_tree.programme
    )

    assert result.status == "withdrawn"


def test_completions_are_kept(tree, learner):
    services.enrolment_create(user=learner, programme=tree.programme)
    services.item_complete(user=learner, item=tree.lessons[0])
    services.item_complete(user=learner, item=tree.lessons[1])

    services.enrolment_withdraw(user=learner, programme=tree.programme)

    assert ItemCompletion.objects.filter(user=learner).count() == 2
    enrolment = Enrolment.objects.get(user=learner)
    assert (enrolment.required_count, enrolment.completed_count) == (4, 2)


def test_withdrawn_learner_can_no_longer_read_lessons(tree, learner):
    services.enrolment_create(user=learner, programme=tree.programme)
    services.enrolment_withdraw(user=learner, programme=tree.programme)

    access = permissions.item_access(user=learner, item=tree.lessons[0])

    assert access.access is permissions.Access.DENIED


def test_completed_programme_stays_completed(tree, learner):
    services.enrolment_create(user=learner, programme=tree.programme)
    for lesson in tree.lessons:
        services.item_complete(user=learner, item=lesson)

    result = services.enrolment_withdraw(user=learner, programme=tree.programme)

    enrolment = Enrolment.objects.get(pk=result.pk)
    assert enrolment.status == "completed"
    assert enrolment.completed_at is not None
    assert "courses.enrolment.withdraw" not in log_actions(enrolment)


def test_withdrawing_twice_is_a_no_op(tree, learner):
    enrolment = services.enrolment_create(user=learner, programme=tree.programme)
    services.enrolment_withdraw(user=learner, programme=tree.programme)

    again = services.enrolment_withdraw(user=learner, programme=tree.programme)

    assert again.status == "withdrawn"
    assert log_actions(enrolment).count("courses.enrolment.withdraw") == 1


def test_rejected_request_stays_rejected(approval_tree, learner, superuser):
    enrolment = services.enrolment_create(
        user=learner, programme=approval_tree.programme
    )
    services.enrolment_decide(actor=superuser, enrolment=enrolment, approve=False)

    result = services.enrolment_withdraw(
        user=learner, programme=approval_tree.programme
    )

    assert result.status == "rejected"


def test_not_enrolled_returns_none(tree, learner):
    assert services.enrolment_withdraw(user=learner, programme=tree.programme) is None
    assert not Enrolment.objects.exists()


def test_only_the_learners_own_enrolment_changes(tree, learner, other_learner):
    services.enrolment_create(user=learner, programme=tree.programme)
    services.enrolment_create(user=other_learner, programme=tree.programme)

    services.enrolment_withdraw(user=learner, programme=tree.programme)

    assert Enrolment.objects.get(user=other_learner).status == "active"


def test_anonymous_is_refused(tree):
    with pytest.raises(PermissionDenied):
        services.enrolment_withdraw(user=AnonymousUser(), programme=tree.programme)
