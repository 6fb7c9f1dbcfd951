"""Write schema questions back to GIFT, so that ``parse_gift`` reads them back equal.

Why the round trip is the contract (and not "looks like Moodle's export"):
trainers move banks between sites and edit GIFT by hand; a question that
changes on the way (a lost weight, a ``:`` eaten as a title, a ``->`` turning
a short answer into a matching question) is a silent grading bug. So the
writer escapes everything GIFT treats as syntax (``\\ ~ = # { } :`` and
newlines as ``\\n``, as Moodle's exporter does), adds a ``[fmt]`` tag where a
text would otherwise be misread, and refuses (``GiftExportError``) content
that GIFT cannot express, instead of writing something that imports
differently.

The output is also valid for Moodle, with one extension of ours: a
single-answer multiple choice whose best option is below 100% is written
``=%90%text``, which Moodle would read as 100%.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

__all__ = ["GiftExportError", "export_gift"]

_ESCAPES = {ch: "\\" + ch for ch in "\\~=#{}:"} | {"\n": "\\n"}
_WEIGHT_LIKE = re.compile(r"%-?\d")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class GiftExportError(ValueError):
    """The question holds something GIFT cannot represent faithfully."""


def _escape(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def _formatted(text: str, fmt: str, default: str) -> str:
    """Escape ``text``, prefixed with ``[fmt]`` when needed to read it back.

    Needed when the format differs from the one it would inherit, and when the
    text itself starts with ``[`` (or ``//``, which would make the line a
    comment), so that its start is not taken for a format tag.
    """
    body = _escape(text)
    if fmt != default or body.startswith(("[", "//")):
        return f"[{fmt}]{body}"
    return body


def _percent(fraction: float) -> str:
    """``0.3333333`` -> ``33.33333``: exact decimal, so the parser gets the same float."""
    fraction = float(fraction)
    if not math.isfinite(fraction) or not -1 <= fraction <= 1:
        raise GiftExportError(f"fraction {fraction!r} is outside -1..1")
    return format((Decimal(repr(fraction)) * 100).normalize(), "f")


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise GiftExportError(f"numerical value {value!r} is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise GiftExportError(f"numerical value {value!r} is not finite")
    return repr(value)


def _feedback(feedback: str | None, fmt: str) -> str:
    return f"#{_formatted(feedback, fmt, fmt)}" if feedback else ""


def _general_feedback(question: Mapping[str, Any], fmt: str) -> str:
    feedback = question.get("general_feedback")
    return f"####{_formatted(feedback, fmt, fmt)}" if feedback else ""


def _metadata_value(value: str, what: str, forbidden: str = "") -> str:
    if _CONTROL.search(value) or value.endswith("\\") or set(value) & set(forbidden):
        raise GiftExportError(f"{what} {value!r} cannot be written in a GIFT comment")
    return value.replace("]", "\\]")


def _metadata(question: Mapping[str, Any]) -> list[str]:
    parts = []
    if question.get("idnumber"):
        parts.append(f"[id:{_metadata_value(question['idnumber'], 'idnumber')}]")
    for tag in question.get("tags") or []:
        parts.append(f"[tag:{_metadata_value(tag, 'tag', '<>`')}]")
    return [f"// {' '.join(parts)}"] if parts else []


def _multichoice_lines(question: Mapping[str, Any], fmt: str) -> list[str]:
    answers = question.get("answers") or []
    if len(answers) < 2:
        raise GiftExportError("multiple choice needs at least 2 answers")
    fractions = [float(answer["fraction"]) for answer in answers]
    # Single-answer is signalled by one '=' answer; every other answer takes
    # '~' so that the block still reads as multiple choice.
    equals_at = None
    if question.get("single", True):
        equals_at = next(
            (i for i, f in enumerate(fractions) if f == 1),
            max(range(len(fractions)), key=fractions.__getitem__),
        )
    lines = []
    for i, answer in enumerate(answers):
        text = answer.get("text") or ""
        if not text:
            raise GiftExportError(f"answer {i + 1} is empty")
        weighted = fractions[i] != (1 if i == equals_at else 0)
        prefix = "=" if i == equals_at else "~"
        if weighted or _WEIGHT_LIKE.match(text):
            prefix += f"%{_percent(fractions[i])}%"
        body = _formatted(text, answer.get("format") or fmt, fmt)
        lines.append(f"\t{prefix}{body}{_feedback(answer.get('feedback'), fmt)}")
    return lines


def _shortanswer_lines(question: Mapping[str, Any], fmt: str) -> list[str]:
    answers = question.get("answers") or []
    if not answers:
        raise GiftExportError("short answer needs at least 1 answer")
    arrows = any(
        "->" in (answer.get("text") or "") + (answer.get("feedback") or "")
        for answer in answers
    )
    if arrows and len(answers) > 1:
        # "=" plus "->" makes the block a matching question, and neither "-"
        # nor ">" can be escaped in GIFT.
        raise GiftExportError(
            "short answers containing '->' cannot be written when there are several"
        )
    lines = []
    for i, answer in enumerate(answers):
        text = answer.get("text") or ""
        if not text:
            raise GiftExportError(f"answer {i + 1} is empty")
        fraction = float(answer["fraction"])
        weight = ""
        if fraction != 1 or _WEIGHT_LIKE.match(text):
            weight = f"%{_percent(fraction)}%"
        marker = "" if arrows else "="
        body = _formatted(text, fmt, fmt)
        lines.append(
            f"\t{marker}{weight}{body}{_feedback(answer.get('feedback'), fmt)}"
        )
    return lines


def _numerical_lines(question: Mapping[str, Any], fmt: str) -> list[str]:
    answers = question.get("answers") or []
    if not answers:
        raise GiftExportError("numerical question needs at least 1 answer")
    lines = []
    for i, answer in enumerate(answers):
        fraction = float(answer["fraction"])
        feedback = _feedback(answer.get("feedback"), fmt)
        if answer.get("min") is not None:
            value = f"{_number(answer['min'])}..{_number(answer['max'])}"
        elif answer.get("value") == "*":
            if fraction == 0 and i == len(answers) - 1:
                lines.append(f"\t~{feedback}")  # Moodle's catch-all form
                continue
            value = "*"
        else:
            value = _number(answer.get("value"))
            if answer.get("tolerance"):
                value += f":{_number(answer['tolerance'])}"
        weight = f"%{_percent(fraction)}%" if fraction != 1 else ""
        lines.append(f"\t={weight}{value}{feedback}")
    return lines


def _matching_lines(question: Mapping[str, Any], fmt: str) -> list[str]:
    pairs = question.get("pairs") or []
    lines = []
    for pair in pairs:
        stem, answer = pair.get("question") or "", pair.get("answer") or ""
        if "->" in stem:
            raise GiftExportError(f"matching sub-question {stem!r} contains '->'")
        if not answer:
            raise GiftExportError(f"matching sub-question {stem!r} has no answer")
        body = _formatted(stem, fmt, fmt)
        lines.append(f"\t={body} -> {_escape(answer)}")
    return lines


def _truefalse_block(question: Mapping[str, Any], fmt: str) -> str:
    wrong = question.get("feedback_wrong")
    right = question.get("feedback_right")
    block = "TRUE" if question.get("correct") else "FALSE"
    if wrong:
        block += _feedback(wrong, fmt)
    elif right:
        block += "#"  # an empty first feedback keeps the second in its place
    if right:
        block += _feedback(right, fmt)
    return block


def _question_text(question: Mapping[str, Any], fmt: str) -> tuple[str, str]:
    """The escaped text before and after the answer block."""
    text = question.get("text") or ""
    before, after = text, ""
    if question.get("embedded_blank") and "_____" in text:
        before, after = text.split("_____", 1)
    head = _formatted(before, fmt, "moodle")
    if not before and fmt != "moodle":
        head = f"[{fmt}]"
    return head, _escape(after)


_MULTILINE = {
    "multichoice": _multichoice_lines,
    "shortanswer": _shortanswer_lines,
    "numerical": _numerical_lines,
    "matching": _matching_lines,
}


def _export_one(question: Mapping[str, Any]) -> str:
    qtype = question.get("type")
    if qtype == "category":
        path = (question.get("category") or "").strip()
        if not path or "\n" in path or "\r" in path:
            raise GiftExportError(f"category path {path!r} cannot be written")
        return f"$CATEGORY: {path}"

    fmt = question.get("text_format") or "moodle"
    lines = _metadata(question)
    title = f"::{_escape(question['name'])}::" if question.get("name") else ""
    head, tail = _question_text(question, fmt)
    head = title + head

    if qtype == "description":
        if not head:
            raise GiftExportError("a description needs a text or a name")
        lines.append(head)
    elif qtype == "essay":
        lines.append(f"{head}{{{_general_feedback(question, fmt)}}}{tail}")
    elif qtype == "truefalse":
        block = _truefalse_block(question, fmt) + _general_feedback(question, fmt)
        lines.append(f"{head}{{{block}}}{tail}")
    elif qtype in _MULTILINE:
        opening = "{#" if qtype == "numerical" else "{"
        lines.append(head + opening)
        lines.extend(_MULTILINE[qtype](question, fmt))
        if general_feedback := _general_feedback(question, fmt):
            lines.append(f"\t{general_feedback}")
        lines.append("}" + tail)
    else:
        raise GiftExportError(f"unknown question type {qtype!r}")
    return "\n".join(lines)


def export_gift(questions: Iterable[Mapping[str, Any]]) -> str:
    """Return GIFT text for ``questions`` (schema dicts, categories included).

    Questions are separated by a blank line and the file ends with a newline.
    Raises ``GiftExportError`` when a question cannot be written so that it
    reads back the same.
    """
    blocks = [_export_one(question) for question in questions]
    return "\n\n".join(blocks) + "\n" if blocks else ""
