"""The "My certificates" list: downloads and sharing links of a learner."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

import pytest

from certificates import services
from tests.factories import UserFactory, build_programme
from tests.factories.certificates import complete_programme

pytestmark = pytest.mark.django_db

URL = "/learning/certificates/"
BASE = "https://learn.example.org"


def test_url_contract():
    assert reverse("certificates_learner:mine") == URL


def test_login_required(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_empty_state_points_to_learning(client, db):
    client.force_login(UserFactory(username="newcomer"))

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        gettext(
            "You have no certificates yet. Complete a programme to receive a certificate."
        )
        in html
    )
    assert 'href="/learning/"' in html


def test_lists_the_certificate_with_its_actions(client, certificate):
    client.force_login(certificate.user)

    response = client.get(URL)

    html = response.content.decode()
    assert "Бюджет участі: як громада вирішує" in html
    assert certificate.registration_number in html
    assert "3 кредити ЄКТС (90 годин)" in html
    code = certificate.code
    assert f'href="/certificates/{code}/pdf"' in html
    assert f'href="/certificates/verify/{code}/"' in html
    assert f'href="/certificates/{code}/credential.jwt"' in html
    assert f'value="{BASE}/certificates/verify/{code}/"' in html
    assert "https://www.linkedin.com/profile/add?" in html
    assert 'aria-current="page"' in html  # the nav link "My certificates"
    assert "no-store" in response["Cache-Control"]


def test_linkedin_link_parameters(client, certificate):
    client.force_login(certificate.user)

    [row] = client.get(URL).context["rows"]

    url = urlsplit(row["linkedin_url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == (
        "https://www.linkedin.com/profile/add"
    )
    issued = timezone.localdate(certificate.issued_at)
    assert parse_qs(url.query) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Бюджет участі: як громада вирішує"],
        "organizationName": ["Громадська організація «Громада, що діє»"],
        "issueYear": [str(issued.year)],
        "issueMonth": [str(issued.month)],
        "certUrl": [f"{BASE}/certificates/verify/{certificate.code}/"],
        "certId": [certificate.code],
    }


def test_shows_only_my_certificates(client, issue):
    mine = issue("ivha")
    theirs = issue("petro", surname="Петренко", given="Петро", patronymic="Іванович")
    client.force_login(mine.user)

    html = client.get(URL).content.decode()

    assert mine.code in html
    assert theirs.code not in html


def test_valid_first_and_inactive_without_downloads(
    client, superseded, certadmin, catalogue, django_capture_on_commit_callbacks
):
    old, new = superseded
    other = build_programme(
        parent=catalogue, modules=1, lessons_per_module=1, title="Громадські слухання"
    )
    with django_capture_on_commit_callbacks(execute=True):
        complete_programme(old.user, other)
    short = old.user.certificates.get(programme=other.programme)
    services.certificate_revoke(certificate=short, actor=certadmin, reason="Помилка")
    client.force_login(old.user)

    rows = client.get(URL).context["rows"]

    assert [r["certificate"].code for r in rows][0] == new.code
    assert {r["certificate"].status for r in rows[1:]} == {"superseded", "revoked"}
    assert [r["linkedin_url"] is None for r in rows] == [False, True, True]
    html = client.get(URL).content.decode()
    assert f'href="/certificates/{old.code}/pdf"' not in html
    assert f'href="/certificates/{short.code}/pdf"' not in html
    assert f'href="/certificates/verify/{new.code}/"' in html
    assert "cert-card--inactive" in html
    assert "Помилка" in html


def test_list_uses_a_fixed_number_of_queries(
    client,
    issue,
    tree,
    catalogue,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    first = issue("ivha")
    user = first.user
    for n in range(4):
        extra = build_programme(
            parent=catalogue, modules=1, lessons_per_module=1, title=f"Програма {n}"
        )
        with django_capture_on_commit_callbacks(execute=True):
            complete_programme(user, extra)
    assert user.certificates.count() == 5
    client.force_login(user)

    with django_assert_max_num_queries(6) as queries:
        response = client.get(URL)

    assert len(response.context["rows"]) == 5
    certificate_selects = [
        q["sql"]
        for q in queries.captured_queries
        if "certificates_certificate" in q["sql"]
    ]
    assert len(certificate_selects) == 1
    assert '"pdf"' not in certificate_selects[0].replace('"pdf_sha256"', "")
