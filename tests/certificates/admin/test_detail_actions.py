"""One certificate: facts, history, PDF; revoke and reissue (POST only)."""

from __future__ import annotations

from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from certificates import services
from certificates.models import Certificate, CertificateStatus
from courses.models import LearnerProfile

from .conftest import admin_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(completed_learners, tree, certadmin, unsigned):
    """A real certificate for the first learner, issued through the service."""
    certificate, _created = services.certificate_issue(
        user=completed_learners[0], programme=tree.programme, actor=certadmin
    )
    return certificate


def url(name: str, certificate) -> str:
    return reverse(f"certificate_registry:{name}", args=[certificate.pk])


def test_detail_shows_facts_history_and_links(certadmin, issued):
    response = admin_client(certadmin).get(url("detail", issued))
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        issued.registration_number,
        issued.code,
        issued.full_name,
        issued.programme_title,
        issued.pdf_sha256,
        "Certificate issued",  # history (Wagtail log entry)
        "Valid",
    ):
        assert text in html
    assert reverse("certificates:verify", args=[issued.code]) in html
    assert url("pdf", issued) in html
    assert url("revoke", issued) in html and url("reissue", issued) in html


def test_viewer_sees_no_revoke_or_reissue(viewer, issued):
    html = admin_client(viewer).get(url("detail", issued)).content.decode()
    assert url("revoke", issued) not in html and url("reissue", issued) not in html


def test_pdf_download_serves_the_stored_bytes(viewer, issued):
    response = admin_client(viewer).get(url("pdf", issued))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(issued.pdf)
    assert (
        f'filename="{issued.registration_number}_Galagan-Yivha.pdf"'
        in response["Content-Disposition"]
    )


def test_revoke_get_is_a_confirmation_that_changes_nothing(certadmin, issued):
    response = admin_client(certadmin).get(url("revoke", issued))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="reason"' in html and "csrfmiddlewaretoken" in html
    issued.refresh_from_db()
    assert issued.status == CertificateStatus.VALID
    assert not ModelLogEntry.objects.filter(action="certificates.revoke").exists()


def test_revoke_requires_a_reason(certadmin, issued):
    response = admin_client(certadmin).post(url("revoke", issued), {"reason": "  "})
    assert response.status_code == 200
    assert "Give a reason." in response.content.decode()
    issued.refresh_from_db()
    assert issued.status == CertificateStatus.VALID


def test_revoke_with_reason(certadmin, issued):
    client = admin_client(certadmin)
    response = client.post(url("revoke", issued), {"reason": "Помилка в даних"})
    assert response.status_code == 302
    assert response.url == url("detail", issued)
    issued.refresh_from_db()
    assert issued.status == CertificateStatus.REVOKED
    assert issued.revoked_reason == "Помилка в даних"
    assert issued.revoked_by == certadmin
    entry = ModelLogEntry.objects.get(
        action="certificates.revoke", object_id=str(issued.pk)
    )
    assert entry.user == certadmin and entry.data["reason"] == "Помилка в даних"
    page = client.get(response.url).content.decode()
    assert "revoked." in page  # success message
    assert "Помилка в даних" in page  # reason shown, and in the history
    assert url("revoke", issued) not in page  # no more actions


def test_service_error_is_a_message_and_changes_nothing(certadmin, issued):
    services.certificate_revoke(certificate=issued, actor=certadmin, reason="x")
    client = admin_client(certadmin)
    response = client.post(url("reissue", issued), {"reason": "Зміна прізвища"})
    assert response.status_code == 200
    assert "Only a valid certificate can be" in response.content.decode()
    assert Certificate.objects.count() == 1
    issued.refresh_from_db()
    assert issued.status == CertificateStatus.REVOKED


def test_reissue_uses_the_current_profile_name(certadmin, issued, completed_learners):
    learner = completed_learners[0]
    LearnerProfile.objects.filter(user=learner).update(surname="Ґалаґан-Мирна")
    client = admin_client(certadmin)
    confirm = client.get(url("reissue", issued)).content.decode()
    assert "Ґалаґан-Мирна Ївга Юріївна" in confirm  # the name that will be printed
    assert "superseded" in confirm
    response = client.post(url("reissue", issued), {"reason": "Зміна прізвища"})
    issued.refresh_from_db()
    new = issued.superseded_by
    assert issued.status == CertificateStatus.SUPERSEDED
    assert new is not None and new.status == CertificateStatus.VALID
    assert new.full_name == "Ґалаґан-Мирна Ївга Юріївна"
    assert response.status_code == 302 and response.url == url("detail", new)
    assert ModelLogEntry.objects.filter(
        action="certificates.supersede", object_id=str(issued.pk)
    ).exists()
    old_page = client.get(url("detail", issued)).content.decode()
    assert url("detail", new) in old_page


def test_reissue_requires_a_reason(certadmin, issued):
    response = admin_client(certadmin).post(url("reissue", issued), {})
    assert response.status_code == 200
    assert Certificate.objects.count() == 1
