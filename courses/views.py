"""Learner views: thin wrappers that check the method, call a service or a
selector, and redirect (post/redirect/get)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wagtail.models import Page

from . import permissions, selectors, services
from .forms import ProfileForm
from .models import LearnerProfile, ProgrammePage


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    rows = selectors.learner_dashboard(user=request.user, request=request)
    profile = LearnerProfile.objects.filter(user=request.user).first()
    return render(request, "courses/dashboard.html", {"rows": rows, "profile": profile})


@require_POST
@login_required
def enrol(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_object_or_404(ProgrammePage.objects.live(), pk=programme_id)
    try:
        enrolment = services.enrolment_create(user=request.user, programme=programme)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(programme.get_url(request))
    if enrolment.status == "pending":
        messages.info(request, _("Your request was sent. A trainer will confirm it."))
    else:
        messages.success(request, _("You are enrolled. Welcome!"))
    return redirect(_safe_next(request, programme.get_url(request)))


@require_POST
@login_required
def unenrol(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_object_or_404(ProgrammePage, pk=programme_id)
    services.enrolment_withdraw(user=request.user, programme=programme)
    messages.info(request, _("You have left the programme. Your progress is kept."))
    return redirect("courses:dashboard")


@require_POST
@login_required
def item_complete(request: HttpRequest, page_id: int) -> HttpResponse:
    item = get_object_or_404(Page.objects.live(), pk=page_id).specific
    try:
        services.item_complete(user=request.user, item=item)
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        return render(
            request, "400.html", {"message": " ".join(exc.messages)}, status=400
        )
    except PermissionDenied:
        if _wants_json(request):
            return JsonResponse({"error": _("You are not enrolled.")}, status=403)
        raise
    # Only what the redirect needs: the programme and the next item's URL
    # (two small queries), not the whole lesson page context.
    programme = permissions.programme_for_item(item)
    programme_url = programme.get_url(request)
    next_url = selectors.next_item_url(
        programme=programme, programme_url=programme_url, item=item
    )
    if _wants_json(request):
        enrolment = permissions.enrolment_for(request.user, programme)
        return JsonResponse(
            {
                "completed": True,
                "percent": enrolment.percent if enrolment else 0,
                "next": next_url,
            }
        )
    fallback = next_url or programme_url
    if next_url is None:
        messages.success(request, _("Well done! You have finished the last item."))
    return redirect(_safe_next(request, fallback))


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    instance = LearnerProfile.objects.filter(user=request.user).first()
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        return redirect("courses:profile")
    return render(request, "courses/profile.html", {"form": form})
