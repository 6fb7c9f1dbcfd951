"""A programme with a quiz module, its learners and trainers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from courses import services
from courses.signals import programme_completed
from tests.factories import UserFactory, build_programme
from tests.factories.pages import ProgrammeTree


def make_trainer(username: str, programme):
    """A member of the programme's trainer group (not enrolled)."""
    user = UserFactory(username=username)
    user.groups.add(services.programme_trainer_group_ensure(programme=programme))
    return user


@dataclass
class World:
    tree: ProgrammeTree
    other_tree: ProgrammeTree
    learner: object
    other_learner: object
    trainer: object
    other_trainer: object
    outsider: object

    @property
    def module(self):
        return self.tree.modules[0]


@pytest.fixture
def world(catalogue, learner, other_learner) -> World:
    """Programme A (1 module, 1 lesson): ``learner`` and ``other_learner`` are
    enrolled; ``trainer`` trains A, ``other_trainer`` trains programme B;
    ``outsider`` is enrolled nowhere."""
    tree = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
    other_tree = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
    for user in (learner, other_learner):
        services.enrolment_create(user=user, programme=tree.programme)
    return World(
        tree=tree,
        other_tree=other_tree,
        learner=learner,
        other_learner=other_learner,
        trainer=make_trainer("trainer_a", tree.programme),
        other_trainer=make_trainer("trainer_b", other_tree.programme),
        outsider=UserFactory(username="outsider"),
    )


@pytest.fixture
def announced():
    """Every ``programme_completed`` sent during the test, as kwargs dicts."""
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    programme_completed.connect(receiver, weak=False, dispatch_uid="quiz-flow")
    yield calls
    programme_completed.disconnect(dispatch_uid="quiz-flow")
