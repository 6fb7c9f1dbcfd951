"""validate(): broken questions are refused with clear, translatable messages."""

from __future__ import annotations

import copy
import math
from decimal import Decimal
from typing import Any

import pytest

from courses.quiz.grading import (
    QUESTION_TYPES,
    InvalidSnapshot,
    Message,
    grade,
    parse_response,
    validate,
)


def mc(fractions: list[Any], *, single: bool) -> dict[str, Any]:
    return {
        "type": "multichoice",
        "single": single,
        "answers": [
            {"id": f"a{n}", "text": f"Answer {n}", "fraction": f, "feedback": ""}
            for n, f in enumerate(fractions)
        ],
    }


VALID: dict[str, dict[str, Any]] = {
    "multichoice": mc([1.0, 0.0, -0.5], single=True),
    "truefalse": {"type": "truefalse", "correct": False},
    "shortanswer": {
        "type": "shortanswer",
        "case_sensitive": False,
        "answers": [
            {"text": "Kyiv", "fraction": 1.0, "feedback": ""},
            {"text": "*", "fraction": 0.0, "feedback": "No."},
        ],
    },
    "numerical": {
        "type": "numerical",
        "answers": [
            {"value": 3.14, "tolerance": 0.01, "fraction": 1.0, "feedback": ""},
            {"min": 3, "max": 4, "fraction": 0.5, "feedback": ""},
            {"value": "*", "fraction": 0, "feedback": "No."},
        ],
    },
    "matching": {
        "type": "matching",
        "pairs": [
            {"id": "p1", "question": "Ukraine", "answer": "Kyiv"},
            {"id": "p2", "question": "Poland", "answer": "Warsaw"},
            {"id": "p3", "question": "", "answer": "Vienna"},
        ],
    },
    "ordering": {
        "type": "ordering",
        "grading": "relative_next",
        "items": [{"id": "i1", "text": "First"}, {"id": "i2", "text": "Second"}],
    },
    "essay": {"type": "essay", "min_words": 10, "max_words": 500},
    "description": {"type": "description"},
}


def test_every_type_has_a_valid_example() -> None:
    assert set(VALID) == set(QUESTION_TYPES)


@pytest.mark.parametrize("qtype", sorted(VALID))
def test_valid_questions_pass(qtype: str) -> None:
    assert validate(VALID[qtype]) == []


def problems_of(snapshot: Any) -> str:
    problems = validate(snapshot)
    assert problems, "expected the question to be refused"
    assert all(isinstance(p, Message) for p in problems)
    return " | ".join(problems)


@pytest.mark.parametrize("snapshot", [None, [], "multichoice", 3])
def test_not_a_mapping(snapshot: Any) -> None:
    assert "must be a mapping" in problems_of(snapshot)


@pytest.mark.parametrize("qtype", [None, "cloze", "", 5])
def test_unknown_type(qtype: Any) -> None:
    assert "Unknown question type" in problems_of({"type": qtype})


# multichoice ----------------------------------------------------------------


def test_single_without_a_full_marks_answer() -> None:
    text = problems_of(mc([0.5, 0.0, -1.0], single=True))
    assert "must be worth 100%" in text


@pytest.mark.parametrize("fractions", [[0.5, 0.4, -1.0], [0.5, 0.6, -1.0], [0, -1]])
def test_multi_positive_fractions_must_add_up_to_100(fractions: list[float]) -> None:
    text = problems_of(mc(fractions, single=False))
    assert "must add up to 100%" in text


def test_multi_sum_message_says_what_it_adds_up_to() -> None:
    assert "(they add up to 90%)" in problems_of(mc([0.5, 0.4, -1], single=False))


@pytest.mark.parametrize(
    "fractions",
    [
        [0.5, 0.5, -1, -1],
        [1.0, -0.5, -0.5],
        [0.3333333, 0.3333333, 0.3333333, -1, -1],
        [0.33333, 0.33333, 0.33333, -1],  # 99.999%: within 0.0001
        [Decimal("0.25")] * 4,
    ],
)
def test_multi_sum_within_tolerance_is_accepted(fractions: list[Any]) -> None:
    assert validate(mc(fractions, single=False)) == []


def test_multichoice_needs_two_answers() -> None:
    assert "at least 2 answers (it has 1)" in problems_of(mc([1.0], single=True))


@pytest.mark.parametrize("bad", [1.5, -2, math.nan, math.inf, True, "1", None])
def test_fraction_must_be_a_number_in_range(bad: Any) -> None:
    text = problems_of(mc([1.0, bad], single=True))
    assert "Answer 2: the grade must be a number from -100% to 100%" in text


def test_duplicate_and_missing_ids() -> None:
    snapshot = mc([1.0, 0.0, 0.0], single=True)
    snapshot["answers"][1]["id"] = "a0"
    snapshot["answers"][2]["id"] = ""
    text = problems_of(snapshot)
    assert "Answer 2 repeats the id 'a0'" in text
    assert "Answer 3 has no id" in text


def test_blank_answer_text_and_missing_single_flag() -> None:
    snapshot = mc([1.0, 0.0], single=True)
    snapshot["answers"][1]["text"] = "   "
    assert "Answer 2 has no text" in problems_of(snapshot)
    del snapshot["single"]
    assert "single setting must be true or false" in problems_of(snapshot)


def test_answers_must_be_a_list_of_entries() -> None:
    snapshot = {"type": "multichoice", "single": True, "answers": "Kyiv"}
    assert "answers must be a list" in problems_of(snapshot)


def test_bad_combined_feedback() -> None:
    snapshot = mc([1.0, 0.0], single=True)
    snapshot["combined_feedback"] = {"correct": 1}
    assert "Combined feedback" in problems_of(snapshot)


# shortanswer / numerical ------------------------------------------------------


def test_shortanswer_rules() -> None:
    snapshot = copy.deepcopy(VALID["shortanswer"])
    snapshot["answers"] = [
        {"text": "*", "fraction": 0.0, "feedback": ""},
        {"text": "Kyiv", "fraction": 0.5, "feedback": ""},
        {"text": " ", "fraction": 0.0, "feedback": ""},
    ]
    text = problems_of(snapshot)
    assert "Answer 1 (*) matches everything" in text
    assert "Answer 3 has no text" in text
    assert "must be worth 100%" in text
    assert "at least 1 answer" in problems_of({"type": "shortanswer", "answers": []})


def test_shortanswer_negative_fraction_refused() -> None:
    snapshot = copy.deepcopy(VALID["shortanswer"])
    snapshot["answers"][1]["fraction"] = -0.5
    assert "from 0% to 100%" in problems_of(snapshot)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"min": 5, "max": 1, "fraction": 1.0}, "minimum is greater than the maximum"),
        (
            {"value": 1, "tolerance": -1, "fraction": 1.0},
            "tolerance cannot be negative",
        ),
        ({"value": "abc", "fraction": 1.0}, "must be a number with a tolerance"),
        ({"value": math.nan, "fraction": 1.0}, "must be a number with a tolerance"),
        ({"min": 1, "fraction": 1.0}, "must be a number with a tolerance"),
        ({"value": 1, "min": 0, "max": 2, "fraction": 1.0}, "must be a number with"),
        ({"value": 1, "fraction": 0.5}, "must be worth 100%"),
    ],
)
def test_numerical_rules(answer: dict[str, Any], expected: str) -> None:
    assert expected in problems_of({"type": "numerical", "answers": [answer]})


def test_numerical_catch_all_must_be_last_and_cannot_be_the_only_full_mark() -> None:
    snapshot = {
        "type": "numerical",
        "answers": [
            {"value": "*", "fraction": 1.0},
            {"value": 2, "fraction": 0.5},
        ],
    }
    text = problems_of(snapshot)
    assert "Answer 1 (*) matches everything" in text
    assert "(other than *) must be worth 100%" in text


# matching / ordering / essay -------------------------------------------------


def test_matching_needs_two_stems_and_answers() -> None:
    snapshot = {
        "type": "matching",
        "pairs": [
            {"id": "p1", "question": "Ukraine", "answer": ""},
            {"id": "p2", "question": "", "answer": "Vienna"},
        ],
    }
    text = problems_of(snapshot)
    assert "at least 2 questions to match (it has 1)" in text
    assert "Pair 1 has no answer" in text


def test_matching_pair_fields() -> None:
    snapshot = {"type": "matching", "pairs": [{"id": "p1", "question": 3}]}
    text = problems_of(snapshot)
    assert "Pair 1: question is missing or is not text" in text
    assert "Pair 1: answer is missing or is not text" in text


def test_ordering_rules() -> None:
    snapshot = {
        "type": "ordering",
        "grading": "longest_subset",
        "items": [{"id": "i1", "text": "One"}],
    }
    assert "grading type must be one of" in problems_of(snapshot)
    snapshot["grading"] = "all_or_nothing"
    assert "at least 2 items (it has 1)" in problems_of(snapshot)
    snapshot["items"] = [{"id": "i1", "text": "One"}, {"id": "i2", "text": "One "}]
    assert "Item 2 repeats the text" in problems_of(snapshot)


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        ({"min_words": 50, "max_words": 10}, "minimum word count (50) is greater"),
        ({"min_words": -1}, "min_words limit must be empty or a whole number"),
        ({"max_words": True}, "max_words limit must be empty or a whole number"),
        ({"max_words": 2.5}, "max_words limit must be empty or a whole number"),
    ],
)
def test_essay_limits(limits: dict[str, Any], expected: str) -> None:
    assert expected in problems_of({"type": "essay", **limits})


# validation vs. grading --------------------------------------------------------


def test_messages_carry_template_and_params_for_translation() -> None:
    (problem,) = validate(mc([1.0], single=True))
    assert isinstance(problem, Message)
    assert problem.template.startswith("A multiple-choice question needs")
    assert problem.params == {"count": 1}
    assert problem.template % problem.params == problem


def test_authoring_rules_do_not_stop_grading_old_snapshots() -> None:
    # Saved before a rule existed (sum 90%): still gradable, marks unchanged.
    snapshot = mc([0.5, 0.4, -1.0], single=False)
    assert validate(snapshot)
    assert grade(snapshot, {"choices": ["a0", "a1"]}).fraction == pytest.approx(0.9)


def test_structural_problems_stop_grading_and_parsing() -> None:
    broken = mc([1.0, 2.0], single=True)
    with pytest.raises(InvalidSnapshot, match="grade must be a number"):
        grade(broken, {"choice": "a1"})
    with pytest.raises(InvalidSnapshot):
        parse_response(broken, {"choice": ["a1"]})
    with pytest.raises(InvalidSnapshot, match="Unknown question type"):
        grade({"type": "cloze"}, None)
