"""Parallel starts and submits of one learner's quiz (quiz reference §5.4, §6.11).

Twenty threads, each with its own logged-in client (logged in before the
barrier) and its own database connection, send the same request at once;
each scenario runs several rounds. Gate: one attempt, one grading, one audit
entry, one completion, every response a redirect, no exception.
"""

from __future__ import annotations

import pytest

from courses import quiz_services as qsvc
from courses import services
from courses.models import Enrolment, ItemCompletion, QuizAttempt
from tests.concurrency import ROUNDS, THREADS, Outcome, run_in_parallel
from tests.factories import UserFactory, build_programme, build_quiz, truefalse_question

from .helpers import attempt_url, log_count, start_url

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def post_in_parallel(user, url: str) -> Outcome:
    return run_in_parallel(user, [url] * THREADS)


def _quiz_for_new_programme(catalogue, learner, **fields):
    tree = build_programme(parent=catalogue, modules=1, lessons_per_module=0)
    quiz = build_quiz(
        module=tree.modules[0],
        slots=[truefalse_question(correct=True) for _ in range(3)],
        **fields,
    )
    services.enrolment_create(user=learner, programme=tree.programme)
    return tree, quiz


def test_parallel_starts_create_one_attempt(catalogue):
    learner = UserFactory(username="racer")
    for round_no in range(ROUNDS):
        _tree, quiz = _quiz_for_new_programme(catalogue, learner, attempts_allowed=1)

        outcome = post_in_parallel(learner, start_url(quiz))

        assert outcome.errors == [], [repr(e) for e in outcome.errors]
        assert outcome.statuses == [302] * THREADS, round_no
        attempts = QuizAttempt.objects.filter(quiz=quiz, user=learner)
        assert attempts.count() == 1, round_no
        attempt = attempts.get()
        assert set(outcome.locations) == {attempt_url("attempt", attempt)}
        assert (attempt.number, attempt.state) == (1, "in_progress")
        assert attempt.responses.count() == 3
        assert log_count("courses.attempt.start", attempt) == 1


def test_parallel_submits_grade_once(catalogue):
    learner = UserFactory(username="racer")
    for round_no in range(ROUNDS):
        tree, quiz = _quiz_for_new_programme(catalogue, learner, pass_mark=50)
        attempt = qsvc.attempt_start(user=learner, quiz=quiz)
        qsvc.responses_save(
            user=learner,
            attempt=attempt,
            data={f"q{n}-value": "true" for n in range(3)},
        )

        outcome = post_in_parallel(learner, attempt_url("attempt-submit", attempt))

        assert outcome.errors == [], [repr(e) for e in outcome.errors]
        assert outcome.statuses == [302] * THREADS, round_no
        assert set(outcome.locations) == {attempt_url("attempt-review", attempt)}
        attempt.refresh_from_db()
        assert attempt.state == "finished", round_no
        assert attempt.grade == 100 and attempt.passed
        assert log_count("courses.attempt.submit", attempt) == 1, round_no
        completions = ItemCompletion.objects.filter(user=learner, item_id=quiz.pk)
        assert completions.count() == 1, round_no
        assert completions.get().source == "quiz"
        assert log_count("courses.item.complete", completions.get()) == 1
        assert QuizAttempt.objects.filter(quiz=quiz, user=learner).count() == 1
        # The programme (this quiz is its only item) was completed once.
        enrolment = Enrolment.objects.get(user=learner, programme=tree.programme)
        assert enrolment.status == "completed"
        assert log_count("courses.enrolment.complete", enrolment) == 1
