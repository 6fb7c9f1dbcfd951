"""Where the shared GIFT conformance corpus lives, and how cases are compared.

CI checks out ``shared/`` beside the repository (here ``/work/shared`` next to
``/work/main``), so the folder is found relative to this file rather than
through an environment variable. A missing corpus must fail the suite, not
skip it: a green run without the 102 cases would prove nothing.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any

import pytest

CORPUS_DIR = (
    Path(
        os.environ.get("LMS_SHARED_DIR")
        or Path(__file__).resolve().parents[3].parent / "shared"
    )
    / "conformance"
    / "gift"
)

_WHITESPACE = re.compile(r"\s+")
_AROUND_BLANK = re.compile(r"\s*_____\s*")
FRACTION_TOLERANCE = 1e-6


def case_params() -> list[Any]:
    """One pytest param per case file; a single failing sentinel when missing."""
    files = sorted(CORPUS_DIR.glob("*.json")) if CORPUS_DIR.is_dir() else []
    if not files:
        return [pytest.param(None, id="corpus-missing")]
    return [pytest.param(path, id=path.stem) for path in files]


def load_case(path: Path | None) -> dict[str, Any]:
    if path is None:
        pytest.fail(
            f"GIFT conformance corpus not found (or empty) at {CORPUS_DIR}; "
            "CI must check out shared/ beside the repository"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def normalise_text(value: str) -> str:
    """README rules: CRLF -> LF, collapse whitespace runs, trim.

    Plus the README's Moodle decision that whitespace around the ``_____``
    blank is not significant.
    """
    value = _WHITESPACE.sub(" ", value.replace("\r\n", "\n")).strip()
    return _AROUND_BLANK.sub("_____", value)


def differences(actual: Any, expected: Any, path: str = "$") -> list[str]:
    """Every place where ``actual`` differs from ``expected`` under the README rules.

    Absent and null are equal; numbers compare within 1e-6; strings after
    ``normalise_text``. Returning a list (not a bool) makes a failure say where.
    """
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual)):
            found += differences(actual.get(key), expected.get(key), f"{path}.{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        if len(actual) != len(expected):
            return [f"{path}: {len(actual)} items, expected {len(expected)}"]
        found = []
        for i, (got, want) in enumerate(zip(actual, expected, strict=True)):
            found += differences(got, want, f"{path}[{i}]")
        return found
    if isinstance(expected, bool) or isinstance(actual, bool):
        same = actual is expected
    elif isinstance(expected, int | float) and isinstance(actual, int | float):
        same = math.isclose(actual, expected, rel_tol=0, abs_tol=FRACTION_TOLERANCE)
    elif isinstance(expected, str) and isinstance(actual, str):
        same = normalise_text(actual) == normalise_text(expected)
    else:
        same = actual == expected
    return [] if same else [f"{path}: got {actual!r}, expected {expected!r}"]
