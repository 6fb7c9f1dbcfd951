"""Learner views of quiz attempts: thin, POST for every change, PRG.

The attempt page is a normal form that works without JavaScript; the script
in ``courses/quiz.js`` adds autosave (answers are kept in the browser until
the server confirms them) and the countdown.
"""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import quiz_selectors as qsel
from . import quiz_services as qsvc
from .models import QuizAttempt, QuizPage


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _get_own_attempt(request: HttpRequest, attempt_id: int) -> QuizAttempt:
    attempt = get_object_or_404(
        QuizAttempt.objects.select_related("quiz"), pk=attempt_id
    )
    if attempt.user_id != request.user.pk:
        # Another learner's attempt does not exist as far as this user knows.
        raise Http404
    return attempt


@require_POST
@login_required
def quiz_start(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = get_object_or_404(QuizPage.objects.live(), pk=quiz_id)
    try:
        attempt = qsvc.attempt_start(user=request.user, quiz=quiz)
    except qsvc.QuizError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(quiz.get_url(request))
    return redirect("courses:attempt", attempt_id=attempt.pk)


@require_GET
@login_required
def attempt_page(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _get_own_attempt(request, attempt_id)
    attempt = qsvc.attempt_close_if_overdue(attempt=attempt)
    if not attempt.is_open:
        return redirect("courses:attempt-review", attempt_id=attempt.pk)
    if attempt.state == QuizAttempt.State.OVERDUE:
        # Answers are locked in the grace period: only Submit is left.
        return redirect("courses:attempt-summary", attempt_id=attempt.pk)
    page = attempt.current_page
    if attempt.quiz.navigation == QuizPage.Navigation.FREE:
        try:
            page = int(request.GET.get("page", attempt.current_page))
        except ValueError:
            page = attempt.current_page
        page = max(0, min(page, attempt.page_count - 1))
    elif "page" in request.GET and request.GET.get("page") != str(attempt.current_page):
        return redirect(reverse("courses:attempt", args=[attempt.pk]))
    items = qsel.review_items(attempt=attempt)
    now = timezone.now()
    return render(
        request,
        "courses/quiz/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "page_number": page,
            "responses": qsel.responses_for_page(
                attempt=attempt, page=page, items=items
            ),
            "summary": qsel.attempt_summary(attempt=attempt),
            "seconds_left": (
                max(0, int((attempt.deadline_at - now).total_seconds()))
                if attempt.deadline_at
                else None
            ),
            "is_last_page": page >= attempt.page_count - 1,
            "sequential": attempt.quiz.navigation == QuizPage.Navigation.SEQUENTIAL,
        },
    )


@require_POST
@login_required
def attempt_save(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Save answers (autosave or a navigation button), then go where asked."""
    attempt = _get_own_attempt(request, attempt_id)
    try:
        page = int(request.POST.get("page", attempt.current_page))
    except ValueError:
        page = attempt.current_page
    try:
        result = qsvc.responses_save(
            user=request.user, attempt=attempt, data=request.POST, page=page
        )
    except qsvc.QuizError as exc:
        if _wants_json(request):
            return JsonResponse(
                {"error": " ".join(exc.messages), "closed": True}, status=409
            )
        messages.error(request, " ".join(exc.messages))
        return redirect("courses:attempt-review", attempt_id=attempt.pk)
    if _wants_json(request):
        status = 200 if not result.errors else 400
        return JsonResponse(
            {
                "saved": result.saved,
                "errors": {str(k): v for k, v in result.errors.items()},
            },
            status=status,
        )
    for position, error in result.errors.items():
        messages.error(
            request,
            _("Question %(n)s: %(error)s") % {"n": position + 1, "error": error},
        )
    action = request.POST.get("action", "")
    target = page
    if action == "next":
        target = page + 1
    elif action == "prev":
        target = page - 1
    elif action.startswith("page-"):
        try:
            target = int(action[5:])
        except ValueError:
            target = page
    elif action == "finish":
        return redirect("courses:attempt-summary", attempt_id=attempt.pk)
    try:
        attempt = qsvc.attempt_goto_page(
            user=request.user, attempt=attempt, page=target
        )
    except PermissionDenied:
        messages.error(request, _("This quiz must be answered in order."))
    url = reverse("courses:attempt", args=[attempt.pk])
    if attempt.quiz.navigation == QuizPage.Navigation.FREE:
        url += f"?page={attempt.current_page}"
    return redirect(url)


@require_GET
@login_required
def attempt_summary(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _get_own_attempt(request, attempt_id)
    if not attempt.is_open:
        return redirect("courses:attempt-review", attempt_id=attempt.pk)
    return render(
        request,
        "courses/quiz/summary.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "summary": qsel.attempt_summary(attempt=attempt),
        },
    )


@require_POST
@login_required
def attempt_submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _get_own_attempt(request, attempt_id)
    if attempt.is_open and request.POST:
        # Answers posted with the submit button (no-JS, or the timer) count too.
        with contextlib.suppress(qsvc.QuizError):
            qsvc.responses_save(user=request.user, attempt=attempt, data=request.POST)
    attempt = qsvc.attempt_submit(user=request.user, attempt=attempt)
    if _wants_json(request):
        return JsonResponse(
            {
                "state": attempt.state,
                "review": reverse("courses:attempt-review", args=[attempt.pk]),
            }
        )
    return redirect("courses:attempt-review", attempt_id=attempt.pk)


@require_GET
@login_required
def attempt_review(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _get_own_attempt(request, attempt_id)
    if attempt.is_open:
        return redirect("courses:attempt", attempt_id=attempt.pk)
    items = qsel.review_items(attempt=attempt)
    return render(
        request,
        "courses/quiz/review.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "items": items,
            "responses": qsel.responses_for_page(
                attempt=attempt, page=None, items=items
            )
            if "attempt" in items
            else [],
            "overall_feedback": qsel.overall_feedback_for(
                quiz=attempt.quiz, grade=attempt.grade
            )
            if "overall_feedback" in items
            else "",
        },
    )
