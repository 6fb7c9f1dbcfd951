"""Short answer: order, wildcards, case, Unicode and Ukrainian apostrophes."""

from __future__ import annotations

import time
import unicodedata
from typing import Any

import pytest

from courses.quiz.grading import GradeResult, GradeState, grade
from courses.quiz.normalise import normalise_answer, wildcard_match


def sa(
    answers: list[tuple[str, float, str]],
    *,
    case_sensitive: bool | None = None,
    combined: dict[str, str] | None = None,
) -> dict[str, Any]:
    snapshot: dict[str, Any] = {
        "type": "shortanswer",
        "answers": [
            {"text": text, "fraction": fraction, "feedback": fb}
            for text, fraction, fb in answers
        ],
    }
    if case_sensitive is not None:
        snapshot["case_sensitive"] = case_sensitive
    if combined is not None:
        snapshot["combined_feedback"] = combined
    return snapshot


def answer(snapshot: dict[str, Any], text: str) -> GradeResult:
    return grade(snapshot, {"text": text})


# GIFT: {=%50%Cat#fb =%0%*#catch-all} plus a full-marks answer first.
ANIMALS = sa(
    [
        ("Tiger", 1.0, "Exactly."),
        ("Cat", 0.5, "A small tiger."),
        ("*", 0.0, "Think bigger."),
    ],
    combined={"correct": "C", "partial": "P", "incorrect": "I"},
)


@pytest.mark.parametrize(
    ("text", "fraction", "state", "feedback"),
    [
        ("Tiger", 1.0, "correct", ["Exactly.", "C"]),
        ("cat", 0.5, "partial", ["A small tiger.", "P"]),
        ("dog", 0.0, "incorrect", ["Think bigger.", "I"]),
    ],
)
def test_answers_tried_in_order_with_catch_all(
    text: str, fraction: float, state: GradeState, feedback: list[str]
) -> None:
    assert answer(ANIMALS, text) == GradeResult(fraction, state, feedback, "Tiger")


def test_first_match_wins() -> None:
    snapshot = sa([("Kyi*", 0.5, "prefix"), ("Kyiv", 1.0, "exact")])
    result = answer(snapshot, "Kyiv")
    assert (result.fraction, result.feedback) == (0.5, ["prefix"])


def test_no_match_and_no_catch_all_is_incorrect_without_specific_feedback() -> None:
    result = answer(sa([("Kyiv", 1.0, "yes")]), "Lviv")
    assert result == GradeResult(0.0, "incorrect", [], "Kyiv")


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_blank_is_not_answered(text: str) -> None:
    assert answer(ANIMALS, text).state == "not_answered"
    assert grade(ANIMALS, None).state == "not_answered"


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("Kyi*", "Kyiv", True),
        ("Kyi*", "Kyi", True),
        ("*iv", "Kyiv", True),
        ("K*v", "Kyiv", True),
        ("K*v", "Kyivx", False),
        ("*y*v*", "Kyiv", True),
        ("ab*ab", "ab", False),
        ("ab*ab", "abab", True),
        ("a**b", "axxb", True),
        ("*", "anything at all", True),
        ("2\\*3", "2*3", True),
        ("2\\*3", "2x3", False),
        ("2\\*3*", "2*35", True),
        ("Kyiv", "Kyiv!", False),
    ],
)
def test_wildcards(pattern: str, text: str, matches: bool) -> None:
    assert wildcard_match(pattern, text) is matches
    result = answer(sa([(pattern, 1.0, "")]), text)
    assert (result.state == "correct") is matches


def test_literal_star_answer_shown_unescaped_and_wildcards_dropped() -> None:
    assert answer(sa([("2\\*3", 1.0, "")]), "6").right_answer == "2*3"
    assert answer(sa([("Kyi*", 1.0, "")]), "x").right_answer == "Kyi"
    only_catch_all = sa([("*", 1.0, "")])
    assert answer(only_catch_all, "x").right_answer == ""


def test_many_wildcards_on_a_long_response_stay_fast() -> None:
    pattern = "a*" * 30 + "b"
    text = "a" * 10_000
    started = time.perf_counter()
    assert answer(sa([(pattern, 1.0, "")]), text).state == "incorrect"
    assert time.perf_counter() - started < 1.0


def test_case_insensitive_by_default_including_cyrillic() -> None:
    snapshot = sa([("Київ", 1.0, "")])
    assert answer(snapshot, "КИЇВ").state == "correct"
    assert answer(snapshot, "київ").state == "correct"


def test_casefold_not_lower() -> None:
    assert answer(sa([("Straße", 1.0, "")]), "STRASSE").state == "correct"


def test_case_sensitive_option() -> None:
    snapshot = sa([("Kyiv", 1.0, ""), ("kyiv", 0.5, "lower case")], case_sensitive=True)
    assert answer(snapshot, "Kyiv").fraction == 1.0
    assert answer(snapshot, "kyiv").fraction == 0.5
    assert answer(snapshot, "KYIV").fraction == 0.0


APOSTROPHES = ["\u02bc", "\u2019", "'", "`", "\u2018"]


@pytest.mark.parametrize("in_key", APOSTROPHES)
@pytest.mark.parametrize("typed", APOSTROPHES)
def test_ukrainian_apostrophe_variants_match_each_other(
    in_key: str, typed: str
) -> None:
    snapshot = sa([(f"м{in_key}ята", 1.0, "")])
    assert answer(snapshot, f"м{typed}ята").state == "correct"
    assert answer(snapshot, f"М{typed}ЯТА").state == "correct"


def test_word_with_apostrophe_and_wildcard() -> None:
    snapshot = sa([("пам\u02bcят*", 1.0, "")])
    assert answer(snapshot, "пам'ятка").state == "correct"


def test_nfc_decomposed_yi_matches_precomposed() -> None:
    decomposed = "\u0456\u0308"  # і + combining diaeresis
    assert unicodedata.normalize("NFC", decomposed) == "ї"
    snapshot = sa([("Україна", 1.0, "")])
    assert answer(snapshot, f"Укра{decomposed}на").state == "correct"


def test_whitespace_collapsed_and_trimmed() -> None:
    snapshot = sa([("  Верховна   Рада ", 1.0, "")])
    assert answer(snapshot, "верховна\u00a0\t рада\n").state == "correct"
    assert answer(snapshot, "ВерховнаРада").state == "incorrect"


def test_normalise_answer_is_stable() -> None:
    once = normalise_answer(" М’ЯТА  ", case_sensitive=False)
    assert once == "м'ята"
    assert normalise_answer(once, case_sensitive=False) == once
