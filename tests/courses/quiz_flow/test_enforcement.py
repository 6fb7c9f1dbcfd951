"""Server-side enforcement: deadlines and overdue rules, navigation, ownership,
HTTP methods and CSRF (quiz reference §1.2, §5.2-5.4, §6.10, §6.12)."""

from __future__ import annotations

import datetime as dt
import io

from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

import pytest

from courses import quiz_selectors as qsel
from courses import quiz_services as qsvc
from courses.models import QuizAttempt
from tests.factories import build_quiz, truefalse_question

from .helpers import (
    JSON,
    LANG,
    HtmlPage,
    attempt_url,
    log_count,
    login,
    page_of,
    post_page,
    start,
    start_url,
)

pytestmark = pytest.mark.django_db

GRACE = qsvc.NETWORK_GRACE
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def tf_quiz(world, n: int = 2, **fields):
    return build_quiz(
        module=world.module,
        slots=[truefalse_question(correct=True) for _ in range(n)],
        **fields,
    )


def answer(user, attempt, position: int, value: str = "true", now=None, page=None):
    return qsvc.responses_save(
        user=user,
        attempt=attempt,
        data={f"q{position}-value": value},
        page=page,
        now=now,
    )


def saved(attempt) -> dict[int, object]:
    return dict(attempt.responses.values_list("position", "response"))


def refresh(attempt) -> QuizAttempt:
    return QuizAttempt.objects.get(pk=attempt.pk)


# --- deadline and network grace ------------------------------------------------------------


def test_answers_within_the_network_grace_count_later_ones_do_not(world):
    quiz = tf_quiz(world, time_limit_minutes=10, questions_per_page=0)
    attempt = qsvc.attempt_start(user=world.learner, quiz=quiz, now=T0)
    deadline = attempt.deadline_at

    answer(world.learner, attempt, 0, now=deadline + GRACE)  # just in time
    with pytest.raises(qsvc.QuizError):
        answer(
            world.learner, attempt, 1, now=deadline + GRACE + dt.timedelta(seconds=1)
        )

    assert saved(attempt) == {0: {"value": True}, 1: None}
    qsvc.attempts_close_overdue(now=deadline + GRACE + dt.timedelta(seconds=1))
    attempt = refresh(attempt)
    assert attempt.state == "finished"
    assert attempt.finished_at == deadline
    assert attempt.grade == 50  # the late answer was not graded
    assert dict(attempt.responses.values_list("position", "state")) == {
        0: "correct",
        1: "not_answered",
    }


def _expire(attempt, ago: dt.timedelta) -> None:
    """Move the attempt's deadline ``ago`` into the past (the learner left)."""
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - ago)


def test_late_autosave_gets_409_and_nothing_is_saved(world):
    quiz = tf_quiz(world, time_limit_minutes=10)
    client = login(world.learner)
    attempt = start(client, quiz)
    page = page_of(client, attempt_url("attempt", attempt))
    _expire(attempt, GRACE + dt.timedelta(seconds=5))

    response = post_page(client, attempt, page, {"q0-value": "true"}, **JSON)

    assert response.status_code == 409
    body = response.json()
    assert body["closed"] is True and body["error"]
    assert saved(attempt)[0] is None
    # "closed" is true: the quiz's rule (submit what was saved) was applied.
    attempt = refresh(attempt)
    assert attempt.state == "finished"
    assert attempt.grade == 0
    assert log_count("courses.attempt.submit", attempt) == 1


def test_late_form_save_redirects_to_review_and_is_not_graded(world):
    quiz = tf_quiz(world, time_limit_minutes=10)
    client = login(world.learner)
    attempt = start(client, quiz)
    page = page_of(client, attempt_url("attempt", attempt))
    post_page(client, attempt, page, {"q0-value": "true", "action": "next"})
    page = page_of(client, attempt_url("attempt", attempt) + "?page=1")
    _expire(attempt, GRACE + dt.timedelta(seconds=5))

    response = post_page(
        client, attempt, page, {"q1-value": "true", "action": "finish"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == attempt_url("attempt-review", attempt)
    assert (
        client.get(response.headers["Location"], **LANG, follow=True).status_code == 200
    )
    attempt = refresh(attempt)
    assert attempt.state == "finished"
    assert saved(attempt) == {0: {"value": True}, 1: None}
    assert attempt.grade == 50


def test_late_answers_sent_with_submit_are_not_graded(world):
    quiz = tf_quiz(world, time_limit_minutes=10, questions_per_page=0)
    client = login(world.learner)
    attempt = start(client, quiz)
    page = page_of(client, attempt_url("attempt", attempt))
    post_page(client, attempt, page, {"q0-value": "true"})
    _expire(attempt, GRACE + dt.timedelta(seconds=5))

    response = client.post(
        attempt_url("attempt-submit", attempt), {"q0-value": "true", "q1-value": "true"}
    )

    assert response.status_code == 302
    attempt = refresh(attempt)
    assert attempt.state == "finished"
    assert attempt.finished_at == attempt.deadline_at
    assert attempt.grade == 50


def test_answers_sent_with_submit_in_time_are_graded(world):
    quiz = tf_quiz(world, time_limit_minutes=10, questions_per_page=0)
    client = login(world.learner)
    attempt = start(client, quiz)

    client.post(
        attempt_url("attempt-submit", attempt), {"q0-value": "true", "q1-value": "true"}
    )

    attempt = refresh(attempt)
    assert (attempt.state, attempt.grade) == ("finished", 100)


# --- overdue handling -----------------------------------------------------------------------


def _started(world, quiz, user=None):
    user = user or world.learner
    attempt = qsvc.attempt_start(user=user, quiz=quiz, now=T0)
    answer(user, attempt, 0, now=T0 + dt.timedelta(minutes=1))
    return attempt


def test_autosubmit_grades_what_was_saved_at_the_deadline(world):
    quiz = tf_quiz(world, time_limit_minutes=10, overdue_handling="autosubmit")
    attempt = _started(world, quiz)
    deadline = attempt.deadline_at

    assert qsvc.attempts_close_overdue(now=deadline + GRACE) == 0  # not yet
    assert qsvc.attempts_close_overdue(now=deadline + dt.timedelta(hours=1)) == 1

    attempt = refresh(attempt)
    assert attempt.state == "finished"
    assert attempt.finished_at == deadline
    assert (attempt.grade, attempt.sum_marks) == (50, 1)
    assert log_count("courses.attempt.submit", attempt) == 1
    assert qsvc.attempts_close_overdue(now=deadline + dt.timedelta(hours=2)) == 0
    assert log_count("courses.attempt.submit", attempt) == 1


def test_graceperiod_makes_the_attempt_overdue_then_submittable(world):
    quiz = tf_quiz(
        world,
        time_limit_minutes=10,
        overdue_handling="graceperiod",
        grace_period_minutes=15,
    )
    attempt = _started(world, quiz)
    deadline = attempt.deadline_at

    assert qsvc.attempts_close_overdue(now=deadline + dt.timedelta(minutes=1)) == 1
    attempt = refresh(attempt)
    assert attempt.state == "overdue"
    assert attempt.grade is None and attempt.finished_at is None
    # Overdue: answers can no longer change...
    with pytest.raises(qsvc.QuizError):
        answer(world.learner, attempt, 1, now=deadline + dt.timedelta(minutes=2))
    assert saved(attempt)[1] is None
    # ...and it still counts as open (no new attempt can be started beside it).
    assert (
        qsvc.attempt_start(user=world.learner, quiz=quiz, now=deadline).pk == attempt.pk
    )
    # ...but submitting within the grace period grades what was saved.
    submitted_at = deadline + dt.timedelta(minutes=14)
    attempt = qsvc.attempt_submit(user=world.learner, attempt=attempt, now=submitted_at)
    assert attempt.state == "finished"
    assert attempt.finished_at == submitted_at
    assert attempt.grade == 50


def test_graceperiod_abandons_after_the_grace(world):
    quiz = tf_quiz(
        world,
        time_limit_minutes=10,
        overdue_handling="graceperiod",
        grace_period_minutes=15,
    )
    attempt = _started(world, quiz)
    deadline = attempt.deadline_at
    qsvc.attempts_close_overdue(now=deadline + dt.timedelta(minutes=1))

    late = deadline + dt.timedelta(minutes=16)
    assert qsvc.attempts_close_overdue(now=late) == 1

    attempt = refresh(attempt)
    assert attempt.state == "abandoned"
    assert attempt.grade is None
    # A submit after the grace period does not grade it.
    attempt = qsvc.attempt_submit(user=world.learner, attempt=attempt, now=late)
    assert (attempt.state, attempt.grade) == ("abandoned", None)
    assert log_count("courses.attempt.submit", attempt) == 0
    assert log_count("courses.attempt.abandon", attempt) == 1


def test_graceperiod_submit_after_the_grace_abandons(world):
    quiz = tf_quiz(
        world,
        time_limit_minutes=10,
        overdue_handling="graceperiod",
        grace_period_minutes=15,
    )
    attempt = _started(world, quiz)

    attempt = qsvc.attempt_submit(
        user=world.learner,
        attempt=attempt,
        now=attempt.deadline_at + dt.timedelta(minutes=20),
    )

    assert (attempt.state, attempt.grade) == ("abandoned", None)


def test_autoabandon_does_not_count_in_the_final_grade(world):
    quiz = tf_quiz(world, time_limit_minutes=10, overdue_handling="autoabandon")
    first = qsvc.attempt_start(user=world.learner, quiz=quiz, now=T0)
    answer(world.learner, first, 0, now=T0)
    qsvc.attempt_submit(
        user=world.learner, attempt=first, now=T0 + dt.timedelta(minutes=1)
    )
    second = qsvc.attempt_start(
        user=world.learner, quiz=quiz, now=T0 + dt.timedelta(minutes=2)
    )
    for position in (0, 1):
        answer(world.learner, second, position, now=T0 + dt.timedelta(minutes=3))

    qsvc.attempts_close_overdue(now=second.deadline_at + dt.timedelta(minutes=1))

    second = refresh(second)
    assert second.state == "abandoned"
    assert second.grade is None
    assert qsvc.quiz_final_grade(quiz=quiz, user=world.learner) == 50
    context = qsel.quiz_page_context(quiz=quiz, user=world.learner)
    assert context["final_grade"] == 50
    assert not context["passed"]


@pytest.mark.parametrize(
    ("mode", "ago", "state"),
    [
        ("autosubmit", dt.timedelta(minutes=1), "finished"),
        ("graceperiod", dt.timedelta(minutes=1), "overdue"),
        ("graceperiod", dt.timedelta(minutes=16), "abandoned"),
        ("autoabandon", dt.timedelta(minutes=1), "abandoned"),
    ],
)
def test_management_command_applies_each_rule(world, mode, ago, state):
    quiz = tf_quiz(
        world, time_limit_minutes=10, overdue_handling=mode, grace_period_minutes=15
    )
    mine = qsvc.attempt_start(user=world.learner, quiz=quiz)
    answer(world.learner, mine, 0)
    theirs = qsvc.attempt_start(user=world.other_learner, quiz=quiz)  # still in time
    _expire(mine, ago)
    out = io.StringIO()

    call_command("close_overdue_attempts", stdout=out)

    assert out.getvalue().startswith("1 attempt(s)")
    mine, theirs = refresh(mine), refresh(theirs)
    assert mine.state == state
    assert theirs.state == "in_progress"
    if state == "finished":
        assert mine.finished_at == mine.deadline_at
        assert mine.grade == 50
    else:
        assert mine.grade is None


# --- navigation ---------------------------------------------------------------------------


def three_page_quiz(world, navigation: str):
    return tf_quiz(world, n=3, questions_per_page=1, navigation=navigation)


def test_sequential_navigation_is_enforced_by_the_views(world):
    quiz = three_page_quiz(world, "sequential")
    client = login(world.learner)
    attempt = start(client, quiz)
    url = attempt_url("attempt", attempt)

    # Asking for a later page redirects to the current one.
    response = client.get(url + "?page=2", **LANG)
    assert (response.status_code, response.headers["Location"]) == (302, url)
    page = page_of(client, url)
    assert [f.name for f in page.fields_named("q0-value")]
    assert not page.fields_named("q2-value")
    assert "?page=" not in page.html  # no page links to jump with
    # Jumping ahead with a save is refused.
    response = post_page(client, attempt, page, {"action": "page-2"})
    assert response.status_code == 302
    assert refresh(attempt).current_page == 0
    # Answers for another page are not saved.
    post_page(client, attempt, page, {"q2-value": "true", "page": "2"})
    assert saved(attempt)[2] is None
    # Next works, one page at a time.
    post_page(client, attempt, page, {"q0-value": "true", "action": "next"})
    assert refresh(attempt).current_page == 1
    assert saved(attempt)[0] == {"value": True}
    # Going back is refused, by button or by URL.
    page = page_of(client, url)
    assert page.fields_named("q1-value")
    post_page(client, attempt, page, {"action": "prev"})
    assert refresh(attempt).current_page == 1
    post_page(client, attempt, page, {"action": "page-0"})
    assert refresh(attempt).current_page == 1
    response = client.get(url + "?page=0", **LANG)
    assert (response.status_code, response.headers["Location"]) == (302, url)
    # A save naming the earlier page still saves only the current page.
    post_page(client, attempt, page, {"q0-value": "false", "page": "0"})
    assert saved(attempt)[0] == {"value": True}


def test_sequential_navigation_is_enforced_by_the_service(world):
    quiz = three_page_quiz(world, "sequential")
    attempt = qsvc.attempt_start(user=world.learner, quiz=quiz)

    with pytest.raises(PermissionDenied):
        qsvc.attempt_goto_page(user=world.learner, attempt=attempt, page=2)
    qsvc.attempt_goto_page(user=world.learner, attempt=attempt, page=1)
    with pytest.raises(PermissionDenied):
        qsvc.attempt_goto_page(user=world.learner, attempt=attempt, page=0)
    # responses_save ignores the page asked for and saves the current one.
    result = answer(world.learner, attempt, 0, page=0)
    assert result.saved == []
    assert saved(attempt)[0] is None
    assert refresh(attempt).current_page == 1


def test_free_navigation_allows_any_page(world):
    quiz = three_page_quiz(world, "free")
    client = login(world.learner)
    attempt = start(client, quiz)
    url = attempt_url("attempt", attempt)

    page = page_of(client, url + "?page=2")
    assert page.fields_named("q2-value") and not page.fields_named("q0-value")
    response = post_page(
        client, attempt, page, {"q2-value": "true", "action": "page-0"}
    )
    assert response.headers["Location"] == url + "?page=0"
    assert refresh(attempt).current_page == 0
    assert saved(attempt)[2] == {"value": True}
    page = page_of(client, url + "?page=1")
    post_page(client, attempt, page, {"action": "prev"})
    assert refresh(attempt).current_page == 0
    qsvc.attempt_goto_page(user=world.learner, attempt=attempt, page=2)
    qsvc.attempt_goto_page(user=world.learner, attempt=attempt, page=0)
    assert refresh(attempt).current_page == 0


def test_a_finished_attempt_accepts_nothing(world):
    quiz = tf_quiz(world)
    attempt = qsvc.attempt_start(user=world.learner, quiz=quiz)
    attempt = qsvc.attempt_submit(user=world.learner, attempt=attempt)

    with pytest.raises(qsvc.QuizError):
        answer(world.learner, attempt, 0)
    with pytest.raises(qsvc.QuizError):
        qsvc.attempt_goto_page(user=world.learner, attempt=attempt, page=1)
    again = qsvc.attempt_submit(user=world.learner, attempt=attempt)
    assert (again.pk, again.state, again.grade) == (attempt.pk, "finished", 0)
    assert log_count("courses.attempt.submit", attempt) == 1
    assert saved(attempt) == {0: None, 1: None}
    client = login(world.learner)
    response = client.get(attempt_url("attempt", attempt), **LANG)
    assert response.headers["Location"] == attempt_url("attempt-review", attempt)
    response = client.post(
        attempt_url("attempt-save", attempt), {"q0-value": "true"}, **LANG, **JSON
    )
    assert response.status_code == 409
    assert saved(attempt) == {0: None, 1: None}


# --- ownership, methods, CSRF ----------------------------------------------------------------

OWN_ENDPOINTS = [
    ("get", "attempt"),
    ("post", "attempt-save"),
    ("get", "attempt-summary"),
    ("post", "attempt-submit"),
    ("get", "attempt-review"),
]


@pytest.mark.parametrize("finished", [False, True])
@pytest.mark.parametrize(("method", "name"), OWN_ENDPOINTS)
def test_another_learners_attempt_is_not_found(world, method, name, finished):
    quiz = tf_quiz(world)
    attempt = qsvc.attempt_start(user=world.learner, quiz=quiz)
    if finished:
        attempt = qsvc.attempt_submit(user=world.learner, attempt=attempt)
    before = list(QuizAttempt.objects.values_list("pk", "state", "current_page"))

    for intruder in (world.other_learner, world.trainer):
        client = login(intruder)
        response = getattr(client, method)(
            attempt_url(name, attempt), {"q0-value": "true", "action": "next"}, **LANG
        )
        assert response.status_code == 404, intruder

    assert (
        list(QuizAttempt.objects.values_list("pk", "state", "current_page")) == before
    )
    assert saved(attempt) == {0: None, 1: None}


@pytest.mark.parametrize(("method", "name"), OWN_ENDPOINTS)
def test_anonymous_is_sent_to_login(world, method, name):
    attempt = qsvc.attempt_start(user=world.learner, quiz=tf_quiz(world))

    response = getattr(Client(), method)(attempt_url(name, attempt), **LANG)

    assert response.status_code == 302
    assert "/accounts/login/" in response.headers["Location"]


def test_wrong_methods_get_405(world):
    quiz = tf_quiz(world)
    attempt = qsvc.attempt_start(user=world.learner, quiz=quiz)
    client = login(world.learner)

    for url in (
        start_url(quiz),
        attempt_url("attempt-save", attempt),
        attempt_url("attempt-submit", attempt),
    ):
        assert client.get(url, **LANG).status_code == 405, url
    for name in ("attempt", "attempt-summary", "attempt-review"):
        assert client.post(attempt_url(name, attempt), **LANG).status_code == 405, name
    assert QuizAttempt.objects.filter(quiz=quiz).count() == 1
    assert refresh(attempt).state == "in_progress"


def test_csrf_is_enforced(world):
    quiz = tf_quiz(world)
    client = login(world.learner, enforce_csrf_checks=True)

    assert client.post(start_url(quiz), **LANG).status_code == 403
    assert not QuizAttempt.objects.filter(quiz=quiz).exists()

    # With the token from the page's own form, it works.
    quiz_page = HtmlPage(client.get(quiz.url, **LANG).content.decode())
    token = quiz_page.browser_data(start_url(quiz))["csrfmiddlewaretoken"][0]
    response = client.post(start_url(quiz), {"csrfmiddlewaretoken": token}, **LANG)
    assert response.status_code == 302
    attempt = QuizAttempt.objects.get(quiz=quiz)

    for name in ("attempt-save", "attempt-submit"):
        response = client.post(attempt_url(name, attempt), {"q0-value": "true"}, **LANG)
        assert response.status_code == 403, name
        response = client.post(
            attempt_url(name, attempt), {"q0-value": "true"}, **LANG, **JSON
        )
        assert response.status_code == 403, name
    attempt = refresh(attempt)
    assert attempt.state == "in_progress"
    assert saved(attempt) == {0: None, 1: None}

    page = page_of(client, attempt_url("attempt", attempt))
    response = post_page(client, attempt, page, {"q0-value": "true"}, **JSON)
    assert response.status_code == 200
    assert saved(attempt)[0] == {"value": True}


def test_an_overdue_attempt_leads_to_the_summary_to_submit(world):
    """In the grace period answers are locked, so the attempt page sends the
    learner (with or without JavaScript) to the summary, where Submit is."""
    quiz = tf_quiz(
        world,
        time_limit_minutes=10,
        overdue_handling="graceperiod",
        grace_period_minutes=15,
    )
    client = login(world.learner)
    attempt = start(client, quiz)
    page = page_of(client, attempt_url("attempt", attempt))
    post_page(client, attempt, page, {"q0-value": "true"})
    _expire(attempt, dt.timedelta(minutes=1))

    response = client.get(attempt_url("attempt", attempt), **LANG)

    assert refresh(attempt).state == "overdue"
    assert response.status_code == 302
    assert response.headers["Location"] == attempt_url("attempt-summary", attempt)
    summary = page_of(client, response.headers["Location"])
    assert summary.form(attempt_url("attempt-submit", attempt))
    # A late save sends the learner the same way, and changes nothing.
    response = post_page(
        client, attempt, page, {"q1-value": "true", "action": "finish"}
    )
    assert client.get(response.headers["Location"], **LANG, follow=True).redirect_chain[
        -1
    ][0] == attempt_url("attempt-summary", attempt)
    response = client.post(attempt_url("attempt-submit", attempt), **LANG)
    attempt = refresh(attempt)
    assert (attempt.state, attempt.grade) == ("finished", 50)
