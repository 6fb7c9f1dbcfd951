"""Certificate admin fixtures: roles, a programme, certificates.

Admin users work in English (their Wagtail profile), so tests read msgids.
``make_certificate`` inserts registry rows directly (fast, any name or date);
tests of revoking, reissuing and issuing use the real services.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from wagtail.users.models import UserProfile

import pytest

from certificates import codes
from certificates.models import Certificate, CertificateStatus
from courses import services as course_services
from courses.choices import ProgrammeKind
from tests.factories import UserFactory, build_programme
from tests.factories.certificates import (
    CertificateTemplateFactory,
    complete_programme,
    learner_with_name,
)

_numbers = itertools.count(1)


def admin_client(user) -> Client:
    """A client logged in as ``user``, whose admin speaks English."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client = Client()
    client.force_login(user)
    return client


def user_with_perms(username: str, *codenames: str):
    user = UserFactory(username=username)
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
        *Permission.objects.filter(
            content_type__app_label="certificates", codename__in=codenames
        ),
    )
    return user


def fake_pdf(text: str) -> bytes:
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


def make_certificate(
    programme,
    full_name: str,
    *,
    status: str = CertificateStatus.VALID,
    issued_at: dt.datetime | None = None,
    user=None,
    pdf: bytes | None = None,
    emailed: bool = False,
) -> Certificate:
    """A registry row inserted directly (no rendering): for lists and ZIPs."""
    number = next(_numbers)
    issued_at = issued_at or timezone.now()
    document = pdf if pdf is not None else fake_pdf(f"{number} {full_name}")
    return Certificate.objects.create(
        code=codes.generate_code(),
        year=issued_at.year,
        number=number,
        registration_number=codes.registration_number(issued_at.year, number),
        user=user,
        programme=programme,
        full_name=full_name,
        search_name=codes.search_key(full_name),
        programme_title=programme.title,
        programme_kind=programme.kind,
        hours=Decimal(programme.hours),
        date_completed=timezone.localdate(issued_at),
        issued_at=issued_at,
        issuer_name="Громадська організація «Громада, що діє»",
        snapshot={"full_name": full_name},
        pdf=document,
        pdf_sha256=hashlib.sha256(document).hexdigest(),
        status=status,
        revoked_reason="тест" if status == CertificateStatus.REVOKED else "",
        emailed_at=issued_at if emailed else None,
    )


@pytest.fixture
def templates(db):
    return (
        CertificateTemplateFactory(programme_kind=ProgrammeKind.SHORT),
        CertificateTemplateFactory(programme_kind=ProgrammeKind.CERTIFICATE),
    )


@pytest.fixture
def tree(catalogue):
    return build_programme(
        parent=catalogue, modules=1, lessons_per_module=1, title="Бюджет участі"
    )


@pytest.fixture
def other_tree(catalogue):
    return build_programme(
        parent=catalogue, modules=1, lessons_per_module=1, title="Громадські слухання"
    )


@pytest.fixture
def unsigned(settings):
    """Issue without signing keys: faster, and enough for admin screens."""
    settings.LMS_CERTIFICATES_SIGNING = False
    settings.LMS_PUBLIC_URL = "https://learn.example.org"


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def certadmin(db):
    return user_with_perms(
        "certadmin", "view_certificate", "issue_certificate", "revoke_certificate"
    )


@pytest.fixture
def viewer(db):
    """May read the registry only."""
    return user_with_perms("viewer", "view_certificate")


@pytest.fixture
def trainer(tree):
    user = UserFactory(username="trainer")
    user.groups.add(
        course_services.programme_trainer_group_ensure(programme=tree.programme)
    )
    return user


@pytest.fixture
def completed_learners(tree, templates):
    """Three learners who completed ``tree`` (no certificate yet: the automatic
    issue waits for a commit that never comes in a test transaction)."""
    learners = [
        learner_with_name("ivha"),
        learner_with_name(
            "maryana", surname="Коваль", given="Мар'яна", patronymic="Петрівна"
        ),
        learner_with_name(
            "oles", surname="Бондар", given="Олесь", patronymic="Іванович"
        ),
    ]
    for learner in learners:
        complete_programme(learner, tree)
    return learners
