"""Parallel requests against one database (quality reference, section 6.2).

Twenty threads, each with its own client and database connection, are released
together by a barrier and send the same state-changing request. Every scenario
runs several rounds to make the races likely. Gate: no duplicate rows, no lost
counts, one completion signal, every response a redirect, no exceptions
("database is locked" included).
"""

from __future__ import annotations

import threading

from django.db import connection
from django.test import Client
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from courses import services
from courses.models import Enrolment, ItemCompletion
from courses.signals import programme_completed
from tests.concurrency import (
    BARRIER_TIMEOUT,
    ROUNDS,
    THREADS,
    Outcome,
    run_in_parallel,
)
from tests.factories import UserFactory, build_programme

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def assert_clean(outcome: Outcome, status: int = 302) -> None:
    assert outcome.errors == [], [repr(e) for e in outcome.errors]
    assert outcome.statuses == [status] * THREADS


@pytest.fixture
def completions():
    """Every ``programme_completed`` received, recorded thread-safely."""
    received: list[tuple[int, int]] = []
    lock = threading.Lock()

    def receiver(sender, enrolment, user, programme, **kwargs):
        with lock:
            received.append((user.pk, programme.pk))

    programme_completed.connect(receiver, weak=False, dispatch_uid="test-parallel")
    yield received
    programme_completed.disconnect(dispatch_uid="test-parallel")


def _logs(action: str, obj) -> int:
    return ModelLogEntry.objects.filter(action=action, object_id=str(obj.pk)).count()


@pytest.mark.parametrize("policy", ["open", "approval"])
def test_parallel_enrol_creates_one_enrolment(catalogue, learner, policy):
    for round_no in range(ROUNDS):
        tree = build_programme(
            parent=catalogue, modules=1, lessons_per_module=2, enrolment_policy=policy
        )
        url = reverse("courses:enrol", args=[tree.programme.pk])

        outcome = run_in_parallel(learner, [url] * THREADS)

        assert_clean(outcome)
        assert set(outcome.locations) == {tree.programme.url}, round_no
        enrolments = Enrolment.objects.filter(user=learner, programme=tree.programme)
        assert enrolments.count() == 1, round_no
        enrolment = enrolments.get()
        expected = "active" if policy == "open" else "pending"
        assert enrolment.status == expected
        assert enrolment.required_count == 2
        assert _logs("courses.enrolment.create", enrolment) == 1


def test_parallel_complete_of_one_lesson_records_it_once(
    catalogue, learner, completions
):
    for round_no in range(ROUNDS):
        tree = build_programme(parent=catalogue, modules=1, lessons_per_module=3)
        services.enrolment_create(user=learner, programme=tree.programme)
        lesson = tree.lessons[round_no % 3]
        url = reverse("courses:item-complete", args=[lesson.pk])

        outcome = run_in_parallel(learner, [url] * THREADS)

        assert_clean(outcome)
        rows = ItemCompletion.objects.filter(user=learner, programme=tree.programme)
        assert list(rows.values_list("item_id", flat=True)) == [lesson.pk]
        enrolment = Enrolment.objects.get(user=learner, programme=tree.programme)
        assert (enrolment.completed_count, enrolment.required_count) == (1, 3)
        assert enrolment.status == "active"
        assert _logs("courses.item.complete", rows.get()) == 1
    assert completions == []


def test_parallel_complete_of_last_lesson_completes_once(
    catalogue, learner, completions
):
    for round_no in range(ROUNDS):
        tree = build_programme(parent=catalogue, modules=2, lessons_per_module=2)
        services.enrolment_create(user=learner, programme=tree.programme)
        for lesson in tree.lessons[:-1]:
            services.item_complete(user=learner, item=lesson)
        # Nothing completed yet in this round; earlier rounds each sent once.
        assert sorted(completions) == sorted(
            (learner.pk, p) for p in _done_programmes(learner)
        )
        url = reverse("courses:item-complete", args=[tree.lessons[-1].pk])

        outcome = run_in_parallel(learner, [url] * THREADS)

        assert_clean(outcome)
        _assert_completed_once(learner, tree, completions, round_no)


def test_parallel_complete_of_the_last_two_lessons_completes_once(
    catalogue, learner, completions
):
    """Two different items finish together: neither completion may be lost."""
    for round_no in range(ROUNDS):
        tree = build_programme(parent=catalogue, modules=2, lessons_per_module=2)
        services.enrolment_create(user=learner, programme=tree.programme)
        for lesson in tree.lessons[:-2]:
            services.item_complete(user=learner, item=lesson)
        urls = [
            reverse("courses:item-complete", args=[tree.lessons[-1 - n % 2].pk])
            for n in range(THREADS)
        ]

        outcome = run_in_parallel(learner, urls)

        assert_clean(outcome)
        _assert_completed_once(learner, tree, completions, round_no)


def test_parallel_json_completes_agree(catalogue, learner, completions):
    """The JSON variant under the same race: every caller sees 100%."""
    tree = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
    services.enrolment_create(user=learner, programme=tree.programme)
    url = reverse("courses:item-complete", args=[tree.lessons[0].pk])

    outcome = run_in_parallel(learner, [url] * THREADS, HTTP_ACCEPT="application/json")

    assert_clean(outcome, status=200)
    _assert_completed_once(learner, tree, completions, 0)


def test_parallel_learners_each_complete(catalogue, completions):
    """Different learners finishing the same programme at once do not block
    or miscount each other."""
    tree = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
    learners = [UserFactory(username=f"parallel-{n}") for n in range(THREADS)]
    for user in learners:
        services.enrolment_create(user=user, programme=tree.programme)
    url = reverse("courses:item-complete", args=[tree.lessons[0].pk])
    outcome = Outcome()
    barrier = threading.Barrier(THREADS)

    def worker(user) -> None:
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=BARRIER_TIMEOUT)
            response = client.post(url)
            with outcome.lock:
                outcome.statuses.append(response.status_code)
        except BaseException as exc:
            barrier.abort()
            with outcome.lock:
                outcome.errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(u,)) for u in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=BARRIER_TIMEOUT * 2)

    assert_clean(outcome)
    assert ItemCompletion.objects.filter(item_id=tree.lessons[0].pk).count() == THREADS
    assert set(
        Enrolment.objects.filter(programme=tree.programme).values_list(
            "status", "completed_count"
        )
    ) == {("completed", 1)}
    assert sorted(completions) == sorted((u.pk, tree.programme.pk) for u in learners)


def _done_programmes(user) -> list[int]:
    return list(
        Enrolment.objects.filter(user=user, status="completed")
        .order_by("completed_at")
        .values_list("programme_id", flat=True)
    )


def _assert_completed_once(user, tree, completions, round_no) -> None:
    enrolment = Enrolment.objects.get(user=user, programme=tree.programme)
    assert enrolment.status == "completed", round_no
    assert (enrolment.completed_count, enrolment.required_count) == (
        len(tree.lessons),
        len(tree.lessons),
    )
    assert ItemCompletion.objects.filter(
        user=user, programme=tree.programme
    ).count() == len(tree.lessons)
    mine = [c for c in completions if c[1] == tree.programme.pk]
    assert mine == [(user.pk, tree.programme.pk)], (round_no, completions)
    assert _logs("courses.enrolment.complete", enrolment) == 1
