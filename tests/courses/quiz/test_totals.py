"""Attempt totals, quiz grade rescaling, final grade, overall feedback, pass."""

from __future__ import annotations

from decimal import Decimal

import pytest

from courses.quiz.totals import (
    AttemptTotal,
    attempt_total,
    final_grade,
    overall_feedback,
    passed,
    question_mark,
    quiz_grade,
)

D = Decimal

# A fixed three-attempt fixture: 60, 85, 70 out of 100.
THREE_ATTEMPTS = [(1, D("60.00")), (2, D("85.00")), (3, D("70.00"))]


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("highest", D("85.00")),
        ("average", D("71.67")),
        ("first", D("60.00")),
        ("last", D("70.00")),
    ],
)
def test_grading_methods_on_three_attempts(method: str, expected: Decimal) -> None:
    assert final_grade(THREE_ATTEMPTS, method) == expected  # type: ignore[arg-type]


def test_first_and_last_go_by_attempt_number_not_list_order() -> None:
    shuffled = [THREE_ATTEMPTS[2], THREE_ATTEMPTS[0], THREE_ATTEMPTS[1]]
    assert final_grade(shuffled, "first") == D("60.00")
    assert final_grade(shuffled, "last") == D("70.00")


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("highest", D("85.00")),
        ("average", D("72.50")),
        ("first", D("60.00")),
        ("last", D("85.00")),
    ],
)
def test_none_attempts_are_ignored(method: str, expected: Decimal) -> None:
    attempts = [(1, D("60.00")), (2, D("85.00")), (3, None), (4, None)]
    assert final_grade(attempts, method) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("method", ["highest", "average", "first", "last"])
def test_no_graded_attempt_gives_none(method: str) -> None:
    assert final_grade([], method) is None  # type: ignore[arg-type]
    assert final_grade([(1, None)], method) is None  # type: ignore[arg-type]


def test_average_rounding_follows_decimals() -> None:
    assert final_grade(THREE_ATTEMPTS, "average", decimals=0) == D("72")
    assert final_grade(THREE_ATTEMPTS, "average", decimals=3) == D("71.667")
    # Half-up, not banker's rounding: 2.5 -> 3.
    assert final_grade([(1, D(2)), (2, D(3))], "average", decimals=0) == D(3)


def test_unknown_method_refused() -> None:
    with pytest.raises(ValueError, match="unknown grading method"):
        final_grade(THREE_ATTEMPTS, "median")  # type: ignore[arg-type]


# attempt_total -----------------------------------------------------------------


def test_attempt_total_sums_marks_and_max_marks() -> None:
    total = attempt_total([D("1"), D("0.5"), D("2")], [D(1), D(1), D(2)])
    assert total == AttemptTotal(sum=D("3.5"), max=D(4), needs_grading=False)


def test_essay_waiting_for_grading_makes_the_total_provisional() -> None:
    total = attempt_total([D("1"), None], [D(1), D(5)])
    assert total == AttemptTotal(sum=D(1), max=D(6), needs_grading=True)


def test_description_without_mark_does_not_wait() -> None:
    assert not attempt_total([D(1), None], [D(1), D(0)]).needs_grading


def test_negative_marks_are_summed() -> None:
    assert attempt_total([D(1), D("-0.5")], [D(1), D(1)]).sum == D("0.5")


def test_attempt_total_lengths_must_match() -> None:
    with pytest.raises(ValueError, match="one per slot"):
        attempt_total([D(1)], [D(1), D(1)])


def test_question_mark() -> None:
    assert question_mark(1.0, D(2)) == D(2)
    assert question_mark(0.1, D(3)) == D("0.3")
    assert question_mark(1 / 3, D(3)) == D("0.9999999")
    assert question_mark(-0.5, D(2)) == D(-1)
    assert question_mark(None, D(2)) is None


# quiz_grade ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "sumgrades", "max_grade", "decimals", "expected"),
    [
        (D(6), D(8), D(100), 2, D("75.00")),
        (D(6), D(8), D(10), 2, D("7.50")),
        (D(1), D(3), D(100), 2, D("33.33")),
        (D(2), D(3), D(100), 2, D("66.67")),
        (D(2), D(3), D(100), 0, D("67")),
        (D(1), D(8), D(10), 2, D("1.25")),
        (D(1), D(8), D(10), 1, D("1.3")),  # 1.25 -> 1.3 half-up
        (D(1), D(16), D(10), 3, D("0.625")),
        (D(8), D(8), D(100), 2, D("100.00")),
        (D(0), D(8), D(100), 2, D("0.00")),
    ],
)
def test_quiz_grade_rescales_and_rounds_half_up(
    total: Decimal,
    sumgrades: Decimal,
    max_grade: Decimal,
    decimals: int,
    expected: Decimal,
) -> None:
    result = quiz_grade(total, sumgrades, max_grade, decimals)
    assert result == expected
    assert result.as_tuple().exponent == -decimals


def test_quiz_without_marks_grades_zero() -> None:
    assert quiz_grade(D(0), D(0), D(100)) == D("0.00")


def test_quiz_grade_clamped_to_zero_and_max() -> None:
    assert quiz_grade(D(-2), D(8), D(100)) == D("0.00")
    assert quiz_grade(D(9), D(8), D(100)) == D("100.00")


@pytest.mark.parametrize("decimals", [-1, 11, True])
def test_quiz_grade_decimals_checked(decimals: int) -> None:
    with pytest.raises(ValueError, match="decimals"):
        quiz_grade(D(1), D(2), D(10), decimals)


def test_pipeline_from_fractions_to_final_grade() -> None:
    maxima = [D(1), D(1), D(2)]
    marks = [question_mark(f, m) for f, m in zip([1.0, 0.5, 0.25], maxima, strict=True)]
    total = attempt_total(marks, maxima)
    assert total.sum == D("2.0")
    assert quiz_grade(total.sum, total.max, D(100)) == D("50.00")


# overall_feedback -----------------------------------------------------------------

BANDS = [(D(90), "Excellent"), (D(60), "Passed"), (D(0), "Try again")]


@pytest.mark.parametrize(
    ("percent", "text"),
    [
        (D(100), "Excellent"),
        (D(90), "Excellent"),  # lower boundary inclusive
        (D("89.99"), "Passed"),
        (D(60), "Passed"),
        (D("59.99"), "Try again"),
        (D(0), "Try again"),
    ],
)
def test_overall_feedback_bands(percent: Decimal, text: str) -> None:
    assert overall_feedback(percent, BANDS) == text


def test_overall_feedback_band_order_does_not_matter() -> None:
    assert overall_feedback(D(75), list(reversed(BANDS))) == "Passed"


def test_overall_feedback_below_every_band_or_no_bands() -> None:
    assert overall_feedback(D(10), [(D(50), "Half")]) == ""
    assert overall_feedback(D(10), []) == ""


def test_overall_feedback_accepts_int_and_float_boundaries() -> None:
    bands = [(66.7, "Two thirds"), (0, "Less")]
    assert overall_feedback(D("66.7"), bands) == "Two thirds"
    assert overall_feedback(D("66.69"), bands) == "Less"


# passed -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "pass_mark", "expected"),
    [
        (D("60.00"), D(60), True),
        (D("59.99"), D(60), False),
        (D("85.00"), D(60), True),
        (None, D(60), False),
        (D(0), D(0), True),
    ],
)
def test_passed(grade: Decimal | None, pass_mark: Decimal, expected: bool) -> None:
    assert passed(grade, pass_mark) is expected
