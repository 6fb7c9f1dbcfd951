"""The registry list: columns, filters, search, CSV/XLSX export, streamed ZIP."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

import openpyxl
import pytest

from certificates.models import CertificateStatus

from .conftest import admin_client, make_certificate

pytestmark = pytest.mark.django_db

INDEX = "certificate_registry:index"


def index(query: str = "") -> str:
    return reverse(INDEX) + (f"?{query}" if query else "")


def rows_of(response) -> list[str]:
    """Registration numbers shown in the list, in order."""
    return [c.registration_number for c in response.context["object_list"]]


@pytest.fixture
def registry(tree, other_tree):
    """Five certificates over two programmes, statuses and dates."""
    now = timezone.now()
    return {
        "ivha": make_certificate(tree.programme, "Ґалаґан Ївга Юріївна", emailed=True),
        "maryana": make_certificate(
            tree.programme,
            "Коваль Марʼяна Петрівна",
            issued_at=now - dt.timedelta(days=40),
        ),
        "revoked": make_certificate(
            tree.programme, "Бондар Олесь Іванович", status=CertificateStatus.REVOKED
        ),
        "other": make_certificate(other_tree.programme, "Шевчук Ірина Олегівна"),
        "formula": make_certificate(other_tree.programme, '=HYPERLINK("x") Тест'),
    }


def test_list_shows_columns(superuser, registry):
    response = admin_client(superuser).get(index())
    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 5
    for label in (
        "Registration number",
        "Full name",
        "Programme",
        "Status",
        "Issued",
        "E-mailed",
    ):
        assert label in html
    ivha = registry["ivha"]
    assert ivha.registration_number in html and ivha.full_name in html
    assert reverse("certificate_registry:detail", args=[ivha.pk]) in html
    # read-only: no add, edit or delete
    assert "/add/" not in html and "/edit/" not in html and "/delete/" not in html


def test_filters_programme_status_and_date(superuser, registry, tree):
    client = admin_client(superuser)
    by_programme = rows_of(client.get(index(f"programme={tree.programme.pk}")))
    assert sorted(by_programme) == sorted(
        registry[k].registration_number for k in ("ivha", "maryana", "revoked")
    )
    revoked = rows_of(client.get(index("status=revoked")))
    assert revoked == [registry["revoked"].registration_number]
    old_day = timezone.localdate() - dt.timedelta(days=40)
    dated = rows_of(
        client.get(
            index(f"issued_from={old_day.isoformat()}&issued_to={old_day.isoformat()}")
        )
    )
    assert dated == [registry["maryana"].registration_number]
    recent = rows_of(
        client.get(index(f"issued_from={(old_day + dt.timedelta(days=1)).isoformat()}"))
    )
    assert registry["maryana"].registration_number not in recent
    assert len(recent) == 4


@pytest.mark.parametrize(
    "query, key",
    [
        ("мар'яна", "maryana"),  # typed ' finds the stored ʼ
        ("МАР’ЯНА коваль", "maryana"),  # ’, capitals, any word order
        ("ґалаґан", "ivha"),
        ("Шевчук Ірина", "other"),
    ],
)
def test_search_by_name_ignores_case_and_apostrophe(superuser, registry, query, key):
    response = admin_client(superuser).get(index(f"q={query}"))
    assert rows_of(response) == [registry[key].registration_number]


def test_search_by_code_and_registration_number(superuser, registry):
    client = admin_client(superuser)
    certificate = registry["other"]
    typed = certificate.code.replace("-", "").lower()  # no dashes, lower case
    assert rows_of(client.get(index(f"q={typed}"))) == [certificate.registration_number]
    assert rows_of(client.get(index(f"q={certificate.registration_number}"))) == [
        certificate.registration_number
    ]


def test_results_fragment_filters_too(superuser, registry):
    response = admin_client(superuser).get(
        reverse("certificate_registry:index_results") + "?status=revoked"
    )
    assert response.status_code == 200
    assert rows_of(response) == [registry["revoked"].registration_number]


def csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body)))


def test_csv_export_follows_filters_and_neutralises_formulas(
    superuser, registry, other_tree
):
    response = admin_client(superuser).get(
        index(f"programme={other_tree.programme.pk}&export=csv")
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    names = {row["Full name"] for row in rows}
    assert names == {"Шевчук Ірина Олегівна", '\'=HYPERLINK("x") Тест'}
    row = next(r for r in rows if r["Full name"].startswith("Шевчук"))
    assert row["Registration number"] == registry["other"].registration_number
    assert row["Verification code"] == registry["other"].code
    assert row["Status"] == "Valid"
    assert row["Programme"] == other_tree.programme.title


def test_xlsx_export(superuser, registry, tree):
    response = admin_client(superuser).get(
        index(f"programme={tree.programme.pk}&export=xlsx")
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert "Registration number" in header and "Full name" in header
    names = {r[header.index("Full name")] for r in data}
    assert names == {
        "Ґалаґан Ївга Юріївна",
        "Коваль Марʼяна Петрівна",
        "Бондар Олесь Іванович",
    }
    statuses = {r[header.index("Status")] for r in data}
    assert statuses == {"Valid", "Revoked"}


def test_zip_is_streamed_with_the_programmes_pdfs(superuser, registry, tree):
    client = admin_client(superuser)
    listing = client.get(index(f"programme={tree.programme.pk}"))
    assert "export=zip" in listing.content.decode()  # the "Download ZIP" button
    response = client.get(index(f"programme={tree.programme.pk}&export=zip"))
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="certificates_'
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    names = archive.namelist()
    expected = [registry[k] for k in ("ivha", "maryana", "revoked")]
    assert len(names) == len(set(names)) == 3
    by_number = {name.split("_", 1)[0]: name for name in names}
    for certificate in expected:
        name = by_number[certificate.registration_number]
        assert archive.read(name) == bytes(certificate.pdf)
        assert name.isascii()
    assert f"{registry['ivha'].registration_number}_Galagan-Yivha.pdf" in names
    assert f"{registry['maryana'].registration_number}_Koval-Mariana.pdf" in names


def test_zip_respects_the_status_filter(superuser, registry, tree):
    response = admin_client(superuser).get(
        index(f"programme={tree.programme.pk}&status=valid&export=zip")
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.namelist()) == 2


def test_zip_needs_a_programme(superuser, registry):
    client = admin_client(superuser)
    assert "export=zip" not in client.get(index()).content.decode()
    response = client.get(index("status=valid&export=zip"))
    assert response.status_code == 302
    assert response.url == index("status=valid")
    page = client.get(response.url)
    assert "Choose a programme" in page.content.decode()


def test_list_query_count_does_not_grow(superuser, tree, django_assert_max_num_queries):
    client = admin_client(superuser)
    for i in range(30):
        make_certificate(
            tree.programme, f"Учасник{i} Тест Тестович", emailed=i % 2 == 0
        )
    client.get(index())  # warm per-process caches (content types, site)
    with django_assert_max_num_queries(16):
        response = client.get(index())
    assert len(response.context["object_list"]) == 30
    with django_assert_max_num_queries(16):
        client.get(index(f"programme={tree.programme.pk}&status=valid&q=тест"))
