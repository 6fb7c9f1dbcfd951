"""Matching: equal-weight stems; distractors offered but never scored."""

from __future__ import annotations

from typing import Any

import pytest

from courses.quiz.grading import GradeResult, InvalidResponse, grade, matching_answers

# GIFT: {=Ukraine -> Kyiv =Poland -> Warsaw =Czechia -> Prague = -> Vienna}
CAPITALS: dict[str, Any] = {
    "type": "matching",
    "pairs": [
        {"id": "ua", "question": "Ukraine", "answer": "Kyiv"},
        {"id": "pl", "question": "Poland", "answer": "Warsaw"},
        {"id": "cz", "question": "Czechia", "answer": "Prague"},
        {"id": "x1", "question": "", "answer": "Vienna"},
    ],
    "combined_feedback": {"correct": "C", "partial": "P", "incorrect": "I"},
}
RIGHT = "Ukraine → Kyiv; Poland → Warsaw; Czechia → Prague"


def matches(**chosen: str) -> dict[str, dict[str, str]]:
    return {"matches": chosen}


def test_all_stems_right() -> None:
    result = grade(CAPITALS, matches(ua="Kyiv", pl="Warsaw", cz="Prague"))
    assert result == GradeResult(1.0, "correct", ["C"], RIGHT)


def test_fraction_is_correct_stems_over_stems_not_over_pairs() -> None:
    result = grade(CAPITALS, matches(ua="Kyiv", pl="Warsaw", cz="Vienna"))
    assert result.fraction == pytest.approx(2 / 3)
    assert result.state == "partial"
    assert result.feedback == ["P"]


def test_choosing_the_distractor_is_wrong_and_distractor_is_not_a_stem() -> None:
    result = grade(CAPITALS, matches(ua="Vienna", pl="Vienna", cz="Vienna"))
    assert (result.fraction, result.state) == (0.0, "incorrect")


def test_unanswered_stems_count_as_wrong() -> None:
    assert grade(CAPITALS, matches(ua="Kyiv")).fraction == pytest.approx(1 / 3)


@pytest.mark.parametrize("response", [None, {}, matches(), matches(ua="")])
def test_nothing_chosen_is_not_answered(response: dict[str, Any] | None) -> None:
    assert grade(CAPITALS, response) == GradeResult(0.0, "not_answered", [], RIGHT)


def test_offered_answers_include_distractors_once_each() -> None:
    snapshot = {
        "type": "matching",
        "pairs": [
            {"id": "a", "question": "Lviv", "answer": "Ukraine"},
            {"id": "b", "question": "Odesa", "answer": "Ukraine"},
            {"id": "c", "question": "Krakow", "answer": "Poland"},
            {"id": "d", "question": "", "answer": "Austria"},
        ],
    }
    assert matching_answers(snapshot) == ["Ukraine", "Poland", "Austria"]
    result = grade(snapshot, matches(a="Ukraine", b="Ukraine", c="Poland"))
    assert result.fraction == 1.0


def test_unknown_stem_ids_in_a_stored_response_are_ignored() -> None:
    result = grade(CAPITALS, matches(ua="Kyiv", zz="Kyiv", x1="Vienna"))
    assert result.fraction == pytest.approx(1 / 3)


def test_malformed_matches_are_refused() -> None:
    with pytest.raises(InvalidResponse):
        grade(CAPITALS, {"matches": ["Kyiv"]})
    with pytest.raises(InvalidResponse):
        grade(CAPITALS, {"matches": {"ua": 1}})
