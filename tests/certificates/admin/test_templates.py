"""Certificate templates as a snippet, and the sample PDF preview."""

from __future__ import annotations

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest
from pypdf import PdfReader

from certificates.admin_views import SAMPLE_CODE, SAMPLE_NAME
from certificates.models import Certificate, CertificateTemplate, RegistrationCounter
from courses.choices import ProgrammeKind

from .conftest import admin_client

pytestmark = pytest.mark.django_db

NS = "wagtailsnippets_certificates_certificatetemplate"


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def template_form(**overrides) -> dict:
    data = {
        "name": "Сертифікатна програма",
        "programme_kind": ProgrammeKind.CERTIFICATE,
        "title_text": "СЕРТИФІКАТ",
        "kind_label": "професійна (сертифікатна) програма підвищення кваліфікації",
        "wording": "успішно завершив(-ла) навчання за програмою",
        "form_of_study": "дистанційна",
        "include_outcomes": "on",
        "issuer_name": "ГО «Школа місцевої демократії»",
        "issuer_code": "12345678",
        "signatory_name": "Олена ІВАНЕНКО",
        "signatory_position": "Голова правління",
        "colour_primary": "#1f3a68",
        "colour_accent": "#b08d3c",
    }
    data.update(overrides)
    return data


def test_create_and_edit_template(superuser):
    client = admin_client(superuser)
    assert client.get(reverse(f"{NS}:add")).status_code == 200
    response = client.post(reverse(f"{NS}:add"), template_form())
    assert response.status_code == 302, response.context["form"].errors
    template = CertificateTemplate.objects.get()
    assert template.issuer_name == "ГО «Школа місцевої демократії»"

    edit_url = reverse(f"{NS}:edit", args=[template.pk])
    page = client.get(edit_url)
    assert page.status_code == 200
    # the edit page offers the sample PDF
    assert reverse(f"{NS}:sample_pdf", args=[template.pk]) in page.content.decode()

    response = client.post(edit_url, template_form(issuer_code="1234"))
    assert response.status_code == 200  # invalid: ЄДРПОУ has 8 digits
    template.refresh_from_db()
    assert template.issuer_code == "12345678"

    response = client.post(edit_url, template_form(signatory_name="Ганна ЛИСЕНКО"))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.signatory_name == "Ганна ЛИСЕНКО"


def test_listing_has_a_preview_row_action(superuser, templates):
    response = admin_client(superuser).get(reverse(f"{NS}:list"))
    html = response.content.decode()
    assert response.status_code == 200
    for template in templates:
        assert reverse(f"{NS}:sample_pdf", args=[template.pk]) in html
    assert "Preview sample PDF" in html


def test_sample_pdf_uses_saved_values_and_writes_nothing(superuser, templates):
    template = templates[1]  # certificate programmes
    client = admin_client(superuser)
    url = reverse(f"{NS}:sample_pdf", args=[template.pk])
    logs = ModelLogEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    text = pdf_text(response.content)
    assert SAMPLE_NAME in text
    assert template.issuer_name.upper() in text
    assert template.title_text in text
    assert SAMPLE_CODE in text
    assert "ЗРАЗОК" in text
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert not Certificate.objects.exists()
    assert not RegistrationCounter.objects.exists()
    assert ModelLogEntry.objects.count() == logs


def test_sample_pdf_follows_the_kind(superuser, templates):
    short = templates[0]
    text = pdf_text(
        admin_client(superuser)
        .get(reverse(f"{NS}:sample_pdf", args=[short.pk]))
        .content
    )
    assert short.title_text in text
    assert "ЄКТС" not in text  # short programmes print hours only


def test_sample_pdf_shows_saved_not_posted_values(superuser, templates):
    template = templates[0]
    client = admin_client(superuser)
    # an unsaved (invalid) edit does not reach the sample
    client.post(
        reverse(f"{NS}:edit", args=[template.pk]),
        template_form(programme_kind=ProgrammeKind.SHORT, issuer_name="", name="x"),
    )
    text = pdf_text(client.get(reverse(f"{NS}:sample_pdf", args=[template.pk])).content)
    assert template.issuer_name.upper() in text


def test_sample_pdf_of_missing_template_is_404(superuser):
    response = admin_client(superuser).get(reverse(f"{NS}:sample_pdf", args=[999]))
    assert response.status_code == 404


def test_sample_that_cannot_be_laid_out_is_an_error_message(
    superuser, templates, monkeypatch
):
    from certificates import pdf

    def broken(snapshot):
        raise pdf.CertificateLayoutError("the logo is not a PNG or JPEG image")

    monkeypatch.setattr(pdf, "render_certificate", broken)
    template = templates[0]
    client = admin_client(superuser)
    response = client.get(reverse(f"{NS}:sample_pdf", args=[template.pk]))
    assert response.status_code == 302
    assert response.url == reverse(f"{NS}:edit", args=[template.pk])
    page = client.get(response.url).content.decode()
    assert "the logo is not a PNG or JPEG image" in page
