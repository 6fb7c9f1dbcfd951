"""Between the importers' schema dicts and the question models' field values.

Why a separate, ORM-free layer: the importer must check every question
(field limits and ``grading.validate``) before it writes anything, and the
exporter must produce exactly what the importer reads back. Both directions
live here, side by side, as pure functions over :class:`QuestionData`, so
the round trip is testable without a database and the two cannot drift.

Text rules (the models store question text and general feedback as rich
text, i.e. HTML, and every other text as plain text that templates escape):

* rich text from ``html``/``moodle`` input goes through the one sanitiser,
  ``cms_pages.sanitize.sanitize_html``; ``plain``/``markdown`` input is
  escaped and wrapped in ``<p>``, keeping line breaks (markdown is not
  rendered: a minimal, safe reading);
* plain text from ``html``/``moodle`` input is that HTML's text (tags
  stripped, entities decoded), so no markup survives into a plain field;
  ``plain``/``markdown`` input is kept as written;
* on export, question text is written in GIFT's default (``moodle``, i.e.
  HTML) format and plain texts are HTML-escaped, so re-importing gives the
  same stored values.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from cms_pages.sanitize import sanitize_html, strip_tags

__all__ = [
    "CHILD_IMPORT_FIELDS",
    "FIELD_IMPORT_FIELDS",
    "QuestionData",
    "data_to_schema",
    "default_name",
    "html_to_plain",
    "join_category_path",
    "plain_text",
    "rich_text",
    "schema_to_data",
    "split_category_path",
    "text_excerpt",
]

HTML_FORMATS = frozenset({"html", "moodle"})
#: Question types GIFT can carry (``ordering`` has no GIFT syntax).
GIFT_TYPES = frozenset(
    {
        "multichoice",
        "truefalse",
        "shortanswer",
        "numerical",
        "matching",
        "essay",
        "description",
    }
)
#: The question fields a file sets (others, such as combined feedback or
#: shuffling, are left as they are on re-import).
FIELD_IMPORT_FIELDS: dict[str, tuple[str, ...]] = {
    "multichoice": ("single",),
    "truefalse": ("correct", "feedback_right", "feedback_wrong"),
    "shortanswer": (),
    "numerical": (),
    "matching": (),
    "essay": (),
    "description": (),
}
COMMON_IMPORT_FIELDS = ("name", "idnumber", "text", "general_feedback")
#: The child fields a file sets, per child relation.
CHILD_IMPORT_FIELDS: dict[str, tuple[str, ...]] = {
    "multichoice": ("text", "fraction", "feedback"),
    "shortanswer": ("text", "fraction", "feedback"),
    "numerical": (
        "catch_all",
        "value",
        "tolerance",
        "minimum",
        "maximum",
        "fraction",
        "feedback",
    ),
    "matching": ("question_text", "answer_text"),
}
NAME_LENGTH = 80
FRACTION_PLACES = Decimal("0.0000001")  # Choice.fraction: decimal_places=7
_BLANK = "_____"
_WHITESPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass
class QuestionData:
    """One question as model field values: what gets written, or was read.

    ``fields`` uses the question model's field names, ``children`` one dict
    per row of its inline relation (model field names, display order),
    ``tags`` the tag names in order.
    """

    type_code: str
    fields: dict[str, Any]
    children: list[dict[str, Any]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


# --- text -------------------------------------------------------------------


def html_to_plain(value: str | None) -> str:
    """The text an HTML fragment shows: tags removed, entities decoded."""
    if not value:
        return ""
    return html.unescape(strip_tags(value))


def rich_text(value: str | None, text_format: str) -> str:
    """Rich-text (HTML) storage for a question text given in ``text_format``."""
    if not value:
        return ""
    if text_format in HTML_FORMATS:
        return sanitize_html(value)
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [p.strip("\n") for p in _PARAGRAPH_BREAK.split(value) if p.strip()]
    body = "".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br/>") + "</p>"
        for p in paragraphs
    )
    return sanitize_html(body)


def plain_text(value: str | None, text_format: str) -> str:
    """Plain-text storage for an answer/feedback text given in ``text_format``."""
    if not value:
        return ""
    if text_format in HTML_FORMATS:
        return html_to_plain(value)
    return value


def text_excerpt(value: str | None, limit: int = NAME_LENGTH) -> str:
    """The start of an HTML text as one line of plain text (for names, previews)."""
    text = _WHITESPACE.sub(" ", html_to_plain(value)).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


def default_name(text_html: str | None) -> str:
    """Moodle's rule for a question without a ``::title::``: its text's start."""
    return text_excerpt(text_html) or "—"


# --- numbers ----------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    """Exactly the number the author wrote (``repr`` of a float, not its binary)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def _fraction(value: Any) -> Decimal | None:
    number = _decimal(value)
    if number is None or not number.is_finite():
        return number
    return number.quantize(FRACTION_PLACES, rounding=ROUND_HALF_EVEN)


def _number_out(value: Decimal | None) -> int | float | None:
    """A stored decimal as the schema writes numbers: ``1822``, ``3.14``."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


# --- categories ---------------------------------------------------------------


def split_category_path(path: str | None) -> list[str]:
    """Category names of a ``$CATEGORY:`` (or ``A / B``) path, top first.

    Moodle writes ``$course$/top/Default for X/Sub``: the context marker and
    the ``top`` pseudo-category are dropped, and ``//`` is a literal ``/``
    inside a name (Moodle's escape).
    """
    if not path:
        return []
    marker = "\x00"
    parts = [
        p.replace(marker, "/").strip() for p in path.replace("//", marker).split("/")
    ]
    names = [p for p in parts if p]
    if names and re.fullmatch(r"\$\w+\$", names[0]):
        names = names[1:]
        if names and names[0].lower() == "top":
            names = names[1:]
    return names


def join_category_path(names: list[str]) -> str:
    """The inverse of :func:`split_category_path` (``/`` in a name doubled)."""
    return "/".join(name.replace("/", "//") for name in names)


# --- schema -> model values ---------------------------------------------------


def schema_to_data(question: Mapping[str, Any]) -> QuestionData:
    """Model field values for one parsed question (a schema dict).

    Raises ``ValueError`` for a type the bank cannot store from a file.
    Nothing here validates: field limits are checked by the models'
    ``full_clean`` and authoring rules by ``grading.validate``, so that every
    problem is reported the way the admin reports it.
    """
    qtype = question.get("type")
    if qtype not in GIFT_TYPES:
        raise ValueError(f"unsupported question type {qtype!r}")
    fmt = question.get("text_format") or "moodle"
    text = rich_text(question.get("text"), fmt)
    fields: dict[str, Any] = {
        "name": (question.get("name") or "").strip() or default_name(text),
        "idnumber": (question.get("idnumber") or "").strip(),
        "text": text,
        "general_feedback": rich_text(question.get("general_feedback"), fmt),
    }
    children: list[dict[str, Any]] = []
    if qtype == "multichoice":
        fields["single"] = bool(question.get("single", True))
        children = [
            {
                "text": plain_text(a.get("text"), a.get("format") or fmt),
                "fraction": _fraction(a.get("fraction")),
                "feedback": plain_text(a.get("feedback"), fmt),
            }
            for a in question.get("answers") or []
        ]
    elif qtype == "truefalse":
        fields["correct"] = bool(question.get("correct"))
        fields["feedback_right"] = plain_text(question.get("feedback_right"), fmt)
        fields["feedback_wrong"] = plain_text(question.get("feedback_wrong"), fmt)
    elif qtype == "shortanswer":
        children = [
            {
                "text": plain_text(a.get("text"), fmt),
                "fraction": _fraction(a.get("fraction")),
                "feedback": plain_text(a.get("feedback"), fmt),
            }
            for a in question.get("answers") or []
        ]
    elif qtype == "numerical":
        children = [_numerical_row(a, fmt) for a in question.get("answers") or []]
    elif qtype == "matching":
        children = [
            {
                "question_text": plain_text(p.get("question"), fmt),
                # GIFT matching answers are plain text whatever the format.
                "answer_text": (p.get("answer") or "").strip(),
            }
            for p in question.get("pairs") or []
        ]
    elif qtype == "description":
        fields["default_mark"] = Decimal("0")  # Moodle: a description is worth 0
    tags = [t.strip() for t in question.get("tags") or [] if t and t.strip()]
    return QuestionData(
        type_code=qtype,
        fields=fields,
        children=children,
        tags=list(dict.fromkeys(tags)),
    )


def _numerical_row(answer: Mapping[str, Any], fmt: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "catch_all": False,
        "value": None,
        "tolerance": Decimal("0"),
        "minimum": None,
        "maximum": None,
        "fraction": _fraction(answer.get("fraction")),
        "feedback": plain_text(answer.get("feedback"), fmt),
    }
    if answer.get("value") == "*":
        row["catch_all"] = True
    elif answer.get("min") is not None or answer.get("max") is not None:
        row["minimum"] = _decimal(answer.get("min"))
        row["maximum"] = _decimal(answer.get("max"))
    else:
        row["value"] = _decimal(answer.get("value"))
        row["tolerance"] = _decimal(answer.get("tolerance") or 0)
    return row


# --- model values -> schema ---------------------------------------------------


def _escaped(value: str | None) -> str | None:
    """Plain text written as GIFT's default (HTML) format text: ``<`` -> ``&lt;``."""
    return html.escape(value, quote=False) if value else None


def _embedded_blank(text: str) -> bool:
    """Whether the answer block stood mid-sentence (text holds ``_____``).

    A blank at the very end reads back as a block after the text, so only a
    blank followed by more text is treated as embedded.
    """
    return _BLANK in text and not text.rstrip().endswith(_BLANK)


def data_to_schema(data: QuestionData) -> dict[str, Any]:
    """The schema dict (for ``export_gift``) of a stored question.

    The inverse of :func:`schema_to_data` for questions imported from
    ``moodle``/``html`` text: a derived name is left out (it is derived again
    on import) and plain texts are escaped, so export -> import changes
    nothing. Raises ``ValueError`` for a type GIFT cannot express.
    """
    qtype = data.type_code
    if qtype not in GIFT_TYPES:
        raise ValueError(f"GIFT cannot express a {qtype!r} question")
    fields = data.fields
    text = fields.get("text") or ""
    name = fields.get("name") or ""
    question: dict[str, Any] = {
        "type": qtype,
        "name": None if not name or name == default_name(text) else name,
        "text": text,
        "text_format": "moodle",
        "embedded_blank": qtype != "description" and _embedded_blank(text),
        "idnumber": fields.get("idnumber") or None,
        "tags": list(data.tags) or None,
        "general_feedback": fields.get("general_feedback") or None,
    }
    if qtype == "multichoice":
        question["single"] = bool(fields.get("single", True))
        question["answers"] = [
            {
                "text": _escaped(row.get("text")) or "",
                "format": "moodle",
                "fraction": float(row.get("fraction") or 0),
                "feedback": _escaped(row.get("feedback")),
            }
            for row in data.children
        ]
    elif qtype == "truefalse":
        question["correct"] = bool(fields.get("correct"))
        question["feedback_wrong"] = _escaped(fields.get("feedback_wrong"))
        question["feedback_right"] = _escaped(fields.get("feedback_right"))
    elif qtype == "shortanswer":
        question["answers"] = [
            {
                "text": _escaped(row.get("text")) or "",
                "fraction": float(row.get("fraction") or 0),
                "feedback": _escaped(row.get("feedback")),
            }
            for row in data.children
        ]
    elif qtype == "numerical":
        question["answers"] = [_numerical_out(row) for row in data.children]
    elif qtype == "matching":
        question["pairs"] = [
            {
                "question": _escaped(row.get("question_text")) or "",
                "answer": row.get("answer_text") or "",
            }
            for row in data.children
        ]
    return question


def _numerical_out(row: Mapping[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any]
    if row.get("catch_all"):
        answer = {"value": "*", "tolerance": None}
    elif row.get("minimum") is not None and row.get("maximum") is not None:
        answer = {
            "min": _number_out(row["minimum"]),
            "max": _number_out(row["maximum"]),
        }
    else:
        answer = {
            "value": _number_out(row.get("value")),
            "tolerance": _number_out(row.get("tolerance")) or 0,
        }
    answer["fraction"] = float(row.get("fraction") or 0)
    answer["feedback"] = _escaped(row.get("feedback"))
    return answer
