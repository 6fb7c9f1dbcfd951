"""Public certificate codes and registration numbers (pure functions).

A code is 80 random bits written as 16 Crockford base-32 characters in four
groups (``7KQ2-M9XD-4TRB-H0NC``): no I, L, O or U, so nothing reads ambiguously,
and what people mistype (o for 0, i/l for 1, lower case, missing dashes,
spaces) is normalised before lookup. 2**80 codes make guessing hopeless even
at millions of lookups; the verification endpoint is rate-limited on top.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_BITS = 80
CODE_CHARS = CODE_BITS // 5  # 16
GROUP = 4
_TYPO = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CODE_RE = re.compile(rf"^[{ALPHABET}]{{{CODE_CHARS}}}$")


def generate_code() -> str:
    value = secrets.randbits(CODE_BITS)
    chars = []
    for _ in range(CODE_CHARS):
        value, index = divmod(value, 32)
        chars.append(ALPHABET[index])
    return group("".join(chars))


def group(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalise_code(text: str) -> str | None:
    """The canonical grouped code for what a person typed, or ``None``."""
    raw = re.sub(r"[\s\-‐-―_.]", "", str(text or "")).upper().translate(_TYPO)
    if not _CODE_RE.match(raw):
        return None
    return group(raw)


def registration_number(year: int, number: int) -> str:
    """``2026-00042``: year and the gap-free sequence number within it."""
    return f"{year}-{number:05d}"


def search_key(name: str) -> str:
    """Lower-case name with every apostrophe form made one, for search."""
    text = str(name or "").casefold()
    for apostrophe in ("’", "'", "`", "ʹ", "‘", "′"):
        text = text.replace(apostrophe, "ʼ")
    return " ".join(text.split())
