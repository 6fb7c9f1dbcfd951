"""State changes of quizzes: start, save, navigate, submit, close, grade, regrade.

Same rules as :mod:`courses.services`: keyword-only, permission first, one
transaction, safe to repeat, audit-logged. Every limit (dates, deadline,
attempts allowed, sequential navigation, finished state) is enforced here, so
no endpoint can skip it. Grading reads only the snapshots stored in the
attempt (:mod:`courses.quiz.grading`); marks never come from the browser.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from . import permissions
from .choices import LEARNING_STATUSES
from .models import (
    Enrolment,
    ItemCompletion,
    Question,
    QuestionResponse,
    QuizAttempt,
    QuizPage,
)
from .quiz import grading, totals

logger = logging.getLogger(__name__)

State = QuizAttempt.State
OPEN_STATES = (State.IN_PROGRESS, State.OVERDUE)
#: Answers that reach the server this long after the deadline still count:
#: a slow connection must not cost a learner the last answer they gave.
NETWORK_GRACE = dt.timedelta(seconds=30)


def translated(message: object) -> str:
    """Show a grading ``Message`` in the active language (plain text as is)."""
    if isinstance(message, grading.Message):
        params = {k: translated(v) for k, v in message.params.items()}
        return _(message.template) % params if params else _(message.template)
    return str(message)


class QuizError(ValidationError):
    """A rule of the quiz refused the action; the message says which."""


# --- helpers ----------------------------------------------------------------------


def _lock_user(user) -> None:
    """Serialise one learner's quiz actions (parallel starts, double clicks)."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def _check_can_take(user, quiz: QuizPage) -> permissions.ItemAccess:
    if not user.is_authenticated:
        raise PermissionDenied(_("Log in to take the quiz."))
    access = permissions.item_access(user=user, item=quiz)
    if access.access is not permissions.Access.ALLOWED:
        raise PermissionDenied(_("You are not enrolled in this programme."))
    return access


def _own_attempt(user, attempt: QuizAttempt, *, lock: bool = True) -> QuizAttempt:
    qs = QuizAttempt.objects.select_related("quiz")
    if lock:
        qs = qs.select_for_update(of=("self",))
    attempt = qs.get(pk=attempt.pk)
    if attempt.user_id != user.pk:
        raise PermissionDenied(_("This is not your attempt."))
    return attempt


def quiz_is_open(quiz: QuizPage, now: dt.datetime) -> bool:
    return (quiz.open_at is None or quiz.open_at <= now) and (
        quiz.close_at is None or now < quiz.close_at
    )


def _opaque(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(6)


def _prepare_snapshot(question: Question, *, shuffle: bool, rng: random.Random) -> dict:
    """The question's snapshot with per-attempt opaque ids and display order.

    Ids are random per attempt so they reveal neither the answer nor its
    position in the bank; ``source`` keeps the bank id for regrading and is
    never sent to the browser.
    """
    snap = question.snapshot()
    kind = snap["type"]
    if kind == "multichoice":
        for answer in snap["answers"]:
            answer["source"], answer["id"] = answer["id"], _opaque("c")
        if shuffle and snap.get("shuffle", True):
            rng.shuffle(snap["answers"])
    elif kind == "matching":
        for pair in snap["pairs"]:
            pair["source"], pair["id"] = pair["id"], _opaque("p")
        offered = grading.matching_answers(snap)
        if shuffle and snap.get("shuffle", True):
            rng.shuffle(offered)
        snap["offered_answers"] = offered
    elif kind == "ordering":
        for item in snap["items"]:
            item["source"], item["id"] = item["id"], _opaque("i")
        display = [item["id"] for item in snap["items"]]
        while len(display) > 1 and display == [i["id"] for i in snap["items"]]:
            rng.shuffle(display)
        snap["display_order"] = display
    return snap


def _draw_questions(
    quiz: QuizPage, rng: random.Random
) -> list[tuple[Question, object]]:
    """The questions of a new attempt, slot by slot, random slots drawn afresh.

    Two random slots never draw the same question, nor one already placed.
    """
    slots = list(quiz.slots.select_related("random_category").all())
    fixed = Question.objects.in_bulk([s.question_id for s in slots if s.question_id])
    used: set[int] = set(fixed)
    drawn: list[tuple[Question, object]] = []
    for slot in slots:
        if slot.question_id:
            drawn.append((fixed[slot.question_id], slot))
            continue
        category = slot.random_category
        ids = category.descendant_ids() if slot.include_subcategories else [category.pk]
        pool = list(
            Question.objects.filter(category_id__in=ids)
            .exclude(pk__in=used)
            .values_list("pk", flat=True)
        )
        if len(pool) < slot.random_count:
            raise QuizError(
                _("The category “%(name)s” has too few questions for this quiz.")
                % {"name": category.name}
            )
        chosen = rng.sample(pool, slot.random_count)
        used.update(chosen)
        by_id = Question.objects.in_bulk(chosen)
        drawn.extend((by_id[pk], slot) for pk in chosen)
    return drawn


# --- start --------------------------------------------------------------------------


@transaction.atomic
def attempt_start(
    *, user, quiz: QuizPage, now: dt.datetime | None = None
) -> QuizAttempt:
    """Start an attempt, or return the one already open (resume).

    Enforces open/close dates and the number of attempts allowed. The server
    stamps the start and the deadline (time limit, capped by the close date),
    draws random questions, shuffles, and stores every question's snapshot.
    """
    now = now or timezone.now()
    _check_can_take(user, quiz)
    _lock_user(user)
    open_attempt = QuizAttempt.objects.filter(
        quiz=quiz, user=user, state__in=OPEN_STATES
    ).first()
    if open_attempt is not None:
        open_attempt = attempt_close_if_overdue(attempt=open_attempt, now=now)
        if open_attempt.is_open:
            return open_attempt
    if not quiz_is_open(quiz, now):
        raise QuizError(_("This quiz is not open now."))
    done = QuizAttempt.objects.filter(quiz=quiz, user=user)
    if quiz.attempts_allowed and done.count() >= quiz.attempts_allowed:
        raise QuizError(_("You have used all the attempts allowed."))
    number = (done.aggregate(n=Max("number"))["n"] or 0) + 1

    rng = random.Random(secrets.randbits(64))  # noqa: S311 - order, not secrets
    drawn = _draw_questions(quiz, rng)
    if not drawn:
        raise QuizError(_("This quiz has no questions yet."))
    if quiz.shuffle_questions:
        rng.shuffle(drawn)
    per_page = quiz.questions_per_page or len(drawn)
    deadline = None
    if quiz.time_limit_minutes:
        deadline = now + dt.timedelta(minutes=quiz.time_limit_minutes)
    if quiz.close_at and (deadline is None or quiz.close_at < deadline):
        deadline = quiz.close_at
    attempt = QuizAttempt.objects.create(
        quiz=quiz,
        user=user,
        number=number,
        started_at=now,
        deadline_at=deadline,
        page_count=(len(drawn) + per_page - 1) // per_page,
    )
    responses = []
    for position, (question, slot) in enumerate(drawn):
        snap = _prepare_snapshot(question, shuffle=slot.shuffle_choices, rng=rng)
        max_mark = slot.max_mark if slot.max_mark is not None else question.default_mark
        if snap["type"] == "description":
            max_mark = Decimal(0)
        responses.append(
            QuestionResponse(
                attempt=attempt,
                position=position,
                page=position // per_page,
                question=question,
                snapshot=snap,
                max_mark=max_mark,
            )
        )
    QuestionResponse.objects.bulk_create(responses)
    attempt.max_marks = sum((r.max_mark for r in responses), Decimal(0))
    attempt.save(update_fields=["max_marks"])
    log(instance=attempt, action="courses.attempt.start", user=user)
    logger.info(
        "attempt %s started: user %s quiz %s #%s", attempt.pk, user.pk, quiz.pk, number
    )
    return attempt


# --- saving answers -----------------------------------------------------------------------


def _prefixed(raw: Mapping, position: int):
    """The form values of one question (fields are named ``q<position>-<field>``)."""
    prefix = f"q{position}-"

    class _View(dict):
        def getlist(self, key, default=None):
            return self.get(key, default or [])

    view = _View()
    keys = raw.keys()
    for key in keys:
        if key.startswith(prefix):
            values = raw.getlist(key) if hasattr(raw, "getlist") else raw[key]
            if isinstance(values, str):
                values = [values]
            view[key[len(prefix) :]] = list(values)
    return view


def _accepting_answers(attempt: QuizAttempt, now: dt.datetime) -> bool:
    if attempt.state != State.IN_PROGRESS:
        return False
    return attempt.deadline_at is None or now <= attempt.deadline_at + NETWORK_GRACE


@dataclass
class SaveResult:
    saved: list[int] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)
    attempt: QuizAttempt | None = None


def responses_save(
    *,
    user,
    attempt: QuizAttempt,
    data: Mapping,
    page: int | None = None,
    now: dt.datetime | None = None,
) -> SaveResult:
    """Save the answers in ``data`` (form fields ``q<position>-<field>``).

    Saving the same answers again is harmless. Only questions of ``page`` (or,
    in sequential navigation, the current page) are touched. A question whose
    value is malformed is reported in ``errors`` and the others are saved.
    After the deadline (plus a short network grace) nothing is saved.
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _own_attempt(user, attempt)
        if _accepting_answers(attempt, now):
            return _save_answers(attempt, data=data, page=page, now=now)
        # The quiz's overdue rule is applied (and committed) before refusing:
        # raising inside this block would roll it back.
        attempt_close_if_overdue(attempt=attempt, now=now, locked=True)
    raise QuizError(_("This attempt no longer accepts answers."))


def _save_answers(
    attempt: QuizAttempt, *, data: Mapping, page: int | None, now: dt.datetime
) -> SaveResult:
    if attempt.quiz.navigation == QuizPage.Navigation.SEQUENTIAL:
        page = attempt.current_page
    result = SaveResult(attempt=attempt)
    qs = attempt.responses.all()
    if page is not None:
        qs = qs.filter(page=page)
    changed: list[QuestionResponse] = []
    for response in qs:
        values = _prefixed(data, response.position)
        if not values or response.snapshot["type"] == "description":
            continue
        try:
            clean = grading.parse_response(response.snapshot, values)
        except grading.InvalidResponse as exc:
            result.errors[response.position] = translated(exc.message)
            continue
        if clean != response.response:
            response.response = clean
            # A blank answer (an untouched text box) leaves it "not yet answered".
            blank = grading.grade(response.snapshot, clean).state == "not_answered"
            response.state = (
                QuestionResponse.State.TODO if blank else QuestionResponse.State.SAVED
            )
            response.saved_at = now
            changed.append(response)
        result.saved.append(response.position)
    # One UPDATE for the whole page, however many questions it has.
    QuestionResponse.objects.bulk_update(changed, ["response", "state", "saved_at"])
    return result


@transaction.atomic
def attempt_goto_page(*, user, attempt: QuizAttempt, page: int) -> QuizAttempt:
    """Move to ``page``. Sequential quizzes only go forward, one page at a time."""
    attempt = _own_attempt(user, attempt)
    if not attempt.is_open:
        raise QuizError(_("This attempt is finished."))
    page = max(0, min(page, attempt.page_count - 1))
    sequential = attempt.quiz.navigation == QuizPage.Navigation.SEQUENTIAL
    if sequential and page not in (attempt.current_page, attempt.current_page + 1):
        raise PermissionDenied(_("This quiz must be answered in order."))
    if page != attempt.current_page:
        attempt.current_page = page
        attempt.save(update_fields=["current_page"])
    return attempt


# --- submitting and grading ---------------------------------------------------------------


def _grade_response(response: QuestionResponse) -> None:
    result = grading.grade(response.snapshot, response.response)
    response.fraction = (
        None if result.fraction is None else Decimal(repr(float(result.fraction)))
    )
    response.mark = totals.question_mark(result.fraction, response.max_mark)
    response.state = result.state
    response.feedback = [translated(f) for f in result.feedback]
    response.right_answer = translated(result.right_answer)


def _finish_totals(attempt: QuizAttempt, responses: list[QuestionResponse]) -> None:
    total = totals.attempt_total(
        [r.mark for r in responses], [r.max_mark for r in responses]
    )
    attempt.sum_marks = total.sum
    attempt.max_marks = total.max
    attempt.needs_grading = total.needs_grading
    attempt.grade = (
        None
        if total.needs_grading
        else totals.quiz_grade(total.sum, total.max, Decimal(100))
    )
    attempt.passed = totals.passed(attempt.grade, attempt.quiz.pass_mark)


def _record_pass(attempt: QuizAttempt) -> None:
    """Complete the quiz item once its final grade passes (grading method)."""
    quiz = attempt.quiz
    final = quiz_final_grade(quiz=quiz, user=attempt.user)
    if not totals.passed(final, quiz.pass_mark):
        return
    enrolled = Enrolment.objects.filter(
        user=attempt.user,
        programme=permissions.programme_for_item(quiz),
        status__in=LEARNING_STATUSES,
    ).exists()
    if enrolled:
        from . import services

        services.item_complete(
            user=attempt.user, item=quiz, source=ItemCompletion.Source.QUIZ
        )


def quiz_final_grade(*, quiz: QuizPage, user) -> Decimal | None:
    graded = QuizAttempt.objects.filter(
        quiz=quiz, user=user, state=State.FINISHED, needs_grading=False
    ).values_list("number", "grade")
    return totals.final_grade(list(graded), quiz.grading_method)


@transaction.atomic
def attempt_submit(
    *, user, attempt: QuizAttempt, now: dt.datetime | None = None, actor=None
) -> QuizAttempt:
    """Finish and grade the attempt exactly once; submitting again returns it.

    In a grace period (overdue) the learner may still submit what was saved;
    after it, the attempt is closed by the overdue rules instead.
    """
    now = now or timezone.now()
    attempt = _own_attempt(user, attempt) if actor is None else _locked(attempt)
    if attempt.state in (State.FINISHED, State.ABANDONED):
        return attempt
    attempt = attempt_close_if_overdue(attempt=attempt, now=now, locked=True)
    if not attempt.is_open:
        return attempt
    return _finish(attempt, finished_at=now, actor=actor or user)


def _locked(attempt: QuizAttempt) -> QuizAttempt:
    return (
        QuizAttempt.objects.select_for_update(of=("self",))
        .select_related("quiz")
        .get(pk=attempt.pk)
    )


def _finish(
    attempt: QuizAttempt, *, finished_at: dt.datetime, actor=None
) -> QuizAttempt:
    responses = list(attempt.responses.all())
    for response in responses:
        _grade_response(response)
    QuestionResponse.objects.bulk_update(
        responses, ["fraction", "mark", "state", "feedback", "right_answer"]
    )
    _finish_totals(attempt, responses)
    attempt.state = State.FINISHED
    attempt.finished_at = finished_at
    attempt.save()
    log(instance=attempt, action="courses.attempt.submit", user=actor)
    logger.info(
        "attempt %s submitted: grade %s passed %s",
        attempt.pk,
        attempt.grade,
        attempt.passed,
    )
    if not attempt.needs_grading:
        _record_pass(attempt)
    return attempt


def attempt_close_if_overdue(
    *, attempt: QuizAttempt, now: dt.datetime | None = None, locked: bool = False
) -> QuizAttempt:
    """Apply the quiz's "when time expires" rule to an attempt past its deadline."""
    now = now or timezone.now()
    if not attempt.is_open or attempt.deadline_at is None:
        return attempt
    if now <= attempt.deadline_at + NETWORK_GRACE:
        return attempt
    with transaction.atomic():
        if not locked:
            attempt = _locked(attempt)
            if not attempt.is_open:
                return attempt
        policy = attempt.quiz.overdue_handling
        grace_end = attempt.deadline_at + dt.timedelta(
            minutes=attempt.quiz.grace_period_minutes
        )
        if policy == QuizPage.Overdue.AUTOSUBMIT:
            return _finish(attempt, finished_at=attempt.deadline_at)
        if policy == QuizPage.Overdue.GRACE and now <= grace_end:
            if attempt.state != State.OVERDUE:
                attempt.state = State.OVERDUE
                attempt.save(update_fields=["state"])
            return attempt
        attempt.state = State.ABANDONED
        attempt.finished_at = now
        attempt.save(update_fields=["state", "finished_at"])
        log(instance=attempt, action="courses.attempt.abandon", user=None)
        return attempt


def attempts_close_overdue(*, now: dt.datetime | None = None) -> int:
    """Close every open attempt whose time is up (scheduled job). Returns a count."""
    now = now or timezone.now()
    changed = 0
    overdue = QuizAttempt.objects.filter(
        state__in=OPEN_STATES, deadline_at__lt=now - NETWORK_GRACE
    ).values_list("pk", flat=True)
    for pk in list(overdue):
        attempt = QuizAttempt.objects.select_related("quiz").get(pk=pk)
        before = attempt.state
        after = attempt_close_if_overdue(attempt=attempt, now=now).state
        changed += before != after
    return changed


# --- trainers --------------------------------------------------------------------------------


def _check_trainer(actor, quiz: QuizPage) -> None:
    programme = permissions.programme_for_item(quiz)
    if programme is None or not permissions.user_can_manage_programme(actor, programme):
        raise PermissionDenied(_("You cannot grade this quiz."))


@transaction.atomic
def response_grade_manually(
    *, actor, response: QuestionResponse, mark: Decimal, comment: str = ""
) -> QuestionResponse:
    """A trainer's mark for one answer (an essay, or an override)."""
    _check_trainer(actor, QuizPage.objects.get(pk=response.attempt.quiz_id))
    response = (
        QuestionResponse.objects.select_related("attempt__quiz")
        .select_for_update(of=("self",))
        .get(pk=response.pk)
    )
    attempt = _locked(response.attempt)
    if response.snapshot.get("type") == "description":
        raise QuizError(_("A description is not marked."))
    if attempt.state != State.FINISHED:
        raise QuizError(_("Only submitted attempts can be graded."))
    if not Decimal(0) <= mark <= response.max_mark:
        raise QuizError(
            _("The mark must be between 0 and %(max)s.") % {"max": response.max_mark}
        )
    old = response.mark
    response.mark = mark
    response.fraction = (mark / response.max_mark) if response.max_mark else Decimal(0)
    response.state = (
        QuestionResponse.State.CORRECT
        if mark == response.max_mark
        else QuestionResponse.State.INCORRECT
        if mark == 0
        else QuestionResponse.State.PARTIAL
    )
    response.grader_comment = comment
    response.graded_by = actor
    response.graded_at = timezone.now()
    response.save()
    responses = list(attempt.responses.all())
    _finish_totals(attempt, responses)
    attempt.save()
    log(
        instance=attempt,
        action="courses.attempt.grade",
        user=actor,
        data={"position": response.position, "old": str(old), "new": str(mark)},
    )
    if not attempt.needs_grading:
        _record_pass(attempt)
    return response


@dataclass
class RegradeChange:
    attempt_id: int
    position: int
    old_mark: Decimal | None
    new_mark: Decimal | None


def _refresh_snapshot(old: dict, question: Question) -> dict:
    """The question's current snapshot, keeping the attempt's ids and order."""
    new = question.snapshot()
    for key, id_key in (("answers", "id"), ("pairs", "id"), ("items", "id")):
        if key not in new or key not in old or any(id_key not in e for e in new[key]):
            continue  # short-answer and numerical answers have no ids
        token_by_source = {
            a.get("source"): a["id"] for a in old[key] if a.get("source")
        }
        for entry in new[key]:
            entry["source"] = entry[id_key]
            entry[id_key] = token_by_source.get(entry[id_key], _opaque())
        order = [a["id"] for a in old[key]]
        new[key].sort(
            key=lambda a: order.index(a[id_key]) if a[id_key] in order else len(order)
        )
    for extra in ("offered_answers", "display_order"):
        if extra in old:
            new[extra] = old[extra]
    return new


@transaction.atomic
def quiz_regrade(*, actor, quiz: QuizPage, dry_run: bool = True) -> list[RegradeChange]:
    """Regrade finished attempts against the questions as they are now.

    With ``dry_run`` nothing is written and the changes are only reported.
    Manually graded answers keep their marks.
    """
    _check_trainer(actor, quiz)
    changes: list[RegradeChange] = []
    attempts = QuizAttempt.objects.filter(quiz=quiz, state=State.FINISHED)
    if not dry_run:  # a report alone takes no row locks
        attempts = attempts.select_for_update()
    for attempt in attempts.select_related("quiz"):
        responses = list(attempt.responses.select_related("question"))
        dirty = False
        for response in responses:
            if response.question is None or response.graded_by_id:
                continue
            new_snapshot = _refresh_snapshot(
                response.snapshot, response.question.get_real_instance()
            )
            old_mark = response.mark
            candidate = QuestionResponse(
                snapshot=new_snapshot,
                response=response.response,
                max_mark=response.max_mark,
            )
            _grade_response(candidate)
            if candidate.mark != old_mark:
                changes.append(
                    RegradeChange(
                        attempt.pk, response.position, old_mark, candidate.mark
                    )
                )
            if not dry_run:
                response.snapshot = new_snapshot
                for name in ("fraction", "mark", "state", "feedback", "right_answer"):
                    setattr(response, name, getattr(candidate, name))
                dirty = True
        if dirty:
            QuestionResponse.objects.bulk_update(
                responses,
                ["snapshot", "fraction", "mark", "state", "feedback", "right_answer"],
            )
            _finish_totals(attempt, responses)
            attempt.save()
            if not attempt.needs_grading:
                _record_pass(attempt)
    if not dry_run:
        log(
            instance=quiz,
            action="courses.quiz.regrade",
            user=actor,
            data={
                "changes": len(changes),
                # §6.18: the audit log keeps each old and new mark.
                "marks": [
                    {
                        "attempt": c.attempt_id,
                        "position": c.position,
                        "old": str(c.old_mark),
                        "new": str(c.new_mark),
                    }
                    for c in changes
                ],
            },
        )
    return changes
