"""Parallel completions and issue requests never duplicate a certificate or a
registration number (SQLite WAL + IMMEDIATE and PostgreSQL alike)."""

from __future__ import annotations

import threading

from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.urls import reverse

import pytest

from certificates import services
from certificates.models import Certificate, RegistrationCounter
from courses import services as course_services
from courses.choices import ProgrammeKind
from tests.concurrency import BARRIER_TIMEOUT, THREADS, run_in_parallel
from tests.factories import UserFactory, build_programme
from tests.factories.certificates import CertificateTemplateFactory, learner_with_name

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(catalogue, signing_keys):
    CertificateTemplateFactory(programme_kind=ProgrammeKind.SHORT)
    admin = UserFactory(username="certadmin")
    admin.user_permissions.add(Permission.objects.get(codename="issue_certificate"))
    return admin


def _parallel(calls) -> list[BaseException]:
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(calls))

    def worker(fn):
        try:
            barrier.wait(timeout=BARRIER_TIMEOUT)
            fn()
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(fn,)) for fn in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_parallel_last_lesson_completions_issue_one_certificate(catalogue, setup):
    tree = build_programme(parent=catalogue, modules=1, lessons_per_module=2)
    learner = learner_with_name("racer")
    course_services.enrolment_create(user=learner, programme=tree.programme)
    course_services.item_complete(user=learner, item=tree.lessons[0])
    url = reverse("courses:item-complete", args=[tree.lessons[1].pk])

    outcome = run_in_parallel(learner, [url] * THREADS)

    assert outcome.errors == []
    assert outcome.statuses == [302] * THREADS
    certificates = Certificate.objects.filter(user=learner)
    assert certificates.count() == 1
    assert certificates.get().number == 1
    assert RegistrationCounter.objects.get().last_number == 1
    assert len(mail.outbox) == 1


def test_parallel_issue_requests_for_one_learner_issue_once(catalogue, setup):
    tree = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
    learner = learner_with_name("manual")
    course_services.enrolment_create(user=learner, programme=tree.programme)
    course_services.item_complete(user=learner, item=tree.lessons[0])
    Certificate.objects.all().delete()  # the automatic issue; now race manual ones
    RegistrationCounter.objects.all().delete()

    def issue():
        services.certificate_issue(user=learner, programme=tree.programme, actor=setup)

    errors = _parallel([issue] * THREADS)

    assert errors == []
    assert Certificate.objects.filter(user=learner).count() == 1
    assert RegistrationCounter.objects.get().last_number == 1


def test_parallel_issues_for_many_learners_get_gap_free_numbers(catalogue, setup):
    tree = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
    learners = [learner_with_name(f"many{i}") for i in range(THREADS)]
    for learner in learners:
        course_services.enrolment_create(user=learner, programme=tree.programme)
    lesson = tree.lessons[0]

    errors = _parallel(
        [
            (lambda u=u: course_services.item_complete(user=u, item=lesson))
            for u in learners
        ]
    )

    assert errors == []
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == list(range(1, THREADS + 1))
    assert Certificate.objects.values("code").distinct().count() == THREADS
