"""Admin views: the two-step import (upload -> preview -> commit) and GIFT export.

The uploaded text is kept in the user's session between the steps (zlib-
compressed, at most a few pending files per session) and parsed again on
each step. The browser only ever holds an opaque token: the parsed questions
are never sent to it and read back, so what is committed is exactly what
was uploaded, checked again at commit time by ``questions_import``.
"""

from __future__ import annotations

import base64
import secrets
import time
import zlib

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.defaults import permission_denied

from wagtail.admin import messages

from ..models import QuestionCategory
from .forms import ImportUploadForm
from .importing import category_export, parse_file, questions_import
from .permissions import user_can_export_questions, user_can_import_questions
from .selectors import category_path_map

__all__ = ["category_export_view", "import_preview", "import_upload", "urlpatterns"]

SESSION_KEY = "courses.question_bank.pending_imports"
MAX_PENDING = 3
PENDING_TTL_SECONDS = 6 * 60 * 60


def _denied(request):
    # A real 403: Wagtail's admin would turn PermissionDenied into a redirect
    # to the dashboard, hiding the refusal (same choice as courses.viewsets).
    return permission_denied(request, PermissionDenied())


def _stash(request, *, text: str, filename: str, file_format: str, category_id) -> str:
    """Keep an uploaded file for the next step; returns its token."""
    pending = {
        token: entry
        for token, entry in (request.session.get(SESSION_KEY) or {}).items()
        if time.time() - entry.get("created", 0) < PENDING_TTL_SECONDS
    }
    while len(pending) >= MAX_PENDING:
        oldest = min(pending, key=lambda t: pending[t]["created"])
        del pending[oldest]
    token = secrets.token_urlsafe(16)
    pending[token] = {
        "text": base64.b64encode(zlib.compress(text.encode("utf-8"))).decode("ascii"),
        "filename": filename[:200],
        "format": file_format,
        "category_id": category_id,
        "created": time.time(),
    }
    request.session[SESSION_KEY] = pending
    return token


def _pending(request, token: str) -> dict | None:
    entry = (request.session.get(SESSION_KEY) or {}).get(token)
    if not entry or time.time() - entry.get("created", 0) >= PENDING_TTL_SECONDS:
        return None
    text = zlib.decompress(base64.b64decode(entry["text"])).decode("utf-8")
    return {**entry, "text": text}


def _forget(request, token: str) -> None:
    pending = dict(request.session.get(SESSION_KEY) or {})
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending


@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Step 1: choose a file, its format and the target category."""
    if not user_can_import_questions(request.user):
        return _denied(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        category = form.cleaned_data["category"]
        token = _stash(
            request,
            text=form.text,
            filename=form.cleaned_data["file"].name,
            file_format=form.cleaned_data["file_format"],
            category_id=category.pk if category else None,
        )
        return redirect("question_bank_import:preview", token=token)
    return TemplateResponse(
        request,
        "courses/question_bank/import_upload.html",
        {
            "form": form,
            "page_title": _("Import questions"),
            "header_title": _("Import questions"),
            "header_icon": "upload",
        },
    )


@require_http_methods(["GET", "POST"])
def import_preview(request, token: str):
    """Step 2: what the file holds and what importing it would do (GET);
    commit it (POST). Nothing is written before the POST."""
    if not user_can_import_questions(request.user):
        return _denied(request)
    pending = _pending(request, token)
    if pending is None:
        messages.error(
            request, _("This upload has expired; please upload the file again.")
        )
        return redirect("question_bank_import:upload")
    category = None
    if pending["category_id"] is not None:
        category = QuestionCategory.objects.filter(pk=pending["category_id"]).first()
        if category is None:
            _forget(request, token)
            messages.error(
                request,
                _("The target category was deleted; please upload the file again."),
            )
            return redirect("question_bank_import:upload")

    parsed = parse_file(text=pending["text"], file_format=pending["format"])
    questions = parsed.for_import()
    committing = request.method == "POST" and not parsed.result.errors
    report = questions_import(
        parsed=questions,
        category=category,
        actor=request.user,
        dry_run=not committing,
    )
    if committing and report.written:
        _forget(request, token)
        messages.success(
            request,
            _(
                "Questions imported: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
        url = reverse("question_bank_questions:list")
        if category is not None:
            url += f"?category={category.pk}"
        return redirect(url)

    can_commit = (
        not parsed.result.errors
        and report.ok
        and any(item.action for item in report.items)
    )
    return TemplateResponse(
        request,
        "courses/question_bank/import_preview.html",
        {
            "page_title": _("Import questions: preview"),
            "header_title": _("Import questions: preview"),
            "header_icon": "upload",
            "filename": pending["filename"],
            "file_format": pending["format"],
            "category_path": category_path_map().get(category.pk) if category else "",
            "parse_errors": parsed.result.errors,
            "parse_warnings": parsed.result.warnings,
            "report": report,
            "can_commit": can_commit,
            "token": token,
        },
        status=400 if request.method == "POST" else 200,
    )


def category_export_view(request, pk: int):
    """Download a category (``?subcategories=1``: and everything below) as GIFT."""
    if not user_can_export_questions(request.user):
        return _denied(request)
    category = get_object_or_404(QuestionCategory, pk=pk)
    include = request.GET.get("subcategories") == "1"
    result = category_export(category=category, include_subcategories=include)
    text = result.text
    if result.skipped:
        # A comment block of its own (a blank line follows) is ignored on
        # import, so the file stays importable.
        notes = [
            "// " + _("Not exported (GIFT cannot express these questions):"),
            *["//   " + " ".join(line.split()) for line in result.skipped],
        ]
        text = "\n".join(notes) + "\n\n" + text
    path_text = category_path_map().get(category.pk, category.name)
    filename = (slugify(path_text, allow_unicode=True) or "questions") + ".gift"
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


urlpatterns = [
    path("", import_upload, name="upload"),
    path("<str:token>/", import_preview, name="preview"),
]
