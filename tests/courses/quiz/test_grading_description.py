"""Description: an information item, never graded."""

from __future__ import annotations

from typing import Any

import pytest

from courses.quiz.grading import GradeResult, grade, parse_response, validate

DESCRIPTION: dict[str, Any] = {"type": "description"}


@pytest.mark.parametrize("response", [None, {}, {"text": "anything"}])
def test_description_is_info_with_no_fraction(response: dict[str, Any] | None) -> None:
    assert grade(DESCRIPTION, response) == GradeResult(None, "info", [], "")


def test_description_is_valid_and_takes_no_response() -> None:
    assert validate(DESCRIPTION) == []
    assert parse_response(DESCRIPTION, {"text": ["x"]}) == {}
