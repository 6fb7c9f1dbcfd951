"""Admin screens for certificates: the registry, one certificate (revoke,
reissue), issuing (one learner or everyone, with a progress page) and the
sample PDF of a template.

Every view checks :mod:`certificates.permissions` before it loads anything.
A refusal is a real 403 (``permission_denied``), as in :mod:`courses.viewsets`:
Wagtail's admin would turn ``PermissionDenied`` into a redirect to the
dashboard. State changes are POSTs that call :mod:`certificates.services`; a
``ValidationError`` from a service becomes an error message and changes
nothing (services are atomic).
"""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Length
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.defaults import permission_denied
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.admin.widgets.button import MenuItem as ButtonMenuItem
from wagtail.log_actions import registry as log_registry
from wagtail.permissions import policy_registry

from courses.choices import ProgrammeKind
from courses.models import ProgrammePage
from courses.quiz_admin.spreadsheets import SafeSpreadsheetExportMixin

from . import pdf, permissions, registry, selectors, services
from .admin_forms import CertificateFilterSet, IssueLearnerForm, ReasonForm
from .models import BulkIssueJob, Certificate, CertificateStatus, CertificateTemplate

logger = logging.getLogger(__name__)

REGISTRY = "certificate_registry"
ISSUE = "certificate_issue"


def denied(request):
    return permission_denied(request, PermissionDenied())


def local_datetime(value) -> str:
    if not value:
        return ""
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def local_date(value) -> str:
    if not value:
        return ""
    return formats.date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


class PermissionRequiredMixin:
    """Check a rule of :mod:`certificates.permissions` before anything runs."""

    permission_check = staticmethod(permissions.can_view_registry)

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_check(request.user):
            return denied(request)
        self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> None:
        """Fetch the view's object (after the permission check, so a refused
        user cannot tell existing ids from missing ones)."""


def registry_breadcrumbs(*items):
    return [
        {"url": reverse("wagtailadmin_home"), "label": gettext_lazy("Home")},
        {"url": reverse(f"{REGISTRY}:index"), "label": _("Certificate registry")},
        *items,
    ]


def issue_breadcrumbs(*items):
    return [
        {"url": reverse("wagtailadmin_home"), "label": gettext_lazy("Home")},
        {"url": reverse(f"{ISSUE}:index"), "label": _("Issue certificates")},
        *items,
    ]


# --- certificate templates: the sample PDF ------------------------------------------

SAMPLE_NAME = "Ґалаґан-Шевчук Ївга Юріївна"
SAMPLE_CODE = "SAMP-LE00-0000-0000"
SAMPLE_REGISTRATION_NUMBER = "ЗРАЗОК"
SAMPLE_PROGRAMMES = {
    ProgrammeKind.CERTIFICATE: {
        "title": "Участь громадськості у місцевому самоврядуванні (зразок програми)",
        "hours": 60,
        "ects": 2,
    },
    ProgrammeKind.SHORT: {
        "title": "Громадські ініціативи та бюджет участі (зразок програми)",
        "hours": 8,
        "ects": None,
    },
}
SAMPLE_OUTCOMES = [
    "пояснює, як мешканці можуть впливати на рішення місцевої ради;",
    "планує громадські консультації та бюджет участі.",
]


def user_can_see_templates(user) -> bool:
    return bool(user and user.is_active) and policy_registry.get_by_type(
        CertificateTemplate
    ).user_has_any_permission(user, {"add", "change", "delete", "view"})


def _image_bytes(image) -> bytes | None:
    if image is None:
        return None
    try:
        with image.file.open("rb") as fh:
            return fh.read()
    except (OSError, ValueError):
        return None


def sample_snapshot(template: CertificateTemplate) -> dict:
    """What a certificate from ``template`` would print for a fictional learner
    on a fictional programme of the template's kind (nothing is saved)."""
    facts = SAMPLE_PROGRAMMES.get(
        template.programme_kind, SAMPLE_PROGRAMMES[ProgrammeKind.SHORT]
    )
    programme = ProgrammePage(
        title=facts["title"],
        kind=template.programme_kind,
        hours=facts["hours"],
        ects=facts["ects"],
        outcomes=[("outcome", text) for text in SAMPLE_OUTCOMES],
    )
    today = timezone.localdate()
    return services.build_snapshot(
        template=template,
        programme=programme,
        full_name=SAMPLE_NAME,
        date_started=today - dt.timedelta(days=30),
        date_completed=today,
        date_issued=today,
        code=SAMPLE_CODE,
        registration_number=SAMPLE_REGISTRATION_NUMBER,
    )


def template_sample_pdf(request, pk):
    """GET: the template's *saved* wording rendered for a fictional learner,
    inline, unsigned. Writes nothing."""
    if not user_can_see_templates(request.user):
        return denied(request)
    template = get_object_or_404(
        CertificateTemplate.objects.select_related("logo", "signature_image"), pk=pk
    )
    data = sample_snapshot(template)
    snapshot = services.snapshot_to_pdf_input(
        data,
        logo=_image_bytes(template.logo),
        signature_image=_image_bytes(template.signature_image),
    )
    try:
        document = pdf.render_certificate(snapshot)
    except pdf.CertificateLayoutError as exc:
        messages.error(
            request,
            _("The sample certificate cannot be rendered: %(error)s") % {"error": exc},
        )
        return redirect(template.snippet_viewset.get_url_name("edit"), pk)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="sample-{registry.ascii_slug(template.programme_kind)}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


# --- the registry ------------------------------------------------------------------


class CertificateIndexView(
    PermissionRequiredMixin, SafeSpreadsheetExportMixin, generic.IndexView
):
    """Every certificate, newest first; filter, search, export, ZIP."""

    model = Certificate
    # Scoped by certificates.permissions (see dispatch), not by model
    # add/change/delete permissions: the registry is read-only.
    permission_policy = None
    any_permission_required = None
    filterset_class = CertificateFilterSet
    search_fields = ["full_name"]  # enables the search box; see search_queryset
    default_ordering = "-issued_at"
    paginate_by = 50
    page_title = gettext_lazy("Certificate registry")
    header_icon = "doc-full"
    export_headings = {
        "registration_number": gettext_lazy("Registration number"),
        "code": gettext_lazy("Verification code"),
        "full_name": gettext_lazy("Full name"),
        "programme_title": gettext_lazy("Programme"),
        "programme_kind": gettext_lazy("Programme kind"),
        "hours": gettext_lazy("Hours"),
        "ects": gettext_lazy("ECTS credits"),
        "date_started": gettext_lazy("Started"),
        "date_completed": gettext_lazy("Completed"),
        "issued_at": gettext_lazy("Issued"),
        "status": gettext_lazy("Status"),
        "revoked_at": gettext_lazy("Revoked"),
        "revoked_reason": gettext_lazy("Reason"),
        "emailed_at": gettext_lazy("E-mailed"),
        "signed": gettext_lazy("Signed"),
        "pdf_sha256": gettext_lazy("PDF SHA-256"),
    }
    list_export = list(export_headings)
    export_filename = "certificates"

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "zip":
            return self.zip_response()
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        return registry.registry_queryset()

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return registry.registry_search(queryset, self.search_query)

    def order_queryset(self, queryset):
        ordering = self.ordering or self.default_ordering
        if ordering.lstrip("-") == "registration_number":
            sign = "-" if ordering.startswith("-") else ""
            return queryset.order_by(f"{sign}year", f"{sign}number")
        return queryset.order_by(ordering, "-pk")

    def detail_url(self, certificate) -> str:
        return reverse(f"{REGISTRY}:detail", args=[certificate.pk])

    @cached_property
    def columns(self):
        title_column = self._get_title_column_class(TitleColumn)
        return [
            title_column(
                "registration_number",
                label=gettext_lazy("Registration number"),
                get_url=self.detail_url,
                sort_key="registration_number",
            ),
            Column(
                "full_name", label=gettext_lazy("Full name"), sort_key="search_name"
            ),
            Column(
                "programme_title",
                label=gettext_lazy("Programme"),
                sort_key="programme_title",
            ),
            StatusTagColumn(
                "status",
                label=gettext_lazy("Status"),
                accessor="get_status_display",
                primary=lambda c: c.status == CertificateStatus.VALID,
                sort_key="status",
            ),
            Column(
                "issued_at",
                label=gettext_lazy("Issued"),
                accessor=lambda c: local_datetime(c.issued_at),
                sort_key="issued_at",
                classname="w-whitespace-nowrap",
            ),
            Column(
                "emailed_at",
                label=gettext_lazy("E-mailed"),
                accessor=lambda c: local_date(c.emailed_at) or "—",
                sort_key="emailed_at",
                classname="w-whitespace-nowrap",
            ),
        ]

    def get_list_more_buttons(self, instance):
        return [
            ButtonMenuItem(
                _("Details"),
                url=self.detail_url(instance),
                icon_name="info-circle",
                priority=10,
            ),
            ButtonMenuItem(
                _("Download PDF"),
                url=reverse(f"{REGISTRY}:pdf", args=[instance.pk]),
                icon_name="download",
                priority=20,
            ),
            ButtonMenuItem(
                _("Public verification page"),
                url=reverse("certificates:verify", args=[instance.code]),
                icon_name="link-external",
                priority=30,
            ),
        ]

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        row["status"] = item.get_status_display()
        row["programme_kind"] = item.get_programme_kind_display()
        row["signed"] = _("Yes") if item.signed else _("No")
        return row

    @cached_property
    def selected_programme(self):
        if self.filters and self.filters.is_valid():
            return self.filters.form.cleaned_data.get("programme")
        return None

    def query_without(self, *names) -> str:
        params = self.request.GET.copy()
        for name in names:
            params.pop(name, None)
        return params.urlencode()

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.selected_programme:
            params = self.request.GET.copy()
            params.pop("p", None)
            params.pop("_w_filter_fragment", None)
            params["export"] = "zip"
            buttons.append(
                HeaderButton(
                    _("Download ZIP"),
                    url=f"{self.index_url}?{params.urlencode()}",
                    icon_name="download",
                    attrs={"data-certificates-zip": ""},
                )
            )
        if permissions.can_issue(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Issue certificates"),
                    url=reverse(f"{ISSUE}:index"),
                    icon_name="plus",
                )
            )
        return buttons

    def zip_response(self):
        """The filtered list's PDFs as one streamed ZIP (one programme only)."""
        programme = self.selected_programme
        if programme is None:
            messages.error(
                self.request,
                _("Choose a programme in the filters before downloading a ZIP."),
            )
            query = self.query_without("export")
            return redirect(f"{self.index_url}?{query}" if query else self.index_url)
        queryset = self.get_queryset()
        response = StreamingHttpResponse(
            registry.stream_zip(registry.zip_entries(queryset)),
            content_type="application/zip",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{registry.zip_filename(programme)}"'
        )
        response["Cache-Control"] = "no-store"
        return response


class CertificateDetailView(
    PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Everything about one certificate, its history and the actions on it."""

    template_name = "certificates/admin/detail.html"
    header_icon = "doc-full"

    def load(self, **kwargs):
        self.certificate = get_object_or_404(
            Certificate.objects.defer("pdf")
            .annotate(pdf_size=Length("pdf"))
            .select_related("user", "programme", "template", "issued_by", "revoked_by"),
            pk=kwargs["pk"],
        )

    def get_page_title(self):
        return _("Certificate № %(number)s") % {
            "number": self.certificate.registration_number
        }

    def get_page_subtitle(self):
        return self.certificate.full_name

    def get_breadcrumbs_items(self):
        return registry_breadcrumbs(
            {
                "url": "",
                "label": self.get_page_title(),
                "sublabel": self.get_page_subtitle(),
            }
        )

    @cached_property
    def can_revoke(self) -> bool:
        return (
            permissions.can_revoke(self.request.user)
            and self.certificate.status == CertificateStatus.VALID
        )

    @cached_property
    def header_buttons(self):
        """Only the two actions: the links live in the "more" menu and the body,
        so the certificate number in the title is never cut off."""
        c = self.certificate
        if not self.can_revoke:
            return []
        return [
            HeaderButton(
                _("Reissue"),
                url=reverse(f"{REGISTRY}:reissue", args=[c.pk]),
                icon_name="rotate",
            ),
            HeaderButton(
                _("Revoke"),
                url=reverse(f"{REGISTRY}:revoke", args=[c.pk]),
                icon_name="cross",
                classname="no",
            ),
        ]

    def get_header_more_buttons(self):
        c = self.certificate
        return [
            Button(
                _("Download PDF"),
                url=reverse(f"{REGISTRY}:pdf", args=[c.pk]),
                icon_name="download",
                priority=10,
            ),
            Button(
                _("Public verification page"),
                url=reverse("certificates:verify", args=[c.code]),
                icon_name="link-external",
                priority=20,
            ),
        ]

    def history(self) -> list[dict]:
        entries = (
            log_registry.get_logs_for_instance(self.certificate)
            .select_related("user")
            .order_by("-timestamp", "-pk")[:100]
        )
        return [
            {
                "timestamp": entry.timestamp,
                "user": entry.user_display_name if entry.user_id else _("System"),
                "message": entry.message,
                "reason": (entry.data or {}).get("reason", ""),
                "other": (entry.data or {}).get("new")
                or (entry.data or {}).get("old")
                or "",
            }
            for entry in entries
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        c = self.certificate
        context.update(
            certificate=c,
            history=self.history(),
            supersedes=Certificate.objects.filter(superseded_by=c)
            .only("pk", "registration_number")
            .first(),
            verify_url=selectors.verify_url(c.code),
            can_revoke=self.can_revoke,
            learner_name=registry.display_name(c.user) if c.user else "",
        )
        return context


def certificate_pdf(request, pk):
    """The stored PDF bytes of one certificate, as issued (never re-rendered)."""
    if not permissions.can_view_registry(request.user):
        return denied(request)
    certificate = get_object_or_404(
        Certificate.objects.only("pk", "registration_number", "full_name", "pdf"),
        pk=pk,
    )
    response = HttpResponse(bytes(certificate.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{registry.pdf_filename(certificate)}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


class ReasonActionView(PermissionRequiredMixin, WagtailAdminTemplateMixin, View):
    """GET: the certificate and a reason form (the confirm step).
    POST: the service call; back to the certificate."""

    permission_check = staticmethod(permissions.can_revoke)
    template_name = "certificates/admin/reason_form.html"
    header_icon = "doc-full"
    action = ""  # "revoke" | "reissue"

    def load(self, **kwargs):
        self.certificate = get_object_or_404(
            Certificate.objects.defer("pdf", "snapshot"), pk=kwargs["pk"]
        )

    def get_breadcrumbs_items(self):
        c = self.certificate
        return registry_breadcrumbs(
            {
                "url": reverse(f"{REGISTRY}:detail", args=[c.pk]),
                "label": _("Certificate № %(number)s")
                % {"number": c.registration_number},
            },
            {"url": "", "label": self.get_page_title()},
        )

    def get_page_subtitle(self):
        return (
            f"№ {self.certificate.registration_number} — {self.certificate.full_name}"
        )

    def render(self, form):
        context = self.get_context_data(
            form=form,
            certificate=self.certificate,
            action=self.action,
            is_valid=self.certificate.status == CertificateStatus.VALID,
            detail_url=reverse(f"{REGISTRY}:detail", args=[self.certificate.pk]),
            submit_label=self.submit_label,
        )
        return self.render_to_response(context)

    def get(self, request, *args, **kwargs):
        return self.render(ReasonForm())

    def post(self, request, *args, **kwargs):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason."))
            return self.render(form)
        try:
            result = self.perform(form.cleaned_data["reason"])
        except PermissionDenied:
            return denied(request)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return self.render(form)
        self.success_message(result)
        return redirect(f"{REGISTRY}:detail", result.pk)


class RevokeView(ReasonActionView):
    action = "revoke"
    page_title = gettext_lazy("Revoke certificate")
    submit_label = gettext_lazy("Revoke")

    def perform(self, reason):
        return services.certificate_revoke(
            certificate=self.certificate, actor=self.request.user, reason=reason
        )

    def success_message(self, certificate):
        messages.success(
            self.request,
            _("Certificate № %(number)s revoked.")
            % {"number": certificate.registration_number},
        )


class ReissueView(ReasonActionView):
    action = "reissue"
    page_title = gettext_lazy("Reissue certificate")
    submit_label = gettext_lazy("Reissue")

    def perform(self, reason):
        return services.certificate_reissue(
            certificate=self.certificate, actor=self.request.user, reason=reason
        )

    def success_message(self, certificate):
        messages.success(
            self.request,
            _("Certificate № %(new)s issued; № %(old)s is now superseded by it.")
            % {
                "new": certificate.registration_number,
                "old": self.certificate.registration_number,
            },
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.certificate.user
        context["new_name"] = registry.display_name(user) if user else ""
        return context


# --- issuing -------------------------------------------------------------------------


class IssueIndexView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """Programmes with the number of learners waiting for a certificate."""

    permission_check = staticmethod(permissions.can_issue)
    template_name = "certificates/admin/issue_index.html"
    page_title = gettext_lazy("Issue certificates")
    header_icon = "doc-full"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": gettext_lazy("Home")},
            {"url": "", "label": self.page_title},
        ]

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("Bulk issue jobs"), url=reverse(f"{ISSUE}:jobs"), icon_name="list-ul"
            )
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = registry.pending_counts()
        valid = registry.valid_counts()
        kinds = set(
            CertificateTemplate.objects.values_list("programme_kind", flat=True)
        )
        rows = [
            {
                "programme": programme,
                "pending": pending.get(programme.pk, 0),
                "valid": valid.get(programme.pk, 0),
                "has_template": programme.kind in kinds,
            }
            for programme in ProgrammePage.objects.order_by("title")
        ]
        context.update(
            rows=rows,
            jobs=BulkIssueJob.objects.select_related("programme", "created_by")[:10],
        )
        return context


class IssueProgrammeView(
    PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView
):
    """GET: who completed the programme without a valid certificate.
    POST ``user_id``: issue that learner's certificate."""

    permission_check = staticmethod(permissions.can_issue)
    template_name = "certificates/admin/issue_programme.html"
    header_icon = "doc-full"

    def load(self, **kwargs):
        self.programme = get_object_or_404(ProgrammePage, pk=kwargs["programme_id"])

    def get_page_title(self):
        return _("Issue certificates")

    def get_page_subtitle(self):
        return self.programme.title

    def get_breadcrumbs_items(self):
        return issue_breadcrumbs({"url": "", "label": self.programme.title})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        learners = registry.pending_learners(self.programme)
        has_template = CertificateTemplate.objects.filter(
            programme_kind=self.programme.kind
        ).exists()
        context.update(
            programme=self.programme,
            learners=learners,
            has_template=has_template,
            kind_label=ProgrammeKind(self.programme.kind).label,
            registry_url=reverse(f"{REGISTRY}:index")
            + "?"
            + urlencode({"programme": self.programme.pk}),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = IssueLearnerForm(request.POST)
        here = reverse(f"{ISSUE}:programme", args=[self.programme.pk])
        if not form.is_valid():
            messages.error(request, _("Choose a learner."))
            return redirect(here)
        user = get_object_or_404(get_user_model(), pk=form.cleaned_data["user_id"])
        try:
            certificate, created = services.certificate_issue(
                user=user, programme=self.programme, actor=request.user
            )
        except PermissionDenied:
            return denied(request)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return redirect(here)
        detail = reverse(f"{REGISTRY}:detail", args=[certificate.pk])
        values = {
            "number": certificate.registration_number,
            "name": certificate.full_name,
        }
        if created:
            text = _("Certificate № %(number)s issued to %(name)s.") % values
        else:
            text = _("%(name)s already has certificate № %(number)s.") % values
        messages.success(
            request, text, buttons=[messages.button(detail, _("View certificate"))]
        )
        return redirect(here)


class BulkIssueView(PermissionRequiredMixin, View):
    """POST: issue to everyone waiting (a background job); then its progress."""

    permission_check = staticmethod(permissions.can_issue)
    http_method_names = ["post"]

    def load(self, **kwargs):
        self.programme = get_object_or_404(ProgrammePage, pk=kwargs["programme_id"])

    def post(self, request, programme_id):
        programme = self.programme
        back = reverse(f"{ISSUE}:programme", args=[programme.pk])
        if not services.completed_without_certificate(programme).exists():
            messages.warning(request, _("Nobody is waiting for a certificate."))
            return redirect(back)
        try:
            job = services.bulk_issue_start(programme=programme, actor=request.user)
        except PermissionDenied:
            return denied(request)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return redirect(back)
        messages.success(
            request,
            _("Issuing %(count)s certificates has started.") % {"count": job.total},
        )
        return redirect(f"{ISSUE}:job", job.pk)


class JobListView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_check = staticmethod(permissions.can_issue)
    template_name = "certificates/admin/jobs.html"
    page_title = gettext_lazy("Bulk issue jobs")
    header_icon = "list-ul"

    def get_breadcrumbs_items(self):
        return issue_breadcrumbs({"url": "", "label": self.page_title})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["jobs"] = BulkIssueJob.objects.select_related(
            "programme", "created_by"
        )[:100]
        return context


def job_state(job: BulkIssueJob) -> dict:
    finished = job.status in (BulkIssueJob.Status.DONE, BulkIssueJob.Status.FAILED)
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "finished": finished,
        "total": job.total,
        "processed": job.processed,
        "issued": job.issued,
        "skipped": job.skipped,
        "failed": job.failed,
        "percent": job.percent,
        "errors": registry.job_errors(job),
        "finished_at": local_datetime(job.finished_at),
    }


class JobView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """A bulk job's progress; the page polls :func:`job_status` while it runs."""

    permission_check = staticmethod(permissions.can_issue)
    template_name = "certificates/admin/job.html"
    header_icon = "doc-full"

    def load(self, **kwargs):
        self.job = get_object_or_404(
            BulkIssueJob.objects.select_related("programme", "created_by"),
            pk=kwargs["pk"],
        )

    def get_page_title(self):
        return _("Bulk issue #%(id)s") % {"id": self.job.pk}

    def get_page_subtitle(self):
        return self.job.programme.title

    def get_breadcrumbs_items(self):
        return issue_breadcrumbs(
            {"url": reverse(f"{ISSUE}:jobs"), "label": _("Bulk issue jobs")},
            {
                "url": "",
                "label": self.get_page_title(),
                "sublabel": self.get_page_subtitle(),
            },
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            job=self.job,
            state=job_state(self.job),
            status_url=reverse(f"{ISSUE}:job_status", args=[self.job.pk]),
            registry_url=reverse(f"{REGISTRY}:index")
            + "?"
            + urlencode({"programme": self.job.programme_id}),
        )
        return context


def job_status(request, pk):
    """JSON progress of a bulk job, polled by its page."""
    if not permissions.can_issue(request.user):
        return denied(request)
    job = get_object_or_404(BulkIssueJob, pk=pk)
    response = JsonResponse(job_state(job))
    response["Cache-Control"] = "no-store"
    return response
