"""parse_response(): hostile form input gives InvalidResponse or a clean value.

Whatever arrives, the only exception allowed out is InvalidResponse, its
message stays short (no echo of a megabyte), and whatever is returned can be
graded and stored as UTF-8 JSON.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import QueryDict

import pytest

from courses.quiz.grading import (
    MAX_ESSAY_CHARS,
    NOT_A_NUMBER,
    InvalidResponse,
    grade,
    parse_response,
)

SNAPSHOTS: dict[str, dict[str, Any]] = {
    "single": {
        "type": "multichoice",
        "single": True,
        "answers": [
            {"id": "k7f2", "text": "Kyiv", "fraction": 1.0, "feedback": ""},
            {"id": "q9z1", "text": "Lviv", "fraction": 0.0, "feedback": ""},
        ],
    },
    "multi": {
        "type": "multichoice",
        "single": False,
        "answers": [
            {"id": "y", "text": "yellow", "fraction": 0.5, "feedback": ""},
            {"id": "r", "text": "red", "fraction": -1.0, "feedback": ""},
            {"id": "o", "text": "off-beige", "fraction": 0.5, "feedback": ""},
        ],
    },
    "truefalse": {"type": "truefalse", "correct": True},
    "shortanswer": {
        "type": "shortanswer",
        "answers": [{"text": "Kyiv", "fraction": 1.0, "feedback": ""}],
    },
    "numerical": {
        "type": "numerical",
        "answers": [{"value": 3.14, "tolerance": 0.01, "fraction": 1.0}],
    },
    "matching": {
        "type": "matching",
        "pairs": [
            {"id": "ua", "question": "Ukraine", "answer": "Kyiv"},
            {"id": "pl", "question": "Poland", "answer": "Warsaw"},
            {"id": "xx", "question": "", "answer": "Vienna"},
        ],
    },
    "ordering": {
        "type": "ordering",
        "grading": "absolute_position",
        "items": [
            {"id": "i1", "text": "One"},
            {"id": "i2", "text": "Two"},
            {"id": "i3", "text": "Three"},
        ],
    },
    "essay": {"type": "essay"},
    "description": {"type": "description"},
}

MEGABYTE = "я" * 1_000_000
HOSTILE_VALUES: list[Any] = [
    [MEGABYTE],
    ["\x00"],
    ["Ky\x00iv"],
    ["\ud800"],
    ["Kyiv\udfff"],
    ["NaN"],
    ["1e309"],
    ["-inf"],
    ["no-such-id"],
    ["k7f2", "k7f2"],
    ["k7f2", "q9z1"],
    ["i1", "i1", "i1"],
    ["i1,i2,i2"],
    ["y"] * 5000,
    [""],
    [],
    "k7f2",  # a bare string instead of a list
    None,
    3,
    [3],
    [None],
    [b"k7f2"],
    [["k7f2"]],
    {"a": "b"},
    [{"a": "b"}],
    [1e309],
    [float("nan")],
]
FIELDS = [
    "choice",
    "choices",
    "value",
    "text",
    "order",
    "match-ua",
    "match-xx",
    "match-\ud800",
    "match-",
]


def assert_safe(snapshot: dict[str, Any], raw: Any) -> None:
    try:
        cleaned = parse_response(snapshot, raw)
    except InvalidResponse as exc:
        assert str(exc)
        assert len(str(exc)) < 200
        return
    # A clean value: storable as UTF-8 JSON and gradable without surprises.
    json.dumps(cleaned, ensure_ascii=False).encode("utf-8")
    assert "\x00" not in json.dumps(cleaned)
    grade(snapshot, cleaned)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", sorted(SNAPSHOTS))
def test_hostile_values_never_escape_as_other_exceptions(name: str, field: str) -> None:
    for value in HOSTILE_VALUES:
        assert_safe(SNAPSHOTS[name], {field: value})


@pytest.mark.parametrize("raw", [None, [], "choice=k7f2", 42, [("choice", "k7f2")]])
@pytest.mark.parametrize("name", sorted(SNAPSHOTS))
def test_raw_that_is_not_a_mapping(name: str, raw: Any) -> None:
    with pytest.raises(InvalidResponse, match="not a form"):
        parse_response(SNAPSHOTS[name], raw)


@pytest.mark.parametrize("name", sorted(SNAPSHOTS))
def test_unrelated_fields_are_ignored(name: str) -> None:
    raw = {"csrfmiddlewaretoken": ["abc"], "q12-choice": ["zzz"], 7: ["x"]}
    assert_safe(SNAPSHOTS[name], raw)


# multichoice -------------------------------------------------------------------


def test_single_choice() -> None:
    snapshot = SNAPSHOTS["single"]
    assert parse_response(snapshot, {"choice": ["k7f2"]}) == {"choice": "k7f2"}
    assert parse_response(snapshot, {}) == {"choice": None}
    assert parse_response(snapshot, {"choice": [""]}) == {"choice": None}
    with pytest.raises(InvalidResponse, match="not one of the choices"):
        parse_response(snapshot, {"choice": ["Kyiv"]})
    with pytest.raises(InvalidResponse, match="more than once"):
        parse_response(snapshot, {"choice": ["k7f2", "k7f2"]})


def test_multi_choices_deduplicated_in_question_order() -> None:
    snapshot = SNAPSHOTS["multi"]
    raw = {"choices": ["o", "y", "o", ""]}
    assert parse_response(snapshot, raw) == {"choices": ["y", "o"]}
    assert parse_response(snapshot, {}) == {"choices": []}
    with pytest.raises(InvalidResponse, match="'zzz' is not one of the choices"):
        parse_response(snapshot, {"choices": ["y", "zzz"]})
    with pytest.raises(InvalidResponse, match="too many values"):
        parse_response(snapshot, {"choices": ["y"] * 5000})


def test_query_dict_repeated_keys_are_all_seen() -> None:
    snapshot = SNAPSHOTS["multi"]
    assert parse_response(snapshot, QueryDict("choices=y&choices=o")) == {
        "choices": ["y", "o"]
    }
    with pytest.raises(InvalidResponse, match="more than once"):
        parse_response(SNAPSHOTS["single"], QueryDict("choice=k7f2&choice=q9z1"))


def test_error_message_does_not_echo_a_megabyte() -> None:
    with pytest.raises(InvalidResponse) as info:
        parse_response(SNAPSHOTS["single"], {"choice": [MEGABYTE]})
    assert len(str(info.value)) < 200
    assert info.value.message.template.startswith("The chosen answer")


# truefalse ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("true", True),
        ("false", False),
        ("1", True),
        ("0", False),
        ("TRUE", True),
        ("", None),
    ],
)
def test_truefalse_values(value: str, parsed: bool | None) -> None:
    assert parse_response(SNAPSHOTS["truefalse"], {"value": [value]}) == {
        "value": parsed
    }


@pytest.mark.parametrize("value", ["yes", "tru", "2", "true ", MEGABYTE])
def test_truefalse_refuses_other_values(value: str) -> None:
    with pytest.raises(InvalidResponse, match="true or false"):
        parse_response(SNAPSHOTS["truefalse"], {"value": [value]})


# text answers --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["shortanswer", "numerical", "essay"])
def test_megabyte_text_is_refused(name: str) -> None:
    with pytest.raises(InvalidResponse, match="too long"):
        parse_response(SNAPSHOTS[name], {"text": [MEGABYTE]})


def test_essay_up_to_the_limit_is_kept_whole() -> None:
    text = "а" * MAX_ESSAY_CHARS
    assert parse_response(SNAPSHOTS["essay"], {"text": [text]}) == {"text": text}


def test_nul_and_control_characters_are_removed() -> None:
    raw = {"text": ["Ky\x00iv\x07"]}
    assert parse_response(SNAPSHOTS["shortanswer"], raw) == {"text": "Kyiv"}
    assert grade(SNAPSHOTS["shortanswer"], {"text": "Kyiv"}).state == "correct"


def test_lone_surrogates_become_replacement_characters() -> None:
    cleaned = parse_response(SNAPSHOTS["essay"], {"text": ["a\ud800b"]})
    assert cleaned == {"text": "a\ufffdb"}
    cleaned["text"].encode("utf-8")


def test_essay_line_endings_and_layout_kept() -> None:
    raw = {"text": ["Перший абзац.\r\n\r\n  Другий.\r"]}
    assert parse_response(SNAPSHOTS["essay"], raw) == {
        "text": "Перший абзац.\n\n  Другий.\n"
    }


def test_short_text_is_trimmed() -> None:
    assert parse_response(SNAPSHOTS["shortanswer"], {"text": ["  Kyiv \n"]}) == {
        "text": "Kyiv"
    }


@pytest.mark.parametrize("text", ["NaN", "1e309", "-inf", "3,14.5", "abc"])
def test_not_a_number_is_kept_and_graded_wrong(text: str) -> None:
    snapshot = SNAPSHOTS["numerical"]
    cleaned = parse_response(snapshot, {"text": [text]})
    assert cleaned == {"text": text}
    result = grade(snapshot, cleaned)
    assert result.state == "incorrect"
    assert result.feedback == [NOT_A_NUMBER]


def test_numerical_comma_round_trip() -> None:
    snapshot = SNAPSHOTS["numerical"]
    cleaned = parse_response(snapshot, {"text": ["3,14"]})
    assert grade(snapshot, cleaned).state == "correct"


# matching --------------------------------------------------------------------------


def test_matching_fields() -> None:
    snapshot = SNAPSHOTS["matching"]
    raw = {"match-pl": ["Vienna"], "match-ua": ["Kyiv"], "csrfmiddlewaretoken": ["t"]}
    assert parse_response(snapshot, raw) == {"matches": {"ua": "Kyiv", "pl": "Vienna"}}
    assert parse_response(snapshot, {"match-ua": [""]}) == {"matches": {}}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"match-zz": ["Kyiv"]}, "'zz' is not one of the questions"),
        ({"match-xx": ["Kyiv"]}, "'xx' is not one of the questions"),  # distractor
        ({"match-ua": ["Lviv"]}, "'Lviv' is not one of the offered answers"),
        ({"match-ua": ["Kyiv", "Kyiv"]}, "more than once"),
    ],
)
def test_matching_refusals(raw: dict[str, list[str]], message: str) -> None:
    with pytest.raises(InvalidResponse, match=message):
        parse_response(SNAPSHOTS["matching"], raw)


# ordering ----------------------------------------------------------------------------


def test_ordering_repeated_or_comma_joined() -> None:
    snapshot = SNAPSHOTS["ordering"]
    expected = {"order": ["i3", "i1", "i2"]}
    assert parse_response(snapshot, {"order": ["i3", "i1", "i2"]}) == expected
    assert parse_response(snapshot, {"order": ["i3,i1,i2"]}) == expected
    assert parse_response(snapshot, {}) == {"order": []}


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (["i1", "i2"], "exactly once"),
        (["i1", "i2", "i2"], "exactly once"),
        (["i1", "i2", "i3", "i3"], "exactly once"),
        (["i1", "i2", "i9"], "'i9' is not one of the items"),
        (["i1,i2,i9"], "not one of the items"),
    ],
)
def test_ordering_must_be_a_permutation(order: list[str], message: str) -> None:
    with pytest.raises(InvalidResponse, match=message):
        parse_response(SNAPSHOTS["ordering"], {"order": order})
