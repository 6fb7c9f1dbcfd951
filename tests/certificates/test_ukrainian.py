"""Ukrainian plural forms, credits/hours phrases and dates (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from certificates.ukrainian import (
    credits_and_hours,
    date_numeric,
    date_uk,
    ects_phrase,
    format_number,
    hours_phrase,
    plural,
)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "many"),
        (1, "one"),
        (2, "few"),
        (3, "few"),
        (4, "few"),
        (5, "many"),
        (10, "many"),
        (11, "many"),
        (12, "many"),
        (13, "many"),
        (14, "many"),
        (15, "many"),
        (20, "many"),
        (21, "one"),
        (22, "few"),
        (24, "few"),
        (25, "many"),
        (101, "one"),
        (102, "few"),
        (111, "many"),
        (112, "many"),
        (114, "many"),
        (121, "one"),
        (1001, "one"),
        (Decimal("3.00"), "few"),
        (Decimal("1.5"), "few"),
        (2.5, "few"),
    ],
)
def test_plural(n, expected):
    assert plural(n, "one", "few", "many") == expected


def test_plural_fraction_form():
    assert plural(Decimal("1.5"), "a", "b", "c", fraction="d") == "d"
    assert plural(Decimal("2.0"), "a", "b", "c", fraction="d") == "b"


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (1, "1 година"),
        (2, "2 години"),
        (4, "4 години"),
        (5, "5 годин"),
        (6, "6 годин"),
        (11, "11 годин"),
        (12, "12 годин"),
        (14, "14 годин"),
        (21, "21 година"),
        (22, "22 години"),
        (25, "25 годин"),
        (30, "30 годин"),
        (90, "90 годин"),
        (101, "101 година"),
        (111, "111 годин"),
        (Decimal("1.5"), "1,5 години"),
        (2.5, "2,5 години"),
    ],
)
def test_hours_phrase(hours, expected):
    assert hours_phrase(hours) == expected


@pytest.mark.parametrize(
    ("ects", "expected"),
    [
        (1, "1 кредит ЄКТС"),
        (2, "2 кредити ЄКТС"),
        (3, "3 кредити ЄКТС"),
        (4, "4 кредити ЄКТС"),
        (5, "5 кредитів ЄКТС"),
        (11, "11 кредитів ЄКТС"),
        (12, "12 кредитів ЄКТС"),
        (14, "14 кредитів ЄКТС"),
        (21, "21 кредит ЄКТС"),
        (22, "22 кредити ЄКТС"),
        (25, "25 кредитів ЄКТС"),
        (101, "101 кредит ЄКТС"),
        (111, "111 кредитів ЄКТС"),
        (Decimal("1.5"), "1,5 кредиту ЄКТС"),
        (Decimal("2.5"), "2,5 кредиту ЄКТС"),
        (1.5, "1,5 кредиту ЄКТС"),
        (Decimal("3.00"), "3 кредити ЄКТС"),
        (Decimal("0.25"), "0,25 кредиту ЄКТС"),
    ],
)
def test_ects_phrase(ects, expected):
    assert ects_phrase(ects) == expected


def test_credits_and_hours():
    assert credits_and_hours(Decimal("3"), 90) == "3 кредити ЄКТС (90 годин)"
    assert credits_and_hours(Decimal("1.5"), 45) == "1,5 кредиту ЄКТС (45 годин)"
    assert credits_and_hours(1, 30) == "1 кредит ЄКТС (30 годин)"
    assert credits_and_hours(None, 12) == "12 годин"
    assert credits_and_hours(None, 21) == "21 година"


def test_format_number():
    assert format_number(3) == "3"
    assert format_number(Decimal("3.00")) == "3"
    assert format_number(Decimal("1.50")) == "1,5"
    assert format_number(2.5) == "2,5"
    with pytest.raises(TypeError):
        format_number(True)


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2026, 11, 27), "27 листопада 2026 року"),
        (dt.date(2026, 1, 1), "1 січня 2026 року"),
        (dt.date(2026, 2, 14), "14 лютого 2026 року"),
        (dt.date(2026, 3, 8), "8 березня 2026 року"),
        (dt.date(2026, 4, 30), "30 квітня 2026 року"),
        (dt.date(2026, 5, 9), "9 травня 2026 року"),
        (dt.date(2026, 6, 28), "28 червня 2026 року"),
        (dt.date(2026, 7, 15), "15 липня 2026 року"),
        (dt.date(2026, 8, 24), "24 серпня 2026 року"),
        (dt.date(2026, 9, 1), "1 вересня 2026 року"),
        (dt.date(2026, 10, 14), "14 жовтня 2026 року"),
        (dt.date(2026, 12, 31), "31 грудня 2026 року"),
    ],
)
def test_date_uk(date, expected):
    assert date_uk(date) == expected


def test_date_numeric():
    assert date_numeric(dt.date(2026, 3, 8)) == "08.03.2026"
