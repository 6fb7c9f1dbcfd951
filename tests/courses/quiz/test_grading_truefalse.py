"""True/false: 1 or 0; "feedback_right" is for the learner who is right."""

from __future__ import annotations

from typing import Any

import pytest

from courses.quiz.grading import GradeResult, InvalidResponse, Message, grade


def tf(correct: bool, **extra: Any) -> dict[str, Any]:
    return {
        "type": "truefalse",
        "correct": correct,
        "feedback_right": "You are right.",
        "feedback_wrong": "You are wrong.",
        **extra,
    }


@pytest.mark.parametrize("correct", [True, False])
def test_right_answer_scores_one_with_right_feedback(correct: bool) -> None:
    result = grade(tf(correct), {"value": correct})
    assert (result.fraction, result.state) == (1.0, "correct")
    assert result.feedback == ["You are right."]


@pytest.mark.parametrize("correct", [True, False])
def test_wrong_answer_scores_zero_with_wrong_feedback(correct: bool) -> None:
    result = grade(tf(correct), {"value": not correct})
    assert (result.fraction, result.state) == (0.0, "incorrect")
    assert result.feedback == ["You are wrong."]


def test_right_answer_summary_is_a_translatable_label() -> None:
    right = grade(tf(False), {"value": True}).right_answer
    assert right == "False"
    assert isinstance(right, Message)
    assert right.template == "False"


def test_not_answered() -> None:
    assert grade(tf(True), {"value": None}) == GradeResult(
        0.0, "not_answered", [], "True"
    )
    assert grade(tf(True), None).state == "not_answered"


def test_combined_feedback_when_the_snapshot_has_it() -> None:
    snapshot = tf(True, combined_feedback={"correct": "Well done", "incorrect": ""})
    assert grade(snapshot, {"value": True}).feedback == ["You are right.", "Well done"]
    assert grade(snapshot, {"value": False}).feedback == ["You are wrong."]


def test_missing_feedback_is_fine() -> None:
    result = grade({"type": "truefalse", "correct": True}, {"value": True})
    assert result.feedback == []


@pytest.mark.parametrize("value", ["true", 1, 0, "False"])
def test_non_boolean_response_is_refused(value: object) -> None:
    with pytest.raises(InvalidResponse):
        grade(tf(True), {"value": value})
