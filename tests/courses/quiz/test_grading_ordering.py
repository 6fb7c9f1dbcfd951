"""Ordering: Moodle qtype_ordering grading types on fixed examples."""

from __future__ import annotations

from typing import Any

import pytest

from courses.quiz.grading import GradeResult, grade, ordering_fraction

CORRECT = ["a", "b", "c", "d"]


def ordering(grading: str) -> dict[str, Any]:
    return {
        "type": "ordering",
        "grading": grading,
        "items": [{"id": i, "text": i.upper()} for i in CORRECT],
        "combined_feedback": {"correct": "C", "partial": "P", "incorrect": "I"},
    }


# (response, all_or_nothing, absolute_position, relative_next, include_last)
CASES = [
    (["a", "b", "c", "d"], 1.0, 1.0, 1.0, 1.0),
    # last two swapped: a->b kept; c is last so not scored (exclude last).
    (["a", "b", "d", "c"], 0.0, 2 / 4, 1 / 3, 1 / 4),
    # rotated by one: nothing in place, but b->c and c->d kept.
    (["b", "c", "d", "a"], 0.0, 0.0, 2 / 3, 2 / 4),
    # reversed: nothing right under any rule.
    (["d", "c", "b", "a"], 0.0, 0.0, 0.0, 0.0),
    # first and last swapped: b, c in place; b->c kept.
    (["d", "b", "c", "a"], 0.0, 2 / 4, 1 / 3, 1 / 4),
]


@pytest.mark.parametrize(
    ("given", "all_or_nothing", "absolute", "relative", "relative_last"), CASES
)
def test_grading_types(
    given: list[str],
    all_or_nothing: float,
    absolute: float,
    relative: float,
    relative_last: float,
) -> None:
    expected = {
        "all_or_nothing": all_or_nothing,
        "absolute_position": absolute,
        "relative_next": relative,
        "relative_next_include_last": relative_last,
    }
    for grading, fraction in expected.items():
        assert ordering_fraction(CORRECT, given, grading) == pytest.approx(fraction)
        assert grade(ordering(grading), {"order": given}).fraction == pytest.approx(
            fraction
        ), grading


def test_states_and_feedback() -> None:
    snapshot = ordering("absolute_position")
    right = "A → B → C → D"
    assert grade(snapshot, {"order": CORRECT}) == GradeResult(
        1.0, "correct", ["C"], right
    )
    assert grade(snapshot, {"order": ["a", "b", "d", "c"]}) == GradeResult(
        0.5, "partial", ["P"], right
    )
    assert grade(snapshot, {"order": ["d", "c", "b", "a"]}).feedback == ["I"]


@pytest.mark.parametrize("response", [None, {}, {"order": []}])
def test_no_order_is_not_answered(response: dict[str, Any] | None) -> None:
    assert grade(ordering("relative_next"), response).state == "not_answered"


@pytest.mark.parametrize(
    "given", [["a"], ["a", "a", "a", "a"], ["x", "y"], ["a", "b", "c", "d", "e"]]
)
@pytest.mark.parametrize(
    "grading",
    [
        "all_or_nothing",
        "absolute_position",
        "relative_next",
        "relative_next_include_last",
    ],
)
def test_non_permutation_from_storage_never_crashes_nor_exceeds_one(
    given: list[str], grading: str
) -> None:
    fraction = grade(ordering(grading), {"order": given}).fraction
    assert fraction is not None
    assert 0.0 <= fraction <= 1.0


def test_unknown_and_repeated_ids_from_storage_are_dropped() -> None:
    snapshot = ordering("absolute_position")
    assert grade(snapshot, {"order": ["a", "b", "c", "d", "e"]}).fraction == 1.0
    assert grade(snapshot, {"order": ["a", "a", "a", "a"]}).fraction == 0.25
    assert grade(snapshot, {"order": ["x", "y"]}).state == "not_answered"
