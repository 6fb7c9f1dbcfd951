"""Admin screens for the course module: the enrolment register and the
approval queue. Rows change only through :mod:`courses.services`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.defaults import permission_denied

from wagtail.admin import messages
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import MenuItem

from . import permissions, services
from .choices import EnrolmentStatus
from .models import Enrolment


class EnrolmentIndexView(generic.IndexView):
    def get_base_queryset(self):
        qs = super().get_base_queryset().select_related("user", "programme")
        user = self.request.user
        if user.is_superuser or user.has_perm("courses.change_enrolment"):
            return qs
        return qs.filter(programme__in=permissions.programmes_managed_by(user))

    def get_list_more_buttons(self, instance):
        buttons = []
        if instance.status == EnrolmentStatus.PENDING:
            url = reverse("courses_enrolment:decide", args=(instance.pk,))
            buttons.append(
                MenuItem(
                    _("Approve"), url=url + "?approve=1", icon_name="check", priority=1
                )
            )
            buttons.append(
                MenuItem(
                    _("Reject"), url=url + "?approve=0", icon_name="cross", priority=2
                )
            )
        return buttons + super().get_list_more_buttons(instance)


def decide_view(request, pk):
    """Confirm (GET) and apply (POST) an approval or rejection."""
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("user", "programme"), pk=pk
    )
    if not permissions.user_can_decide_enrolment(request.user, enrolment):
        # A real 403: Wagtail's admin would turn PermissionDenied into a
        # redirect to the dashboard, hiding the refusal from clients and tests.
        return permission_denied(request, PermissionDenied())
    approve = (request.POST.get("approve") or request.GET.get("approve")) == "1"
    if request.method == "POST":
        services.enrolment_decide(
            actor=request.user, enrolment=enrolment, approve=approve
        )
        if approve:
            messages.success(request, _("Enrolment approved."))
        else:
            messages.success(request, _("Enrolment rejected."))
        return redirect("courses_enrolment:index")
    return TemplateResponse(
        request,
        "courses/admin/decide.html",
        {
            "enrolment": enrolment,
            "approve": approve,
            "header_title": _("Enrolment request"),
        },
    )


class EnrolmentViewSet(ModelViewSet):
    model = Enrolment
    icon = "group"
    menu_label = _("Enrolments")
    menu_order = 210
    add_to_admin_menu = True
    url_prefix = "enrolments"
    name = "courses_enrolment"
    index_view_class = EnrolmentIndexView
    copy_view_enabled = False
    list_display = [
        "user",
        Column("programme", label=_("Programme"), accessor="programme"),
        "status",
        Column("completed_count", label=_("Completed items")),
        Column("required_count", label=_("Required items")),
        "created_at",
    ]
    list_filter = ["status", "programme"]
    list_export = [
        "user", "programme", "status", "completed_count",
        "required_count", "created_at", "completed_at",
    ]  # fmt: skip
    export_filename = "enrolments"
    search_fields = [
        "user__username",
        "user__email",
        "user__first_name",
        "user__last_name",
    ]
    ordering = ["status", "-created_at"]
    form_fields = ["status"]

    def get_index_view_kwargs(self, **kwargs):
        # Creating and editing enrolments directly would bypass the services
        # (progress, audit log, completion signal): only the list and decisions.
        kwargs = super().get_index_view_kwargs(**kwargs)
        kwargs.update(add_url_name=None, edit_url_name=None, delete_url_name=None)
        return kwargs

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("decide/<int:pk>/", decide_view, name="decide"),
            path("history/<int:pk>/", self.history_view, name="history"),
            path(
                "history-results/<int:pk>/",
                self.history_results_view,
                name="history_results",
            ),
        ]


enrolment_viewset = EnrolmentViewSet()
