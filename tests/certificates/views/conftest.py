"""Issued certificates in every status, and the people who ask for them.

Certificates are issued the way the site issues them: a learner completes a
programme through the course services, the completion signal fires on commit
and the certificate service signs and stores the PDF (throwaway keys from
``tests/certificates/conftest.py``).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib.auth.models import Permission

import pytest

from certificates import ratelimit, services
from certificates.models import Certificate
from courses import services as course_services
from courses.choices import ProgrammeKind
from courses.models import LearnerProfile
from tests.factories import UserFactory, build_programme
from tests.factories.certificates import (
    CertificateTemplateFactory,
    complete_programme,
    learner_with_name,
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(monkeypatch):
    """Each test counts from zero. A key prefix of its own rather than
    ``cache.clear()``, which on Redis would flush a database other test
    processes share."""
    monkeypatch.setattr(ratelimit, "KEY_PREFIX", f"test-rate-{uuid.uuid4().hex}")


@pytest.fixture
def templates(db):
    return (
        CertificateTemplateFactory(programme_kind=ProgrammeKind.SHORT),
        CertificateTemplateFactory(programme_kind=ProgrammeKind.CERTIFICATE),
    )


@pytest.fixture
def tree(catalogue):
    """A professional programme of 3 ECTS (90 hours)."""
    return build_programme(
        parent=catalogue,
        modules=1,
        lessons_per_module=1,
        title="Бюджет участі: як громада вирішує",
        kind=ProgrammeKind.CERTIFICATE,
        hours=90,
        ects=Decimal("3"),
    )


@pytest.fixture
def issue(tree, templates, signing_keys, django_capture_on_commit_callbacks):
    """``issue(username, **name)`` -> the learner's new valid certificate."""

    def make(username: str = "ivha", **name) -> Certificate:
        user = learner_with_name(username, **name)
        with django_capture_on_commit_callbacks(execute=True):
            complete_programme(user, tree)
        return Certificate.objects.get(user=user, programme=tree.programme)

    return make


@pytest.fixture
def certificate(issue) -> Certificate:
    return issue()


@pytest.fixture
def certadmin(db):
    user = UserFactory(username="certadmin")
    for codename in ("issue_certificate", "revoke_certificate", "view_certificate"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def trainer(tree):
    """A trainer of the very programme the certificate is for."""
    group = course_services.programme_trainer_group_ensure(programme=tree.programme)
    user = UserFactory(username="trainer", is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def revoked(certificate, certadmin) -> Certificate:
    return services.certificate_revoke(
        certificate=certificate, actor=certadmin, reason="Підроблені документи"
    )


@pytest.fixture
def superseded(certificate, certadmin, django_capture_on_commit_callbacks):
    """(old, new): the old certificate replaced after a name correction."""
    LearnerProfile.objects.filter(user=certificate.user).update(surname="Ґалаґан-Мирна")
    with django_capture_on_commit_callbacks(execute=True):
        new = services.certificate_reissue(
            certificate=certificate, actor=certadmin, reason="Зміна прізвища"
        )
    certificate.refresh_from_db()
    return certificate, new
