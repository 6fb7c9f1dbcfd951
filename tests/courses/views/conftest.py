"""A small world for view tests: two programmes and one user per role.

Programme A requires approval; ``learner`` is enrolled (approved) in A, an
``applicant`` has a pending request in A. Each programme has its own trainer,
a member of the group from ``programme_trainer_group_ensure``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from courses import services
from courses.models import Enrolment
from tests.factories import UserFactory, build_programme
from tests.factories.pages import ProgrammeTree


@dataclass
class World:
    a: ProgrammeTree
    b: ProgrammeTree
    users: dict
    pending: Enrolment

    def user(self, role: str):
        return self.users[role]


def make_trainer(username: str, programme):
    user = UserFactory(username=username)
    user.groups.add(services.programme_trainer_group_ensure(programme=programme))
    return user


@pytest.fixture
def world(catalogue, learner, other_learner) -> World:
    a = build_programme(
        parent=catalogue, modules=1, lessons_per_module=3, enrolment_policy="approval"
    )
    b = build_programme(parent=catalogue, modules=1, lessons_per_module=2)
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    users = {
        "anonymous": None,
        "learner": learner,
        "other_learner": other_learner,
        "trainer_a": make_trainer("trainer_a", a.programme),
        "trainer_b": make_trainer("trainer_b", b.programme),
        "superuser": superuser,
    }
    enrolment = services.enrolment_create(user=learner, programme=a.programme)
    services.enrolment_decide(actor=superuser, enrolment=enrolment, approve=True)
    applicant = UserFactory(username="applicant")
    pending = services.enrolment_create(user=applicant, programme=a.programme)
    assert pending.status == "pending"
    return World(a=a, b=b, users=users, pending=pending)
