"""What a trainer sees of one answer: the question, the response, the key.

Pure functions over an attempt's stored snapshot and response (no ORM), so the
screen shows exactly what the learner was given, whatever happened to the
bank since. Texts are returned as plain strings: the templates escape them
(learner text is never trusted); only the question text and general
feedback, sanitised when the trainer saved them, go through ``|richtext``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..quiz import grading


def _question_type_labels() -> dict[str, str]:
    from ..models import Question

    labels: dict[str, str] = {}
    todo = list(Question.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if getattr(cls, "type_code", ""):
            labels[cls.type_code] = cls._meta.verbose_name
    return labels


def type_label(kind: str) -> str:
    return str(_question_type_labels().get(kind, kind))


@dataclass
class Option:
    """A choice as the learner saw it, and what it was worth."""

    text: str
    chosen: bool
    fraction: Decimal | None = None
    feedback: str = ""

    @property
    def percent(self) -> Decimal | None:
        return None if self.fraction is None else self.fraction * 100


@dataclass
class Match:
    stem: str
    given: str
    correct: str

    @property
    def right(self) -> bool:
        return self.given == self.correct


@dataclass
class ResponseDisplay:
    """One answer on the trainer's attempt page."""

    kind: str
    type_label: str
    name: str
    text: str  # sanitised HTML from the snapshot
    general_feedback: str  # sanitised HTML from the snapshot
    answered: bool
    options: list[Option] = field(default_factory=list)
    bool_value: bool | None = None
    bool_correct: bool | None = None
    answer_text: str = ""
    matches: list[Match] = field(default_factory=list)
    given_order: list[str] = field(default_factory=list)
    correct_order: list[str] = field(default_factory=list)
    words: int | None = None  # essays
    raw: str = ""  # an unknown type's response, shown as JSON text


def _number(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def response_display(snapshot: Mapping[str, Any], response: Any) -> ResponseDisplay:
    """The trainer's view of ``response`` to the question in ``snapshot``."""
    kind = str(snapshot.get("type", ""))
    response = response if isinstance(response, Mapping) else {}
    view = ResponseDisplay(
        kind=kind,
        type_label=type_label(kind),
        name=str(snapshot.get("name", "")),
        text=str(snapshot.get("text", "")),
        general_feedback=str(snapshot.get("general_feedback", "") or ""),
        answered=False,
    )
    if kind == "multichoice":
        if snapshot.get("single", True):
            chosen = {response.get("choice")} - {None}
        else:
            chosen = set(response.get("choices") or [])
        view.options = [
            Option(
                text=str(a.get("text", "")),
                chosen=a.get("id") in chosen,
                fraction=_number(a.get("fraction")),
                feedback=str(a.get("feedback", "") or ""),
            )
            for a in snapshot.get("answers") or []
        ]
        view.answered = any(o.chosen for o in view.options)
    elif kind == "truefalse":
        value = response.get("value")
        view.bool_value = value if isinstance(value, bool) else None
        view.bool_correct = bool(snapshot.get("correct"))
        view.answered = view.bool_value is not None
    elif kind in ("shortanswer", "numerical", "essay"):
        view.answer_text = str(response.get("text") or "")
        view.answered = bool(view.answer_text.strip())
        if kind == "essay":
            view.words = grading.count_words(view.answer_text)
    elif kind == "matching":
        given = response.get("matches") or {}
        if not isinstance(given, Mapping):
            given = {}
        view.matches = [
            Match(
                stem=str(p.get("question", "")),
                given=str(given.get(p.get("id")) or ""),
                correct=str(p.get("answer", "")),
            )
            for p in snapshot.get("pairs") or []
            if str(p.get("question", "")).strip()
        ]
        view.answered = any(m.given for m in view.matches)
    elif kind == "ordering":
        items = snapshot.get("items") or []
        by_id = {i.get("id"): str(i.get("text", "")) for i in items}
        order = response.get("order") or []
        view.given_order = [by_id[i] for i in order if i in by_id]
        view.correct_order = [str(i.get("text", "")) for i in items]
        view.answered = bool(view.given_order)
    elif kind != "description":
        view.answered = bool(response)
        if response:
            view.raw = json.dumps(response, ensure_ascii=False, default=str)
    return view


def question_numbers(snapshots: list[tuple[int, Mapping[str, Any]]]) -> dict[int, int]:
    """Question numbers by position; descriptions are not numbered (as learners see)."""
    numbers: dict[int, int] = {}
    n = 0
    for position, snapshot in snapshots:
        if snapshot.get("type") != "description":
            n += 1
            numbers[position] = n
    return numbers
