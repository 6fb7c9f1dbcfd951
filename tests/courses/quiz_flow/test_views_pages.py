"""What the quiz pages show: the quiz page in each state, the attempt page for
every question type, the timer, the summary and the review."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.utils import timezone

import pytest

from courses import quiz_services as qsvc
from tests.factories import (
    QuestionCategoryFactory,
    Slot,
    build_quiz,
    description_question,
    essay_question,
    multichoice_question,
    shortanswer_question,
    truefalse_question,
)

from .helpers import (
    LANG,
    HtmlPage,
    attempt_url,
    login,
    page_of,
    post_page,
    start,
    start_url,
)
from .quizzes import EveryTypeQuiz, every_type_quiz

pytestmark = pytest.mark.django_db

START_BUTTON = re.compile(r'<form method="post" action="/learning/quizzes/\d+/start/">')


def quiz_html(client, quiz) -> str:
    response = client.get(quiz.url, **LANG)
    assert response.status_code == 200
    return response.content.decode()


def tf_quiz(world, **fields):
    return build_quiz(
        module=world.module,
        slots=[truefalse_question(correct=True), truefalse_question(correct=True)],
        questions_per_page=0,
        **fields,
    )


# --- the quiz page -------------------------------------------------------------------------------


def test_quiz_page_can_start(world):
    quiz = tf_quiz(world, attempts_allowed=3, time_limit_minutes=20)
    html = quiz_html(login(world.learner), quiz)

    assert START_BUTTON.search(html)
    assert "Start the quiz" in html
    assert "3 attempts left." in html
    assert "20 minutes" in html
    assert "Your attempts" not in html
    assert "Continue the attempt" not in html


def test_quiz_page_offers_to_continue_an_open_attempt(world):
    quiz = tf_quiz(world)
    client = login(world.learner)
    attempt = start(client, quiz)

    html = quiz_html(client, quiz)

    assert "Continue the attempt" in html
    assert f'href="{attempt_url("attempt", attempt)}"' in html
    assert not START_BUTTON.search(html)
    assert "In progress" in html


def test_quiz_page_after_a_finished_attempt_offers_a_new_one(world):
    quiz = tf_quiz(world, attempts_allowed=2)
    client = login(world.learner)
    attempt = start(client, quiz)
    client.post(attempt_url("attempt-submit", attempt), {"q0-value": "true"})

    html = quiz_html(client, quiz)

    assert "Start a new attempt" in html and START_BUTTON.search(html)
    assert "1 attempt left." in html
    assert f'href="{attempt_url("attempt-review", attempt)}"' in html
    assert "Your grade: 50%" in html
    assert "Not passed yet" in html


def test_quiz_page_when_no_attempts_are_left(world):
    quiz = tf_quiz(world, attempts_allowed=1)
    client = login(world.learner)
    attempt = start(client, quiz)
    client.post(
        attempt_url("attempt-submit", attempt), {"q0-value": "true", "q1-value": "true"}
    )

    html = quiz_html(client, quiz)

    assert "No attempts left." in html
    assert not START_BUTTON.search(html)
    assert "Your grade: 100%" in html and "Passed" in html


@pytest.mark.parametrize(
    "dates",
    [
        {"open_at": dt.timedelta(hours=1)},
        {"close_at": -dt.timedelta(minutes=1)},
    ],
    ids=["not-open-yet", "closed"],
)
def test_quiz_page_when_not_open(world, dates):
    now = timezone.now()
    quiz = tf_quiz(world, **{k: now + v for k, v in dates.items()})

    html = quiz_html(login(world.learner), quiz)

    assert "The quiz is not open now." in html
    assert not START_BUTTON.search(html)


def test_quiz_page_for_a_trainer_and_for_outsiders(world):
    quiz = tf_quiz(world)

    html = quiz_html(login(world.trainer), quiz)
    assert "You are viewing this quiz as a trainer." in html
    assert START_BUTTON.search(html)
    assert login(world.outsider).get(quiz.url, **LANG).status_code == 403
    anonymous = Client().get(quiz.url, **LANG)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_quiz_page_counts_the_questions_an_attempt_will_have(world):
    category = QuestionCategoryFactory()
    for _ in range(5):
        truefalse_question(category=category)
    quiz = build_quiz(
        module=world.module,
        slots=[truefalse_question(), Slot(category=category, count=3)],
    )
    client = login(world.learner)

    html = quiz_html(client, quiz)

    assert re.search(r"<dt>Questions</dt><dd>4</dd>", html)
    assert start(client, quiz).responses.count() == 4


# --- the attempt page ----------------------------------------------------------------------------


def _quiz_form_fields(page: HtmlPage):
    return [
        f
        for f in page.form("/save/").fields
        if f.tag != "button" and f.type != "hidden"
    ]


def test_attempt_page_renders_every_type_with_labels(world):
    etq = every_type_quiz(world.module, questions_per_page=0)
    client = login(world.learner)
    attempt = start(client, etq.quiz)

    page = page_of(client, attempt_url("attempt", attempt))

    for kind in (
        "description", "multichoice", "truefalse", "shortanswer", "numerical",
        "matching", "ordering", "essay",
    ):  # fmt: skip
        assert f"question--{kind}" in page.html, kind
    fields = _quiz_form_fields(page)
    kinds = {(f.tag, f.type) for f in fields}
    assert kinds == {
        ("input", "radio"),
        ("input", "checkbox"),
        ("input", "text"),
        ("select", "select"),
        ("textarea", "textarea"),
    }
    ids = [f.id for f in fields]
    assert all(ids) and len(set(ids)) == len(ids), ids
    for f in fields:
        assert page.labels.get(f.id), f"no <label for={f.id}> for {f.name}"
        assert re.fullmatch(r"q\d+-[\w-]+", f.name), f.name
    # Radio and checkbox labels are the choice texts; selects offer the answers.
    assert page.labels[page.fields_named("q3-value")[0].id] == "True"
    assert {page.labels[f.id] for f in page.fields_named("q1-choice")} == {
        "Громада", "Область", "Держава",
    }  # fmt: skip
    # Ordering items: hidden values in the display order, each with move buttons.
    order = page.fields_named(f"q{EveryTypeQuiz.ORD}-order")
    assert len(order) == 4 and all(f.type == "hidden" for f in order)
    assert (
        len(re.findall(r'data-move="(?:up|down)" aria-label="Move “', page.html)) == 8
    )
    # Question numbers skip the description.
    assert "Question 1" in page.html and "Question 8" in page.html
    assert "Question 9" not in page.html


def test_timer_only_with_a_deadline(world):
    limited = tf_quiz(world, time_limit_minutes=15)
    unlimited = tf_quiz(world)
    client = login(world.learner)

    html = page_of(client, attempt_url("attempt", start(client, limited))).html
    seconds = int(re.search(r'data-timer data-seconds="(\d+)"', html)[1])
    assert 15 * 60 - 5 <= seconds <= 15 * 60
    assert 'role="timer"' in html

    html = page_of(client, attempt_url("attempt", start(client, unlimited))).html
    assert "data-timer" not in html and 'role="timer"' not in html


def test_timer_counts_down_from_the_server_deadline(world):
    quiz = tf_quiz(world, time_limit_minutes=15)
    client = login(world.learner)
    attempt = start(client, quiz)
    type(attempt).objects.filter(pk=attempt.pk).update(
        deadline_at=timezone.now() + dt.timedelta(minutes=2)
    )

    html = page_of(client, attempt_url("attempt", attempt)).html

    seconds = int(re.search(r'data-seconds="(\d+)"', html)[1])
    assert 110 <= seconds <= 120


# --- summary and review -------------------------------------------------------------------------


def test_summary_lists_answered_and_unanswered(world):
    quiz = build_quiz(
        module=world.module,
        slots=[
            description_question(),
            truefalse_question(),
            essay_question(),
            shortanswer_question(),
            multichoice_question(choices=[("Так", 1), ("Ні", 0)]),
        ],
        questions_per_page=1,
    )
    client = login(world.learner)
    attempt = start(client, quiz)
    url = attempt_url("attempt", attempt)
    answers = {1: {"q1-value": "false"}, 2: {}, 3: {}, 4: None}
    for n, fields in answers.items():
        page = page_of(client, f"{url}?page={n}")
        if fields is None:
            fields = {"q4-choice": page.value_for_label("q4-choice", "Ні")}
        # The browser sends every field of the page, blank text boxes too.
        post_page(client, attempt, page, fields, action="next")

    html = client.get(attempt_url("attempt-summary", attempt), **LANG).content.decode()

    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", html)
    assert [(re.sub(r"<[^>]+>", "", n), s) for n, s in rows] == [
        ("1", "Answer saved"),
        ("2", "Not yet answered"),
        ("3", "Not yet answered"),
        ("4", "Answer saved"),
    ]
    assert f'href="{url}?page=1"' in html and f'href="{url}?page=4"' in html
    assert f'action="{attempt_url("attempt-submit", attempt)}"' in html
    # Typing into the essay later makes it answered.
    page = page_of(client, f"{url}?page=2")
    post_page(client, attempt, page, {"q2-text": "Думка"})
    html = client.get(attempt_url("attempt-summary", attempt), **LANG).content.decode()
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", html)
    assert [s for _n, s in rows] == [
        "Answer saved",
        "Answer saved",
        "Not yet answered",
        "Answer saved",
    ]


def test_summary_without_page_links_in_sequential_mode(world):
    quiz = tf_quiz(world, navigation="sequential")
    client = login(world.learner)
    attempt = start(client, quiz)

    html = client.get(attempt_url("attempt-summary", attempt), **LANG).content.decode()

    assert "?page=" not in html
    assert html.count("Not yet answered") == 2


def test_review_shows_the_grade_and_the_overall_feedback_band(world):
    quiz = build_quiz(
        module=world.module,
        slots=[truefalse_question(correct=True) for _ in range(4)],
        questions_per_page=0,
        bands=[(0, "Спробуйте ще"), (50, "Непогано"), (100, "Відмінно")],
        pass_mark=50,
    )
    client = login(world.learner)
    expectations = [
        (1, "25%", "Спробуйте ще"),
        (2, "50%", "Непогано"),
        (4, "100%", "Відмінно"),
    ]
    for right, grade, band in expectations:
        attempt = start(client, quiz)
        client.post(
            attempt_url("attempt-submit", attempt),
            {f"q{n}-value": "true" for n in range(right)},
        )
        html = page_of(client, attempt_url("attempt-review", attempt)).html
        assert f"{grade} " in html, grade
        assert band in html
        for other in {b for _r, _g, b in expectations} - {band}:
            assert other not in html, (grade, other)
        assert ("Not passed" in html) == (right < 2)
        assert html.count("badge--correct") == right


def test_review_hides_grade_and_band_when_not_allowed(world):
    quiz = build_quiz(
        module=world.module,
        slots=[truefalse_question(correct=True)],
        bands=[(0, "Будь-яка смуга")],
        review_immediately=["attempt"],
    )
    client = login(world.learner)
    attempt = start(client, quiz)
    client.post(attempt_url("attempt-submit", attempt), {"q0-value": "true"})

    html = page_of(client, attempt_url("attempt-review", attempt)).html

    assert "Будь-яка смуга" not in html
    assert "100%" not in html and "Grade" not in html
    assert 'name="q0-value"' in html  # the attempt itself is shown


def test_open_attempt_review_and_summary_redirect_sensibly(world):
    quiz = tf_quiz(world)
    client = login(world.learner)
    attempt = start(client, quiz)

    assert client.get(attempt_url("attempt-review", attempt), **LANG)["Location"] == (
        attempt_url("attempt", attempt)
    )
    qsvc.attempt_submit(user=world.learner, attempt=attempt)
    for name in ("attempt", "attempt-summary"):
        response = client.get(attempt_url(name, attempt), **LANG)
        assert response["Location"] == attempt_url("attempt-review", attempt), name
    assert client.post(start_url(quiz), **LANG).status_code == 302
