"""Owner downloads (PDF, Open Badge) and the published keys and documents."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, quote, urlsplit

from django.urls import reverse
from django.utils.translation import gettext

from wagtail.models import ModelLogEntry

import jwt
import pytest
from cryptography import x509

from certificates.models import Certificate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = "https://learn.example.org"


def pdf_path(code: str) -> str:
    return reverse("certificates:pdf", args=[code])


def credential_path(code: str) -> str:
    return reverse("certificates:credential", args=[code])


def state(certificate: Certificate) -> tuple:
    return tuple(
        Certificate.objects.filter(pk=certificate.pk).values_list(
            "status", "revoked_at", "superseded_by", "emailed_at", "pdf_sha256"
        )[0]
    )


# --- PDF -------------------------------------------------------------------------------


def test_owner_downloads_the_stored_bytes(client, certificate):
    client.force_login(certificate.user)
    before = state(certificate)

    response = client.get(pdf_path(certificate.code))

    assert response.status_code == 200
    assert response.content == bytes(certificate.pdf)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(certificate.pdf))
    number = certificate.registration_number
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="certificate-{number}.pdf"; ')
    utf8_name = f"{gettext('certificate')}-{number}-Ґалаґан-Ївга-Юріївна.pdf"
    assert f"filename*=UTF-8''{quote(utf8_name, safe='')}" in disposition
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert state(certificate) == before  # a GET changes nothing
    entry = ModelLogEntry.objects.get(action="certificates.download")
    assert entry.user_id == certificate.user_id
    assert entry.object_id == str(certificate.pk)


def test_anonymous_is_sent_to_log_in(client, certificate):
    response = client.get(pdf_path(certificate.code))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["next"] == [pdf_path(certificate.code)]


def test_other_learner_is_refused(client, certificate):
    client.force_login(UserFactory(username="someone-else"))

    assert client.get(pdf_path(certificate.code)).status_code == 403


def test_trainer_of_the_programme_is_refused(client, certificate, trainer):
    client.force_login(trainer)

    assert client.get(pdf_path(certificate.code)).status_code == 403


def test_certificate_admin_downloads(client, certificate, certadmin):
    client.force_login(certadmin)

    response = client.get(pdf_path(certificate.code))

    assert response.status_code == 200
    assert response.content == bytes(certificate.pdf)


def test_unknown_code_is_404_and_mistyped_redirects(client, certificate):
    client.force_login(certificate.user)

    assert client.get(pdf_path("7KQ2-M9XD-4TRB-H0NC")).status_code == 404
    response = client.get(pdf_path(certificate.code.lower()))
    assert response.status_code == 301
    assert response["Location"] == pdf_path(certificate.code)


def test_revoked_pdf_is_gone_for_the_learner(client, revoked, certadmin):
    client.force_login(revoked.user)

    response = client.get(pdf_path(revoked.code))

    assert response.status_code == 410
    html = response.content.decode()
    assert gettext("The certificate has been revoked") in html
    assert "Підроблені документи" in html
    assert b"%PDF" not in response.content
    assert not ModelLogEntry.objects.filter(action="certificates.download").exists()

    client.force_login(certadmin)  # the registry can still show what was issued
    assert client.get(pdf_path(revoked.code)).status_code == 200


def test_superseded_pdf_points_to_the_new_one(client, superseded):
    old, new = superseded
    client.force_login(old.user)

    response = client.get(pdf_path(old.code))

    assert response.status_code == 410
    assert f'href="{pdf_path(new.code)}"' in response.content.decode()
    assert client.get(pdf_path(new.code)).status_code == 200


def test_head_does_not_log_a_download(client, certificate):
    client.force_login(certificate.user)

    assert client.head(pdf_path(certificate.code)).status_code == 200
    assert not ModelLogEntry.objects.filter(action="certificates.download").exists()


# --- Open Badges -------------------------------------------------------------------------


def test_credential_verifies_with_the_published_jwks(client, certificate):
    client.force_login(certificate.user)

    response = client.get(credential_path(certificate.code))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    number = certificate.registration_number
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="certificate-{number}.jwt"'
    )
    token = response.content.decode()

    jwks = client.get(reverse("certificates:jwks")).json()
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    assert header["kid"].startswith(f"{BASE}/certificates/jwks.json#")
    [jwk] = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    assert "d" not in jwk  # public members only
    payload = jwt.decode(
        token,
        key=jwt.PyJWK(jwk).key,
        algorithms=["RS256"],
        options={"require": ["iss", "jti", "nbf", "sub"]},
    )

    assert payload["iss"] == f"{BASE}/certificates/issuer.json"
    assert payload["jti"] == f"{BASE}/certificates/verify/{certificate.code}/"
    assert payload["nbf"] == int(certificate.issued_at.timestamp())
    assert "OpenBadgeCredential" in payload["type"]
    assert payload["validFrom"] == certificate.issued_at.astimezone(dt.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    subject = payload["credentialSubject"]
    assert subject["creditsEarned"] == 3.0
    names = [i["identityHash"] for i in subject["identifier"]]
    assert names == ["Ґалаґан Ївга Юріївна"]  # no e-mail, hashed or not
    achievement = subject["achievement"]
    assert achievement["name"] == "Бюджет участі: як громада вирішує"
    assert (
        achievement["id"] == f"{BASE}/certificates/{certificate.code}/achievement.json"
    )
    assert certificate.user.email not in token


def test_credential_is_the_same_every_time(client, certificate):
    client.force_login(certificate.user)

    first = client.get(credential_path(certificate.code)).content
    second = client.get(credential_path(certificate.code)).content

    assert first == second


def test_credential_permissions(client, certificate, trainer):
    path = credential_path(certificate.code)
    assert client.get(path).status_code == 302
    client.force_login(UserFactory(username="someone-else"))
    assert client.get(path).status_code == 403
    client.force_login(trainer)
    assert client.get(path).status_code == 403


def test_credential_of_revoked_or_superseded_is_gone(client, superseded, certadmin):
    from certificates import services

    old, new = superseded
    client.force_login(old.user)
    response = client.get(credential_path(old.code))
    assert response.status_code == 410
    assert f'href="{credential_path(new.code)}"' in response.content.decode()

    services.certificate_revoke(certificate=new, actor=certadmin, reason="Помилка")
    assert client.get(credential_path(new.code)).status_code == 410


def test_achievement_is_public_json(client, certificate):
    response = client.get(reverse("certificates:achievement", args=[certificate.code]))

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["id"] == f"{BASE}/certificates/{certificate.code}/achievement.json"
    assert data["type"] == ["Achievement"]
    assert data["name"] == "Бюджет участі: як громада вирішує"
    assert data["creditsAvailable"] == 3.0
    assert data["creator"]["id"] == f"{BASE}/certificates/issuer.json"
    assert "Ґалаґан" not in response.content.decode()
    unknown = reverse("certificates:achievement", args=["7KQ2-M9XD-4TRB-H0NC"])
    assert client.get(unknown).json() == {"status": "not_found"}


# --- Published keys and issuer ---------------------------------------------------------------


def test_issuer_pem_parses_and_is_stable(client, signing_keys):
    response = client.get(reverse("certificates:issuer_certificate"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    cert = x509.load_pem_x509_certificate(response.content)
    assert cert.subject.rfc4514_string().startswith("CN=Тест: сертифікати")
    assert client.get(reverse("certificates:issuer_certificate")).content == (
        response.content
    )
    assert "max-age=3600" in response["Cache-Control"]


def test_jwks_has_one_public_rsa_key(client, signing_keys):
    response = client.get(reverse("certificates:jwks"))

    assert response.status_code == 200
    [key] = response.json()["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
    assert set(key) >= {"n", "e", "kid"}
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


def test_issuer_profile(client, templates, signing_keys):
    response = client.get(reverse("certificates:issuer_profile"))

    assert response.status_code == 200
    data = response.json()
    assert data["id"] == f"{BASE}/certificates/issuer.json"
    assert data["type"] == ["Profile"]
    assert data["name"] == "Громадська організація «Громада, що діє»"
    assert data["url"] == BASE
    assert data["otherIdentifier"][0]["identifier"] == "12345678"


def test_issuer_profile_falls_back_to_the_site_name(client, db, settings):
    settings.LMS_PUBLIC_URL = BASE
    data = client.get(reverse("certificates:issuer_profile")).json()

    assert data["name"] == settings.WAGTAIL_SITE_NAME


def test_missing_keys_are_a_clear_404_not_a_500(client, db, settings, tmp_path):
    settings.LMS_CERTIFICATES_KEY_DIR = str(tmp_path / "no-keys")

    response = client.get(reverse("certificates:issuer_certificate"))
    assert response.status_code == 404
    assert gettext("Not available") in response.content.decode()

    response = client.get(reverse("certificates:jwks"))
    assert response.status_code == 404
    assert response.json()["status"] == "not_available"


def test_credential_without_badge_key_is_not_a_500(
    client, certificate, settings, tmp_path
):
    settings.LMS_CERTIFICATES_KEY_DIR = str(tmp_path / "no-keys")
    client.force_login(certificate.user)

    response = client.get(credential_path(certificate.code))

    assert response.status_code == 503
    assert gettext("Not available") in response.content.decode()
