"""Aiken parser: Moodle's reading (``question/format/aiken/format.php``), stricter.

Aiken is single-answer multiple choice, one line per stem, choice and answer::

    Яка найвища форма місцевої демократії?
    A) Місцевий референдум
    B. Загальні збори
    ANSWER: A

Moodle's rules kept: lines shorter than 2 characters are skipped (blank lines
are optional); CR-only line ends work; a choice is ``^[A-Z][).][ \\t]?text``;
``ANSWER:`` (upper case, start of line) takes the first non-space character
after the colon; a stem is any other line, so a second stem line starts a new
question and the first is dropped as "not completed"; stem and choices are
HTML-escaped (``< > &``), because Aiken is plain text and must never smuggle
markup in.

Stricter than Moodle, because Moodle computes ``ord(letter) - ord('A')`` and
silently marks a non-existent or wrong choice correct:

* the answer letter must be an upper-case letter naming an existing choice;
* choice letters must run A, B, C... in order (the answer letter refers to
  the position, so a skipped or repeated letter would move the right answer);
* a choice must have text; ``answer:`` in another case is reported, not read
  as a new stem; a question still open at the end of the file is reported
  (Moodle drops it without a word);
* a choice-looking line with no open question gets a warning explaining that
  a stem cannot start with ``A.`` or ``B)``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from courses.importers.schema import ParseError, ParseResult, to_json

__all__ = ["parse_aiken"]

_CHOICE = re.compile(r"([A-Z])[).][ \t]?")
_LOWER_CHOICE = re.compile(r"[a-z][).][ \t]")
_ANSWER = "ANSWER:"
_ANSWER_ANY_CASE = re.compile(r"answer\s*:", re.IGNORECASE)


@dataclass
class _Open:
    """The question being read: its stem and choices so far, and any problem."""

    index: int
    line: int
    stem: str
    choices: list[str] = field(default_factory=list)
    problem: ParseError | None = None


def _escape(text: str) -> str:
    # Moodle: htmlspecialchars(..., ENT_NOQUOTES) -> only & < > change.
    return html.escape(text, quote=False)


def _build(question: _Open, correct: int) -> dict[str, Any]:
    return to_json(
        {
            "type": "multichoice",
            "name": None,
            "text": _escape(question.stem),
            "text_format": "plain",
            "embedded_blank": False,
            "idnumber": None,
            "tags": None,
            "general_feedback": None,
            "single": True,
            "answers": [
                {
                    "text": choice,
                    "format": "plain",
                    "fraction": 1.0 if position == correct else 0.0,
                    "feedback": None,
                }
                for position, choice in enumerate(question.choices)
            ],
        }
    )


def _answer_problem(question: _Open, letter: str) -> str | None:
    """Why the ``ANSWER:`` letter cannot be used, or None when it can."""
    if len(question.choices) < 2:
        return "Question must have at least 2 answers"
    if not letter:
        return "ANSWER line has no letter"
    last = chr(ord("A") + len(question.choices) - 1)
    if "a" <= letter <= "z":
        return f"answer letter {letter!r} must be upper case ({letter.upper()!r})"
    if not "A" <= letter <= "Z":
        return f"answer {letter!r} is not a letter A-{last}"
    if ord(letter) - ord("A") >= len(question.choices):
        return f"answer letter {letter!r} is beyond the last choice {last!r}"
    return None


def parse_aiken(text: str) -> ParseResult:
    """Parse an Aiken file into single-answer multiple-choice schema dicts.

    Errors carry the line where the problem shows (as Moodle's messages do)
    and the question's 1-based position; the question is dropped and parsing
    goes on with the next one.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    questions: list[dict[str, Any]] = []
    errors: list[ParseError] = []
    warnings: list[ParseError] = []
    current: _Open | None = None
    count = 0

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if len(line) < 2:
            continue

        choice = _CHOICE.match(line)
        if choice:
            if current is None:
                errors.append(ParseError(number, None, "Question not started", line))
                warnings.append(
                    ParseError(
                        number,
                        None,
                        "this line starts like a choice (a capital letter then ')' "
                        "or '.'), so it cannot start a question; reword the stem",
                        line,
                    )
                )
                continue
            letter = choice.group(1)
            expected = chr(ord("A") + len(current.choices))
            body = line[choice.end() :].strip()
            if current.problem is None and letter != expected:
                current.problem = ParseError(
                    number,
                    current.index,
                    f"choice letter {letter!r} is out of order (expected {expected!r})",
                    line,
                )
            if current.problem is None and not body:
                current.problem = ParseError(
                    number, current.index, f"choice {letter} has no text", line
                )
            current.choices.append(_escape(body))
            continue

        if line.startswith(_ANSWER) or _ANSWER_ANY_CASE.match(line):
            if current is None:
                errors.append(ParseError(number, None, "Question not started", line))
                continue
            if line.startswith(_ANSWER):
                letter = line[len(_ANSWER) :].strip()[:1]
                problem = _answer_problem(current, letter)
            else:
                letter = ""
                problem = "write the answer line as 'ANSWER: X' (upper case)"
            if problem is not None:
                errors.append(ParseError(number, current.index, problem, line))
            elif current.problem is not None:
                errors.append(current.problem)
            else:
                questions.append(_build(current, ord(letter) - ord("A")))
            current = None
            continue

        if current is not None:
            errors.append(
                ParseError(
                    number,
                    current.index,
                    "Question not completed before next question start",
                    line,
                )
            )
        count += 1
        current = _Open(index=count, line=number, stem=line)
        if _LOWER_CHOICE.match(line):
            warnings.append(
                ParseError(
                    number,
                    count,
                    "this line looks like a choice with a lower-case letter; "
                    "choices need a capital letter (A) or A.)",
                    line,
                )
            )

    if current is not None:
        errors.append(
            ParseError(
                current.line,
                current.index,
                "Question not completed: no ANSWER line before the end of the file",
                current.stem,
            )
        )
    return ParseResult(questions=questions, errors=errors, warnings=warnings)
