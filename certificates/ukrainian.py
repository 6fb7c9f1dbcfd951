"""Ukrainian wording helpers for certificates: plural forms, credits, hours, dates.

Pure functions, no Django and no locale module (server locales are unreliable):
numbers use a decimal comma, months use a fixed genitive table.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

__all__ = [
    "credits_and_hours",
    "date_numeric",
    "date_uk",
    "ects_phrase",
    "format_number",
    "hours_phrase",
    "period_numeric",
    "period_uk",
    "plural",
]

Number = int | float | Decimal

MONTHS_GENITIVE = (
    "січня",
    "лютого",
    "березня",
    "квітня",
    "травня",
    "червня",
    "липня",
    "серпня",
    "вересня",
    "жовтня",
    "листопада",
    "грудня",
)


def _as_decimal(n: Number) -> Decimal:
    if isinstance(n, bool):
        raise TypeError("a number is required, not bool")
    if isinstance(n, float):
        return Decimal(repr(n))
    return Decimal(n)


def _is_integral(n: Number) -> bool:
    d = _as_decimal(n)
    return d == d.to_integral_value()


def format_number(n: Number) -> str:
    """3 -> "3", Decimal("3.00") -> "3", 1.5 -> "1,5" (Ukrainian decimal comma)."""
    d = _as_decimal(n)
    if _is_integral(d):
        return str(int(d))
    text = format(d.normalize(), "f")
    return text.replace(".", ",")


def plural(
    n: Number, one: str, few: str, many: str, fraction: str | None = None
) -> str:
    """Pick the Ukrainian form for ``n``.

    1, 21, 101 -> one; 2-4, 22-24 -> few; 0, 5-20, 25-30, 111-114 -> many.
    Fractional numbers take the genitive singular: ``fraction`` when given
    (e.g. "кредиту"), otherwise ``few`` (which is the genitive singular for most
    feminine nouns: "1,5 години").
    """
    if not _is_integral(n):
        return few if fraction is None else fraction
    i = abs(int(_as_decimal(n)))
    if i % 10 == 1 and i % 100 != 11:
        return one
    if 2 <= i % 10 <= 4 and not 12 <= i % 100 <= 14:
        return few
    return many


def hours_phrase(hours: Number) -> str:
    """90 -> "90 годин", 1 -> "1 година", 2 -> "2 години", 1.5 -> "1,5 години"."""
    return f"{format_number(hours)} {plural(hours, 'година', 'години', 'годин')}"


def ects_phrase(ects: Number) -> str:
    """3 -> "3 кредити ЄКТС", 5 -> "5 кредитів ЄКТС", 1.5 -> "1,5 кредиту ЄКТС"."""
    word = plural(ects, "кредит", "кредити", "кредитів", fraction="кредиту")
    return f"{format_number(ects)} {word} ЄКТС"


def credits_and_hours(ects: Number | None, hours: Number) -> str:
    """ "3 кредити ЄКТС (90 годин)"; without ECTS just the hours phrase."""
    if ects is None:
        return hours_phrase(hours)
    return f"{ects_phrase(ects)} ({hours_phrase(hours)})"


def date_uk(date: dt.date) -> str:
    """date(2026, 11, 27) -> "27 листопада 2026 року"."""
    return f"{date.day} {MONTHS_GENITIVE[date.month - 1]} {date.year} року"


def date_numeric(date: dt.date) -> str:
    """date(2026, 11, 27) -> "27.11.2026"."""
    return f"{date.day:02d}.{date.month:02d}.{date.year}"


def period_uk(start: dt.date, end: dt.date) -> str:
    """A study period with "з … по …", naming the year (and month) once when shared.

    (1.9.2026, 30.11.2026) -> "з 1 вересня по 30 листопада 2026 року";
    (1.9.2026, 30.9.2026) -> "з 1 по 30 вересня 2026 року";
    (15.12.2025, 20.2.2026) -> "з 15 грудня 2025 року по 20 лютого 2026 року";
    a one-day period is just ``date_uk(start)``.
    """
    if start > end:
        raise ValueError(f"period starts after it ends: {start} > {end}")
    if start == end:
        return date_uk(start)
    if start.year != end.year:
        return f"з {date_uk(start)} по {date_uk(end)}"
    if start.month != end.month:
        return f"з {start.day} {MONTHS_GENITIVE[start.month - 1]} по {date_uk(end)}"
    return f"з {start.day} по {date_uk(end)}"


def period_numeric(start: dt.date, end: dt.date) -> str:
    """(1.9.2026, 30.11.2026) -> "01.09.2026–30.11.2026" (en dash, no spaces)."""
    if start > end:
        raise ValueError(f"period starts after it ends: {start} > {end}")
    return f"{date_numeric(start)}–{date_numeric(end)}"
