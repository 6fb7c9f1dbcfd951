"""Fixtures for the service tests: programme trees, trainers, signal capture."""

from __future__ import annotations

from wagtail.models import ModelLogEntry

import pytest

from courses import services
from courses.signals import programme_completed
from tests.factories import UserFactory, build_programme


def make_trainer(username: str, programme):
    """A user in the programme's trainer group (created by the service)."""
    user = UserFactory(username=username)
    user.groups.add(services.programme_trainer_group_ensure(programme=programme))
    return user


def log_actions(instance) -> list[str]:
    """Audit-log actions recorded for ``instance``, oldest first."""
    return list(
        ModelLogEntry.objects.filter(object_id=str(instance.pk))
        .filter(content_type__model=instance._meta.model_name)
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )


def publish(page) -> None:
    page.save_revision().publish()


@pytest.fixture
def tree(catalogue):
    """An open programme: 2 modules x 2 lessons."""
    return build_programme(parent=catalogue, modules=2, lessons_per_module=2)


@pytest.fixture
def approval_tree(catalogue):
    """A programme whose enrolments need approval: 1 module x 2 lessons."""
    return build_programme(
        parent=catalogue, modules=1, lessons_per_module=2, enrolment_policy="approval"
    )


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def announced():
    """Every ``programme_completed`` sent during the test, as kwargs dicts."""
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append({"sender": sender, **kwargs})

    programme_completed.connect(receiver, weak=False, dispatch_uid="test-announced")
    yield calls
    programme_completed.disconnect(dispatch_uid="test-announced")
