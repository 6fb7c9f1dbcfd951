"""Grade a response against a question *snapshot*.

Why snapshots: an attempt stores the question exactly as it was when the
attempt started (a plain, JSON-serialisable dict). Grading reads only that
dict, so editing or deleting the question later never changes a recorded mark,
and a regrade is a deliberate act (build a new snapshot, grade again, audit the
difference). This module is pure: standard library only, no ORM, no Django.

Public API
==========
``grade(snapshot, response) -> GradeResult``
    Grade one response. Raises ``InvalidSnapshot`` when the snapshot is
    structurally unusable (a programming/data error), ``InvalidResponse`` when
    the response dict has the wrong shape. Never looks at the authoring rules
    of ``validate``: a question saved under older rules stays gradable.
``validate(snapshot) -> list[str]``
    Human-readable problems (each a ``Message``), empty when the question may
    be saved: structural problems plus authoring rules (e.g. "one choice must
    be worth 100%").
``parse_response(snapshot, raw) -> dict``
    Turn submitted form values into a clean response dict, or raise
    ``InvalidResponse`` with a clear message. ``raw`` maps field names to
    lists of strings: pass ``dict(request.POST.lists())`` or the QueryDict
    itself (its ``getlist`` is used, so a repeated key is not silently lost).
    Unrelated keys (CSRF token, other questions' fields) are ignored.

Every message (``Message``) is an English ``str`` that also carries its
``template`` and ``params``, so the caller can show it translated with
``gettext(message.template) % message.params``; templates are wrapped in
``gettext_noop`` so ``makemessages`` extracts them.

Fractions and states
====================
A fraction is the share of the slot's mark earned: ``1.0`` full marks. States:
``correct`` (fraction within 1e-6 of 1; it is then reported as exactly 1.0, so
33.33333% x 3 is full marks), ``partial`` (strictly between), ``incorrect``
(below 1e-6, including negative marks, which single-answer multichoice keeps),
``not_answered`` (fraction 0.0, no combined feedback), ``needs_grading``
(essay, fraction ``None`` until a trainer grades it) and ``info``
(description, fraction ``None``, worth no marks).

``GradeResult.feedback`` lists the specific feedback that applies (chosen
choices' / matched answer's feedback, in question order) followed by the
combined feedback for the state, when the snapshot has it. Empty strings are
left out. General feedback is not included: the caller shows it according to
the review options.

Snapshot schemas
================
Every snapshot has ``"type"``. Auto-graded types may have
``"combined_feedback": {"correct": str, "partial": str, "incorrect": str}``
(any key optional). Numbers may be ``int``, ``float`` or ``Decimal`` (not
``bool``); fractions lie in -1..1 (multichoice) or 0..1 (the rest).

``multichoice``
    ``{"single": bool, "answers": [{"id": str, "text": str, "fraction":
    number, "feedback": str}, ...]}``. ``id`` is opaque and unique.
    Response: ``{"choice": id | None}`` (single) or ``{"choices": [id, ...]}``
    (multi). Single: the chosen answer's fraction (may be negative). Multi:
    ``clamp(sum of ticked fractions, 0, 1)`` as Moodle's
    ``qtype_multichoice_multi_question::grade_response``.
    Form fields: ``choice`` (one value) / ``choices`` (repeated).
``truefalse``
    ``{"correct": bool, "feedback_right": str, "feedback_wrong": str}``.
    ``feedback_right`` is shown when the learner is right, whatever the
    correct value is (GIFT ``{F#wrong#right}`` semantics).
    Response ``{"value": bool | None}``. Form field ``value``: ``true``/
    ``false`` (also ``1``/``0``).
``shortanswer``
    ``{"case_sensitive": bool (default False), "answers": [{"text": str,
    "fraction": 0..1, "feedback": str}, ...]}``. Response ``{"text": str}``.
    Answers are tried in order, the first match wins. ``*`` matches any run
    of characters, a bare ``*`` is a catch-all, ``\\*`` is a literal star.
    Comparison after NFC, apostrophe folding (ʼ ’ ' ` ‘ ´ ′), whitespace
    collapse/trim and, unless case-sensitive, ``casefold``.
    Form field ``text``.
``numerical``
    ``{"answers": [A, ...]}`` where A is ``{"value": number, "tolerance":
    number >= 0 (default 0)}``, ``{"min": number, "max": number}`` or
    ``{"value": "*"}`` (catch-all), each with ``"fraction": 0..1`` and
    ``"feedback": str``. Response ``{"text": str}``, read by
    ``normalise.parse_number`` (comma or point decimals, space/NBSP thousands
    separators, sign, exponent). Accepted when ``|x - value| <= tolerance``
    or ``min <= x <= max``, compared exactly in ``Decimal``. Answers tried in
    order. A response that is not a finite number is graded incorrect with
    the ``NOT_A_NUMBER`` feedback. Form field ``text``.
``matching``
    ``{"pairs": [{"id": str, "question": str, "answer": str}, ...]}``. A pair
    with an empty ``question`` is a distractor: its answer is offered but it
    is not a stem and is not scored. Response ``{"matches": {pair_id:
    answer_text}}`` (unanswered stems absent). Fraction = correct stems /
    stems; answers compare by text, so two stems may share an answer.
    Form fields ``match-<pair id>``, value one of ``matching_answers()``.
``ordering``
    ``{"items": [{"id": str, "text": str}, ...] (in the correct order),
    "grading": "all_or_nothing" | "absolute_position" | "relative_next" |
    "relative_next_include_last"}``. Response ``{"order": [id, ...]}``.
    Moodle ``qtype_ordering`` rules: all or nothing; items in their correct
    absolute position / n; ``relative_next`` (Moodle "relative to the next
    item, excluding last"): items followed by their correct successor /
    (n - 1); ``relative_next_include_last`` also scores the last item being
    last, / n. Form field ``order``: repeated ids, or one comma-joined value;
    must be a permutation of the item ids.
``essay``
    ``{"min_words": int | None, "max_words": int | None}``. Response
    ``{"text": str}``. ``needs_grading`` (fraction None), or ``not_answered``
    (fraction 0.0) when blank. Word limits are advisory for the form
    (``word_limit_problem``); they never block saving or grading.
    Form field ``text``.
``description``
    No fields. State ``info``, fraction None. Takes no response.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any, Literal, TypeGuard

from courses.quiz.normalise import (
    clean_submitted_text,
    normalise_answer,
    parse_number,
    wildcard_match,
)

__all__ = [
    "FRACTION_TOLERANCE",
    "MAX_ESSAY_CHARS",
    "MAX_LINE_CHARS",
    "NOT_A_NUMBER",
    "ORDERING_GRADING_TYPES",
    "QUESTION_TYPES",
    "GradeResult",
    "GradeState",
    "InvalidResponse",
    "InvalidSnapshot",
    "Message",
    "count_words",
    "grade",
    "gettext_noop",
    "matching_answers",
    "ordering_fraction",
    "parse_response",
    "validate",
    "word_limit_problem",
]

GradeState = Literal[
    "correct", "partial", "incorrect", "not_answered", "needs_grading", "info"
]

#: Moodle's ``question_state::graded_state_for_fraction`` treats a fraction
#: within 1e-6 of 1 as right and below 1e-6 as wrong; 33.33333% x 3 is right.
FRACTION_TOLERANCE = 1e-6

#: Longest single-line answer (short answer, numerical) accepted from a form.
MAX_LINE_CHARS = 1_000
#: Longest essay accepted (about 15 000 words): beyond that it is abuse.
MAX_ESSAY_CHARS = 100_000
#: Most values one form field may carry (ticked boxes, ordered ids).
MAX_VALUES_PER_FIELD = 1_000

FIELD_CHOICE = "choice"
FIELD_CHOICES = "choices"
FIELD_VALUE = "value"
FIELD_TEXT = "text"
FIELD_ORDER = "order"
MATCH_FIELD_PREFIX = "match-"

ORDERING_GRADING_TYPES = (
    "all_or_nothing",
    "absolute_position",
    "relative_next",
    "relative_next_include_last",
)


def gettext_noop(message: str) -> str:
    """Mark a message for translation without translating it (Django's name).

    Defined here so this module stays Django-free while ``makemessages``
    (which looks for calls named ``gettext_noop``) still extracts the text.
    """
    return message


class Message(str):
    """An English message that remembers its template, for later translation.

    It *is* the interpolated string, so it can be shown, compared, logged
    and stored as JSON as one; ``gettext(m.template) % m.params`` gives the
    translated text (a param that is itself a ``Message``, such as an
    "Answer 2" label, is translated the same way first). Templates use
    ``%(name)s`` placeholders and ``%%`` for a percent sign.
    """

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Message:
        obj = super().__new__(cls, template % params)
        obj.template = template
        obj.params = params
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by template and params (caches, sessions), not by the text."""
        return (_rebuild_message, (self.template, self.params))


def _rebuild_message(template: str, params: dict[str, Any]) -> Message:
    return Message(template, **params)


NOT_A_NUMBER = Message(gettext_noop("This is not a number."))
TRUE_LABEL = Message(gettext_noop("True"))
FALSE_LABEL = Message(gettext_noop("False"))


class InvalidResponse(ValueError):
    """The submitted response cannot be accepted; ``message`` says why.

    Views turn it into a form error or a 400 page and store nothing.
    """

    def __init__(self, template: str, **params: Any) -> None:
        self.message = Message(template, **params)
        super().__init__(self.message)


class InvalidSnapshot(ValueError):
    """The snapshot is structurally unusable: a bug or corrupt data, not user input."""


@dataclass(frozen=True)
class GradeResult:
    """The outcome of grading one response against one snapshot."""

    fraction: float | None
    state: GradeState
    feedback: list[str] = field(default_factory=list)
    right_answer: str = ""


# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------

_NUMBER_TYPES = (int, float, Decimal)


def _is_number(value: object) -> TypeGuard[int | float | Decimal]:
    """A finite int/float/Decimal; ``bool`` is an int subclass but is refused."""
    if isinstance(value, bool) or not isinstance(value, _NUMBER_TYPES):
        return False
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def _to_decimal(value: int | float | Decimal) -> Decimal:
    """Exact decimal of what the author typed: ``repr`` of 3.14 is ``'3.14'``."""
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _short(value: str, limit: int = 40) -> str:
    """A bounded, quoted rendering of hostile input for an error message."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _classify(fraction: float) -> tuple[float, GradeState]:
    """Moodle's graded state for a fraction, snapping near-1/near-0 values.

    Snapping makes "counts as correct" also mean "earns exactly the full
    mark", so totals stay exact after conversion to ``Decimal``.
    """
    if fraction >= 1 - FRACTION_TOLERANCE:
        return 1.0, "correct"
    if abs(fraction) < FRACTION_TOLERANCE:
        return 0.0, "incorrect"
    if fraction < 0:
        return fraction, "incorrect"
    return fraction, "partial"


def _graded(
    snapshot: Mapping[str, Any],
    fraction: float,
    specific: Iterable[str],
    right_answer: str,
) -> GradeResult:
    """Build the result of an auto-graded response, adding combined feedback."""
    fraction, state = _classify(fraction)
    feedback = [text for text in specific if text]
    combined = snapshot.get("combined_feedback") or {}
    if combined.get(state):
        feedback.append(combined[state])
    return GradeResult(fraction, state, feedback, right_answer)


def _not_answered(right_answer: str) -> GradeResult:
    return GradeResult(0.0, "not_answered", [], right_answer)


def _response_str(response: Mapping[str, Any], key: str) -> str | None:
    value = response.get(key)
    if value is None or isinstance(value, str):
        return value
    raise InvalidResponse(
        gettext_noop("The response field %(field)s must be text."), field=key
    )


def _response_str_list(response: Mapping[str, Any], key: str) -> list[str]:
    value = response.get(key)
    if value is None:
        return []
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    raise InvalidResponse(
        gettext_noop("The response field %(field)s must be a list of ids."),
        field=key,
    )


# --------------------------------------------------------------------------
# Structure checks: what grading needs. Authoring checks: what saving needs.
# --------------------------------------------------------------------------


def _check_text(
    item: Mapping[str, Any], key: str, where: str, problems: list[str]
) -> None:
    if key in item and not isinstance(item[key], str):
        problems.append(
            Message(
                gettext_noop("%(where)s: %(field)s must be text."),
                where=where,
                field=key,
            )
        )


def _check_required_text(
    item: Mapping[str, Any], key: str, where: str, problems: list[str]
) -> None:
    if not isinstance(item.get(key), str):
        problems.append(
            Message(
                gettext_noop("%(where)s: %(field)s is missing or is not text."),
                where=where,
                field=key,
            )
        )


def _check_fraction(
    item: Mapping[str, Any],
    where: str,
    problems: list[str],
    *,
    allow_negative: bool,
) -> None:
    low = -1 if allow_negative else 0
    value = item.get("fraction")
    if not _is_number(value) or not low <= value <= 1:
        problems.append(
            Message(
                gettext_noop(
                    "%(where)s: the grade must be a number from %(low)s%% to 100%%."
                ),
                where=where,
                low=low * 100,
            )
        )


def _check_items(
    snapshot: Mapping[str, Any],
    key: str,
    label: str,
    problems: list[str],
    *,
    with_ids: bool,
) -> list[Mapping[str, Any]] | None:
    """Check that ``snapshot[key]`` is a list of dicts (with unique str ids)."""
    items = snapshot.get(key)
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        problems.append(
            Message(
                gettext_noop("The question's %(field)s must be a list of entries."),
                field=key,
            )
        )
        return None
    if with_ids:
        seen: set[str] = set()
        for position, item in enumerate(items, start=1):
            item_id = item.get("id")
            if not isinstance(item_id, str) or not item_id:
                problems.append(
                    Message(
                        gettext_noop("%(label)s %(n)s has no id."),
                        label=label,
                        n=position,
                    )
                )
            elif item_id in seen:
                problems.append(
                    Message(
                        gettext_noop("%(label)s %(n)s repeats the id %(id)s."),
                        label=label,
                        n=position,
                        id=_short(item_id),
                    )
                )
            else:
                seen.add(item_id)
    return items


def _check_combined_feedback(snapshot: Mapping[str, Any], problems: list[str]) -> None:
    combined = snapshot.get("combined_feedback")
    if combined is None:
        return
    if not isinstance(combined, Mapping) or not all(
        isinstance(v, str) for v in combined.values()
    ):
        problems.append(
            Message(
                gettext_noop(
                    "Combined feedback must map correct/partial/incorrect to text."
                )
            )
        )


def _check_bool(
    snapshot: Mapping[str, Any], key: str, problems: list[str], *, required: bool
) -> None:
    if key not in snapshot and not required:
        return
    if not isinstance(snapshot.get(key), bool):
        problems.append(
            Message(
                gettext_noop("The question's %(field)s setting must be true or false."),
                field=key,
            )
        )


def _answer_label(n: int) -> Message:
    return Message(gettext_noop("Answer %(n)s"), n=n)


# --------------------------------------------------------------------------
# multichoice
# --------------------------------------------------------------------------


def _mc_structure(snapshot: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    _check_bool(snapshot, "single", problems, required=True)
    _check_combined_feedback(snapshot, problems)
    answers = _check_items(
        snapshot, "answers", Message(gettext_noop("Answer")), problems, with_ids=True
    )
    for n, answer in enumerate(answers or [], start=1):
        where = _answer_label(n)
        _check_required_text(answer, "text", where, problems)
        _check_text(answer, "feedback", where, problems)
        _check_fraction(answer, where, problems, allow_negative=True)
    return problems


def _mc_authoring(snapshot: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    answers = snapshot["answers"]
    if len(answers) < 2:
        problems.append(
            Message(
                gettext_noop(
                    "A multiple-choice question needs at least 2 answers "
                    "(it has %(count)s)."
                ),
                count=len(answers),
            )
        )
    for n, answer in enumerate(answers, start=1):
        if not answer["text"].strip():
            problems.append(Message(gettext_noop("Answer %(n)s has no text."), n=n))
    fractions = [float(a["fraction"]) for a in answers]
    if snapshot["single"]:
        if not any(f >= 1 - FRACTION_TOLERANCE for f in fractions):
            problems.append(
                Message(
                    gettext_noop(
                        "One of the answers must be worth 100%% so that full "
                        "marks are possible."
                    )
                )
            )
    else:
        positive = math.fsum(f for f in fractions if f > 0)
        if abs(positive - 1) > 0.0001:
            problems.append(
                Message(
                    gettext_noop(
                        "The grades of the correct answers must add up to 100%% "
                        "(they add up to %(total)s%%)."
                    ),
                    total=f"{positive * 100:.5g}",
                )
            )
    return problems


def _mc_right_answer(snapshot: Mapping[str, Any]) -> str:
    answers = snapshot["answers"]
    if not answers:
        return ""
    if snapshot["single"]:
        best = max(answers, key=lambda a: a["fraction"])  # first of the maxima
        return str(best["text"])
    return "; ".join(a["text"] for a in answers if a["fraction"] > 0)


def _mc_grade(snapshot: Mapping[str, Any], response: Mapping[str, Any]) -> GradeResult:
    answers = snapshot["answers"]
    right = _mc_right_answer(snapshot)
    if snapshot["single"]:
        choice = _response_str(response, "choice")
        if not choice:
            return _not_answered(right)
        chosen = [a for a in answers if a["id"] == choice]
        fraction = float(chosen[0]["fraction"]) if chosen else 0.0
    else:
        ticked = set(_response_str_list(response, "choices"))
        if not ticked:
            return _not_answered(right)
        chosen = [a for a in answers if a["id"] in ticked]
        total = math.fsum(float(a["fraction"]) for a in chosen)
        fraction = min(max(total, 0.0), 1.0)
    return _graded(snapshot, fraction, (a.get("feedback", "") for a in chosen), right)


def _mc_parse(snapshot: Mapping[str, Any], form: _Form) -> dict[str, Any]:
    ids = [a["id"] for a in snapshot["answers"]]
    known = set(ids)
    if snapshot["single"]:
        choice = form.one(FIELD_CHOICE)
        if not choice:
            return {"choice": None}
        if choice not in known:
            raise InvalidResponse(
                gettext_noop("The chosen answer %(value)s is not one of the choices."),
                value=_short(choice),
            )
        return {"choice": choice}
    ticked = {value for value in form.values(FIELD_CHOICES) if value}
    unknown = ticked - known
    if unknown:
        raise InvalidResponse(
            gettext_noop("The ticked answer %(value)s is not one of the choices."),
            value=_short(min(unknown)),
        )
    return {"choices": [i for i in ids if i in ticked]}


# --------------------------------------------------------------------------
# truefalse
# --------------------------------------------------------------------------


def _tf_structure(snapshot: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    _check_bool(snapshot, "correct", problems, required=True)
    _check_combined_feedback(snapshot, problems)
    where = Message(gettext_noop("True/false question"))
    _check_text(snapshot, "feedback_right", where, problems)
    _check_text(snapshot, "feedback_wrong", where, problems)
    return problems


def _tf_grade(snapshot: Mapping[str, Any], response: Mapping[str, Any]) -> GradeResult:
    right = TRUE_LABEL if snapshot["correct"] else FALSE_LABEL
    value = response.get("value")
    if value is None:
        return _not_answered(right)
    if not isinstance(value, bool):
        raise InvalidResponse(gettext_noop("The response must be true or false."))
    if value == snapshot["correct"]:
        return _graded(snapshot, 1.0, [snapshot.get("feedback_right", "")], right)
    return _graded(snapshot, 0.0, [snapshot.get("feedback_wrong", "")], right)


_TRUE_VALUES = {"true": True, "1": True, "false": False, "0": False}


def _tf_parse(snapshot: Mapping[str, Any], form: _Form) -> dict[str, Any]:
    value = form.one(FIELD_VALUE)
    if not value:
        return {"value": None}
    parsed = _TRUE_VALUES.get(value.lower()) if len(value) <= 5 else None
    if parsed is None:
        raise InvalidResponse(
            gettext_noop("The answer must be true or false, not %(value)s."),
            value=_short(value),
        )
    return {"value": parsed}


# --------------------------------------------------------------------------
# shortanswer
# --------------------------------------------------------------------------


def _sa_structure(snapshot: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    _check_bool(snapshot, "case_sensitive", problems, required=False)
    _check_combined_feedback(snapshot, problems)
    answers = _check_items(
        snapshot, "answers", Message(gettext_noop("Answer")), problems, with_ids=False
    )
    for n, answer in enumerate(answers or [], start=1):
        where = _answer_label(n)
        _check_required_text(answer, "text", where, problems)
        _check_text(answer, "feedback", where, problems)
        _check_fraction(answer, where, problems, allow_negative=False)
    return problems


def _is_catch_all_pattern(pattern: str) -> bool:
    return _WILDCARDS_ONLY.fullmatch(pattern.strip()) is not None


_WILDCARDS_ONLY = re.compile(r"\*+")
_UNESCAPED_STARS = re.compile(r"(?<!\\)\*+")


def _sa_authoring(snapshot: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    answers = snapshot["answers"]
    if not answers:
        problems.append(
            Message(gettext_noop("A short-answer question needs at least 1 answer."))
        )
    for n, answer in enumerate(answers, start=1):
        if not normalise_answer(answer["text"], case_sensitive=True):
            problems.append(Message(gettext_noop("Answer %(n)s has no text."), n=n))
        elif _is_catch_all_pattern(answer["text"]) and n < len(answers):
            problems.append(
                Message(
                    gettext_noop(
                        "Answer %(n)s (*) matches everything, so the answers "
                        "after it can never match; move it to the end."
                    ),
                    n=n,
                )
            )
    if answers and not any(a["fraction"] >= 1 - FRACTION_TOLERANCE for a in answers):
        problems.append(
            Message(
                gettext_noop(
                    "One of the answers must be worth 100%% so that full marks "
                    "are possible."
                )
            )
        )
    return problems


def _sa_right_answer(snapshot: Mapping[str, Any]) -> str:
    """First best answer with its wildcards removed, as Moodle shows it."""
    ranked = sorted(snapshot["answers"], key=lambda a: -a["fraction"])  # stable
    for answer in ranked:
        if answer["fraction"] <= 0:
            break
        shown = _UNESCAPED_STARS.sub("", answer["text"]).replace("\\*", "*").strip()
        if shown:
            return shown
    return ""


def _sa_grade(snapshot: Mapping[str, Any], response: Mapping[str, Any]) -> GradeResult:
    case_sensitive = bool(snapshot.get("case_sensitive", False))
    right = _sa_right_answer(snapshot)
    text = normalise_answer(
        _response_str(response, "text") or "", case_sensitive=case_sensitive
    )
    if not text:
        return _not_answered(right)
    for answer in snapshot["answers"]:
        pattern = normalise_answer(answer["text"], case_sensitive=case_sensitive)
        if pattern and wildcard_match(pattern, text):
            return _graded(
                snapshot, float(answer["fraction"]), [answer.get("feedback", "")], right
            )
    return _graded(snapshot, 0.0, [], right)


def _line_text_parse(snapshot: Mapping[str, Any], form: _Form) -> dict[str, Any]:
    text = form.one(FIELD_TEXT) or ""
    if len(text) > MAX_LINE_CHARS:
        raise InvalidResponse(
            gettext_noop("The answer is too long (at most %(limit)s characters)."),
            limit=MAX_LINE_CHARS,
        )
    return {"text": clean_submitted_text(text).strip()}


# --------------------------------------------------------------------------
# numerical
# --------------------------------------------------------------------------


def _num_kind(answer: Mapping[str, Any]) -> str:
    """``catch_all``, ``value`` or ``range``; ``bad`` if neither shape fits."""
    has_value = "value" in answer
    has_range = "min" in answer or "max" in answer
    if has_value and has_range:
        return "bad"
    if has_value:
        if answer["value"] == "*":
            return "catch_all"
        tolerance = answer.get("tolerance", 0)
        if _is_number(answer["value"]) and _is_number(tolerance):
            return "value"
        return "bad"
    if has_range and _is_number(answer.get("min")) and _is_number(answer.get("max")):
        return "range"
    return "bad"


def _num_structure(snapshot: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    _check_combined_feedback(snapshot, problems)
    answers = _check_items(
        snapshot, "answers", Message(gettext_noop("Answer")), problems, with_ids=False
    )
    for n, answer in enumerate(answers or [], start=1):
        where = _answer_label(n)
        if _num_kind(answer) == "bad":
            problems.append(
                Message(
                    gettext_noop(
                        "%(where)s must be a number with a tolerance, a min..max "
                        "range, or * (any other answer)."
                    ),
                    where=where,
                )
            )
        _check_text(answer, "feedback", where, problems)
        _check_fraction(answer, where, problems, allow_negative=False)
    return problems


def _num_authoring(snapshot: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    answers = snapshot["answers"]
    if not answers:
        problems.append(
            Message(gettext_noop("A numerical question needs at least 1 answer."))
        )
    for n, answer in enumerate(answers, start=1):
        kind = _num_kind(answer)
        if kind == "value" and answer.get("tolerance", 0) < 0:
            problems.append(
                Message(
                    gettext_noop("Answer %(n)s: the tolerance cannot be negative."),
                    n=n,
                )
            )
        elif kind == "range" and answer["min"] > answer["max"]:
            problems.append(
                Message(
                    gettext_noop(
                        "Answer %(n)s: the minimum is greater than the maximum."
                    ),
                    n=n,
                )
            )
        elif kind == "catch_all" and n < len(answers):
            problems.append(
                Message(
                    gettext_noop(
                        "Answer %(n)s (*) matches everything, so the answers "
                        "after it can never match; move it to the end."
                    ),
                    n=n,
                )
            )
    if answers and not any(
        _num_kind(a) != "catch_all" and a["fraction"] >= 1 - FRACTION_TOLERANCE
        for a in answers
    ):
        problems.append(
            Message(
                gettext_noop(
                    "One of the answers (other than *) must be worth 100%% so "
                    "that full marks are possible."
                )
            )
        )
    return problems


def _format_number(value: int | float | Decimal) -> str:
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def _num_right_answer(snapshot: Mapping[str, Any]) -> str:
    ranked = sorted(snapshot["answers"], key=lambda a: -a["fraction"])  # stable
    for answer in ranked:
        kind = _num_kind(answer)
        if answer["fraction"] <= 0:
            break
        if kind == "value":
            shown = _format_number(answer["value"])
            tolerance = answer.get("tolerance", 0)
            if tolerance:
                shown += f" ± {_format_number(tolerance)}"
            return shown
        if kind == "range":
            return f"[{_format_number(answer['min'])}; {_format_number(answer['max'])}]"
    return ""


def _num_matches(answer: Mapping[str, Any], number: Decimal) -> bool:
    kind = _num_kind(answer)
    if kind == "catch_all":
        return True
    # Both sides are bounded (float range, <= 100 chars), so 1 000 digits
    # make every sum below exact and boundaries inclusive to the last digit.
    with localcontext() as ctx:
        ctx.prec = 1000
        if kind == "value":
            value = _to_decimal(answer["value"])
            tolerance = abs(_to_decimal(answer.get("tolerance", 0)))
            return abs(number - value) <= tolerance
        if kind == "range":
            return _to_decimal(answer["min"]) <= number <= _to_decimal(answer["max"])
    return False


def _num_grade(snapshot: Mapping[str, Any], response: Mapping[str, Any]) -> GradeResult:
    right = _num_right_answer(snapshot)
    text = (_response_str(response, "text") or "").strip()
    if not text:
        return _not_answered(right)
    number = parse_number(text)
    if number is None:
        return _graded(snapshot, 0.0, [NOT_A_NUMBER], right)
    for answer in snapshot["answers"]:
        if _num_matches(answer, number):
            return _graded(
                snapshot, float(answer["fraction"]), [answer.get("feedback", "")], right
            )
    return _graded(snapshot, 0.0, [], right)


# --------------------------------------------------------------------------
# matching
# --------------------------------------------------------------------------


def _stems(snapshot: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [p for p in snapshot["pairs"] if p["question"].strip()]


def matching_answers(snapshot: Mapping[str, Any]) -> list[str]:
    """The distinct answers a matching question offers, distractors included.

    In question order, duplicates removed (two stems may share an answer and
    the drop-down must not list it twice). Shuffling is the caller's job.
    """
    seen: dict[str, None] = {}
    for pair in snapshot["pairs"]:
        if pair["answer"].strip():
            seen.setdefault(pair["answer"], None)
    return list(seen)


def _match_structure(snapshot: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    _check_combined_feedback(snapshot, problems)
    pairs = _check_items(
        snapshot, "pairs", Message(gettext_noop("Pair")), problems, with_ids=True
    )
    for n, pair in enumerate(pairs or [], start=1):
        where = Message(gettext_noop("Pair %(n)s"), n=n)
        _check_required_text(pair, "question", where, problems)
        _check_required_text(pair, "answer", where, problems)
    return problems


def _match_authoring(snapshot: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    stems = _stems(snapshot)
    if len(stems) < 2:
        problems.append(
            Message(
                gettext_noop(
                    "A matching question needs at least 2 questions to match "
                    "(it has %(count)s)."
                ),
                count=len(stems),
            )
        )
    for n, pair in enumerate(snapshot["pairs"], start=1):
        if not pair["answer"].strip():
            problems.append(Message(gettext_noop("Pair %(n)s has no answer."), n=n))
    return problems


def _match_right_answer(snapshot: Mapping[str, Any]) -> str:
    return "; ".join(f"{p['question']} → {p['answer']}" for p in _stems(snapshot))


def _match_grade(
    snapshot: Mapping[str, Any], response: Mapping[str, Any]
) -> GradeResult:
    right = _match_right_answer(snapshot)
    matches = response.get("matches") or {}
    if not isinstance(matches, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in matches.items()
    ):
        raise InvalidResponse(
            gettext_noop("The matches must map question ids to answers.")
        )
    stems = _stems(snapshot)
    if not stems or not any(matches.get(p["id"]) for p in stems):
        return _not_answered(right)
    correct = sum(1 for p in stems if matches.get(p["id"]) == p["answer"])
    return _graded(snapshot, correct / len(stems), [], right)


def _match_parse(snapshot: Mapping[str, Any], form: _Form) -> dict[str, Any]:
    stem_ids = [p["id"] for p in _stems(snapshot)]
    known_stems = set(stem_ids)
    offered = set(matching_answers(snapshot))
    chosen: dict[str, str] = {}
    for key in form.field_names():
        if not key.startswith(MATCH_FIELD_PREFIX):
            continue
        pair_id = key[len(MATCH_FIELD_PREFIX) :]
        if pair_id not in known_stems:
            raise InvalidResponse(
                gettext_noop("%(value)s is not one of the questions to match."),
                value=_short(pair_id),
            )
        value = form.one(key)
        if not value:
            continue
        if value not in offered:
            raise InvalidResponse(
                gettext_noop("%(value)s is not one of the offered answers."),
                value=_short(value),
            )
        chosen[pair_id] = value
    return {"matches": {i: chosen[i] for i in stem_ids if i in chosen}}


# --------------------------------------------------------------------------
# ordering
# --------------------------------------------------------------------------


def _order_structure(snapshot: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    _check_combined_feedback(snapshot, problems)
    items = _check_items(
        snapshot, "items", Message(gettext_noop("Item")), problems, with_ids=True
    )
    for n, item in enumerate(items or [], start=1):
        _check_required_text(
            item, "text", Message(gettext_noop("Item %(n)s"), n=n), problems
        )
    if snapshot.get("grading") not in ORDERING_GRADING_TYPES:
        problems.append(
            Message(
                gettext_noop("The grading type must be one of: %(choices)s."),
                choices=", ".join(ORDERING_GRADING_TYPES),
            )
        )
    return problems


def _order_authoring(snapshot: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    items = snapshot["items"]
    if len(items) < 2:
        problems.append(
            Message(
                gettext_noop(
                    "An ordering question needs at least 2 items (it has %(count)s)."
                ),
                count=len(items),
            )
        )
    seen: set[str] = set()
    for n, item in enumerate(items, start=1):
        text = item["text"].strip()
        if not text:
            problems.append(Message(gettext_noop("Item %(n)s has no text."), n=n))
        elif text in seen:
            problems.append(
                Message(
                    gettext_noop(
                        "Item %(n)s repeats the text of an earlier item; learners "
                        "could not tell them apart."
                    ),
                    n=n,
                )
            )
        seen.add(text)
    return problems


def _next_map(ids: list[str], *, include_last: bool) -> dict[str, str | None]:
    """Each item's successor (Moodle ``get_next_answerids``).

    With ``include_last`` the last item maps to ``None`` ("nothing follows"),
    so being last is scored too; without it the last item has no entry.
    """
    successors: dict[str, str | None] = {
        ids[i]: ids[i + 1] for i in range(len(ids) - 1)
    }
    if include_last and ids:
        successors[ids[-1]] = None
    return successors


def ordering_fraction(correct: list[str], given: list[str], grading: str) -> float:
    """Moodle ``qtype_ordering`` score for one of the supported grading types.

    Public so that the rules can be checked on plain id lists. Tolerates a
    ``given`` that is not a permutation (scores what matches), so a stored
    response never makes grading crash.
    """
    if grading in ("all_or_nothing", "absolute_position"):
        hits = sum(
            1 for i, item in enumerate(correct) if i < len(given) and given[i] == item
        )
        if grading == "all_or_nothing":
            return 1.0 if hits == len(correct) and len(given) == len(correct) else 0.0
        return hits / len(correct) if correct else 0.0
    include_last = grading == "relative_next_include_last"
    expected = _next_map(correct, include_last=include_last)
    actual = _next_map(given, include_last=include_last)
    if not expected:
        return 0.0
    hits = sum(
        1 for item, nxt in expected.items() if item in actual and actual[item] == nxt
    )
    return hits / len(expected)


def _order_grade(
    snapshot: Mapping[str, Any], response: Mapping[str, Any]
) -> GradeResult:
    items = snapshot["items"]
    right = " → ".join(item["text"] for item in items)
    correct = [item["id"] for item in items]
    # A stored response is a permutation (``parse_response`` insists); if one
    # is not, unknown and repeated ids are dropped rather than scored.
    known = set(correct)
    given = list(
        dict.fromkeys(i for i in _response_str_list(response, "order") if i in known)
    )
    if not given:
        return _not_answered(right)
    fraction = ordering_fraction(correct, given, snapshot["grading"])
    return _graded(snapshot, fraction, [], right)


def _order_parse(snapshot: Mapping[str, Any], form: _Form) -> dict[str, Any]:
    ids = [item["id"] for item in snapshot["items"]]
    known = set(ids)
    values = [v for v in form.values(FIELD_ORDER) if v]
    if len(values) == 1 and values[0] not in known and "," in values[0]:
        values = [v for v in values[0].split(",") if v]
    if not values:
        return {"order": []}
    unknown = [v for v in values if v not in known]
    if unknown:
        raise InvalidResponse(
            gettext_noop("%(value)s is not one of the items to order."),
            value=_short(unknown[0]),
        )
    if len(values) != len(ids) or set(values) != known:
        raise InvalidResponse(
            gettext_noop("Every item must appear exactly once in the order.")
        )
    return {"order": values}


# --------------------------------------------------------------------------
# essay and description
# --------------------------------------------------------------------------


def _is_word_limit(value: object) -> bool:
    return value is None or (
        isinstance(value, int) and not isinstance(value, bool) and value >= 0
    )


def _essay_structure(snapshot: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    for key in ("min_words", "max_words"):
        if not _is_word_limit(snapshot.get(key)):
            problems.append(
                Message(
                    gettext_noop(
                        "The %(field)s limit must be empty or a whole number of "
                        "at least 0."
                    ),
                    field=key,
                )
            )
    return problems


def _essay_authoring(snapshot: Mapping[str, Any]) -> list[str]:
    low, high = snapshot.get("min_words"), snapshot.get("max_words")
    if low and high and low > high:
        return [
            Message(
                gettext_noop(
                    "The minimum word count (%(min)s) is greater than the "
                    "maximum (%(max)s)."
                ),
                min=low,
                max=high,
            )
        ]
    return []


def count_words(text: str) -> int:
    """Words as runs of non-space characters: what a learner would count."""
    return len(text.split())


def word_limit_problem(snapshot: Mapping[str, Any], text: str) -> Message | None:
    """A warning for an essay outside its word limits, else ``None``.

    Advisory only (shown by the form before submit), because Moodle also
    sends an over- or under-length essay to the trainer rather than losing it.
    """
    words = count_words(text)
    low, high = snapshot.get("min_words"), snapshot.get("max_words")
    if low and words < low:
        return Message(
            gettext_noop("Please write at least %(min)s words (you wrote %(count)s)."),
            min=low,
            count=words,
        )
    if high and words > high:
        return Message(
            gettext_noop("Please write at most %(max)s words (you wrote %(count)s)."),
            max=high,
            count=words,
        )
    return None


def _essay_grade(
    snapshot: Mapping[str, Any], response: Mapping[str, Any]
) -> GradeResult:
    text = _response_str(response, "text") or ""
    if not text.strip():
        return _not_answered("")
    return GradeResult(None, "needs_grading", [], "")


def _essay_parse(snapshot: Mapping[str, Any], form: _Form) -> dict[str, Any]:
    text = form.one(FIELD_TEXT) or ""
    if len(text) > MAX_ESSAY_CHARS:
        raise InvalidResponse(
            gettext_noop("The answer is too long (at most %(limit)s characters)."),
            limit=MAX_ESSAY_CHARS,
        )
    return {"text": clean_submitted_text(text)}


def _no_problems(snapshot: Mapping[str, Any]) -> list[str]:
    return []


def _description_grade(
    snapshot: Mapping[str, Any], response: Mapping[str, Any]
) -> GradeResult:
    return GradeResult(None, "info", [], "")


def _description_parse(snapshot: Mapping[str, Any], form: _Form) -> dict[str, Any]:
    return {}


# --------------------------------------------------------------------------
# Form access and dispatch
# --------------------------------------------------------------------------


class _Form:
    """Read-only, type-checked access to submitted values.

    Accepts a plain mapping of lists, a mapping of strings, or anything with
    Django's ``getlist`` (a QueryDict), and refuses every value that is not a
    string so that hostile payloads (JSON numbers, nulls, nested objects)
    surface as ``InvalidResponse`` rather than a ``TypeError`` later.
    """

    def __init__(self, raw: object) -> None:
        if not isinstance(raw, Mapping) and not callable(getattr(raw, "getlist", None)):
            raise InvalidResponse(gettext_noop("The submitted data is not a form."))
        self._raw: Any = raw

    def field_names(self) -> list[str]:
        return [key for key in self._raw if isinstance(key, str)]

    def values(self, key: str) -> list[str]:
        getlist = getattr(self._raw, "getlist", None)
        found = getlist(key) if callable(getlist) else self._raw.get(key)
        if found is None:
            return []
        if isinstance(found, str):
            found = [found]
        if not isinstance(found, list | tuple):
            raise InvalidResponse(
                gettext_noop("The field %(field)s has an unexpected value."),
                field=key,
            )
        if len(found) > MAX_VALUES_PER_FIELD:
            raise InvalidResponse(
                gettext_noop("The field %(field)s has too many values."), field=key
            )
        if not all(isinstance(value, str) for value in found):
            raise InvalidResponse(
                gettext_noop("The field %(field)s must contain text."), field=key
            )
        return list(found)

    def one(self, key: str) -> str | None:
        found = self.values(key)
        if len(found) > 1:
            raise InvalidResponse(
                gettext_noop("The field %(field)s was sent more than once."),
                field=key,
            )
        return found[0] if found else None


@dataclass(frozen=True)
class _QuestionType:
    structure: Callable[[Mapping[str, Any]], list[str]]
    authoring: Callable[[Mapping[str, Any]], list[str]]
    grade: Callable[[Mapping[str, Any], Mapping[str, Any]], GradeResult]
    parse: Callable[[Mapping[str, Any], _Form], dict[str, Any]]


_TYPES: dict[str, _QuestionType] = {
    "multichoice": _QuestionType(_mc_structure, _mc_authoring, _mc_grade, _mc_parse),
    "truefalse": _QuestionType(_tf_structure, _no_problems, _tf_grade, _tf_parse),
    "shortanswer": _QuestionType(
        _sa_structure, _sa_authoring, _sa_grade, _line_text_parse
    ),
    "numerical": _QuestionType(
        _num_structure, _num_authoring, _num_grade, _line_text_parse
    ),
    "matching": _QuestionType(
        _match_structure, _match_authoring, _match_grade, _match_parse
    ),
    "ordering": _QuestionType(
        _order_structure, _order_authoring, _order_grade, _order_parse
    ),
    "essay": _QuestionType(
        _essay_structure, _essay_authoring, _essay_grade, _essay_parse
    ),
    "description": _QuestionType(
        _no_problems, _no_problems, _description_grade, _description_parse
    ),
}

#: The snapshot ``"type"`` values this module understands.
QUESTION_TYPES: tuple[str, ...] = tuple(_TYPES)


def _type_of(snapshot: object) -> tuple[_QuestionType | None, list[str]]:
    if not isinstance(snapshot, Mapping):
        return None, [Message(gettext_noop("The question snapshot must be a mapping."))]
    qtype = snapshot.get("type")
    handler = _TYPES.get(qtype) if isinstance(qtype, str) else None
    if handler is None:
        return None, [
            Message(
                gettext_noop("Unknown question type %(type)s."),
                type=_short(str(qtype)),
            )
        ]
    return handler, handler.structure(snapshot)


def _checked(snapshot: object) -> _QuestionType:
    handler, problems = _type_of(snapshot)
    if handler is None or problems:
        raise InvalidSnapshot("; ".join(problems))
    return handler


def validate(snapshot: Mapping[str, Any]) -> list[str]:
    """Problems that make the question unsafe to save; empty list when fine.

    Structural problems first; authoring rules (Moodle's save-time checks
    plus a few of ours, like an unreachable answer after ``*``) only when the
    structure is sound, since they rely on it.
    """
    handler, problems = _type_of(snapshot)
    if handler is None or problems:
        return problems
    return handler.authoring(snapshot)


def grade(
    snapshot: Mapping[str, Any], response: Mapping[str, Any] | None
) -> GradeResult:
    """Grade ``response`` (``None`` = nothing submitted) against ``snapshot``."""
    handler = _checked(snapshot)
    if response is None:
        response = {}
    if not isinstance(response, Mapping):
        raise InvalidResponse(gettext_noop("The response must be a mapping."))
    return handler.grade(snapshot, response)


def parse_response(
    snapshot: Mapping[str, Any], raw: Mapping[str, list[str]]
) -> dict[str, Any]:
    """Clean submitted form values into a response dict for ``grade``.

    Raises ``InvalidResponse`` (and nothing else) for any bad submission:
    unknown or repeated ids, non-string values, oversized text. Text is kept
    as typed except for control characters and lone surrogates
    (``clean_submitted_text``); a numerical answer that is not a number is
    *kept*, because it is a wrong answer, not a broken request.
    """
    handler = _checked(snapshot)
    return handler.parse(snapshot, _Form(raw))
