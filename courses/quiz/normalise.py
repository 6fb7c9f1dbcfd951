"""Text and number normalisation for typed answers (short answer, numerical).

Kept apart from ``grading`` because these rules decide whether a learner who
typed the right thing gets the mark, and they are easier to test (and argue
about) on their own. Standard library only.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

__all__ = [
    "APOSTROPHES",
    "clean_submitted_text",
    "normalise_answer",
    "parse_number",
    "wildcard_match",
]

#: Characters people type for the Ukrainian apostrophe (and the English one):
#: U+02BC modifier letter apostrophe (the orthographically correct one),
#: U+2019 right single quotation mark (what word processors produce),
#: U+0027 ASCII apostrophe, U+0060 grave accent, U+2018 left single quotation
#: mark, plus U+00B4 acute accent and U+2032 prime, which phone keyboards and
#: copy-paste also produce. All compare equal, so «мʼята», «м'ята» and «м’ята»
#: are one answer.
APOSTROPHES = "\u02bc\u2019\u0027\u0060\u2018\u00b4\u2032"
_APOSTROPHE_TABLE = {ord(ch): "'" for ch in APOSTROPHES}

_WHITESPACE_RUN = re.compile(r"\s+")

# C0/C1 control characters other than tab, newline and carriage return. They
# have no business in an answer, PostgreSQL refuses NUL in text columns, and
# some render invisibly (so two "equal-looking" answers would differ).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_submitted_text(value: str) -> str:
    """Make submitted text safe to store: no NUL/control chars, no lone surrogates.

    Why replace rather than reject: a learner pasting from a word processor
    should not get an error page for an invisible character. Lone surrogates
    (which cannot be encoded as UTF-8, so the database would fail later)
    become U+FFFD; line endings become ``\\n``.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL_CHARS.sub("", value)
    return _LONE_SURROGATE.sub("\ufffd", value)


def normalise_answer(text: str, *, case_sensitive: bool) -> str:
    """Normalise a typed answer (or an answer pattern) for comparison.

    NFC first, so a decomposed «ї» (і + U+0308) equals the precomposed one;
    apostrophe variants folded to U+0027; whitespace runs collapsed to one
    space and trimmed (Moodle does the same); ``casefold`` (not ``lower``) when
    case-insensitive, because it is the Unicode-correct caseless match, then
    NFC again since case folding can produce decomposed sequences.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_APOSTROPHE_TABLE)
    text = _WHITESPACE_RUN.sub(" ", text).strip()
    if not case_sensitive:
        text = unicodedata.normalize("NFC", text.casefold())
    return text


# A run of ``*`` not preceded by a backslash is a wildcard; ``\*`` is a star.
_WILDCARD_RUN = re.compile(r"(?<!\\)\*+")


def wildcard_match(pattern: str, text: str) -> bool:
    """Match ``text`` against a Moodle short-answer pattern, whole string.

    ``*`` matches any run of characters (including none); ``\\*`` is a
    literal star; a bare ``*`` matches anything. Both arguments must already
    be normalised the same way.

    Why not a regex: translating ``*`` to ``.*`` makes a pattern with several
    stars backtrack polynomially on a long response. Leftmost ``str.find`` of
    each literal piece, with the first piece anchored at the start and the last
    at the end, decides a star-only glob exactly and in linear passes.
    """
    pieces = [piece.replace("\\*", "*") for piece in _WILDCARD_RUN.split(pattern)]
    if len(pieces) == 1:
        return text == pieces[0]
    first, *middle, last = pieces
    if not text.startswith(first) or not text.endswith(last):
        return False
    pos = len(first)
    end = len(text) - len(last)
    if end < pos:
        return False
    for piece in middle:
        found = text.find(piece, pos, end)
        if found < 0:
            return False
        pos = found + len(piece)
    return True


#: Longest numerical response we try to read. Any real number fits easily; a
#: cap keeps a hostile megabyte string from reaching ``Decimal``.
MAX_NUMBER_CHARS = 100

# Digit groups may be separated by a space, NBSP, narrow NBSP, thin space or
# figure space (Ukrainian writes 1 234 567,89). Groups after the first must be
# exactly three digits, so "1 2" is not read as 12.
_GROUP_SEP = "[ \u00a0\u202f\u2009\u2007]"
_NUMBER = re.compile(
    rf"""
    (?P<sign>[+-]?)
    (?:
        (?P<int>\d{{1,3}}(?:{_GROUP_SEP}\d{{3}})+|\d+)
        (?:[.,](?P<frac>\d*))?
      |
        [.,](?P<frac_only>\d+)
    )
    (?:[eE](?P<exp>[+-]?\d{{1,6}}))?
    """,
    re.VERBOSE | re.ASCII,
)
_GROUP_SEP_RE = re.compile(_GROUP_SEP)
_MINUS_SIGNS = {ord("\u2212"): "-", ord("\u2013"): "-"}


def parse_number(text: str) -> Decimal | None:
    """Read a learner's number, or return ``None`` if it is not a finite number.

    Accepts a comma or a point as the decimal separator (Ukrainian uses the
    comma), spaces including NBSP as thousands separators, a leading ``+`` or
    ``-`` (also U+2212 minus), and an exponent. Returns an exact ``Decimal`` so
    tolerance checks are not at the mercy of binary floating point (3.15 is
    within 0.01 of 3.14). Rejects NaN, infinity, values beyond the float range
    (1e309), ASCII-only digits (``re.ASCII``: no look-alike digits from other
    scripts), and both separators at once ("1.234,5" is ambiguous).
    """
    if len(text) > MAX_NUMBER_CHARS:
        return None
    text = text.translate(_MINUS_SIGNS).strip()
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    int_part = _GROUP_SEP_RE.sub("", match["int"] or "0")
    frac = match["frac"] or match["frac_only"] or ""
    literal = f"{match['sign']}{int_part}.{frac or '0'}e{match['exp'] or '0'}"
    try:
        value = Decimal(literal)
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        return None
    if not math.isfinite(float(value)):
        return None
    return value
