"""Aiken parser: the 13 cases of checklist item 24, and the rest of §3.2.

The cases follow Moodle's own test (``question/format/aiken/tests``: the
``aiken_errors.txt`` fixture and its messages) plus our stricter rules, which
reject what Moodle would import with the wrong answer marked correct.
"""

from __future__ import annotations

import pytest

from courses.importers import parse_aiken
from courses.importers.schema import QUESTION_KEYS

# Moodle's fixture (question/format/aiken/tests/fixtures/aiken_errors.txt),
# with the third good question of the newer fixture appended.
MOODLE_FIXTURE = (
    "A question with too few answers\n"  # 1
    "A) Only answer\n"  # 2
    "ANSWER: A\n"  # 3
    "\n"  # 4
    "A) Question not started\n"  # 5
    "\n"  # 6
    "ANSWER: Question not started\n"  # 7
    "\n"  # 8
    "A good question\n"  # 9
    "A) Correct\n"  # 10
    "B) Incorrect\n"  # 11
    "ANSWER: A\n"  # 12
    "\n"  # 13
    "A question started but not finished\n"  # 14
    "A) Correct-ish\n"  # 15
    "B) Incorrect-ish\n"  # 16
    "\n"  # 17
    "A second good question\n"  # 18
    "A)Incorrect (No space)\n"  # 19
    "B)Correct (No space)\n"  # 20
    "ANSWER: B\n"  # 21
    "\n"  # 22
    "A third good question with HTML chars such as > < &\n"  # 23
    "A) Correct (< > &)\n"  # 24
    "B) Incorrect (< > &)\n"  # 25
    "ANSWER: A\n"  # 26
)

GOOD = "Що таке громада?\nA) Спільнота мешканців\nB) Будівля ради\nANSWER: A\n"

# (id, source, expected texts or None, expected correct index, expected errors)
# where each expected error is (line, message prefix).
CASES = [
    ("valid-paren", GOOD, ["Спільнота мешканців", "Будівля ради"], 0, []),
    (
        "valid-dot",
        "Стем?\nA. Перша\nB. Друга\nC. Третя\nANSWER: C",
        ["Перша", "Друга", "Третя"],
        2,
        [],
    ),
    (
        "optional-space",
        "Стем?\nA)Без пробілу\nB.\tЗ табуляцією\nANSWER: B",
        ["Без пробілу", "З табуляцією"],
        1,
        [],
    ),
    ("cr-only", "Стем?\rA) так\rB) ні\rANSWER: B\r", ["так", "ні"], 1, []),
    (
        "missing-answer",
        "Стем?\nA) так\nB) ні\n",
        None,
        None,
        [(1, "Question not completed: no ANSWER line")],
    ),
    (
        "fewer-than-2-choices",
        "Стем?\nA) єдина\nANSWER: A",
        None,
        None,
        [(3, "Question must have at least 2 answers")],
    ),
    (
        "letter-out-of-range",
        "Стем?\nA) так\nB) ні\nANSWER: C",
        None,
        None,
        [(4, "answer letter 'C' is beyond the last choice 'B'")],
    ),
    (
        "lower-case-letter",
        "Стем?\nA) так\nB) ні\nANSWER: b",
        None,
        None,
        [(4, "answer letter 'b' must be upper case ('B')")],
    ),
    (
        "not-started-choice",
        "A) Питання, що виглядає як варіант\nB) ні\nANSWER: A",
        None,
        None,
        [
            (1, "Question not started"),
            (2, "Question not started"),
            (3, "Question not started"),
        ],
    ),
    (
        "not-started-answer",
        GOOD + "ANSWER: B\n",
        ["Спільнота мешканців", "Будівля ради"],
        0,
        [(5, "Question not started")],
    ),
    (
        "not-completed-before-next",
        "Перший стем\nA) так\nB) ні\nДругий стем?\nA) так\nB) ні\nANSWER: A",
        ["так", "ні"],
        0,
        [(4, "Question not completed before next question start")],
    ),
    (
        "escaping",
        "1 < 2 & 3 > 2?\nA) <b>так</b> & ok\nB) ні\nANSWER: A",
        ["&lt;b&gt;так&lt;/b&gt; &amp; ok", "ні"],
        0,
        [],
    ),
    (
        "multiline-stem",
        "Перший рядок стему\nдругий рядок стему\nA) так\nB) ні\nANSWER: A",
        ["так", "ні"],
        0,
        [(2, "Question not completed before next question start")],
    ),
]


@pytest.mark.parametrize(
    ("source", "texts", "correct", "errors"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_aiken_case(
    source: str,
    texts: list[str] | None,
    correct: int | None,
    errors: list[tuple[int, str]],
) -> None:
    result = parse_aiken(source)

    assert len(result.errors) == len(errors), [str(e) for e in result.errors]
    for error, (line, message) in zip(result.errors, errors, strict=True):
        assert error.line == line, str(error)
        assert error.message.startswith(message), str(error)

    if texts is None:
        assert result.questions == []
        return
    (question,) = result.questions
    assert [a["text"] for a in question["answers"]] == texts
    assert [a["fraction"] for a in question["answers"]] == [
        1.0 if i == correct else 0.0 for i in range(len(texts))
    ]


def test_there_are_13_cases() -> None:
    assert len(CASES) == 13


def test_moodle_fixture_messages_and_questions() -> None:
    result = parse_aiken(MOODLE_FIXTURE)

    assert [(e.line, e.message) for e in result.errors] == [
        (3, "Question must have at least 2 answers"),
        (5, "Question not started"),
        (7, "Question not started"),
        (18, "Question not completed before next question start"),
    ]
    assert [q["text"] for q in result.questions] == [
        "A good question",
        "A second good question",
        "A third good question with HTML chars such as &gt; &lt; &amp;",
    ]
    first, second, third = result.questions
    assert [a["fraction"] for a in first["answers"]] == [1.0, 0.0]
    assert [a["text"] for a in second["answers"]] == [
        "Incorrect (No space)",
        "Correct (No space)",
    ]
    assert [a["fraction"] for a in second["answers"]] == [0.0, 1.0]
    assert [a["text"] for a in third["answers"]] == [
        "Correct (&lt; &gt; &amp;)",
        "Incorrect (&lt; &gt; &amp;)",
    ]
    # The choice line at 5 gets a hint that a stem cannot look like a choice.
    assert [w.line for w in result.warnings] == [5]


def test_output_shape() -> None:
    (question,) = parse_aiken(GOOD).questions
    assert tuple(question) == QUESTION_KEYS["multichoice"]
    assert question["type"] == "multichoice"
    assert question["single"] is True
    assert question["text_format"] == "plain"
    assert question["name"] is None
    assert question["general_feedback"] is None
    assert {a["format"] for a in question["answers"]} == {"plain"}
    assert {a["feedback"] for a in question["answers"]} == {None}


def test_crlf_blank_lines_optional_and_short_lines_skipped() -> None:
    text = (
        "Q1?\r\nA) a\r\nB) b\r\nANSWER: A\r\nQ2?\r\n \r\nx\r\nA) c\r\nB) d\r\nANSWER: B"
    )
    result = parse_aiken(text)
    assert result.errors == []
    assert [q["text"] for q in result.questions] == ["Q1?", "Q2?"]


def test_only_the_first_character_after_answer_counts() -> None:
    (question,) = parse_aiken("Q?\nA) a\nB) b\nANSWER:   B) b").questions
    assert [a["fraction"] for a in question["answers"]] == [0.0, 1.0]


@pytest.mark.parametrize(
    ("answer_line", "message"),
    [
        ("ANSWER:", "ANSWER line has no letter"),
        ("ANSWER: 1", "answer '1' is not a letter A-B"),
        ("Answer: A", "write the answer line as 'ANSWER: X' (upper case)"),
    ],
)
def test_bad_answer_lines(answer_line: str, message: str) -> None:
    result = parse_aiken(f"Q?\nA) a\nB) b\n{answer_line}\n\n{GOOD}")
    assert [(e.line, e.message) for e in result.errors] == [(4, message)]
    assert len(result.questions) == 1  # the good one after it


def test_choice_letters_must_run_in_order() -> None:
    result = parse_aiken("Q?\nA) a\nC) c\nANSWER: B")
    assert result.questions == []
    assert [(e.line, e.message) for e in result.errors] == [
        (3, "choice letter 'C' is out of order (expected 'B')")
    ]


def test_empty_choice_is_rejected() -> None:
    result = parse_aiken("Q?\nA) a\nB)\nANSWER: A")
    assert [e.message for e in result.errors] == ["choice B has no text"]


def test_lower_case_choice_label_warns() -> None:
    result = parse_aiken("Q?\na) a\nb) b\nANSWER: A")
    assert result.questions == []
    assert result.warnings, "a lower-case label should be explained"
    assert "lower-case" in result.warnings[0].message


def test_question_index_counts_stems() -> None:
    result = parse_aiken(GOOD + "Q2?\nA) x\nANSWER: A\n" + GOOD)
    assert [(e.question_index, e.line) for e in result.errors] == [(2, 7)]
    assert len(result.questions) == 2
