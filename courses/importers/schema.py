"""The intermediate question structure shared by every importer and exporter.

Why a separate, dependency-free module: the GIFT and Aiken parsers, the GIFT
exporter, the ``import_questions --dry-run --json`` command and the conformance
tests must agree on one shape (the schema in
``shared/conformance/gift/README.md``). Keeping that shape here, as plain
``TypedDict``\\s over JSON-ready values, means a parsed file can be printed,
compared and previewed before any model exists, and that model creation is a
separate step that can validate first.

Questions are plain ``dict``\\s (not dataclasses) on purpose: they are compared
with ``==`` in round-trip tests and dumped with ``json.dumps`` unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

__all__ = [
    "ANSWER_KEYS",
    "QUESTION_KEYS",
    "TEXT_FORMATS",
    "CategoryItem",
    "DescriptionQuestion",
    "EssayQuestion",
    "MatchingPair",
    "MatchingQuestion",
    "MultichoiceAnswer",
    "MultichoiceQuestion",
    "NumericalAnswer",
    "NumericalQuestion",
    "ParseError",
    "ParseResult",
    "ShortAnswer",
    "ShortanswerQuestion",
    "TruefalseQuestion",
    "to_json",
]

TextFormat = Literal["moodle", "html", "plain", "markdown"]

#: The format names GIFT understands in a ``[fmt]`` prefix, in Moodle's spelling.
#: ``moodle`` is the default when a text carries no prefix.
TEXT_FORMATS: tuple[str, ...] = ("moodle", "html", "plain", "markdown")


class MultichoiceAnswer(TypedDict):
    """One option of a multiple-choice question.

    ``fraction`` is the share of the mark (-1..1); ``format`` is inherited from
    the question unless the answer carried its own ``[fmt]`` prefix.
    """

    text: str
    format: TextFormat
    fraction: float
    feedback: str | None


class ShortAnswer(TypedDict):
    """One accepted (or catch-all ``*``) typed answer; fraction 1 by default."""

    text: str
    fraction: float
    feedback: str | None


class NumericalAnswer(TypedDict, total=False):
    """One numerical answer in one of three shapes.

    * ``{value, tolerance}``: accepted when ``|x - value| <= tolerance``;
    * ``{min, max}``: accepted when ``min <= x <= max``;
    * ``{value: "*", tolerance: None}``: the catch-all (``~#feedback``).

    Numbers keep the type they were written with (``1822`` -> ``int``,
    ``3.14`` -> ``float``) so that an export writes them back unchanged.
    """

    value: int | float | str
    tolerance: int | float | None
    min: int | float
    max: int | float
    fraction: float
    feedback: str | None


class MatchingPair(TypedDict):
    """A sub-question and its answer; an empty question is a distractor answer."""

    question: str
    answer: str


class CategoryItem(TypedDict):
    """A ``$CATEGORY:`` switch: the questions after it go to ``category``."""

    type: Literal["category"]
    category: str


class DescriptionQuestion(TypedDict):
    """Text without an answer block. The base of every other question type."""

    type: str
    name: str | None
    text: str
    text_format: TextFormat
    embedded_blank: bool
    idnumber: str | None
    tags: list[str] | None


class EssayQuestion(DescriptionQuestion):
    """``Question{}``: free text graded by a trainer; only general feedback."""

    general_feedback: str | None


class MultichoiceQuestion(EssayQuestion):
    """``{=right ~wrong}``; ``single`` iff the block had an unescaped ``=``."""

    single: bool
    answers: list[MultichoiceAnswer]


class ShortanswerQuestion(EssayQuestion):
    """``{=answer =other}``: typed answers tried in order."""

    answers: list[ShortAnswer]


class NumericalQuestion(EssayQuestion):
    """``{#value:tolerance}``, ``{#min..max}`` or several ``=`` answers."""

    answers: list[NumericalAnswer]


class MatchingQuestion(EssayQuestion):
    """``{=stem -> answer = -> distractor}``."""

    pairs: list[MatchingPair]


class TruefalseQuestion(EssayQuestion):
    """``{TRUE#wrong#right}``.

    ``feedback_wrong`` (the first ``#``) is shown to a learner who picked the
    wrong value, ``feedback_right`` (the second) to one who picked the right
    value, whatever the correct value is: Moodle's semantics.
    """

    correct: bool
    feedback_wrong: str | None
    feedback_right: str | None


_COMMON = ("type", "name", "text", "text_format", "embedded_blank", "idnumber", "tags")
_WITH_FEEDBACK = (*_COMMON, "general_feedback")

#: The exact keys emitted for each item type, in output order.
QUESTION_KEYS: dict[str, tuple[str, ...]] = {
    "category": ("type", "category"),
    "description": _COMMON,
    "essay": _WITH_FEEDBACK,
    "multichoice": (*_WITH_FEEDBACK, "single", "answers"),
    "shortanswer": (*_WITH_FEEDBACK, "answers"),
    "numerical": (*_WITH_FEEDBACK, "answers"),
    "matching": (*_WITH_FEEDBACK, "pairs"),
    "truefalse": (*_WITH_FEEDBACK, "correct", "feedback_wrong", "feedback_right"),
}

#: The exact keys of one answer (or pair) per question type. Numerical answers
#: have two shapes, told apart by the presence of ``min``.
ANSWER_KEYS: dict[str, tuple[str, ...]] = {
    "multichoice": ("text", "format", "fraction", "feedback"),
    "shortanswer": ("text", "fraction", "feedback"),
    "numerical": ("value", "tolerance", "fraction", "feedback"),
    "numerical_range": ("min", "max", "fraction", "feedback"),
    "matching": ("question", "answer"),
}


@dataclass(frozen=True)
class ParseError:
    """A problem found in the input, located for the person who has to fix it.

    ``line`` is 1-based. For GIFT it is the first line of the question (a GIFT
    question is one block, and a mistake anywhere in it rejects it); for Aiken,
    which is line-oriented, it is the line where the problem was detected, as
    in Moodle's messages. ``question_index`` is the 1-based position of the
    item in the file (every non-empty GIFT block, categories included; every
    Aiken stem), or ``None`` when the problem belongs to no question.
    ``excerpt`` is the start of the offending text, so a message still makes
    sense after the file was edited.
    """

    line: int
    question_index: int | None
    message: str
    excerpt: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.question_index is not None:
            where += f" (question {self.question_index})"
        text = f"{where}: {self.message}"
        return f"{text}: {self.excerpt}" if self.excerpt else text


@dataclass
class ParseResult:
    """What a parser returns: the good items, and why the bad ones were dropped.

    A bad question never stops the parse; the caller decides whether a file
    with errors is imported partly (with the report) or not at all.
    ``warnings`` hold things that were imported but probably not as meant
    (for example ``{true}``, which Moodle reads as a short answer).
    """

    questions: list[dict[str, Any]]
    errors: list[ParseError]
    warnings: list[ParseError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every question in the input was parsed."""
        return not self.errors


def _answer_to_json(qtype: str, answer: Mapping[str, Any]) -> dict[str, Any]:
    if qtype == "numerical" and answer.get("min") is not None:
        keys = ANSWER_KEYS["numerical_range"]
    else:
        keys = ANSWER_KEYS[qtype]
    return {key: answer.get(key) for key in keys}


def to_json(question: Mapping[str, Any]) -> dict[str, Any]:
    """Return a new dict with exactly the schema keys for ``question``'s type.

    Why: callers (the dry-run JSON output, the preview, the model layer) can
    rely on every key being present (``None`` when it does not apply or was
    absent) and on no extra keys leaking out. Raises ``ValueError`` for an
    unknown type rather than guessing.
    """
    qtype = question.get("type")
    if qtype not in QUESTION_KEYS:
        raise ValueError(f"unknown question type {qtype!r}")
    out: dict[str, Any] = {key: question.get(key) for key in QUESTION_KEYS[qtype]}
    if "embedded_blank" in out:
        out["embedded_blank"] = bool(out["embedded_blank"])
    if out.get("tags") is not None:
        out["tags"] = list(out["tags"])
    if "answers" in out:
        out["answers"] = [_answer_to_json(qtype, a) for a in out["answers"] or []]
    if "pairs" in out:
        out["pairs"] = [_answer_to_json(qtype, p) for p in out["pairs"] or []]
    return out
