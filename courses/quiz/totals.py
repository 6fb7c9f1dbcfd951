"""Attempt totals, quiz grades, final grades, overall feedback and passing.

Moodle's arithmetic (``mod/quiz/lib.php``, ``question/engine``), done in
``Decimal`` so that a grade printed on a certificate is exactly the one that
was compared with the pass mark: binary floats would make 0.1 + 0.2 fail a
70.3 pass mark. Standard library only; the services that own attempts and
gradebook rows call these functions and store the results.

Rounding is ``ROUND_HALF_UP`` (what trainers expect: 71.665 -> 71.67), at the
quiz's decimal places, and only where the grade is reported (``quiz_grade``,
the average in ``final_grade``), never in intermediate sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Literal

__all__ = [
    "GRADING_METHODS",
    "AttemptTotal",
    "GradingMethod",
    "final_grade",
    "overall_feedback",
    "passed",
    "question_mark",
    "quiz_grade",
    "attempt_total",
]

GradingMethod = Literal["highest", "average", "first", "last"]
#: Moodle's QUIZ_GRADEHIGHEST, QUIZ_GRADEAVERAGE, QUIZ_ATTEMPTFIRST, QUIZ_ATTEMPTLAST.
GRADING_METHODS: tuple[GradingMethod, ...] = ("highest", "average", "first", "last")

#: Moodle stores question fractions with 7 decimal places.
_FRACTION_PLACES = Decimal("0.0000001")
_MAX_DECIMALS = 10


@dataclass(frozen=True)
class AttemptTotal:
    """Sum of the question marks of one attempt.

    ``needs_grading`` is true while any question worth marks is still waiting
    for a trainer (an essay); ``sum`` is then provisional (the marks known so
    far) and must not be used for a final grade or a certificate.
    """

    sum: Decimal
    max: Decimal
    needs_grading: bool


def _places(decimals: int) -> Decimal:
    if isinstance(decimals, bool) or not 0 <= decimals <= _MAX_DECIMALS:
        raise ValueError(f"decimals must be 0..{_MAX_DECIMALS}, got {decimals!r}")
    return Decimal(1).scaleb(-decimals)


def _round(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(_places(decimals), rounding=ROUND_HALF_UP)


def question_mark(fraction: float | None, max_mark: Decimal) -> Decimal | None:
    """Mark for one question: fraction x the slot's max mark.

    The float fraction from grading is first fixed to 7 decimal places (as
    Moodle stores it) via ``repr``, so 0.1 becomes Decimal("0.1"), not
    0.1000000000000000055511151231257827. ``None`` (needs grading, or a
    description) stays ``None``.
    """
    if fraction is None:
        return None
    exact = Decimal(repr(float(fraction))).quantize(
        _FRACTION_PLACES, rounding=ROUND_HALF_UP
    )
    return exact * max_mark


def attempt_total(
    marks: Sequence[Decimal | None], max_marks: Sequence[Decimal]
) -> AttemptTotal:
    """Total one attempt: sum of known marks, sum of max marks, pending flag.

    A ``None`` mark on a slot worth marks means "requires grading" (Moodle's
    ``get_total_mark`` returns null then); on a slot worth 0 (a description)
    it is ignored, as Moodle only waits for questions with a max mark.
    """
    if len(marks) != len(max_marks):
        raise ValueError(
            f"{len(marks)} marks but {len(max_marks)} max marks: one per slot"
        )
    total = Decimal(0)
    pending = False
    for mark, max_mark in zip(marks, max_marks, strict=True):
        if mark is None:
            pending = pending or max_mark > 0
        else:
            total += mark
    return AttemptTotal(
        sum=total, max=sum(max_marks, Decimal(0)), needs_grading=pending
    )


def quiz_grade(
    total: Decimal, sumgrades: Decimal, max_grade: Decimal, decimals: int = 2
) -> Decimal:
    """Rescale an attempt total to the quiz's maximum grade, rounded half-up.

    ``total / sumgrades x max_grade`` (Moodle ``quiz_rescale_grade``); 0 when
    the quiz has no marks at all. The result is clamped to ``0..max_grade``:
    negative marks (single-answer penalties) may push a raw total below zero,
    and Moodle's gradebook bounds the grade item the same way, so a learner
    never sees or is certified with a negative grade.
    """
    places = _places(decimals)
    if sumgrades <= 0:
        return Decimal(0).quantize(places)
    with localcontext() as ctx:
        ctx.prec = 60
        rescaled = total * max_grade / sumgrades
    rescaled = min(max(rescaled, Decimal(0)), max_grade)
    return rescaled.quantize(places, rounding=ROUND_HALF_UP)


def final_grade(
    attempts: Sequence[tuple[int, Decimal | None]],
    method: GradingMethod,
    decimals: int = 2,
) -> Decimal | None:
    """The grade that counts across attempts, or ``None`` if none is graded.

    ``attempts`` are ``(attempt number, quiz grade)``; a ``None`` grade
    (unfinished, or waiting for manual grading) is ignored. ``first`` and
    ``last`` go by attempt number, not list order. Only the average is
    rounded (the others already are quiz grades).
    """
    if method not in GRADING_METHODS:
        raise ValueError(f"unknown grading method {method!r}; use {GRADING_METHODS}")
    graded = sorted(
        ((number, grade) for number, grade in attempts if grade is not None),
        key=lambda item: item[0],
    )
    if not graded:
        return None
    grades = [grade for _, grade in graded]
    if method == "highest":
        return max(grades)
    if method == "first":
        return grades[0]
    if method == "last":
        return grades[-1]
    with localcontext() as ctx:
        ctx.prec = 60
        mean = sum(grades, Decimal(0)) / len(grades)
    return _round(mean, decimals)


def overall_feedback(
    grade_percent: Decimal, bands: Sequence[tuple[Decimal | int | float, str]]
) -> str:
    """Feedback text of the band the grade falls in; "" if below every band.

    ``bands`` are ``(min_percent, text)`` in any order. A band runs from its
    minimum (inclusive) up to the next higher band's minimum (exclusive), as
    Moodle's ``quiz_feedback_for_grade`` (``mingrade <= grade < maxgrade``);
    the top band includes 100%. Boundaries given in points must be converted
    to percent by the caller. On equal minimums the first listed band wins.
    """
    best: tuple[Decimal, str] | None = None
    for minimum, text in bands:
        low = Decimal(repr(minimum)) if isinstance(minimum, float) else Decimal(minimum)
        if low <= grade_percent and (best is None or low > best[0]):
            best = (low, text)
    return best[1] if best else ""


def passed(grade: Decimal | None, pass_mark: Decimal) -> bool:
    """Whether a (final) grade reaches the pass mark; ungraded never passes.

    Inclusive, as Moodle's ``grade_grade::is_passed`` (``grade >= gradepass``).
    Compare the reported (rounded) grade, the same number the learner and the
    certificate see, so "60.00 of 60 needed" can never mean "failed".
    """
    if grade is None:
        return False
    return grade >= pass_mark
