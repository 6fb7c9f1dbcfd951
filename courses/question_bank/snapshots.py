"""Grading snapshots built from plain field values, before anything is saved.

Why not ``Question.snapshot()``: the admin form and the importer must refuse a
broken question *before* it is written, when there is no saved instance and no
saved children to read. Both describe a question with the model's own field
names (``fields`` for the question, one dict per child row), so one builder
serves both and the two can never disagree about what is valid.

Pure: no ORM, no Django. Numbers stay ``Decimal``/``float`` (never strings),
as :mod:`courses.quiz.grading` requires.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from courses.quiz import grading

__all__ = [
    "CHILD_RELATIONS",
    "build_snapshot",
    "problem_text",
    "snapshot_problems",
]

#: The inline child relation of each question type (the ``InlinePanel`` name).
CHILD_RELATIONS: dict[str, str] = {
    "multichoice": "choices",
    "shortanswer": "answers",
    "numerical": "answers",
    "matching": "pairs",
    "ordering": "items",
}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _fraction(value: Any) -> Any:
    # Left as given when missing or odd, so grading reports it as a problem.
    return float(value) if value is not None and not isinstance(value, str) else value


def _numerical_answer(row: Mapping[str, Any]) -> dict[str, Any]:
    """The snapshot shape of one numerical answer row.

    A row that mixes shapes (a value *and* a range) is passed on with both,
    so grading reports it instead of one half being silently dropped.
    """
    answer: dict[str, Any] = {}
    if row.get("catch_all"):
        answer["value"] = "*"
    else:
        if row.get("value") is not None:
            answer["value"] = row["value"]
            tolerance = row.get("tolerance")
            answer["tolerance"] = tolerance if tolerance is not None else 0
        if row.get("minimum") is not None or row.get("maximum") is not None:
            answer["min"] = row.get("minimum")
            answer["max"] = row.get("maximum")
    answer["fraction"] = _fraction(row.get("fraction"))
    answer["feedback"] = _text(row.get("feedback"))
    return answer


def build_snapshot(
    *,
    type_code: str,
    fields: Mapping[str, Any],
    children: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The grading snapshot of a question described by model field values.

    ``fields`` holds the question's fields (``name``, ``text``, ``single``...),
    ``children`` the rows of its inline relation in display order. Ids are
    positional (``c1``, ``p2``...), which is all validation needs.
    """
    snapshot: dict[str, Any] = {
        "type": type_code,
        "name": _text(fields.get("name")),
        "text": _text(fields.get("text")),
        "general_feedback": _text(fields.get("general_feedback")),
    }
    if type_code == "multichoice":
        snapshot["single"] = bool(fields.get("single", True))
        snapshot["answers"] = [
            {
                "id": f"c{n}",
                "text": _text(row.get("text")),
                "fraction": _fraction(row.get("fraction")),
                "feedback": _text(row.get("feedback")),
            }
            for n, row in enumerate(children, start=1)
        ]
    elif type_code == "truefalse":
        snapshot["correct"] = bool(fields.get("correct", True))
        snapshot["feedback_right"] = _text(fields.get("feedback_right"))
        snapshot["feedback_wrong"] = _text(fields.get("feedback_wrong"))
    elif type_code == "shortanswer":
        snapshot["case_sensitive"] = bool(fields.get("case_sensitive", False))
        snapshot["answers"] = [
            {
                "text": _text(row.get("text")),
                "fraction": _fraction(row.get("fraction")),
                "feedback": _text(row.get("feedback")),
            }
            for row in children
        ]
    elif type_code == "numerical":
        snapshot["answers"] = [_numerical_answer(row) for row in children]
    elif type_code == "matching":
        snapshot["pairs"] = [
            {
                "id": f"p{n}",
                "question": _text(row.get("question_text")),
                "answer": _text(row.get("answer_text")),
            }
            for n, row in enumerate(children, start=1)
        ]
    elif type_code == "ordering":
        snapshot["grading"] = fields.get("grading_type") or "absolute_position"
        snapshot["items"] = [
            {"id": f"i{n}", "text": _text(row.get("text"))}
            for n, row in enumerate(children, start=1)
        ]
    elif type_code == "essay":
        snapshot["min_words"] = fields.get("min_words")
        snapshot["max_words"] = fields.get("max_words")
    return snapshot


def problem_text(problem: str, translate=None) -> str:
    """``problem`` in the user's language when it is a grading ``Message``.

    ``translate`` is ``gettext`` (passed in to keep this module Django-free);
    a param that is itself a ``Message`` (an "Answer 2" label) is translated
    first, as :class:`courses.quiz.grading.Message` documents.
    """
    if translate is None or not isinstance(problem, grading.Message):
        return str(problem)
    params = {
        key: problem_text(value, translate)
        if isinstance(value, grading.Message)
        else value
        for key, value in problem.params.items()
    }
    return translate(problem.template) % params


def snapshot_problems(
    *,
    type_code: str,
    fields: Mapping[str, Any],
    children: Sequence[Mapping[str, Any]] = (),
) -> list[str]:
    """``grading.validate`` of the question these values describe."""
    return list(
        grading.validate(
            build_snapshot(type_code=type_code, fields=fields, children=children)
        )
    )
