"""PDF renderer: study period, programme kind label and form of study.

Also the Ukrainian period wording they use (``period_uk``, ``period_numeric``).
Pure: no database.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal

import pytest

from certificates.pdf import render_certificate
from certificates.ukrainian import period_numeric, period_uk
from tests.certificates.test_pdf import _tool, both_texts, make_snapshot

CERT_LABEL = "професійна (сертифікатна) програма підвищення кваліфікації"
SHORT_LABEL = "коротка програма для активної громадськості"


def raw_lines(pdf: bytes, tmp_path) -> list[str]:
    """pdftotext lines as printed (non-breaking spaces made plain)."""
    path = tmp_path / "lines.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603
        [_tool("pdftotext"), "-enc", "UTF-8", "-f", "1", "-l", "1", str(path), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    text = out.stdout.decode("utf-8").replace("\u00a0", " ")
    return [" ".join(line.split()) for line in text.splitlines()]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (
            dt.date(2026, 9, 1),
            dt.date(2026, 11, 30),
            "з 1 вересня по 30 листопада 2026 року",
        ),
        (dt.date(2026, 9, 1), dt.date(2026, 9, 30), "з 1 по 30 вересня 2026 року"),
        (
            dt.date(2025, 12, 15),
            dt.date(2026, 2, 20),
            "з 15 грудня 2025 року по 20 лютого 2026 року",
        ),
        (dt.date(2026, 11, 27), dt.date(2026, 11, 27), "27 листопада 2026 року"),
    ],
)
def test_period_uk(start, end, expected):
    assert period_uk(start, end) == expected


def test_period_numeric_and_reversed_periods():
    assert (
        period_numeric(dt.date(2026, 9, 1), dt.date(2026, 11, 30))
        == "01.09.2026–30.11.2026"
    )
    for fn in (period_uk, period_numeric):
        with pytest.raises(ValueError, match="starts after it ends"):
            fn(dt.date(2026, 12, 1), dt.date(2026, 11, 30))


def test_period_kind_label_and_form_are_printed(tmp_path):
    snap = make_snapshot(
        date_started=dt.date(2026, 9, 1),
        date_completed=dt.date(2026, 11, 30),
        programme_kind_label=CERT_LABEL,
        form_of_study="дистанційна",
    )
    pdf = render_certificate(snap)
    for text in both_texts(pdf, tmp_path):
        assert "Період навчання: з 1 вересня по 30 листопада 2026 року" in text
        assert "Форма навчання: дистанційна" in text
        assert "Обсяг: 3 кредити ЄКТС (90 годин)" in text
        assert CERT_LABEL in text
        # the period replaces the completion date
        assert "Дата завершення навчання" not in text
        # reading order: title, then its kind caption, then the facts
        title_at = text.index(snap.programme_title)
        assert title_at < text.index(CERT_LABEL) < text.index("Обсяг:")


def test_facts_break_between_facts_never_inside_one(tmp_path):
    snap = make_snapshot(
        date_started=dt.date(2025, 12, 15),
        date_completed=dt.date(2026, 2, 20),
        form_of_study="змішана (дистанційна та очна)",
    )
    lines = raw_lines(render_certificate(snap), tmp_path)
    for fact in (
        "Обсяг: 3 кредити ЄКТС (90 годин)",
        "Форма навчання: змішана (дистанційна та очна)",
        "Період навчання: з 15 грудня 2025 року по 20 лютого 2026 року",
    ):
        assert any(fact in line for line in lines), (fact, lines)


def test_short_programme_with_label_and_period(tmp_path):
    snap = make_snapshot(
        programme_kind="short",
        ects=None,
        hours=12,
        title_text="СЕРТИФІКАТ УЧАСНИКА",
        programme_kind_label=SHORT_LABEL,
        form_of_study="очна",
        date_started=dt.date(2026, 11, 3),
        date_completed=dt.date(2026, 11, 14),
        outcomes=[],
    )
    lines = raw_lines(render_certificate(snap), tmp_path)
    facts = (
        "Обсяг: 12 годин · Форма навчання: очна · "
        "Період навчання: з 3 по 14 листопада 2026 року"
    )
    assert facts in lines  # short facts stay on one line
    for text in both_texts(render_certificate(snap), tmp_path):
        assert SHORT_LABEL in text
        assert "ЄКТС" not in text


def test_blank_optional_fields_print_nothing(tmp_path):
    plain = render_certificate(make_snapshot())
    blank = render_certificate(
        make_snapshot(programme_kind_label="  ", form_of_study="", date_started=None)
    )
    assert blank == plain
    for text in both_texts(plain, tmp_path):
        assert "Форма навчання" not in text
        assert "Період навчання" not in text
        assert "Дата завершення навчання: 20 листопада 2026 року" in text


def test_date_started_after_completion_is_rejected():
    with pytest.raises(ValueError, match="date_started"):
        make_snapshot(date_started=dt.date(2026, 12, 1))


def test_one_day_period_prints_one_date(tmp_path):
    snap = make_snapshot(
        date_started=dt.date(2026, 11, 20),
        ects=Decimal("0.2"),
        hours=6,
        programme_kind="short",
    )
    for text in both_texts(render_certificate(snap), tmp_path):
        assert "Період навчання: 20 листопада 2026 року" in text
