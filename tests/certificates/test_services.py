"""Issuing, revoking, reissuing and e-mailing certificates through the services."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from wagtail.models import ModelLogEntry

import pytest

from certificates import codes, services
from certificates.models import (
    BulkIssueJob,
    Certificate,
    CertificateStatus,
    RegistrationCounter,
)
from certificates.models.certificate import ImmutableCertificateError
from courses.choices import ProgrammeKind
from courses.models import LearnerProfile
from tests.factories import UserFactory, build_programme
from tests.factories.certificates import (
    CertificateTemplateFactory,
    complete_programme,
    learner_with_name,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Service messages are translated; these tests read the English msgids."""
    with translation.override("en"):
        yield


@pytest.fixture
def templates(db):
    return (
        CertificateTemplateFactory(programme_kind=ProgrammeKind.SHORT),
        CertificateTemplateFactory(programme_kind=ProgrammeKind.CERTIFICATE),
    )


@pytest.fixture
def tree(catalogue):
    return build_programme(
        parent=catalogue, modules=1, lessons_per_module=2, title="Бюджет участі"
    )


@pytest.fixture
def certadmin(db):
    user = UserFactory(username="certadmin")
    for codename in ("issue_certificate", "revoke_certificate", "view_certificate"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def completed(tree, templates, signing_keys, django_capture_on_commit_callbacks):
    user = learner_with_name("ivha")
    with django_capture_on_commit_callbacks(execute=True):
        complete_programme(user, tree)
    return user


def test_completion_issues_one_signed_certificate(completed, tree):
    certificate = Certificate.objects.get(user=completed)
    assert certificate.programme_id == tree.programme.pk
    assert certificate.status == CertificateStatus.VALID
    assert certificate.full_name == "Ґалаґан Ївга Юріївна"
    assert certificate.signed
    data = bytes(certificate.pdf)
    assert data.startswith(b"%PDF")
    assert certificate.pdf_sha256 == hashlib.sha256(data).hexdigest()
    assert codes.normalise_code(certificate.code) == certificate.code
    assert certificate.registration_number == f"{certificate.year}-00001"
    assert certificate.snapshot["verify_url"] == (
        f"https://learn.example.org/certificates/verify/{certificate.code}/"
    )
    assert certificate.issued_by is None
    assert ModelLogEntry.objects.filter(
        action="certificates.issue", object_id=str(certificate.pk)
    ).exists()


def test_completion_email_sent_once_with_verify_link(completed):
    certificate = Certificate.objects.get(user=completed)
    assert len(mail.outbox) == 1
    assert certificate.code in mail.outbox[0].body
    assert mail.outbox[0].to == [completed.email]
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None
    assert services.certificate_email(certificate_id=certificate.pk) is False
    assert len(mail.outbox) == 1


def test_email_failure_releases_claim_for_retry(completed, monkeypatch):
    certificate = Certificate.objects.get(user=completed)
    Certificate.objects.filter(pk=certificate.pk).update(emailed_at=None)
    mail.outbox.clear()

    def broken(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(services, "send_mail", broken)
    with pytest.raises(OSError):
        services.certificate_email(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.emailed_at is None
    monkeypatch.undo()
    assert services.certificate_email(certificate_id=certificate.pk) is True
    assert len(mail.outbox) == 1


def test_repeated_issue_returns_the_same_certificate(completed, tree, certadmin):
    first = Certificate.objects.get(user=completed)
    again, created = services.certificate_issue(
        user=completed, programme=tree.programme, actor=certadmin
    )
    auto, created_auto = services.certificate_issue(
        user=completed, programme=tree.programme
    )
    assert (again.pk, created) == (first.pk, False)
    assert (auto.pk, created_auto) == (first.pk, False)
    assert Certificate.objects.count() == 1
    assert RegistrationCounter.objects.get().last_number == 1


def test_issue_requires_completion(tree, templates, signing_keys, certadmin):
    user = learner_with_name("notyet")
    with pytest.raises(ValidationError, match="has not completed"):
        services.certificate_issue(user=user, programme=tree.programme, actor=certadmin)
    assert not Certificate.objects.exists()


def test_issue_requires_permission(completed, tree):
    trainer = UserFactory(username="trainer")
    with pytest.raises(PermissionDenied):
        services.certificate_issue(
            user=completed, programme=tree.programme, actor=trainer
        )


def test_missing_template_is_a_clear_error(tree, signing_keys, certadmin):
    user = learner_with_name("tpl")
    complete_programme(user, tree)
    with pytest.raises(ValidationError, match="Certificate templates"):
        services.certificate_issue(user=user, programme=tree.programme, actor=certadmin)


def test_signing_on_without_key_stops_issue_with_clear_error(
    tree, templates, settings, tmp_path, certadmin
):
    settings.LMS_CERTIFICATES_SIGNING = True
    settings.LMS_CERTIFICATES_KEY_DIR = str(tmp_path / "nothing-here")
    user = learner_with_name("nokey")
    complete_programme(user, tree)
    with pytest.raises(ValidationError, match="certificates_keygen"):
        services.certificate_issue(user=user, programme=tree.programme, actor=certadmin)
    assert not Certificate.objects.exists()
    assert not RegistrationCounter.objects.filter(last_number__gt=0).exists()


def test_unsigned_when_signing_is_off(tree, templates, settings, certadmin):
    settings.LMS_CERTIFICATES_SIGNING = False
    user = learner_with_name("unsigned")
    complete_programme(user, tree)
    certificate, created = services.certificate_issue(
        user=user, programme=tree.programme, actor=certadmin
    )
    assert created and not certificate.signed


def test_numbers_are_sequential_per_year(tree, templates, signing_keys, certadmin):
    numbers = []
    for i in range(3):
        user = learner_with_name(f"seq{i}")
        complete_programme(user, tree)
        certificate, _ = services.certificate_issue(
            user=user, programme=tree.programme, actor=certadmin
        )
        numbers.append(certificate.number)
    assert numbers == [1, 2, 3]
    assert len({c.code for c in Certificate.objects.all()}) == 3


def test_certificate_is_immutable(completed):
    certificate = Certificate.objects.get(user=completed)
    certificate.full_name = "Хтось Інший"
    with pytest.raises(ImmutableCertificateError):
        certificate.save()
    with pytest.raises(ImmutableCertificateError):
        certificate.save(update_fields=["full_name"])


def test_revoke_needs_reason_and_permission(completed, certadmin):
    certificate = Certificate.objects.get(user=completed)
    with pytest.raises(ValidationError):
        services.certificate_revoke(
            certificate=certificate, actor=certadmin, reason=" "
        )
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(
            certificate=certificate, actor=completed, reason="x"
        )
    revoked = services.certificate_revoke(
        certificate=certificate, actor=certadmin, reason="Помилка в даних"
    )
    assert revoked.status == CertificateStatus.REVOKED
    assert revoked.revoked_by == certadmin and revoked.revoked_at
    again = services.certificate_revoke(
        certificate=certificate, actor=certadmin, reason="ще раз"
    )
    assert again.revoked_reason == "Помилка в даних"
    assert ModelLogEntry.objects.filter(action="certificates.revoke").count() == 1


def test_revoked_certificate_is_not_reissued_automatically(completed, tree, certadmin):
    certificate = Certificate.objects.get(user=completed)
    services.certificate_revoke(certificate=certificate, actor=certadmin, reason="x")
    same, created = services.certificate_issue(user=completed, programme=tree.programme)
    assert not created and same.pk == certificate.pk
    fresh, created = services.certificate_issue(
        user=completed, programme=tree.programme, actor=certadmin
    )
    assert created and fresh.status == CertificateStatus.VALID


def test_reissue_after_name_correction_supersedes(completed, certadmin):
    old = Certificate.objects.get(user=completed)
    LearnerProfile.objects.filter(user=completed).update(surname="Ґалаґан-Мирна")
    mail.outbox.clear()
    new = services.certificate_reissue(
        certificate=old, actor=certadmin, reason="Зміна прізвища"
    )
    old.refresh_from_db()
    assert old.status == CertificateStatus.SUPERSEDED
    assert old.superseded_by_id == new.pk
    assert new.full_name == "Ґалаґан-Мирна Ївга Юріївна"
    assert new.code != old.code and new.number == old.number + 1
    assert new.issued_by == certadmin
    assert ModelLogEntry.objects.filter(action="certificates.reissue").exists()
    with pytest.raises(ValidationError):
        services.certificate_reissue(certificate=old, actor=certadmin, reason="x")


def test_bulk_issue_runs_job_with_progress(
    tree, templates, signing_keys, certadmin, django_capture_on_commit_callbacks
):
    users = [learner_with_name(f"bulk{i}") for i in range(3)]
    for user in users:
        complete_programme(user, tree)
    services.certificate_issue(user=users[0], programme=tree.programme, actor=certadmin)
    not_done = learner_with_name("bulk-not-done")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.bulk_issue_start(
            programme=tree.programme,
            actor=certadmin,
            user_ids=[u.pk for u in users] + [not_done.pk],
        )
    job.refresh_from_db()
    assert job.status == BulkIssueJob.Status.DONE
    assert (job.total, job.processed, job.issued, job.skipped, job.failed) == (
        4,
        4,
        2,
        1,
        1,
    )
    assert "has not completed" in job.errors[0]["error"]
    assert Certificate.objects.count() == 3


def test_bulk_issue_default_targets_completed_without_certificate(
    tree, templates, signing_keys, certadmin, django_capture_on_commit_callbacks
):
    for i in range(2):
        complete_programme(learner_with_name(f"dflt{i}"), tree)
    assert services.completed_without_certificate(tree.programme).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        job = services.bulk_issue_start(programme=tree.programme, actor=certadmin)
    job.refresh_from_db()
    assert job.issued == 2
    assert services.completed_without_certificate(tree.programme).count() == 0


def test_short_and_certificate_programmes_use_their_templates(
    catalogue, templates, signing_keys, certadmin
):
    cert_tree = build_programme(
        parent=catalogue,
        modules=1,
        lessons_per_module=1,
        kind=ProgrammeKind.CERTIFICATE,
        hours=90,
        ects=3,
    )
    user = learner_with_name("pro")
    complete_programme(user, cert_tree)
    certificate, _ = services.certificate_issue(
        user=user, programme=cert_tree.programme, actor=certadmin
    )
    assert certificate.snapshot["title_text"] == "СЕРТИФІКАТ"
    assert certificate.snapshot["ects"] == "3.0"
    assert certificate.template.programme_kind == ProgrammeKind.CERTIFICATE


def test_no_certificate_without_a_name(tree, templates, signing_keys, certadmin):
    user = UserFactory(username="nameless", first_name="", last_name="")
    complete_programme(user, tree)
    with pytest.raises(ValidationError, match="no name in their profile"):
        services.certificate_issue(user=user, programme=tree.programme, actor=certadmin)
    assert not Certificate.objects.exists()


def test_name_falls_back_to_the_account_name(tree, templates, signing_keys, certadmin):
    user = UserFactory(username="named", first_name="Олена", last_name="Коваль")
    complete_programme(user, tree)
    certificate, _ = services.certificate_issue(
        user=user, programme=tree.programme, actor=certadmin
    )
    assert certificate.full_name == "Олена Коваль"
