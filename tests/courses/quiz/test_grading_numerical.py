"""Numerical: tolerance, ranges, comma decimals, catch-all, not-a-number."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from courses.quiz.grading import NOT_A_NUMBER, GradeResult, GradeState, grade
from courses.quiz.normalise import parse_number


def num(answers: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "numerical", "answers": answers, **extra}


def answer(snapshot: dict[str, Any], text: str) -> GradeResult:
    return grade(snapshot, {"text": text})


PI = num([{"value": 3.14, "tolerance": 0.01, "fraction": 1.0, "feedback": "Pi."}])


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("3.14", "correct"),
        ("3,14", "correct"),
        ("3.15", "correct"),  # boundary, exact in Decimal
        ("3.13", "correct"),
        ("+3.14", "correct"),
        ("3.1415", "correct"),
        ("3.151", "incorrect"),
        ("-3.14", "incorrect"),
        ("314e-2", "correct"),
        (" 3,14 ", "correct"),
    ],
)
def test_value_with_tolerance(text: str, state: str) -> None:
    assert answer(PI, text).state == state


def test_exact_value_without_tolerance() -> None:
    snapshot = num([{"value": 1822, "fraction": 1.0, "feedback": ""}])
    assert answer(snapshot, "1822").state == "correct"
    assert answer(snapshot, "1822,0").state == "correct"
    assert answer(snapshot, "1822.0001").state == "incorrect"


@pytest.mark.parametrize(
    "text", ["1 822", "1\u00a0822", "1\u202f822", "1822", "1 822,0", "+1 822"]
)
def test_space_and_nbsp_thousands_separators(text: str) -> None:
    snapshot = num([{"value": 1822, "fraction": 1.0, "feedback": ""}])
    assert answer(snapshot, text).state == "correct"


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("-5", "correct"),
        ("5", "correct"),
        ("0", "correct"),
        ("\u22125", "correct"),
        ("-5.0001", "incorrect"),
        ("5,5", "incorrect"),
    ],
)
def test_range_min_max_is_inclusive(text: str, state: str) -> None:
    snapshot = num([{"min": -5, "max": 5, "fraction": 1.0, "feedback": ""}])
    assert answer(snapshot, text).state == state


# GIFT {# =1822:0 =%50%1822:2} with a catch-all wrong-answer feedback.
GRADED = num(
    [
        {"value": 1822, "tolerance": 0, "fraction": 1.0, "feedback": "Exactly."},
        {"value": 1822, "tolerance": 2, "fraction": 0.5, "feedback": "Close."},
        {"value": "*", "fraction": 0.0, "feedback": "Completely wrong."},
    ],
    combined_feedback={"correct": "C", "partial": "P", "incorrect": "I"},
)


@pytest.mark.parametrize(
    ("text", "fraction", "state", "feedback"),
    [
        ("1822", 1.0, "correct", ["Exactly.", "C"]),
        ("1823", 0.5, "partial", ["Close.", "P"]),
        ("1820", 0.5, "partial", ["Close.", "P"]),
        ("1825", 0.0, "incorrect", ["Completely wrong.", "I"]),
    ],
)
def test_multiple_graded_answers_and_catch_all(
    text: str, fraction: float, state: GradeState, feedback: list[str]
) -> None:
    assert answer(GRADED, text) == GradeResult(fraction, state, feedback, "1822")


NOT_NUMBERS = [
    "abc",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "1e309",
    "-1e309",
    "9" * 400,
    "1e99999999",
    "1.2.3",
    "1,234.5",
    "1.234,5",
    "1 2",
    "12 34",
    "0x10",
    "\u0663",  # Arabic-Indic digit three
    "3,14 m",
    "x" * 1_000_000,
    "1\x00",
]


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_not_a_number_is_incorrect_with_feedback_not_a_crash(text: str) -> None:
    result = answer(GRADED, text)
    assert (result.fraction, result.state) == (0.0, "incorrect")
    assert result.feedback == [NOT_A_NUMBER, "I"]
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["", "  ", "\u00a0"])
def test_blank_is_not_answered(text: str) -> None:
    assert answer(GRADED, text).state == "not_answered"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3,14", Decimal("3.14")),
        ("-0,5", Decimal("-0.5")),
        (",5", Decimal("0.5")),
        ("5.", Decimal("5")),
        ("1 234 567,89", Decimal("1234567.89")),
        ("1.5e3", Decimal("1500")),
        ("1,5E-3", Decimal("0.0015")),
        ("\u22122", Decimal("-2")),
        ("1e308", Decimal("1e308")),
    ],
)
def test_parse_number(text: str, value: Decimal) -> None:
    assert parse_number(text) == value


def test_right_answer_summaries() -> None:
    assert answer(PI, "0").right_answer == "3.14 ± 0.01"
    ranged = num([{"min": 3.1, "max": 3.2, "fraction": 1.0, "feedback": ""}])
    assert answer(ranged, "0").right_answer == "[3.1; 3.2]"


def test_decimal_snapshot_values() -> None:
    snapshot = num(
        [{"value": Decimal("0.1"), "tolerance": Decimal("0"), "fraction": 1}]
    )
    assert answer(snapshot, "0,1").state == "correct"


def test_float_binary_error_does_not_leak_into_tolerance() -> None:
    # 0.1 + 0.2 != 0.3 in floats; the author meant the decimal values.
    snapshot = num([{"value": 0.3, "tolerance": 0.0, "fraction": 1.0}])
    assert answer(snapshot, "0.3").state == "correct"
    snapshot = num([{"value": 0.1, "tolerance": 0.2, "fraction": 1.0}])
    assert answer(snapshot, "0.3").state == "correct"
