"""The "check a file" page: upload a PDF, learn whether we issued it."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

import pytest
from reportlab.pdfgen import canvas

from certificates import signing
from certificates.forms import ERR_NOT_PDF, ERR_TOO_BIG, MAX_UPLOAD_BYTES
from certificates.models import Certificate

pytestmark = pytest.mark.django_db

URL = "/certificates/check/"


def pdf_upload(data: bytes, name: str = "certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def some_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Certificate of something else")
    page.save()
    return buffer.getvalue()


def outcome(response) -> str:
    html = response.content.decode()
    marker = 'data-outcome="'
    assert marker in html, html
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_url_contract():
    assert reverse("certificates:check_file") == URL


def test_form_has_a_labelled_pdf_input(client, db):
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="id_file"' in html
    assert 'accept=".pdf,application/pdf"' in html
    assert "csrfmiddlewaretoken" in html


def test_genuine_file_of_a_valid_certificate(client, certificate):
    response = client.post(URL, {"file": pdf_upload(bytes(certificate.pdf))})

    assert response.status_code == 200
    assert outcome(response) == "genuine"
    html = response.content.decode()
    assert gettext("Genuine: the file we issued, and the certificate is valid") in html
    assert f'href="/certificates/verify/{certificate.code}/"' in html
    assert certificate.pdf_sha256 in html
    assert gettext("ours, intact, covers the whole file") in html


def test_genuine_file_of_a_revoked_certificate(client, revoked):
    response = client.post(URL, {"file": pdf_upload(bytes(revoked.pdf))})

    assert outcome(response) == "revoked"
    html = response.content.decode()
    assert gettext("Genuine file, but the certificate has been revoked") in html
    assert "Підроблені документи" in html
    assert f'href="/certificates/verify/{revoked.code}/"' in html


def test_genuine_file_of_a_superseded_certificate(client, superseded):
    old, new = superseded

    response = client.post(URL, {"file": pdf_upload(bytes(old.pdf))})

    assert outcome(response) == "superseded"
    assert f'href="/certificates/verify/{new.code}/"' in response.content.decode()


def test_one_changed_byte_is_caught(client, certificate):
    data = bytearray(certificate.pdf)
    # A byte inside the first content stream: the page looks almost the same.
    position = data.index(b"stream") + 40
    data[position] ^= 0x01

    check = signing.check_pdf_signature(bytes(data))
    response = client.post(URL, {"file": pdf_upload(bytes(data))})

    assert not check.ok
    assert outcome(response) == "altered"
    html = response.content.decode()
    assert gettext("Not confirmed: the file was changed or not issued by us") in html
    assert "/certificates/verify/" + certificate.code not in html


def test_some_other_pdf_is_not_ours(client, certificate):
    response = client.post(URL, {"file": pdf_upload(some_pdf())})

    assert outcome(response) == "altered"
    assert gettext("none") in response.content.decode()


def test_our_signature_on_a_file_we_did_not_issue(client, certificate):
    signed = signing.sign_pdf(some_pdf(), signer=signing.load_signer())

    response = client.post(URL, {"file": pdf_upload(signed)})

    assert outcome(response) == "signed_unknown"
    assert gettext("Signed by us, but not a file we issued") in (
        response.content.decode()
    )


def test_not_a_pdf_is_a_form_error(client, certificate):
    upload = SimpleUploadedFile("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 500)

    response = client.post(URL, {"file": upload})

    assert response.status_code == 400
    html = response.content.decode()
    assert str(ERR_NOT_PDF) in html
    assert "data-outcome" not in html


def test_missing_file_is_a_form_error(client, db):
    response = client.post(URL, {})

    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()


def test_file_just_over_five_megabytes_is_refused(client, db):
    data = b"%PDF-1.7\n" + b"0" * MAX_UPLOAD_BYTES

    response = client.post(URL, {"file": pdf_upload(data)})

    assert response.status_code == 400
    assert str(ERR_TOO_BIG) in response.content.decode()


def test_far_too_big_upload_is_refused_unread(client, db):
    data = b"%PDF-1.7\n" + b"0" * (6 * 1024 * 1024)

    response = client.post(URL, {"file": pdf_upload(data)})

    assert response.status_code == 413
    assert str(ERR_TOO_BIG) in response.content.decode()


def test_genuine_even_when_the_signature_cannot_be_checked(
    client, certificate, settings, tmp_path
):
    settings.LMS_CERTIFICATES_KEY_DIR = str(tmp_path / "no-keys")

    response = client.post(URL, {"file": pdf_upload(bytes(certificate.pdf))})

    assert response.status_code == 200
    assert outcome(response) == "genuine"
    assert gettext("could not be checked on this server") in response.content.decode()


def test_csrf_is_enforced(certificate):
    client = Client(enforce_csrf_checks=True)

    response = client.post(URL, {"file": pdf_upload(bytes(certificate.pdf))})

    assert response.status_code == 403


def test_nothing_is_stored(client, certificate):
    before = list(Certificate.objects.values_list("pk", "status", "pdf_sha256"))

    client.post(URL, {"file": pdf_upload(bytes(certificate.pdf))})
    client.post(URL, {"file": pdf_upload(some_pdf())})

    assert list(Certificate.objects.values_list("pk", "status", "pdf_sha256")) == (
        before
    )


def test_uploads_are_rate_limited(client, certificate, settings):
    settings.LMS_CERTIFICATES_VERIFY_RATE = (2, 60)
    for _ in range(2):
        assert client.post(URL, {"file": pdf_upload(some_pdf())}).status_code == 200

    response = client.post(URL, {"file": pdf_upload(some_pdf())})

    assert response.status_code == 429
    assert response["Retry-After"]
