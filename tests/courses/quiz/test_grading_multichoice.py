"""Multiple choice, single and multi, on Moodle's own examples (reference §1.3)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from courses.quiz.grading import (
    GradeResult,
    GradeState,
    InvalidResponse,
    InvalidSnapshot,
    grade,
)


def mc(
    answers: list[tuple[str, float | Decimal, str]],
    *,
    single: bool,
    combined: dict[str, str] | None = None,
) -> dict[str, Any]:
    snapshot: dict[str, Any] = {
        "type": "multichoice",
        "single": single,
        "answers": [
            {"id": f"id-{text}", "text": text, "fraction": fraction, "feedback": fb}
            for text, fraction, fb in answers
        ],
    }
    if combined is not None:
        snapshot["combined_feedback"] = combined
    return snapshot


def ticks(*texts: str) -> dict[str, list[str]]:
    return {"choices": [f"id-{t}" for t in texts]}


# GIFT test: yellow 50 / red -100 / off-beige 50 / blue -100.
COLOURS = mc(
    [
        ("yellow", 0.5, "right, good!"),
        ("red", -1.0, "wrong"),
        ("off-beige", 0.5, "right"),
        ("blue", -1.0, "wrong"),
    ],
    single=False,
)


@pytest.mark.parametrize(
    ("ticked", "fraction", "state"),
    [
        (("yellow", "off-beige"), 1.0, "correct"),
        (("yellow", "red", "off-beige", "blue"), 0.0, "incorrect"),
        (("yellow",), 0.5, "partial"),
        (("yellow", "red"), 0.0, "incorrect"),
        (("red", "blue"), 0.0, "incorrect"),
    ],
)
def test_colours_multi_answer_is_clamped_sum(
    ticked: tuple[str, ...], fraction: float, state: str
) -> None:
    result = grade(COLOURS, ticks(*ticked))
    assert result.fraction == fraction
    assert result.state == state


# GIFT test "tricky": no "=" in the block, so multi-answer despite one 100%.
TRICKY = mc([("yellow", 1.0, ""), ("red", -0.5, ""), ("blue", -0.5, "")], single=False)


@pytest.mark.parametrize(
    ("ticked", "fraction", "state"),
    [
        (("yellow",), 1.0, "correct"),
        (("yellow", "red"), 0.5, "partial"),
        (("yellow", "red", "blue"), 0.0, "incorrect"),
        (("red",), 0.0, "incorrect"),
    ],
)
def test_tricky_multi_answer(
    ticked: tuple[str, ...], fraction: float, state: str
) -> None:
    result = grade(TRICKY, ticks(*ticked))
    assert result.fraction == fraction
    assert result.state == state


# gift-pegjs multipleAnswersFloat: 33.33333% x 3, -100% x 2.
THIRDS = mc(
    [
        ("a", 0.3333333, ""),
        ("b", 0.3333333, ""),
        ("c", 0.3333333, ""),
        ("d", -1.0, ""),
        ("e", -1.0, ""),
    ],
    single=False,
)


def test_three_thirds_count_as_full_marks() -> None:
    result = grade(THIRDS, ticks("a", "b", "c"))
    assert result == GradeResult(1.0, "correct", [], "a; b; c")


def test_two_thirds_is_partial() -> None:
    result = grade(THIRDS, ticks("a", "b"))
    assert result.state == "partial"
    assert result.fraction == pytest.approx(0.6666666)


def test_tick_all_thirds_scores_nothing() -> None:
    assert grade(THIRDS, ticks("a", "b", "c", "d", "e")).fraction == 0.0


def test_multi_feedback_is_ticked_choices_in_question_order_then_combined() -> None:
    snapshot = mc(
        [("x", 0.5, "fb x"), ("y", 0.5, ""), ("z", -1.0, "fb z")],
        single=False,
        combined={"correct": "All right", "partial": "Partly", "incorrect": "No"},
    )
    assert grade(snapshot, ticks("z", "x")).feedback == ["fb x", "fb z", "No"]
    assert grade(snapshot, ticks("x")).feedback == ["fb x", "Partly"]
    assert grade(snapshot, ticks("y", "x")).feedback == ["fb x", "All right"]


def test_multi_nothing_ticked_is_not_answered_without_combined_feedback() -> None:
    snapshot = mc([("x", 1.0, "fb")], single=False, combined={"incorrect": "No"})
    responses: list[dict[str, list[str]] | None] = [None, {}, {"choices": []}]
    for response in responses:
        assert grade(snapshot, response) == GradeResult(0.0, "not_answered", [], "x")


# Single answer -------------------------------------------------------------

SINGLE = mc(
    [
        ("Kyiv", 1.0, "Yes, the capital."),
        ("Lviv", 0.5, "Half: a big city."),
        ("Odesa", 0.0, ""),
        ("Paris", -0.5, "Penalised: not in Ukraine."),
    ],
    single=True,
    combined={"correct": "C", "partial": "P", "incorrect": "I"},
)


@pytest.mark.parametrize(
    ("choice", "fraction", "state", "feedback"),
    [
        ("Kyiv", 1.0, "correct", ["Yes, the capital.", "C"]),
        ("Lviv", 0.5, "partial", ["Half: a big city.", "P"]),
        ("Odesa", 0.0, "incorrect", ["I"]),
        ("Paris", -0.5, "incorrect", ["Penalised: not in Ukraine.", "I"]),
    ],
)
def test_single_answer_scores_the_chosen_fraction(
    choice: str, fraction: float, state: GradeState, feedback: list[str]
) -> None:
    result = grade(SINGLE, {"choice": f"id-{choice}"})
    assert result == GradeResult(fraction, state, feedback, "Kyiv")


def test_single_negative_mark_is_kept_not_clamped() -> None:
    snapshot = mc([("ok", 1.0, ""), ("bad", -1.0, "")], single=True)
    assert grade(snapshot, {"choice": "id-bad"}).fraction == -1.0


def test_single_unknown_choice_scores_zero() -> None:
    result = grade(SINGLE, {"choice": "no-such-id"})
    assert (result.fraction, result.state) == (0.0, "incorrect")


def test_single_not_answered() -> None:
    assert grade(SINGLE, {"choice": None}).state == "not_answered"
    assert grade(SINGLE, None).fraction == 0.0


def test_decimal_fractions_are_accepted() -> None:
    snapshot = mc(
        [("a", Decimal("0.5"), ""), ("b", Decimal("0.5"), ""), ("c", Decimal(-1), "")],
        single=False,
    )
    assert grade(snapshot, ticks("a", "b")).fraction == 1.0


def test_grading_does_not_mutate_the_snapshot() -> None:
    before = copy.deepcopy(COLOURS)
    grade(COLOURS, ticks("yellow", "red"))
    assert before == COLOURS


def test_broken_snapshot_raises_invalid_snapshot() -> None:
    with pytest.raises(InvalidSnapshot):
        grade({"type": "multichoice", "answers": []}, {"choice": "x"})


def test_response_of_wrong_shape_raises_invalid_response() -> None:
    with pytest.raises(InvalidResponse):
        grade(COLOURS, {"choices": "id-yellow"})
    with pytest.raises(InvalidResponse):
        grade(SINGLE, {"choice": 3})
    with pytest.raises(InvalidResponse):
        grade(SINGLE, ["id-Kyiv"])  # type: ignore[arg-type]


def test_five_digit_thirds_stay_just_short_of_full_marks() -> None:
    # Documented gap: 33.333% x 3 = 99.999% passes validate (0.0001 slack,
    # reference §6.3) but is more than 1e-6 from 1, so Moodle's graded-state
    # rule calls it partial. Authors should use Moodle's 33.33333%.
    snapshot = mc(
        [("a", 0.33333, ""), ("b", 0.33333, ""), ("c", 0.33333, "")], single=False
    )
    result = grade(snapshot, ticks("a", "b", "c"))
    assert result.state == "partial"
    assert result.fraction == pytest.approx(0.99999)
