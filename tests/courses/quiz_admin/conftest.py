"""Two programmes with a quiz each, their trainers, learners and attempts.

Programme A's quiz has a multiple-choice question (1 mark) and an essay
(2 marks): ``learner`` answered the choice right and wrote an essay, so the
attempt waits for a trainer; ``other_learner`` chose wrong and left the
essay blank. Programme B's quiz has one attempt by ``b_learner``. Trainers
use the admin in English (their Wagtail profile), so tests read msgids.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.test import Client

from wagtail.users.models import UserProfile

import pytest

from courses import quiz_services as qsvc
from courses import services
from courses.models import LearnerProfile, QuizAttempt, QuizPage
from tests.factories import (
    Slot,
    UserFactory,
    build_programme,
    build_quiz,
    essay_question,
    multichoice_question,
)
from tests.factories.pages import ProgrammeTree

ESSAY_TEXT = "Громада вирішує разом.\nДругий рядок."


def admin_client(user, **kwargs) -> Client:
    """A client logged in as ``user``, whose admin speaks English."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client = Client(**kwargs)
    client.force_login(user)
    return client


def make_trainer(username: str, programme):
    user = UserFactory(username=username)
    user.groups.add(services.programme_trainer_group_ensure(programme=programme))
    return user


def choice_id(attempt: QuizAttempt, position: int, text: str) -> str:
    snapshot = attempt.responses.get(position=position).snapshot
    return next(a["id"] for a in snapshot["answers"] if a["text"] == text)


def take(user, quiz: QuizPage, *, choice: str, essay: str = "") -> QuizAttempt:
    """Start, answer (choice text; essay text) and submit an attempt."""
    attempt = qsvc.attempt_start(user=user, quiz=quiz)
    data = {"q0-choice": [choice_id(attempt, 0, choice)]}
    if essay:
        data["q1-text"] = [essay]
    qsvc.responses_save(user=user, attempt=attempt, data=data)
    return qsvc.attempt_submit(user=user, attempt=attempt)


@dataclass
class World:
    a: ProgrammeTree
    b: ProgrammeTree
    quiz: QuizPage
    quiz_b: QuizPage
    learner: object
    other_learner: object
    b_learner: object
    trainer: object
    other_trainer: object
    superuser: object
    editor: object  # admin access, no programme
    attempt: QuizAttempt  # learner's, waiting for the essay's mark
    other_attempt: QuizAttempt  # other_learner's, 0 marks
    attempt_b: QuizAttempt

    def user(self, role: str):
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def world(catalogue, learner, other_learner) -> World:
    a = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
    b = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
    mc = multichoice_question(
        name="Бюджет", choices=[("Рада", 1), ("Голова", 0), ("Мер", 0)]
    )
    essay = essay_question(name="Есе", grader_info="Оцінюйте аргументи.")
    quiz = build_quiz(module=a.modules[0], slots=[mc, Slot(question=essay, max_mark=2)])
    mc_b = multichoice_question(choices=[("Так", 1), ("Ні", 0)])
    quiz_b = build_quiz(
        module=b.modules[0], slots=[mc_b, Slot(question=essay_question())]
    )
    b_learner = UserFactory(username="b_learner")
    for user in (learner, other_learner):
        services.enrolment_create(user=user, programme=a.programme)
    services.enrolment_create(user=b_learner, programme=b.programme)
    LearnerProfile.objects.create(
        user=learner, surname="Шевченко", given_name="Олена", patronymic="Петрівна"
    )
    editor = UserFactory(username="editor")
    editor.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    return World(
        a=a,
        b=b,
        quiz=quiz,
        quiz_b=quiz_b,
        learner=learner,
        other_learner=other_learner,
        b_learner=b_learner,
        trainer=make_trainer("trainer_a", a.programme),
        other_trainer=make_trainer("trainer_b", b.programme),
        superuser=UserFactory(username="root", is_superuser=True, is_staff=True),
        editor=editor,
        attempt=take(learner, quiz, choice="Рада", essay=ESSAY_TEXT),
        other_attempt=take(other_learner, quiz, choice="Голова"),
        attempt_b=take(b_learner, quiz_b, choice="Так", essay="B"),
    )


def D(value) -> Decimal:
    return Decimal(str(value))
