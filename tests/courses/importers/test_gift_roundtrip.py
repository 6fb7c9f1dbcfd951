"""GIFT export -> import gives back the same questions (checklist item 25).

Exact equality, not the corpus's loose comparison: a round trip that changes
a fraction in the 7th decimal, eats a ``:`` or re-types a question is a
grading bug on the next import. Cyrillic and every GIFT special character
(``~ = # { } : \\`` and newlines) go through texts, answers, feedback, titles
and metadata.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from courses.importers import GiftExportError, export_gift, parse_gift, to_json
from tests.courses.importers.corpus import case_params, load_case

#: Every character GIFT treats as syntax, plus Ukrainian letters and apostrophe.
SPECIAL = "~ = # { } : \\ \\n \\\\ ####  -> ::"
#: GIFT cannot escape "->", so matching stems and several short answers avoid it.
NO_ARROW = SPECIAL.replace("->", "")
UK = "Громадські слухання: ґ є і ї ’"


def q(qtype: str, **fields: Any) -> dict[str, Any]:
    """A question in the parser's exact output shape (defaults filled)."""
    base = {"type": qtype, "text_format": "moodle", "embedded_blank": False}
    return to_json(base | fields)


QUESTIONS: dict[str, dict[str, Any]] = {
    "category": q("category", category="$course$/top/Модуль 1: Вступ/Підтема"),
    "description": q(
        "description",
        name=f"Опис {SPECIAL}",
        text=f"{UK}\nдругий рядок {SPECIAL}",
        text_format="html",
    ),
    "description-untitled-bracket-start": q(
        "description", text="[не формат] // і не коментар"
    ),
    "description-comment-like-start": q("description", text="// схоже на коментар"),
    "essay": q(
        "essay",
        name="Есе",
        text=f"Опишіть {UK}",
        general_feedback=f"[html]<p>Загальний відгук {SPECIAL}</p>",
        idnumber="ESSAY-1]x",
        tags=["бюджет участі", "a]b", "демократія"],
    ),
    "multichoice-single": q(
        "multichoice",
        name=f"Вибір {SPECIAL}",
        text=f"Оберіть {SPECIAL}",
        text_format="markdown",
        general_feedback=f"Загальне {SPECIAL}",
        single=True,
        answers=[
            {
                "text": f"Так {SPECIAL}",
                "format": "markdown",
                "fraction": 1.0,
                "feedback": f"Добре {SPECIAL}",
            },
            {
                "text": "<b>Частково</b>",
                "format": "html",
                "fraction": 0.5,
                "feedback": "[html] не тег формату",
            },
            {
                "text": "%50% не вага",
                "format": "markdown",
                "fraction": 0.0,
                "feedback": None,
            },
            {
                "text": "[plain] не тег",
                "format": "markdown",
                "fraction": -0.25,
                "feedback": None,
            },
        ],
    ),
    "multichoice-multi": q(
        "multichoice",
        text="Оберіть усі континенти",
        single=False,
        answers=[
            {
                "text": "Африка",
                "format": "moodle",
                "fraction": 0.3333333,
                "feedback": None,
            },
            {
                "text": "Азія",
                "format": "moodle",
                "fraction": 0.3333333,
                "feedback": None,
            },
            {
                "text": "Антарктида",
                "format": "moodle",
                "fraction": 0.3333334,
                "feedback": "#1",
            },
            {"text": "Китай", "format": "moodle", "fraction": -1.0, "feedback": "Ні"},
            {"text": "Повний", "format": "moodle", "fraction": 1.0, "feedback": None},
        ],
    ),
    "multichoice-single-without-100": q(
        "multichoice",
        text="Найкраща відповідь оцінена на 90%",
        single=True,
        answers=[
            {"text": "найкраща", "format": "moodle", "fraction": 0.9, "feedback": None},
            {"text": "гірша", "format": "moodle", "fraction": 0.1, "feedback": None},
        ],
    ),
    "multichoice-single-all-100": q(
        "multichoice",
        text="Усі правильні",
        single=True,
        answers=[
            {"text": "одна", "format": "moodle", "fraction": 1.0, "feedback": None},
            {"text": "друга", "format": "moodle", "fraction": 1.0, "feedback": None},
        ],
    ),
    "multichoice-embedded": q(
        "multichoice",
        name="Пропуск",
        text="Статут ухвалює _____ громади: так.",
        embedded_blank=True,
        single=True,
        answers=[
            {"text": "рада", "format": "moodle", "fraction": 1.0, "feedback": None},
            {"text": "голова", "format": "moodle", "fraction": 0.0, "feedback": None},
        ],
    ),
    "truefalse-both": q(
        "truefalse",
        name="Так/ні",
        text=f"Твердження {SPECIAL}",
        correct=False,
        feedback_wrong=f"Помилка {SPECIAL}",
        feedback_right=f"Правильно {SPECIAL}",
        general_feedback=UK,
    ),
    "truefalse-right-only": q(
        "truefalse", text="Твердження", correct=True, feedback_right="лише другий"
    ),
    "truefalse-bare": q("truefalse", text="Твердження", correct=True),
    "shortanswer": q(
        "shortanswer",
        text=f"Хто ухвалює статут? {SPECIAL}",
        text_format="html",
        answers=[
            {"text": f"рада {NO_ARROW}", "fraction": 1.0, "feedback": "Так"},
            {"text": "TRUE", "fraction": 1.0, "feedback": None},
            {"text": "%75% буквально", "fraction": 0.75, "feedback": None},
            {"text": "[html] буквально", "fraction": 0.5, "feedback": None},
            {"text": "*", "fraction": 0.0, "feedback": f"Ні {NO_ARROW}"},
        ],
    ),
    "shortanswer-single-arrow": q(
        "shortanswer",
        text="Напрям",
        answers=[{"text": "схід -> захід", "fraction": 0.5, "feedback": "a -> b"}],
    ),
    "numerical": q(
        "numerical",
        name="Число",
        text="Скільки годин у кредиті ЄКТС?",
        general_feedback="1 ЄКТС = 30 год",
        answers=[
            {
                "value": 30,
                "tolerance": 0,
                "fraction": 1.0,
                "feedback": f"Так {SPECIAL}",
            },
            {"value": 3.1415, "tolerance": 0.0005, "fraction": 0.5, "feedback": None},
            {"value": -1e-05, "tolerance": 2, "fraction": 0.25, "feedback": None},
            {"min": -5, "max": 5.5, "fraction": 0.3333333, "feedback": "діапазон"},
            {
                "value": "*",
                "tolerance": None,
                "fraction": 0.1,
                "feedback": "не останній",
            },
            {"value": 1822, "tolerance": 0, "fraction": -0.5, "feedback": None},
            {"value": "*", "tolerance": None, "fraction": 0.0, "feedback": "Зовсім ні"},
        ],
    ),
    "numerical-simple": q(
        "numerical",
        text="Рік?",
        answers=[{"value": 1996, "tolerance": 5, "fraction": 1.0, "feedback": None}],
    ),
    "matching": q(
        "matching",
        name=f"Пари {NO_ARROW}",
        text="Зіставте",
        text_format="html",
        general_feedback="<p>Відгук</p>",
        pairs=[
            {
                "question": f"<b>Бюджет участі</b> {NO_ARROW}",
                "answer": f"проєкти мешканців {SPECIAL}",
            },
            {"question": "[plain] слухання", "answer": "[html] обговорення"},
            {"question": "Петиція", "answer": "підписи"},
            {"question": "", "answer": "відволікач"},
        ],
    ),
}


@pytest.mark.parametrize("key", list(QUESTIONS))
def test_round_trip_each_type(key: str) -> None:
    question = QUESTIONS[key]
    text = export_gift([question])
    result = parse_gift(text)
    assert result.errors == [], [str(e) for e in result.errors]
    assert result.warnings == []
    assert result.questions == [question], text


def test_round_trip_whole_bank_in_one_file() -> None:
    questions = list(QUESTIONS.values())
    text = export_gift(questions)
    result = parse_gift(text)
    assert result.errors == []
    assert result.questions == questions
    assert export_gift(result.questions) == text  # stable


@pytest.mark.parametrize("path", case_params())
def test_round_trip_every_corpus_case(path: Path | None) -> None:
    questions = parse_gift(load_case(path)["source"]).questions
    assert parse_gift(export_gift(questions)).questions == questions


def test_export_is_moodle_shaped() -> None:
    text = export_gift(
        [
            q("category", category="$course$/top/Тема"),
            q(
                "multichoice",
                name="Q1",
                text="2 + 2 = ?",
                single=True,
                idnumber="q1",
                tags=["арифметика"],
                answers=[
                    {
                        "text": "4",
                        "format": "moodle",
                        "fraction": 1.0,
                        "feedback": "так",
                    },
                    {
                        "text": "5",
                        "format": "moodle",
                        "fraction": 0.0,
                        "feedback": None,
                    },
                    {
                        "text": "4,0",
                        "format": "moodle",
                        "fraction": 0.5,
                        "feedback": None,
                    },
                ],
            ),
            q("truefalse", text="Київ — столиця", correct=True, feedback_wrong="Так!"),
        ]
    )
    assert text == (
        "$CATEGORY: $course$/top/Тема\n"
        "\n"
        "// [id:q1] [tag:арифметика]\n"
        "::Q1::2 + 2 \\= ?{\n"
        "\t=4#так\n"
        "\t~5\n"
        "\t~%50%4,0\n"
        "}\n"
        "\n"
        "Київ — столиця{TRUE#Так!}\n"
    )


def test_empty_bank_exports_empty_text() -> None:
    assert export_gift([]) == ""


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (q("matching", text="Q", pairs=[{"question": "a -> b", "answer": "c"}]), "->"),
        (
            q(
                "shortanswer",
                text="Q",
                answers=[
                    {"text": "a -> b", "fraction": 1.0, "feedback": None},
                    {"text": "c", "fraction": 1.0, "feedback": None},
                ],
            ),
            "->",
        ),
        (
            q(
                "multichoice",
                text="Q",
                single=True,
                answers=[
                    {"text": "a", "format": "moodle", "fraction": 1.0, "feedback": None}
                ],
            ),
            "at least 2 answers",
        ),
        (
            q(
                "multichoice",
                text="Q",
                single=False,
                answers=[
                    {
                        "text": "a",
                        "format": "moodle",
                        "fraction": 1.5,
                        "feedback": None,
                    },
                    {
                        "text": "b",
                        "format": "moodle",
                        "fraction": 0.0,
                        "feedback": None,
                    },
                ],
            ),
            "outside -1..1",
        ),
        (
            q(
                "numerical",
                text="Q",
                answers=[
                    {"value": "abc", "tolerance": 0, "fraction": 1.0, "feedback": None}
                ],
            ),
            "not a number",
        ),
        (q("category", category="a\nb"), "cannot be written"),
        (q("essay", text="Q", tags=["<script>"]), "cannot be written"),
        ({"type": "calculated", "text": "Q"}, "unknown question type"),
    ],
)
def test_unrepresentable_questions_are_refused(
    question: dict[str, Any], message: str
) -> None:
    with pytest.raises(GiftExportError, match=message):
        export_gift([question])
