"""One attempt in the admin: every answer shown readably and safely, and the
manual grading form (quiz reference §6.17, §6.29, §6.31)."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from courses import quiz_services as qsvc
from courses import services
from courses.models import ItemCompletion, QuizAttempt
from tests.factories import (
    UserFactory,
    build_quiz,
    matching_question,
    multichoice_question,
    numerical_question,
    ordering_question,
    shortanswer_question,
    truefalse_question,
)

from .conftest import ESSAY_TEXT, D, admin_client, take

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror="alert(1)">'


def attempt_url(attempt) -> str:
    return reverse("quiz_results:attempt", args=[attempt.pk])


def grade(client, attempt, position: int, mark: str, comment: str = ""):
    return client.post(
        attempt_url(attempt),
        {
            "position": str(position),
            f"r{position}-mark": mark,
            f"r{position}-comment": comment,
        },
    )


# --- the page --------------------------------------------------------------------------------


def test_attempt_page_shows_every_answer_and_the_key(world):
    response = admin_client(world.trainer).get(attempt_url(world.attempt))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Шевченко Олена Петрівна" in html
    # The question texts (sanitised HTML, rendered), the learner's choice
    # among all choices with their worth, and the essay with its lines.
    assert "<p>Питання MC" in html
    assert "☑ Рада" in html and "☐ Голова" in html
    assert "Громада вирішує разом.<br>Другий рядок." in html
    assert "Оцінюйте аргументи." in html  # information for graders
    assert "Right answer:" in html
    items = response.context["items"]
    assert [i["number"] for i in items] == [1, 2]
    assert [i["awaiting"] for i in items] == [False, True]
    assert [bool(i["form"]) for i in items] == [True, True]
    assert response.context["awaiting"] == [items[1]]


def test_an_xss_payload_in_an_essay_is_escaped(world):
    attempt = take(world.other_learner, world.quiz, choice="Рада", essay=XSS)
    html = admin_client(world.trainer).get(attempt_url(attempt)).content.decode()

    assert "<script>alert" not in html
    assert 'onerror="alert(1)"' not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_xss_in_a_learners_name_and_short_answer_is_escaped(world, catalogue):
    evil = UserFactory(username="evil")
    services.enrolment_create(user=evil, programme=world.a.programme)
    from courses.models import LearnerProfile

    LearnerProfile.objects.create(user=evil, surname=XSS)
    sa = shortanswer_question(answers=[("Київ", 1)])
    quiz = build_quiz(module=world.a.modules[0], slots=[sa])
    attempt = qsvc.attempt_start(user=evil, quiz=quiz)
    qsvc.responses_save(user=evil, attempt=attempt, data={"q0-text": [XSS]})
    attempt = qsvc.attempt_submit(user=evil, attempt=attempt)
    client = admin_client(world.trainer)

    for url in (
        attempt_url(attempt),
        reverse("quiz_results:attempts", args=[quiz.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url


def test_every_question_type_is_readable(world):
    """Choices, true/false, typed answers, matches and order, as given."""
    quiz = build_quiz(
        module=world.a.modules[0],
        slots=[
            multichoice_question(
                single=False,
                choices=[("Рада", "0.5"), ("Виконком", "0.5"), ("Мер", -1)],
            ),
            truefalse_question(correct=False),
            shortanswer_question(answers=[("Київ", 1)]),
            numerical_question(answers=[{"value": "3.14", "tolerance": "0.01"}]),
            matching_question(pairs=[("Бюджет", "Рада"), ("Розпорядження", "Голова")]),
            ordering_question(items=["Проєкт", "Обговорення", "Рішення"]),
        ],
    )
    user = world.learner
    attempt = qsvc.attempt_start(user=user, quiz=quiz)
    snaps = {r.position: r.snapshot for r in attempt.responses.all()}
    by_text = {a["text"]: a["id"] for a in snaps[0]["answers"]}
    stems = {p["question"]: p["id"] for p in snaps[4]["pairs"]}
    items = {i["text"]: i["id"] for i in snaps[5]["items"]}
    qsvc.responses_save(
        user=user,
        attempt=attempt,
        data={
            "q0-choices": [by_text["Рада"], by_text["Мер"]],
            "q1-value": ["true"],
            "q2-text": ["Львів"],
            "q3-text": ["3,14"],
            f"q4-match-{stems['Бюджет']}": ["Рада"],
            f"q4-match-{stems['Розпорядження']}": ["Рада"],
            "q5-order": [items["Обговорення"], items["Проєкт"], items["Рішення"]],
        },
    )
    attempt = qsvc.attempt_submit(user=user, attempt=attempt)
    response = admin_client(world.trainer).get(attempt_url(attempt))
    assert response.status_code == 200
    displays = [i["display"] for i in response.context["items"]]

    # In the (shuffled) order the learner saw them.
    assert [o.text for o in displays[0].options] == [
        a["text"] for a in snaps[0]["answers"]
    ]
    assert {(o.text, o.chosen, o.percent) for o in displays[0].options} == {
        ("Рада", True, D(50)),
        ("Виконком", False, D(50)),
        ("Мер", True, D(-100)),
    }
    assert (displays[1].bool_value, displays[1].bool_correct) == (True, False)
    assert displays[2].answer_text == "Львів"
    assert displays[3].answer_text == "3,14"
    assert [(m.stem, m.given, m.correct, m.right) for m in displays[4].matches] == [
        ("Бюджет", "Рада", "Рада", True),
        ("Розпорядження", "Рада", "Голова", False),
    ]
    assert displays[5].given_order == ["Обговорення", "Проєкт", "Рішення"]
    assert displays[5].correct_order == ["Проєкт", "Обговорення", "Рішення"]
    html = response.content.decode()
    for text in ("Львів", "3,14", "Обговорення", "Розпорядження", "Голова"):
        assert text in html


def test_an_open_attempt_has_no_grading_form(world):
    quiz = build_quiz(module=world.a.modules[0], slots=[multichoice_question()])
    attempt = qsvc.attempt_start(user=world.learner, quiz=quiz)
    response = admin_client(world.trainer).get(attempt_url(attempt))
    assert response.status_code == 200
    assert all(i["form"] is None for i in response.context["items"])
    refused = grade(admin_client(world.trainer), attempt, 0, "1")
    assert refused.status_code == 200
    assert (
        refused.context["items"][0]["form"] is None
        or refused.context["items"][0]["form"].errors
    )
    assert attempt.responses.get().graded_by is None


# --- manual grading -------------------------------------------------------------------------


def test_grading_an_essay_updates_the_attempt_and_completes_the_quiz(world):
    client = admin_client(world.trainer)
    assert not ItemCompletion.objects.filter(
        user=world.learner, item_id=world.quiz.pk
    ).exists()

    response = grade(client, world.attempt, 1, "2", "Переконливо")

    assert response.status_code == 302
    assert response.url == attempt_url(world.attempt) + "#response-1"
    attempt = QuizAttempt.objects.get(pk=world.attempt.pk)
    assert not attempt.needs_grading
    assert (attempt.sum_marks, attempt.grade, attempt.passed) == (D(3), D(100), True)
    essay = attempt.responses.get(position=1)
    assert (essay.mark, essay.state, essay.grader_comment, essay.graded_by) == (
        D(2),
        "correct",
        "Переконливо",
        world.trainer,
    )
    assert ItemCompletion.objects.filter(
        user=world.learner, item_id=world.quiz.pk, source="quiz"
    ).exists()
    entry = ModelLogEntry.objects.get(
        action="courses.attempt.grade", object_id=str(attempt.pk)
    )
    assert entry.user == world.trainer
    assert (entry.data["old"], entry.data["new"]) == ("None", "2")

    # The page after the redirect shows the new total and the audit row.
    page = client.get(response.url)
    html = page.content.decode()
    assert "Mark saved for question 2." in html
    assert re.search(r'data-testid="attempt-grade">\s*100%', html)
    assert "Passed" in html and "Переконливо" in html
    assert page.context["awaiting"] == []
    assert [h["question"] for h in page.context["history"] if h["question"]] == [2]
    # It left the queue.
    queue = client.get(reverse("quiz_results:queue"))
    assert list(queue.context["object_list"]) == []


@pytest.mark.parametrize(
    ("language", "mark"), [("uk", "0,5"), ("uk", "0.5"), ("en", "0.5")]
)
def test_a_partial_mark_in_the_admins_language(world, language, mark):
    from wagtail.users.models import UserProfile

    client = admin_client(world.trainer)
    UserProfile.objects.filter(user=world.trainer).update(preferred_language=language)
    response = grade(client, world.attempt, 1, mark)
    assert response.status_code == 302
    attempt = QuizAttempt.objects.get(pk=world.attempt.pk)
    assert (attempt.sum_marks, attempt.grade, attempt.passed) == (
        D("1.5"),
        D(50),
        False,
    )
    assert not ItemCompletion.objects.filter(
        user=world.learner, item_id=world.quiz.pk
    ).exists()


@pytest.mark.parametrize("mark", ["3", "2.01", "-1", "abc", ""])
def test_a_bad_mark_is_a_form_error_and_changes_nothing(world, mark):
    response = grade(admin_client(world.trainer), world.attempt, 1, mark)

    assert response.status_code == 200
    form = response.context["items"][1]["form"]
    assert form.errors["mark"]
    html = response.content.decode()
    if mark in ("3", "2.01", "-1"):
        assert "The mark must be between 0 and 2" in html
    essay = world.attempt.responses.get(position=1)
    assert (essay.mark, essay.graded_by) == (None, None)
    assert QuizAttempt.objects.get(pk=world.attempt.pk).needs_grading
    assert not ModelLogEntry.objects.filter(action="courses.attempt.grade").exists()


def test_overriding_an_automatic_mark(world):
    client = admin_client(world.trainer)
    assert grade(client, world.other_attempt, 0, "0.5", "Частково").status_code == 302
    attempt = QuizAttempt.objects.get(pk=world.other_attempt.pk)
    assert attempt.responses.get(position=0).mark == D("0.5")
    # other_learner left the essay blank (0): 0.5 of 3.
    assert attempt.grade == D("16.67")


def test_the_grading_form_needs_a_csrf_token(world):
    client = admin_client(world.trainer, enforce_csrf_checks=True)
    refused = grade(client, world.attempt, 1, "2")
    assert refused.status_code == 403
    assert world.attempt.responses.get(position=1).mark is None

    page = client.get(attempt_url(world.attempt)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    accepted = client.post(
        attempt_url(world.attempt),
        {"csrfmiddlewaretoken": token, "position": "1", "r1-mark": "2"},
    )
    assert accepted.status_code == 302
    assert world.attempt.responses.get(position=1).mark == 2


def test_superuser_can_grade(world):
    assert (
        grade(admin_client(world.superuser), world.attempt, 1, "1").status_code == 302
    )
    assert world.attempt.responses.get(position=1).graded_by == world.superuser


def test_learner_review_shows_the_trainers_comment(world):
    grade(admin_client(world.trainer), world.attempt, 1, "2", "Добре <b>зроблено</b>")
    learner = Client()
    learner.force_login(world.learner)
    html = learner.get(
        reverse("courses:attempt-review", args=[world.attempt.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Добре &lt;b&gt;зроблено&lt;/b&gt;" in html


def test_the_essay_text_is_shown_unchanged(world):
    html = admin_client(world.trainer).get(attempt_url(world.attempt)).content.decode()
    for line in ESSAY_TEXT.splitlines():
        assert line in html
