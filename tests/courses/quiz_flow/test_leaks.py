"""Nothing that grades is sent to the browser before the review options allow it
(quiz reference §5.1, §5.5, §6.19, §6.22).

Every question type carries marker strings in its per-choice, combined and
general feedback and in its right answer; the pages and JSON a learner gets
are searched for them, for the word "fraction", for correctness flags and for
the bank ids of choices, pairs and items.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils import timezone

import pytest

from courses import quiz_services as qsvc
from courses.models import QuestionResponse, QuizAttempt
from courses.models.quiz import REVIEW_ITEM_CODES

from .helpers import JSON, LANG, attempt_url, login, page_of, post_page, start
from .quizzes import (
    ALL_MARKERS,
    GENERAL_FEEDBACK_MARKERS,
    NEVER_SHOWN,
    RIGHT_ANSWER_MARKERS,
    SPECIFIC_FEEDBACK_MARKERS,
    EveryTypeQuiz,
    every_type_quiz,
    mediocre_answers,
)

pytestmark = pytest.mark.django_db

CORRECTNESS = re.compile(
    r"(question|badge)--(correct|partial|incorrect|not_answered|needs_grading)"
    r"|is_correct|data-correct|\"correct\"|'correct'"
)
#: The feedback the mediocre answers earn (and only those).
CHOSEN_FEEDBACK = [
    "QZFB_MCS_2",
    "QZCF_MCS_PART",
    "QZFB_MCM_YEL",
    "QZFB_MCM_BLU",
    "QZCF_MCM_BAD",
    "QZFB_TF_WRONG",
    "QZFB_SA_ANY",
    "QZCF_SA_BAD",
    "QZFB_NUM_ANY",
    "QZCF_NUM_BAD",
    "QZCF_MATCH_PART",
    "QZCF_ORD_BAD",
]
UNEARNED_FEEDBACK = [m for m in SPECIFIC_FEEDBACK_MARKERS if m not in CHOSEN_FEEDBACK]
LEARNER_TEXT = ["QZLEARNERESSAY", "моя відповідь"]
GRADER_COMMENT = "QZCOMMENT"


def assert_no_leaks(text: str, etq: EveryTypeQuiz, where: str) -> None:
    for marker in ALL_MARKERS:
        assert marker not in text, (where, marker)
    assert "fraction" not in text.lower(), where
    assert not CORRECTNESS.search(text), (where, CORRECTNESS.search(text))
    assert '"source"' not in text, where
    for bank_id in etq.bank_ids():
        assert not re.search(rf"(?<![\w-]){bank_id}(?![\w-])", text), (where, bank_id)


def assert_always_safe(text: str, etq: EveryTypeQuiz, where: str) -> None:
    """What no page may show, whatever the review options."""
    for marker in [*UNEARNED_FEEDBACK, *NEVER_SHOWN, "QZBAND_MID", "QZBAND_HIGH"]:
        assert marker not in text, (where, marker)
    assert "fraction" not in text.lower(), where
    for bank_id in etq.bank_ids():
        assert not re.search(rf"(?<![\w-]){bank_id}(?![\w-])", text), (where, bank_id)


def take_attempt(client, etq: EveryTypeQuiz, *, check: bool = True) -> QuizAttempt:
    """Answer every page (with the mediocre answers) by form and by autosave,
    checking every page and JSON response on the way."""
    quiz = etq.quiz
    if check:
        assert_no_leaks(client.get(quiz.url, **LANG).content.decode(), etq, "quiz page")
    attempt = start(client, quiz)
    url = attempt_url("attempt", attempt)
    for n in range(attempt.page_count):
        page = page_of(client, f"{url}?page={n}")
        if check:
            assert_no_leaks(page.html, etq, f"page {n}")
        answers = mediocre_answers(page, n)
        if answers:
            # A malformed value first: the error must not help either.
            bad = dict.fromkeys(answers, "zzz-not-an-id")
            if n in (EveryTypeQuiz.MCS, EveryTypeQuiz.MCM, EveryTypeQuiz.MATCH):
                response = post_page(client, attempt, page, bad, **JSON)
                assert response.status_code == 400
                if check:
                    assert_no_leaks(response.content.decode(), etq, f"bad json {n}")
        response = post_page(client, attempt, page, answers, **JSON)
        assert response.status_code == 200, response.content
        assert response.json()["saved"] == ([n] if n else [])
        if check:
            assert_no_leaks(response.content.decode(), etq, f"json {n}")
            reloaded = page_of(client, f"{url}?page={n}")
            assert_no_leaks(reloaded.html, etq, f"page {n} answered")
    summary = client.get(attempt_url("attempt-summary", attempt), **LANG)
    assert summary.status_code == 200
    if check:
        assert_no_leaks(summary.content.decode(), etq, "summary")
        assert_no_leaks(
            client.get(quiz.url, **LANG).content.decode(), etq, "quiz page open"
        )
    # A review URL while open shows nothing but a redirect back.
    review = client.get(attempt_url("attempt-review", attempt), **LANG)
    assert review.headers["Location"] == url
    return attempt


def submit(client, attempt) -> QuizAttempt:
    response = client.post(attempt_url("attempt-submit", attempt), **LANG)
    assert response.headers["Location"] == attempt_url("attempt-review", attempt)
    return QuizAttempt.objects.get(pk=attempt.pk)


def test_nothing_leaks_during_the_attempt_even_with_every_review_option_on(world):
    etq = every_type_quiz(world.module, review_during=list(REVIEW_ITEM_CODES))
    client = login(world.learner)

    attempt = take_attempt(client, etq)

    # The answers were really saved (the pages above showed them back).
    saved = dict(attempt.responses.values_list("position", "state"))
    assert saved == {0: "todo", **dict.fromkeys(range(1, 9), "saved")}


def test_with_review_options_off_nothing_shows_after_submit(world):
    etq = every_type_quiz(
        world.module,
        review_during=[],
        review_immediately=[],
        review_open=[],
        review_closed=[],
    )
    client = login(world.learner)
    attempt = take_attempt(client, etq)
    attempt = submit(client, attempt)
    essay = attempt.responses.get(position=EveryTypeQuiz.ESSAY)
    qsvc.response_grade_manually(
        actor=world.trainer, response=essay, mark=Decimal(1), comment=GRADER_COMMENT
    )
    attempt.refresh_from_db()
    assert attempt.grade is not None  # graded: there is something to hide

    for when in ("immediately", "open", "closed"):
        _set_time(attempt, when)
        review = client.get(attempt_url("attempt-review", attempt), **LANG)
        assert review.status_code == 200
        html = review.content.decode()
        assert_no_leaks(html, etq, f"review {when}")
        for text in [*LEARNER_TEXT, GRADER_COMMENT, 'class="question__mark"']:
            assert text not in html, (when, text)
        assert f"{attempt.grade}%" not in html
        quiz_page = client.get(etq.quiz.url, **LANG).content.decode()
        assert_no_leaks(quiz_page, etq, f"quiz page {when}")
        assert f"{attempt.grade}%" not in quiz_page, when
        assert attempt_url("attempt-review", attempt) not in quiz_page


def _set_time(attempt: QuizAttempt, when: str) -> None:
    """Place "now" in one of Moodle's review times by moving the finish and
    close dates in the database."""
    now = timezone.now()
    finished, close = {
        "immediately": (now - dt.timedelta(seconds=30), now - dt.timedelta(minutes=1)),
        "open": (now - dt.timedelta(minutes=10), now + dt.timedelta(days=1)),
        "open_no_close": (now - dt.timedelta(minutes=10), None),
        "closed": (now - dt.timedelta(minutes=10), now - dt.timedelta(minutes=1)),
    }[when]
    QuizAttempt.objects.filter(pk=attempt.pk).update(finished_at=finished)
    type(attempt.quiz).objects.filter(pk=attempt.quiz_id).update(close_at=close)


TIME_FIELD = {
    "immediately": "review_immediately",
    "open": "review_open",
    "open_no_close": "review_open",
    "closed": "review_closed",
}

#: What each review item discloses on the review page (with "attempt" on).
ITEM_SHOWS = {
    "attempt": LEARNER_TEXT,
    "correctness": ["badge--partial", "badge--incorrect", "question--partial"],
    "marks": ['class="question__mark"', GRADER_COMMENT],
    "specific_feedback": CHOSEN_FEEDBACK,
    "general_feedback": GENERAL_FEEDBACK_MARKERS,
    "right_answer": RIGHT_ANSWER_MARKERS,
    "overall_feedback": ["QZBAND_LOW"],
}


@pytest.fixture
def graded(world):
    """A submitted every-type attempt, its essay marked by the trainer."""
    etq = every_type_quiz(world.module)
    client = login(world.learner)
    attempt = submit(client, take_attempt(client, etq, check=False))
    essay = attempt.responses.get(position=EveryTypeQuiz.ESSAY)
    qsvc.response_grade_manually(
        actor=world.trainer, response=essay, mark=Decimal(1), comment=GRADER_COMMENT
    )
    attempt.refresh_from_db()
    # 1 (MC single, 50%) + 2/3 (matching) + 1 (essay) of 11 marks.
    assert attempt.grade == Decimal("24.24")
    assert attempt.responses.filter(state=QuestionResponse.State.PARTIAL).exists()
    return etq, client, attempt


@pytest.mark.parametrize("when", list(TIME_FIELD))
def test_each_review_item_shows_exactly_at_its_time(graded, when):
    etq, client, attempt = graded
    quiz = etq.quiz
    _set_time(attempt, when)
    everything = list(REVIEW_ITEM_CODES)
    for item in REVIEW_ITEM_CODES:
        shown = sorted({"attempt", item})
        # Every other time shows everything: picking the wrong time would show
        # more than this item.
        fields = dict.fromkeys(TIME_FIELD.values(), everything)
        fields[TIME_FIELD[when]] = shown
        type(quiz).objects.filter(pk=quiz.pk).update(**fields)

        html = client.get(
            attempt_url("attempt-review", attempt), **LANG
        ).content.decode()

        assert_always_safe(html, etq, f"{when}/{item}")
        for code, markers in ITEM_SHOWS.items():
            for marker in markers:
                assert (marker in html) == (code in shown), (when, item, code, marker)
        assert ("24.24%" in html) == ("marks" in shown), (when, item)


@pytest.mark.parametrize("item", ["marks", "overall_feedback"])
def test_grade_and_overall_feedback_need_no_attempt_review(graded, item):
    etq, client, attempt = graded
    quiz = etq.quiz
    _set_time(attempt, "open")
    type(quiz).objects.filter(pk=quiz.pk).update(review_open=[item])

    html = client.get(attempt_url("attempt-review", attempt), **LANG).content.decode()

    assert ("24.24%" in html) == (item == "marks")
    assert ("QZBAND_LOW" in html) == (item == "overall_feedback")
    for marker in [*LEARNER_TEXT, *CHOSEN_FEEDBACK, *RIGHT_ANSWER_MARKERS]:
        assert marker not in html, marker
    assert_always_safe(html, etq, item)


def test_quiz_page_shows_grade_and_band_only_as_allowed(graded):
    etq, client, attempt = graded
    quiz = etq.quiz
    _set_time(attempt, "open")
    cases = [
        ([], False, False),
        (["marks"], True, False),
        (["overall_feedback"], False, True),
        (["marks", "overall_feedback"], True, True),
    ]
    for items, grade_shown, band_shown in cases:
        type(quiz).objects.filter(pk=quiz.pk).update(review_open=items)

        html = client.get(quiz.url, **LANG).content.decode()

        assert ("24.24%" in html) == grade_shown, items
        assert ("QZBAND_LOW" in html) == band_shown, items
        assert_always_safe(html, etq, str(items))
