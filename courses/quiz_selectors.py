"""Reads for quiz pages: what a learner may see, by the review options.

The browser is never trusted with grades: the display data built here holds
question texts and opaque choice ids only. Correctness, marks, feedback and
right answers are added only where the quiz's review options allow them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from .models import QuestionResponse, QuizAttempt, QuizPage
from .quiz import grading, totals

IMMEDIATE_WINDOW = dt.timedelta(minutes=2)


def review_items(
    *, attempt: QuizAttempt, now: dt.datetime | None = None
) -> frozenset[str]:
    """Which review items the learner sees for ``attempt`` now (Moodle's 4 times)."""
    now = now or timezone.now()
    quiz = attempt.quiz
    if attempt.is_open:
        chosen = quiz.review_during
    elif attempt.finished_at and now - attempt.finished_at <= IMMEDIATE_WINDOW:
        chosen = quiz.review_immediately
    elif quiz.close_at and now >= quiz.close_at:
        chosen = quiz.review_closed
    else:
        chosen = quiz.review_open
    return frozenset(chosen or [])


def question_display(snapshot: dict) -> dict:
    """The parts of a snapshot a learner may always see (no answers, no marks)."""
    kind = snapshot["type"]
    data = {"type": kind, "text": snapshot.get("text", "")}
    if kind == "multichoice":
        data["single"] = snapshot["single"]
        data["answers"] = [
            {"id": a["id"], "text": a["text"]} for a in snapshot["answers"]
        ]
    elif kind == "truefalse":
        pass
    elif kind == "matching":
        data["stems"] = [
            {"id": p["id"], "question": p["question"]}
            for p in snapshot["pairs"]
            if p["question"]
        ]
        data["offered"] = snapshot.get("offered_answers") or grading.matching_answers(
            snapshot
        )
    elif kind == "ordering":
        by_id = {i["id"]: i["text"] for i in snapshot["items"]}
        order = snapshot.get("display_order") or list(by_id)
        data["items"] = [{"id": i, "text": by_id[i]} for i in order if i in by_id]
    elif kind == "essay":
        data["min_words"] = snapshot.get("min_words")
        data["max_words"] = snapshot.get("max_words")
    return data


@dataclass
class ResponseView:
    position: int
    number: int | None
    question: dict
    response: dict | None
    state: str
    max_mark: Decimal
    mark: Decimal | None = None
    feedback: list[str] | None = None
    general_feedback: str = ""
    right_answer: str = ""
    show_correctness: bool = False
    grader_comment: str = ""

    @property
    def chosen(self) -> set[str]:
        r = self.response or {}
        if "choices" in r:
            return set(r["choices"] or [])
        if r.get("choice"):
            return {r["choice"]}
        return set()

    @property
    def ordered(self) -> list[dict]:
        """Ordering items in the learner's saved order (or the display order)."""
        items = self.question.get("items", [])
        order = (self.response or {}).get("order") or []
        by_id = {i["id"]: i for i in items}
        if sorted(order) == sorted(by_id):
            return [by_id[i] for i in order]
        return items


def responses_for_page(
    *, attempt: QuizAttempt, page: int | None, items: frozenset[str]
) -> list[ResponseView]:
    """Questions of one page (or all, for review), with only what ``items`` allow."""
    qs = attempt.responses.all()
    if page is not None:
        qs = qs.filter(page=page)
    numbered = _question_numbers(attempt)
    views = []
    for r in qs:
        finished = not attempt.is_open
        view = ResponseView(
            position=r.position,
            number=numbered.get(r.position),
            question=question_display(r.snapshot),
            response=r.response if ("attempt" in items or attempt.is_open) else None,
            state=r.state,
            max_mark=r.max_mark,
        )
        if finished and "correctness" in items:
            view.show_correctness = True
        if finished and "marks" in items:
            view.mark = r.mark
        if finished and "specific_feedback" in items:
            view.feedback = list(r.feedback or [])
        if finished and "general_feedback" in items:
            view.general_feedback = r.snapshot.get("general_feedback", "")
        if finished and "right_answer" in items:
            view.right_answer = r.right_answer
        if finished and "marks" in items:
            view.grader_comment = r.grader_comment
        views.append(view)
    return views


def _question_numbers(attempt: QuizAttempt) -> dict[int, int]:
    """Question numbers skip descriptions (they are not questions)."""
    numbers, n = {}, 0
    for position, snapshot in attempt.responses.values_list("position", "snapshot"):
        if snapshot.get("type") != "description":
            n += 1
            numbers[position] = n
    return numbers


def attempt_summary(*, attempt: QuizAttempt) -> list[dict]:
    """Per question: number, page and whether an answer is saved (no grades)."""
    numbers = _question_numbers(attempt)
    return [
        {
            "number": numbers[position],
            "page": page,
            "answered": state != QuestionResponse.State.TODO,
        }
        for position, page, state in attempt.responses.values_list(
            "position", "page", "state"
        )
        if position in numbers
    ]


def overall_feedback_for(*, quiz: QuizPage, grade: Decimal | None) -> str:
    """The quiz's feedback text for the band ``grade`` falls in ("" if none)."""
    if grade is None:
        return ""
    bands = [(b.min_percent, b.text) for b in quiz.feedback_bands.all()]
    return totals.overall_feedback(grade, bands)


def quiz_page_context(*, quiz: QuizPage, user) -> dict:
    """The learner's attempts, final grade, what they may do next."""
    if not user.is_authenticated:
        return {}
    now = timezone.now()
    attempts = list(QuizAttempt.objects.filter(quiz=quiz, user=user).order_by("number"))
    open_attempt = next((a for a in attempts if a.is_open), None)
    final = totals.final_grade(
        [
            (a.number, a.grade)
            for a in attempts
            if a.state == QuizAttempt.State.FINISHED
        ],
        quiz.grading_method,
    )
    used = len(attempts)
    remaining = (
        None if not quiz.attempts_allowed else max(0, quiz.attempts_allowed - used)
    )
    is_open = (quiz.open_at is None or quiz.open_at <= now) and (
        quiz.close_at is None or now < quiz.close_at
    )
    rows = []
    for a in attempts:
        items = review_items(attempt=a, now=now)
        rows.append(
            {
                "attempt": a,
                "show_marks": "marks" in items,
                "can_review": "attempt" in items,
            }
        )
    # The final grade follows the "marks" review option, as the rows do.
    show_grade = final is not None and any(
        row["show_marks"]
        for row in rows
        if row["attempt"].state == QuizAttempt.State.FINISHED
    )
    show_overall = final is not None and any(
        "overall_feedback" in review_items(attempt=a, now=now)
        for a in attempts
        if a.state == QuizAttempt.State.FINISHED
    )
    return {
        "attempt_rows": rows,
        "open_attempt": open_attempt,
        "final_grade": final,
        "show_grade": show_grade,
        "passed": totals.passed(final, quiz.pass_mark),
        "attempts_remaining": remaining,
        "quiz_open": is_open,
        "can_start": open_attempt is None
        and is_open
        and (remaining is None or remaining > 0),
        "overall_feedback": overall_feedback_for(quiz=quiz, grade=final)
        if show_overall
        else "",
        # A random slot puts ``random_count`` questions in every attempt.
        "question_count": sum(
            s.random_count if s.random_category_id else 1 for s in quiz.slots.all()
        ),
    }
