"""Essay: waits for a trainer; blank is not answered; word limits advise only."""

from __future__ import annotations

from typing import Any

import pytest

from courses.quiz.grading import (
    GradeResult,
    count_words,
    grade,
    word_limit_problem,
)

ESSAY: dict[str, Any] = {"type": "essay", "min_words": 3, "max_words": 6}


def test_text_needs_grading_with_no_fraction() -> None:
    result = grade(ESSAY, {"text": "Громада вирішує сама."})
    assert result == GradeResult(None, "needs_grading", [], "")


@pytest.mark.parametrize("response", [None, {}, {"text": ""}, {"text": " \n\t "}])
def test_blank_is_not_answered_with_zero(response: dict[str, Any] | None) -> None:
    assert grade(ESSAY, response) == GradeResult(0.0, "not_answered", [], "")


def test_too_short_or_long_is_still_sent_to_the_trainer() -> None:
    assert grade(ESSAY, {"text": "Так."}).state == "needs_grading"
    assert grade(ESSAY, {"text": "слово " * 50}).state == "needs_grading"


def test_word_limit_problem() -> None:
    assert word_limit_problem(ESSAY, "один два три") is None
    short = word_limit_problem(ESSAY, "один")
    assert short is not None
    assert "at least 3" in short
    assert short.params == {"min": 3, "count": 1}
    long = word_limit_problem(ESSAY, "a b c d e f g")
    assert long is not None
    assert "at most 6" in long


def test_no_limits() -> None:
    snapshot = {"type": "essay", "min_words": None, "max_words": None}
    assert word_limit_problem(snapshot, "") is None
    assert word_limit_problem({"type": "essay"}, "x " * 10_000) is None


def test_count_words() -> None:
    assert count_words("  Місцеве   самоврядування\nце право  ") == 4
    assert count_words("") == 0
