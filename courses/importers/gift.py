"""GIFT parser with Moodle's semantics (``question/format/gift/format.php``).

Why hand-written and not a grammar: Moodle's importer is not a grammar either.
It finds the first ``{`` and ``}``, then decides the type by a fixed order of
string tests, and trainers' files depend on exactly that (``=`` inside an
HTML attribute must be escaped, a ``~`` anywhere makes a multiple choice...).
Following the same steps, on a text where escaped characters are marked as
literal, keeps our reading identical to Moodle's on every file Moodle accepts.

Where we deliberately differ, it is to reject or warn instead of importing
something other than the author meant:

* a second answer block, a ``{`` inside a block or a ``}`` before the ``{`` is
  an error (Moodle would keep a stray brace in the text);
* a numerical answer that is not a number is an error (a Moodle bug turns it
  into the catch-all ``*``); so is a negative tolerance or ``min > max``;
  a comma is accepted as the decimal separator (``{#3,14}``), as Ukrainian
  authors write it, except before exactly three digits (``1,000`` could be
  a thousand), which is an error;
* ``~`` in a numerical block may only be followed by ``#feedback``;
* a weight outside -100%..100% and an empty answer are errors;
* ``=%50%text`` inside a multiple choice takes the weight (Moodle keeps
  ``%50%`` in the text); this lets a single-answer question without a 100%
  option be written and read back;
* a ``$CATEGORY:`` line followed by a question without a blank line starts
  that question (Moodle would swallow it into the category name);
* ``{true}`` and an unclosed ``::title`` are read as Moodle reads them, with
  a warning.

Texts are never evaluated and not sanitised here: HTML passes through as text,
and the import layer runs ``cms_pages.sanitize.sanitize_html`` on HTML-format
fields before saving.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from courses.importers.schema import TEXT_FORMATS, ParseError, ParseResult, to_json

__all__ = ["parse_gift"]

#: Characters a backslash turns into literals; ``\n`` is a newline on top.
_ESCAPABLE = frozenset("~=#{}:\\")
#: PHP's trim() characters. Python's str.strip() would also remove U+00A0,
#: which HTML authors use on purpose.
_TRIM = " \t\n\r\x00\x0b"
_TF_VALUES = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d*)?)%")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_THOUSANDS_LIKE = re.compile(r",\d{3}(?![\d])")
# Moodle's metadata patterns: no control characters inside, "\]" escapes "]",
# a tag may not contain < > or a backtick. A tag split across two comment
# lines therefore does not match (the newline is a control character).
_ID_RE = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG_RE = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])*)\]")
_EXCERPT_LEN = 80


class _Src:
    """Decoded GIFT text that remembers which characters came from escapes.

    Moodle swaps escaped characters for placeholders before it looks for
    structure and swaps them back afterwards; here every character carries a
    flag instead, so a literal ``\\{`` can never be taken for a brace, and
    input that happens to contain a placeholder-like string is not special.
    """

    __slots__ = ("chars", "lit")

    def __init__(self, chars: str, lit: tuple[bool, ...]) -> None:
        self.chars = chars
        self.lit = lit

    @classmethod
    def lex(cls, raw: str) -> _Src:
        """Decode ``\\~ \\= \\# \\{ \\} \\: \\\\`` and ``\\n`` in one left-to-right pass.

        One pass (not chained replaces) is what makes ``\\\\n`` a backslash
        followed by ``n`` rather than a newline. A backslash before any other
        character stays a backslash.
        """
        chars: list[str] = []
        lit: list[bool] = []
        i, n = 0, len(raw)
        while i < n:
            ch = raw[i]
            if ch == "\\" and i + 1 < n:
                nxt = raw[i + 1]
                if nxt in _ESCAPABLE or nxt == "n":
                    chars.append("\n" if nxt == "n" else nxt)
                    lit.append(True)
                    i += 2
                    continue
            chars.append(ch)
            lit.append(False)
            i += 1
        return cls("".join(chars), tuple(lit))

    @classmethod
    def plain(cls, text: str) -> _Src:
        return cls(text, (True,) * len(text))

    def __len__(self) -> int:
        return len(self.chars)

    def __getitem__(self, key: slice) -> _Src:
        return _Src(self.chars[key], self.lit[key])

    def __add__(self, other: _Src) -> _Src:
        return _Src(self.chars + other.chars, self.lit + other.lit)

    def _structural(self, at: int, length: int) -> bool:
        return not any(self.lit[at : at + length])

    def find(self, needle: str, start: int = 0) -> int:
        """Index of the first occurrence of ``needle`` made of unescaped characters."""
        at = self.chars.find(needle, start)
        while at != -1 and not self._structural(at, len(needle)):
            at = self.chars.find(needle, at + 1)
        return at

    def rfind(self, needle: str) -> int:
        at = self.chars.rfind(needle)
        while at != -1 and not self._structural(at, len(needle)):
            at = self.chars.rfind(needle, 0, at + len(needle) - 1)
        return at

    def startswith(self, prefix: str) -> bool:
        return self.chars.startswith(prefix) and self._structural(0, len(prefix))

    def strip(self) -> _Src:
        """Trim unescaped whitespace; an escaped ``\\n`` is content until the end."""
        start, end = 0, len(self.chars)
        while start < end and not self.lit[start] and self.chars[start] in _TRIM:
            start += 1
        while end > start and not self.lit[end - 1] and self.chars[end - 1] in _TRIM:
            end -= 1
        return self[start:end]

    def split_markers(self, markers: str) -> list[tuple[str | None, _Src]]:
        """Split before each unescaped marker character, keeping the marker.

        The first piece (before any marker) has marker ``None``.
        """
        pieces: list[tuple[str | None, _Src]] = []
        marker: str | None = None
        start = 0
        for i, ch in enumerate(self.chars):
            if ch in markers and not self.lit[i]:
                pieces.append((marker, self[start:i]))
                marker, start = ch, i + 1
        pieces.append((marker, self[start:]))
        return pieces

    def partition(self, sep: str) -> tuple[_Src, _Src | None]:
        at = self.find(sep)
        if at == -1:
            return self, None
        return self[:at], self[at + len(sep) :]

    def text(self) -> str:
        """The decoded text, trimmed the way Moodle trims its final strings."""
        return self.chars.strip(_TRIM)


class _QuestionError(Exception):
    """A reason to reject one question; becomes a ParseError for its block."""


def _with_format(src: _Src, default: str) -> tuple[str, str]:
    """Split an optional leading ``[fmt]`` off ``src``; unknown tags stay text."""
    src = src.strip()
    if src.startswith("["):
        end = src.chars.find("]")
        if end != -1 and src.chars[1:end] in TEXT_FORMATS:
            return src[end + 1 :].text(), src.chars[1:end]
    return src.text(), default


def _optional(src: _Src | None, default: str) -> str | None:
    if src is None:
        return None
    return _with_format(src, default)[0] or None


def _weight(src: _Src) -> tuple[float | None, _Src]:
    """Read a leading ``%n%`` weight; ``None`` when there is none."""
    match = _WEIGHT.match(src.chars)
    if match is None:
        return None, src
    percent = Decimal(match.group(1))
    if not -100 <= percent <= 100:
        raise _QuestionError(f"weight {match.group(1)}% is outside -100%..100%")
    return float(percent / 100), src[match.end() :].strip()


def _number(token: str) -> int | float:
    """Parse a number as written by a person; never ``eval``, never NaN or inf."""
    token = token.strip(_TRIM)
    if not _NUMBER.fullmatch(token):
        raise _QuestionError(f"numerical answer {token!r} is not a number")
    if _THOUSANDS_LIKE.search(token):
        # "1,000" is a thousand to some authors and 1.0 to others: refuse to guess.
        raise _QuestionError(
            f"numerical answer {token!r} is ambiguous; write it with a dot "
            "as the decimal separator and no thousands separator"
        )
    if _INTEGER.fullmatch(token):
        try:
            return int(token)
        except ValueError:  # more digits than int() accepts
            raise _QuestionError(f"numerical answer {token!r} is too long") from None
    value = float(token.replace(",", "."))
    if not math.isfinite(value):
        raise _QuestionError(f"numerical answer {token!r} is out of range")
    return value


def _answer_and_feedback(src: _Src, default: str) -> tuple[str, str, str | None]:
    """``text#feedback`` -> (text, text format, feedback or None)."""
    answer, feedback = src.partition("#")
    text, fmt = _with_format(answer, default)
    return text, fmt, _optional(feedback, default)


def _answer_pieces(block: _Src, markers: str) -> list[tuple[str | None, _Src]]:
    """Moodle's explode: drop the first piece when it is only whitespace."""
    pieces = [(marker, piece.strip()) for marker, piece in block.split_markers(markers)]
    if pieces and pieces[0][0] is None and not pieces[0][1].chars:
        pieces.pop(0)
    return pieces


def _multichoice(block: _Src, fmt: str) -> dict[str, Any]:
    pieces = _answer_pieces(block, "~=")
    if len(pieces) < 2:
        raise _QuestionError("multiple choice needs at least 2 answers")
    answers = []
    for number, (marker, piece) in enumerate(pieces, start=1):
        weight, rest = _weight(piece)
        if weight is None:
            weight = 1.0 if marker == "=" else 0.0
        text, answer_format, feedback = _answer_and_feedback(rest, fmt)
        if not text:
            raise _QuestionError(f"answer {number} is empty")
        answers.append(
            {
                "text": text,
                "format": answer_format,
                "fraction": weight,
                "feedback": feedback,
            }
        )
    return {"single": block.find("=") != -1, "answers": answers}


def _shortanswer(block: _Src, fmt: str) -> dict[str, Any]:
    pieces = _answer_pieces(block, "=")
    if not pieces:
        raise _QuestionError("short answer needs at least 1 answer")
    answers = []
    for number, (_marker, piece) in enumerate(pieces, start=1):
        weight, rest = _weight(piece)
        text, _fmt, feedback = _answer_and_feedback(rest, fmt)
        if not text:
            raise _QuestionError(f"answer {number} is empty")
        answers.append(
            {
                "text": text,
                "fraction": 1.0 if weight is None else weight,
                "feedback": feedback,
            }
        )
    return {"answers": answers}


def _numerical_value(src: _Src) -> dict[str, Any]:
    raw = src.chars.strip(_TRIM)
    dots = src.find("..")
    if dots > 0:
        low, high = _number(src.chars[:dots]), _number(src.chars[dots + 2 :])
        if low > high:
            raise _QuestionError(
                f"numerical range {raw!r}: the minimum is above the maximum"
            )
        return {"min": low, "max": high}
    colon = src.find(":")
    if colon > 0:
        value_token, tolerance_token = src.chars[:colon], src.chars[colon + 1 :]
        if value_token.strip(_TRIM) == "*":
            raise _QuestionError("the catch-all answer '*' cannot have a tolerance")
        tolerance = _number(tolerance_token)
        if tolerance < 0:
            raise _QuestionError(f"numerical answer {raw!r}: the tolerance is negative")
        return {"value": _number(value_token), "tolerance": tolerance}
    if raw == "*":
        return {"value": "*", "tolerance": None}
    return {"value": _number(raw), "tolerance": 0}


def _numerical(block: _Src, fmt: str) -> dict[str, Any]:
    body = block[1:]  # the leading '#'
    body, catch_all = body.partition("~")
    pieces = _answer_pieces(body, "=")
    if not pieces:
        raise _QuestionError("numerical question needs at least 1 answer")
    answers = []
    for _marker, piece in pieces:
        weight, rest = _weight(piece)
        value, feedback = rest.partition("#")
        answers.append(
            {
                **_numerical_value(value.strip()),
                "fraction": 1.0 if weight is None else weight,
                "feedback": _optional(feedback, fmt),
            }
        )
    if catch_all is not None:
        # Moodle's "~#feedback" (also the {#3:2~#...} shorthand): feedback for
        # any other number. Anything before the '#' would be silently lost.
        before, feedback = catch_all.partition("#")
        if before.strip().chars:
            raise _QuestionError("only '~#feedback' may follow numerical answers")
        answers.append(
            {
                "value": "*",
                "tolerance": None,
                "fraction": 0.0,
                "feedback": _optional(feedback, fmt),
            }
        )
    return {"answers": answers}


def _matching(block: _Src, fmt: str) -> dict[str, Any]:
    pieces = _answer_pieces(block, "=")
    pairs = []
    for _marker, piece in pieces:
        arrow = piece.find("->")
        if arrow == -1:
            raise _QuestionError(f"matching pair {piece.text()!r} has no '->'")
        question, _fmt = _with_format(piece[:arrow], fmt)
        answer = piece[arrow + 2 :].text()
        if not answer:
            raise _QuestionError(f"matching pair {piece.text()!r} has no answer")
        pairs.append({"question": question, "answer": answer})
    if sum(1 for pair in pairs if pair["question"]) < 2:
        raise _QuestionError("matching needs at least 2 pairs with a sub-question")
    return {"pairs": pairs}


def _truefalse(block: _Src, fmt: str) -> dict[str, Any]:
    value, rest = block.partition("#")
    feedback_wrong = feedback_right = None
    if rest is not None:
        wrong, right = rest.partition("#")
        feedback_wrong = _optional(wrong, fmt)
        feedback_right = _optional(right, fmt)
    return {
        "correct": _TF_VALUES[value.text()],
        "feedback_wrong": feedback_wrong,
        "feedback_right": feedback_right,
    }


def _tf_candidate(block: _Src) -> str:
    """What Moodle compares with T/TRUE/F/FALSE: the text before the first '#'."""
    hash_at = block.find("#")
    return block[:hash_at].text() if hash_at > 0 else block.text()


def _metadata(comments: list[str]) -> tuple[str | None, list[str] | None]:
    """``[id:x]`` (the first one) and ``[tag:y]`` from a question's comment lines."""
    text = "\n".join(comments)
    idnumber = None
    if match := _ID_RE.search(text):
        idnumber = match.group(1).strip().replace("\\]", "]") or None
    tags = [tag.strip().replace("\\]", "]") for tag in _TAG_RE.findall(text)]
    tags = [tag for tag in tags if tag]
    return idnumber, tags or None


def _excerpt(text: str) -> str:
    first = text.strip().split("\n", 1)[0].strip()
    return first if len(first) <= _EXCERPT_LEN else first[: _EXCERPT_LEN - 1] + "…"


class _Block:
    """One question's lines (blank-line separated) with where they start."""

    def __init__(self, line: int, lines: list[str], comments: list[str]) -> None:
        self.line = line
        self.lines = lines
        self.comments = comments

    @property
    def raw(self) -> str:
        return "\n".join(self.lines).strip(_TRIM)


def _is_comment(line: str) -> bool:
    return line.strip(_TRIM).startswith("//")


def _blocks(text: str) -> list[_Block]:
    """Split into questions: blank lines separate, ``//`` lines are removed.

    Comment lines are removed wherever they are (even inside braces) and kept
    aside for ``[id:]``/``[tag:]``. A ``$CATEGORY:`` line ends its block, so a
    question written right under it (no blank line) is still a question.
    """
    blocks: list[_Block] = []
    lines: list[str] = []
    comments: list[str] = []
    start = 0

    def flush() -> None:
        nonlocal lines, comments
        if lines:
            blocks.append(_Block(start, lines, comments))
        lines, comments = [], []

    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip(_TRIM):
            flush()
        elif _is_comment(line):
            comments.append(line.strip(_TRIM))
        else:
            if not lines:
                start = number
            lines.append(line)
            if len(lines) == 1 and line.strip(_TRIM).startswith("$CATEGORY:"):
                flush()
    flush()
    return blocks


def _parse_question(block: _Block, warn: list[str]) -> dict[str, Any]:
    raw = block.raw
    if raw.startswith("$CATEGORY:"):
        # Taken verbatim, as Moodle does (and as its exporter writes it).
        category = raw[len("$CATEGORY:") :].strip(_TRIM)
        if not category:
            raise _QuestionError("$CATEGORY: needs a category path")
        return to_json({"type": "category", "category": category})

    src = _Src.lex(raw)
    name = None
    if src.startswith("::"):
        end = src.find("::", 2)
        if end == -1:
            warn.append("the title is not closed with '::'; imported without a title")
            src = src[2:].strip()
        else:
            name = src[2:end].text() or None
            src = src[end + 2 :].strip()

    opening, closing = src.find("{"), src.find("}")
    if opening == -1 and closing == -1:
        text, fmt = _with_format(src, "moodle")
        question = {
            "type": "description",
            "name": name,
            "text": text,
            "text_format": fmt,
        }
        return _finish(question, block)
    if opening == -1 or (closing != -1 and closing < opening):
        raise _QuestionError(
            "'}' without a preceding '{'; escape a literal brace as \\}"
        )
    if closing == -1:
        raise _QuestionError("unclosed answer block: '{' has no matching '}'")
    if src.find("{", opening + 1) != -1 and src.find("{", opening + 1) < closing:
        raise _QuestionError(
            "'{' inside the answer block; escape a literal brace as \\{"
        )
    if src.find("{", closing + 1) != -1 or src.find("}", closing + 1) != -1:
        raise _QuestionError(
            "only one answer block is allowed; escape literal braces as \\{ and \\}"
        )

    block_src = src[opening + 1 : closing].strip()
    after = src[closing + 1 :]
    embedded = bool(after.strip().chars)
    question_src = src[:opening] + (_Src.plain("_____") + after if embedded else after)
    text, fmt = _with_format(question_src, "moodle")

    general_feedback = None
    separator = block_src.rfind("####")
    if separator != -1:
        general_feedback = _optional(block_src[separator + 4 :], fmt)
        block_src = block_src[:separator].strip()

    question: dict[str, Any] = {
        "name": name,
        "text": text,
        "text_format": fmt,
        "embedded_blank": embedded,
        "general_feedback": general_feedback,
    }
    if not block_src.chars:
        question["type"] = "essay"
    elif block_src.startswith("#"):
        question.update(type="numerical", **_numerical(block_src, fmt))
    elif block_src.find("~") != -1:
        question.update(type="multichoice", **_multichoice(block_src, fmt))
    elif block_src.find("=") != -1 and block_src.find("->") != -1:
        question.update(type="matching", **_matching(block_src, fmt))
    elif _tf_candidate(block_src) in _TF_VALUES:
        question.update(type="truefalse", **_truefalse(block_src, fmt))
    else:
        candidate = _tf_candidate(block_src)
        if candidate.upper() in _TF_VALUES:
            warn.append(
                f"{{{candidate}}} is read as a short answer; "
                "write T, TRUE, F or FALSE in capitals for true/false"
            )
        question.update(type="shortanswer", **_shortanswer(block_src, fmt))
    return _finish(question, block)


def _finish(question: dict[str, Any], block: _Block) -> dict[str, Any]:
    question["idnumber"], question["tags"] = _metadata(block.comments)
    return to_json(question)


def parse_gift(text: str) -> ParseResult:
    """Parse a GIFT file into schema dicts, reporting bad questions by line.

    Line ends may be LF, CRLF or CR; a UTF-8 byte order mark is ignored. Each
    question is parsed on its own, so one mistake rejects only its question:
    the result holds every good question and one ``ParseError`` per bad one
    (``line`` = the question's first line).
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    questions: list[dict[str, Any]] = []
    errors: list[ParseError] = []
    warnings: list[ParseError] = []
    for index, block in enumerate(_blocks(text), start=1):
        notes: list[str] = []
        try:
            questions.append(_parse_question(block, notes))
        except _QuestionError as exc:
            errors.append(ParseError(block.line, index, str(exc), _excerpt(block.raw)))
        warnings.extend(
            ParseError(block.line, index, note, _excerpt(block.raw)) for note in notes
        )
    return ParseResult(questions=questions, errors=errors, warnings=warnings)
