"""Starting and resuming attempts: time stamps, limits, dates, draws, shuffles."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

import pytest

from courses import quiz_services as qsvc
from courses import services
from courses.models import ItemCompletion, QuizAttempt
from tests.factories import (
    QuestionCategoryFactory,
    Slot,
    UserFactory,
    build_quiz,
    multichoice_question,
    truefalse_question,
)

from .helpers import LANG, attempt_url, login, page_of, start, start_url

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def tf_quiz(world, n: int = 2, **fields):
    return build_quiz(
        module=world.module,
        slots=[truefalse_question() for _ in range(n)],
        **fields,
    )


def finish(user, attempt, now=None):
    return qsvc.attempt_submit(user=user, attempt=attempt, now=now)


# --- time stamps ---------------------------------------------------------------------


def test_start_through_the_view_stamps_server_time_and_ignores_client_values(world):
    quiz = tf_quiz(world, time_limit_minutes=30)
    client = login(world.learner)
    before = timezone.now()

    response = client.post(
        start_url(quiz),
        {"started_at": "2000-01-01T00:00:00Z", "deadline_at": "2100-01-01T00:00Z"},
        **LANG,
    )

    after = timezone.now()
    attempt = QuizAttempt.objects.get(quiz=quiz, user=world.learner)
    assert response.headers["Location"] == attempt_url("attempt", attempt)
    assert before <= attempt.started_at <= after
    assert attempt.deadline_at == attempt.started_at + dt.timedelta(minutes=30)
    assert (attempt.number, attempt.state) == (1, "in_progress")


def test_deadline_is_start_plus_limit(world):
    quiz = tf_quiz(world, time_limit_minutes=45)

    attempt = qsvc.attempt_start(user=world.learner, quiz=quiz, now=NOW)

    assert attempt.started_at == NOW
    assert attempt.deadline_at == NOW + dt.timedelta(minutes=45)


def test_deadline_is_capped_by_the_close_date(world):
    close = NOW + dt.timedelta(minutes=10)
    quiz = tf_quiz(world, time_limit_minutes=45, close_at=close)

    attempt = qsvc.attempt_start(user=world.learner, quiz=quiz, now=NOW)

    assert attempt.deadline_at == close


def test_close_date_alone_is_the_deadline_and_no_limit_means_none(world):
    close = NOW + dt.timedelta(days=2)
    closing = tf_quiz(world, close_at=close)
    open_ended = tf_quiz(world)

    assert (
        qsvc.attempt_start(user=world.learner, quiz=closing, now=NOW).deadline_at
        == close
    )
    assert (
        qsvc.attempt_start(user=world.learner, quiz=open_ended, now=NOW).deadline_at
        is None
    )


# --- resume and limits -----------------------------------------------------------------


def test_resume_returns_the_same_open_attempt(world):
    quiz = tf_quiz(world, time_limit_minutes=30)
    now = timezone.now()
    first = qsvc.attempt_start(user=world.learner, quiz=quiz, now=now)

    again = qsvc.attempt_start(
        user=world.learner, quiz=quiz, now=now + dt.timedelta(minutes=5)
    )

    assert again.pk == first.pk
    assert again.started_at == now  # not restamped: the clock keeps running
    assert QuizAttempt.objects.filter(quiz=quiz, user=world.learner).count() == 1
    # Through the view, too.
    client = login(world.learner)
    assert start(client, quiz).pk == first.pk


def test_attempts_allowed_is_enforced(world):
    quiz = tf_quiz(world, attempts_allowed=2)
    for n in (1, 2):
        attempt = qsvc.attempt_start(user=world.learner, quiz=quiz, now=NOW)
        assert attempt.number == n
        finish(world.learner, attempt, now=NOW)

    with pytest.raises(qsvc.QuizError):
        qsvc.attempt_start(user=world.learner, quiz=quiz, now=NOW)

    client = login(world.learner)
    response = client.post(start_url(quiz), **LANG)
    assert response.status_code == 302
    assert response.headers["Location"] == quiz.url
    assert QuizAttempt.objects.filter(quiz=quiz, user=world.learner).count() == 2
    # Other learners have their own allowance.
    assert qsvc.attempt_start(user=world.other_learner, quiz=quiz, now=NOW).number == 1


def test_unlimited_attempts_number_consecutively(world):
    quiz = tf_quiz(world, attempts_allowed=0)
    numbers = []
    for _ in range(4):
        attempt = qsvc.attempt_start(user=world.learner, quiz=quiz, now=NOW)
        numbers.append(attempt.number)
        finish(world.learner, attempt, now=NOW)
    assert numbers == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("open_delta", "close_delta", "allowed"),
    [
        (dt.timedelta(minutes=1), None, False),  # not open yet
        (None, dt.timedelta(0), False),  # closes exactly now
        (None, -dt.timedelta(minutes=1), False),  # closed
        (dt.timedelta(0), dt.timedelta(minutes=1), True),  # opens exactly now
        (-dt.timedelta(days=1), dt.timedelta(days=1), True),
    ],
)
def test_open_and_close_dates_are_enforced(world, open_delta, close_delta, allowed):
    quiz = tf_quiz(
        world,
        open_at=None if open_delta is None else NOW + open_delta,
        close_at=None if close_delta is None else NOW + close_delta,
    )
    if allowed:
        assert qsvc.attempt_start(user=world.learner, quiz=quiz, now=NOW).pk
    else:
        with pytest.raises(qsvc.QuizError):
            qsvc.attempt_start(user=world.learner, quiz=quiz, now=NOW)
        assert not QuizAttempt.objects.filter(quiz=quiz).exists()


def test_closed_quiz_refused_through_the_view(world):
    quiz = tf_quiz(world, close_at=timezone.now() - dt.timedelta(minutes=1))
    client = login(world.learner)

    response = client.post(start_url(quiz), **LANG, follow=True)

    assert response.redirect_chain == [(quiz.url, 302)]
    assert "not open" in response.content.decode()
    assert not QuizAttempt.objects.filter(quiz=quiz).exists()


def test_not_enrolled_cannot_start(world):
    quiz = tf_quiz(world)

    with pytest.raises(PermissionDenied):
        qsvc.attempt_start(user=world.outsider, quiz=quiz, now=NOW)
    with pytest.raises(PermissionDenied):
        qsvc.attempt_start(user=world.other_trainer, quiz=quiz, now=NOW)

    response = login(world.outsider).post(start_url(quiz), **LANG)
    assert response.status_code == 403
    assert not QuizAttempt.objects.filter(quiz=quiz).exists()


def test_anonymous_start_goes_to_login(world):
    quiz = tf_quiz(world)
    response = Client().post(start_url(quiz), **LANG)

    assert response.status_code == 302
    assert "/accounts/login/" in response.headers["Location"]
    assert not QuizAttempt.objects.filter(quiz=quiz).exists()


def test_trainer_preview_may_start_and_completes_nothing(world):
    quiz = tf_quiz(world, pass_mark=0)

    attempt = qsvc.attempt_start(user=world.trainer, quiz=quiz, now=NOW)
    attempt = finish(world.trainer, attempt, now=NOW)

    assert attempt.state == "finished"
    assert attempt.passed
    assert not ItemCompletion.objects.filter(user=world.trainer).exists()


# --- random draws -------------------------------------------------------------------------


def _drawn_ids(attempt) -> list[int]:
    return list(
        attempt.responses.order_by("position").values_list("question_id", flat=True)
    )


def test_random_slot_draws_distinct_questions_from_its_category_only(world):
    top = QuestionCategoryFactory()
    sub = QuestionCategoryFactory(parent=top)
    in_top = [truefalse_question(category=top) for _ in range(5)]
    in_sub = [truefalse_question(category=sub) for _ in range(3)]
    fixed = in_top[0]
    quiz = build_quiz(
        module=world.module,
        slots=[
            Slot(question=fixed),
            Slot(category=top, count=2),
            Slot(category=top, count=2),
        ],
    )
    allowed = {q.pk for q in in_top[1:]}
    learners = [UserFactory(username=f"draw-{n}") for n in range(6)]
    seen_draws = set()
    for user in learners:
        services.enrolment_create(user=user, programme=world.tree.programme)
        ids = _drawn_ids(qsvc.attempt_start(user=user, quiz=quiz, now=NOW))
        assert len(ids) == 5
        assert ids[0] == fixed.pk
        drawn = ids[1:]
        assert len(set(drawn)) == 4, "a question was drawn twice in one attempt"
        assert set(drawn) <= allowed, "drew the fixed question or a subcategory's"
        assert not set(drawn) & {q.pk for q in in_sub}
        seen_draws.add(tuple(drawn))
    # Fresh draws: six learners did not all get the same order of the same four.
    assert len(seen_draws) > 1


def test_random_slot_with_subcategories(world):
    top = QuestionCategoryFactory()
    sub = QuestionCategoryFactory(parent=top)
    subsub = QuestionCategoryFactory(parent=sub)
    fixed = truefalse_question(category=top)  # the only question in ``top``
    below = [truefalse_question(category=sub), truefalse_question(category=subsub)]
    with_subs = build_quiz(
        module=world.module,
        slots=[
            Slot(question=fixed),
            Slot(category=top, count=2, include_subcategories=True),
        ],
    )
    without_subs = build_quiz(
        module=world.module,
        slots=[Slot(question=fixed), Slot(category=top, count=1)],
    )

    ids = _drawn_ids(qsvc.attempt_start(user=world.learner, quiz=with_subs, now=NOW))

    assert ids[0] == fixed.pk
    assert sorted(ids[1:]) == sorted(q.pk for q in below)
    # Without subcategories only the fixed question is in ``top``, and it is
    # never repeated, so the draw cannot be filled.
    with pytest.raises(qsvc.QuizError):
        qsvc.attempt_start(user=world.learner, quiz=without_subs, now=NOW)
    assert not QuizAttempt.objects.filter(quiz=without_subs).exists()


def test_each_attempt_draws_afresh(world):
    category = QuestionCategoryFactory()
    pool = [truefalse_question(category=category) for _ in range(8)]
    quiz = build_quiz(module=world.module, slots=[Slot(category=category, count=3)])
    draws = set()
    for _ in range(6):
        attempt = qsvc.attempt_start(user=world.learner, quiz=quiz, now=NOW)
        ids = _drawn_ids(attempt)
        assert set(ids) <= {q.pk for q in pool} and len(set(ids)) == 3
        draws.add(tuple(ids))
        finish(world.learner, attempt, now=NOW)
    assert len(draws) > 1


# --- shuffles and opaque ids --------------------------------------------------------------


def _question_order(html: str) -> list[str]:
    return re.findall(r"Питання TF \d+|Питання MC \d+", html)


def test_question_shuffle_is_stored_per_attempt_and_stable_across_reloads(world):
    questions = [truefalse_question() for _ in range(8)]
    quiz = build_quiz(
        module=world.module,
        slots=questions,
        shuffle_questions=True,
        questions_per_page=0,
    )
    bank_order = [q.pk for q in questions]
    orders = []
    for n in range(5):
        user = world.learner if n == 0 else UserFactory(username=f"shuffle-{n}")
        if n:
            services.enrolment_create(user=user, programme=world.tree.programme)
        client = login(user)
        attempt = start(client, quiz)
        stored = _drawn_ids(attempt)
        assert sorted(stored) == sorted(bank_order)
        shown = _question_order(page_of(client, attempt_url("attempt", attempt)).html)
        # Stable: every reload shows the stored order.
        for _ in range(2):
            assert (
                _question_order(page_of(client, attempt_url("attempt", attempt)).html)
                == shown
            )
        expected = [
            q.name.replace("TF", "Питання TF") for q in _by_pk(questions, stored)
        ]
        assert shown == expected
        orders.append(tuple(stored))
    assert any(order != tuple(bank_order) for order in orders)


def _by_pk(questions, ids):
    by_pk = {q.pk: q for q in questions}
    return [by_pk[i] for i in ids]


def test_choice_shuffle_is_stable_and_ids_are_opaque_per_attempt(world):
    texts = [f"Варіант {n}" for n in range(6)]
    question = multichoice_question(
        choices=[(t, 1 if n == 0 else 0) for n, t in enumerate(texts)]
    )
    quiz = build_quiz(module=world.module, slots=[question])
    bank_ids = {f"c{c.pk}" for c in question.choices.all()}
    client = login(world.learner)
    snapshots, orders = [], []
    for _ in range(4):
        attempt = start(client, quiz)
        snapshot = attempt.responses.get().snapshot
        ids = [a["id"] for a in snapshot["answers"]]
        assert not set(ids) & bank_ids
        assert all(re.fullmatch(r"c[A-Za-z0-9_-]{8}", i) for i in ids), ids
        html = page_of(client, attempt_url("attempt", attempt)).html
        shown = re.findall(r'name="q0-choice" value="([^"]+)"', html)
        assert shown == ids  # the page shows the stored order...
        assert (
            re.findall(
                r'name="q0-choice" value="([^"]+)"',
                page_of(client, attempt_url("attempt", attempt)).html,
            )
            == shown
        )  # ...on every reload
        for bank_id in bank_ids:
            assert not re.search(rf"(?<![\w-]){bank_id}(?![\w-])", html)
        snapshots.append(set(ids))
        orders.append(tuple(a["text"] for a in snapshot["answers"]))
        finish(world.learner, attempt)
    for n, ids in enumerate(snapshots):
        for other in snapshots[n + 1 :]:
            assert not ids & other, "choice ids repeat between attempts"
    assert any(order != tuple(texts) for order in orders)


def test_choice_shuffle_opt_outs_keep_the_authors_order(world):
    texts = ["Так", "Ні", "Усе з переліченого"]
    per_question = multichoice_question(
        choices=[(texts[0], 1), (texts[1], 0), (texts[2], 0)], shuffle_choices=False
    )
    per_slot = multichoice_question(
        choices=[(texts[0], 1), (texts[1], 0), (texts[2], 0)]
    )
    quiz = build_quiz(
        module=world.module,
        slots=[
            Slot(question=per_question),
            Slot(question=per_slot, shuffle_choices=False),
        ],
    )
    for _ in range(3):
        attempt = qsvc.attempt_start(user=world.learner, quiz=quiz, now=NOW)
        for response in attempt.responses.all():
            assert [a["text"] for a in response.snapshot["answers"]] == texts
        finish(world.learner, attempt, now=NOW)
