"""The public verification page, its JSON, the lookup form and the rate limit."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

import pytest

from certificates import ratelimit
from certificates.models import Certificate
from certificates.ukrainian import date_uk

pytestmark = pytest.mark.django_db


def verify_path(code: str) -> str:
    return reverse("certificates:verify", args=[code])


def json_path(code: str) -> str:
    return reverse("certificates:verify_json", args=[code])


# --- The page ------------------------------------------------------------------------


def test_valid_certificate_page_shows_the_printed_facts(client, certificate):
    response = client.get(verify_path(certificate.code))

    assert response.status_code == 200
    html = response.content.decode()
    assert gettext("The certificate is valid") in html
    assert "cert-status--valid" in html
    assert "Ґалаґан Ївга Юріївна" in html
    assert "Бюджет участі: як громада вирішує" in html
    assert "професійна (сертифікатна) програма підвищення кваліфікації" in html
    assert "3 кредити ЄКТС (90 годин)" in html
    assert certificate.registration_number in html
    assert certificate.code in html
    assert "Громадська організація «Громада, що діє»" in html
    assert "12345678" in html  # the issuer's ЄДРПОУ code
    assert "Ганна ЛИСЕНКО" in html and "Голова правління" in html
    assert reverse("certificates:issuer_certificate") in html
    assert response["Cache-Control"].count("no-store") == 1
    assert "noindex" in response["X-Robots-Tag"]


def test_page_shows_nothing_else_personal(client, certificate):
    user = certificate.user
    html = client.get(verify_path(certificate.code)).content.decode()

    assert user.email not in html
    assert user.get_username() not in html  # anonymous visitor: no account shown
    assert f"user={user.pk}" not in html


def test_revoked_certificate_says_so_with_date_and_reason(client, revoked):
    response = client.get(verify_path(revoked.code))

    assert response.status_code == 200
    html = response.content.decode()
    assert gettext("The certificate has been revoked") in html
    assert gettext("The certificate is valid") not in html
    assert "cert-status--revoked" in html
    assert "Підроблені документи" in html
    assert date_uk(timezone.localdate(revoked.revoked_at)) in html
    assert "Ґалаґан Ївга Юріївна" in html


def test_superseded_certificate_links_to_the_new_one(client, superseded):
    old, new = superseded

    response = client.get(verify_path(old.code))

    html = response.content.decode()
    assert gettext("The certificate has been replaced") in html
    assert "cert-status--superseded" in html
    assert f'href="{verify_path(new.code)}"' in html
    assert (
        gettext("The certificate is valid")
        in client.get(verify_path(new.code)).content.decode()
    )


# A code with the characters people mistype (0 and 1), set without save().
TYPO_PRONE = "10AB-CD0E-FG1H-JK0M"


@pytest.mark.parametrize(
    "mistyped",
    [
        "10ab-cd0e-fg1h-jk0m",
        "10ABCD0EFG1HJK0M",
        "10abcd0efg1hjk0m",
        "lOAB-CDoE-FGiH-JKOM",
    ],
    ids=["lower", "no-dashes", "lower-no-dashes", "letters-for-digits"],
)
def test_mistyped_code_redirects_permanently_to_the_canonical_page(
    client, certificate, mistyped
):
    Certificate.objects.filter(pk=certificate.pk).update(code=TYPO_PRONE)

    response = client.get(f"/certificates/verify/{mistyped}/")

    assert response.status_code == 301
    assert response["Location"] == verify_path(TYPO_PRONE)
    assert client.get(response["Location"]).status_code == 200


def test_unknown_code_is_a_clear_not_found_page(client, certificate):
    unknown = "7KQ2-M9XD-4TRB-H0NC"
    assert unknown != certificate.code

    response = client.get(verify_path(unknown))

    assert response.status_code == 404
    html = response.content.decode()
    assert gettext("Certificate not found") in html
    assert unknown in html
    assert 'action="/certificates/verify/"' in html  # try again
    assert 'name="code"' in html
    assert "Ґалаґан" not in html


def test_not_found_page_escapes_what_was_typed(client, db):
    response = client.get("/certificates/verify/NOT-A-REAL-CODE/")

    assert response.status_code == 404
    html = response.content.decode()
    assert gettext("Certificate not found") in html
    assert "NOT-A-REAL-CODE" in html


def test_typed_code_is_html_escaped(rf, db):
    from certificates.views import _not_found

    response = _not_found(rf.get("/"), '<b onmouseover="x">')

    html = response.content.decode()
    assert '<b onmouseover="x">' not in html
    assert "&lt;b onmouseover=&quot;x&quot;&gt;" in html


def test_get_only(client, certificate):
    assert client.post(verify_path(certificate.code)).status_code == 405


# --- Lookup form ---------------------------------------------------------------------


def test_lookup_form_has_one_labelled_input(client, db):
    response = client.get(reverse("certificates:verify_lookup"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_code"' in html
    assert 'id="id_code"' in html
    assert 'method="get"' in html


def test_lookup_redirects_to_the_canonical_page(client, certificate):
    typed = certificate.code.replace("-", " ").lower()

    response = client.get(reverse("certificates:verify_lookup"), {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == verify_path(certificate.code)


def test_lookup_with_rubbish_shows_a_form_error(client, db):
    response = client.get(reverse("certificates:verify_lookup"), {"code": "hello"})

    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()


# --- JSON --------------------------------------------------------------------------


def test_json_has_the_same_facts(client, certificate):
    response = client.get(json_path(certificate.code))

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=60" in response["Cache-Control"]
    data = response.json()
    assert data == {
        "status": "valid",
        "code": certificate.code,
        "registration_number": certificate.registration_number,
        "name": "Ґалаґан Ївга Юріївна",
        "programme": "Бюджет участі: як громада вирішує",
        "kind": "certificate",
        "kind_label": "професійна (сертифікатна) програма підвищення кваліфікації",
        "hours": 90,
        "ects": 3,
        "volume": "3 кредити ЄКТС (90 годин)",
        "date_started": certificate.date_started.isoformat(),
        "date_completed": certificate.date_completed.isoformat(),
        "date_issued": certificate.snapshot["date_issued"],
        "issued_at": certificate.issued_at.isoformat(),
        "issuer": {
            "name": "Громадська організація «Громада, що діє»",
            "code": "12345678",
            "profile": "https://learn.example.org/certificates/issuer.json",
        },
        "signatory": {"name": "Ганна ЛИСЕНКО", "position": "Голова правління"},
        "signed": True,
        "pdf_sha256": certificate.pdf_sha256,
        "revoked_at": None,
        "revoked_reason": None,
        "superseded_by": None,
        "verify_url": (
            f"https://learn.example.org/certificates/verify/{certificate.code}/"
        ),
    }
    assert certificate.user.email not in response.content.decode()


def test_json_of_revoked_and_superseded(client, superseded, certadmin):
    from certificates import services

    old, new = superseded
    data = client.get(json_path(old.code)).json()
    assert data["status"] == "superseded"
    assert data["superseded_by"] == {
        "code": new.code,
        "verify_url": f"https://learn.example.org/certificates/verify/{new.code}/",
    }

    services.certificate_revoke(certificate=new, actor=certadmin, reason="Помилка")
    data = client.get(json_path(new.code)).json()
    assert data["status"] == "revoked"
    assert data["revoked_reason"] == "Помилка"
    assert data["revoked_at"].startswith(str(new.issued_at.year))


def test_json_unknown_and_invalid_codes(client, db):
    for code in ("7KQ2-M9XD-4TRB-H0NC", "nonsense"):
        response = client.get(json_path(code))
        assert response.status_code == 404
        assert response.json() == {"status": "not_found"}
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "no-store" in response["Cache-Control"]


def test_json_mistyped_code_redirects(client, certificate):
    response = client.get(f"/certificates/verify/{certificate.code.lower()}.json")

    assert response.status_code == 301
    assert response["Location"] == json_path(certificate.code)


# --- Rate limit ----------------------------------------------------------------------


def test_rate_limit_gives_429_after_n_lookups(client, certificate, settings):
    settings.LMS_CERTIFICATES_VERIFY_RATE = (3, 60)
    for _ in range(3):
        assert client.get(verify_path(certificate.code)).status_code == 200

    response = client.get(verify_path(certificate.code))

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert gettext("Too many checks") in response.content.decode()
    assert "Ґалаґан" not in response.content.decode()

    response = client.get(json_path(certificate.code))
    assert response.status_code == 429
    assert response.json()["status"] == "rate_limited"
    assert response["Retry-After"]

    response = client.get(
        reverse("certificates:verify_lookup"), {"code": certificate.code}
    )
    assert response.status_code == 429


def test_rate_limit_counts_unknown_codes_too(client, db, settings):
    settings.LMS_CERTIFICATES_VERIFY_RATE = (2, 60)
    codes = ["7KQ2-M9XD-4TRB-H0NC", "7KQ2-M9XD-4TRB-H0ND", "7KQ2-M9XD-4TRB-H0NE"]

    statuses = [client.get(verify_path(code)).status_code for code in codes]

    assert statuses == [404, 404, 429]


def test_rate_limit_is_per_client_address(client, certificate, settings):
    settings.LMS_CERTIFICATES_VERIFY_RATE = (1, 60)
    path = verify_path(certificate.code)
    assert client.get(path, REMOTE_ADDR="198.51.100.1").status_code == 200
    assert client.get(path, REMOTE_ADDR="198.51.100.1").status_code == 429

    assert client.get(path, REMOTE_ADDR="198.51.100.2").status_code == 200
    # A forged X-Forwarded-For changes nothing while no proxy is trusted.
    forged = {"REMOTE_ADDR": "198.51.100.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert client.get(path, **forged).status_code == 429


def test_redirects_and_forms_spend_nothing(client, certificate, settings):
    settings.LMS_CERTIFICATES_VERIFY_RATE = (1, 60)
    client.get(reverse("certificates:verify_lookup"))
    client.get(f"/certificates/verify/{certificate.code.lower()}/")
    client.get(reverse("certificates:verify_lookup"), {"code": certificate.code})

    assert client.get(verify_path(certificate.code)).status_code == 200


class TestClientAddress:
    def request(self, rf, remote: str, forwarded: str | None = None):
        extra = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return rf.get("/", **extra)

    def test_remote_addr_by_default(self, rf, settings):
        settings.LMS_TRUSTED_PROXY_COUNT = 0
        request = self.request(rf, "10.0.0.1", "203.0.113.9")
        assert ratelimit.client_ip(request) == "10.0.0.1"

    def test_one_trusted_proxy_takes_the_last_forwarded_entry(self, rf, settings):
        settings.LMS_TRUSTED_PROXY_COUNT = 1
        request = self.request(rf, "10.0.0.1", "6.6.6.6, 203.0.113.9")
        assert ratelimit.client_ip(request) == "203.0.113.9"

    def test_two_trusted_proxies(self, rf, settings):
        settings.LMS_TRUSTED_PROXY_COUNT = 2
        request = self.request(rf, "10.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.2")
        assert ratelimit.client_ip(request) == "203.0.113.9"

    def test_missing_or_short_header_falls_back_to_remote_addr(self, rf, settings):
        settings.LMS_TRUSTED_PROXY_COUNT = 2
        assert ratelimit.client_ip(self.request(rf, "10.0.0.1")) == "10.0.0.1"
        assert (
            ratelimit.client_ip(self.request(rf, "10.0.0.1", "203.0.113.9"))
            == "10.0.0.1"
        )

    def test_garbage_header_falls_back_to_remote_addr(self, rf, settings):
        settings.LMS_TRUSTED_PROXY_COUNT = 1
        request = self.request(rf, "10.0.0.1", "not-an-address")
        assert ratelimit.client_ip(request) == "10.0.0.1"

    def test_ipv6_counts_per_64_network(self, rf, settings):
        settings.LMS_TRUSTED_PROXY_COUNT = 0
        a = ratelimit.client_ip(self.request(rf, "2001:db8:1:2::10"))
        b = ratelimit.client_ip(self.request(rf, "2001:db8:1:2:ffff::1"))
        assert a == b == "2001:db8:1:2::/64"
