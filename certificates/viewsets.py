"""Admin viewsets of the certificates app, grouped in one "Certificates" menu:
templates (a snippet), the registry (read-only) and issuing."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.admin.widgets.button import MenuItem as ButtonMenuItem
from wagtail.snippets.views.snippets import EditView as SnippetEditView
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views, permissions
from .models import Certificate, CertificateTemplate

# --- templates ---------------------------------------------------------------------


def sample_pdf_url(template) -> str:
    return reverse(
        CertificateTemplate.snippet_viewset.get_url_name("sample_pdf"),
        args=[template.pk],
    )


class TemplateIndexView(SnippetIndexView):
    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            ButtonMenuItem(
                _("Preview sample PDF"),
                url=sample_pdf_url(instance),
                icon_name="doc-full",
                priority=15,
            ),
        ]


class TemplateEditView(SnippetEditView):
    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Preview sample PDF"),
                url=sample_pdf_url(self.object),
                icon_name="doc-full",
                attrs={"target": "_blank", "rel": "noopener"},
            ),
        ]


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "form"
    menu_label = gettext_lazy("Certificate templates")
    menu_name = "certificate-templates"
    index_view_class = TemplateIndexView
    edit_view_class = TemplateEditView
    copy_view_enabled = False
    list_display = [
        "name",
        Column(
            "programme_kind",
            label=gettext_lazy("Programme kind"),
            accessor="get_programme_kind_display",
        ),
        Column("issuer_name", label=gettext_lazy("Issuer")),
        DateColumn("updated_at", label=gettext_lazy("Updated")),
    ]
    ordering = ["programme_kind"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "sample-pdf/<int:pk>/",
                admin_views.template_sample_pdf,
                name="sample_pdf",
            ),
        ]


# --- registry ----------------------------------------------------------------------


class RegistryMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_view_registry(request.user)


class CertificateRegistryViewSet(ModelViewSet):
    """Read-only: certificates change only through the services (issue,
    revoke, reissue), never through a model form."""

    model = Certificate
    name = admin_views.REGISTRY
    url_prefix = "certificates/registry"
    icon = "doc-full"
    menu_label = gettext_lazy("Certificate registry")
    menu_name = "certificate-registry"
    index_view_class = admin_views.CertificateIndexView
    copy_view_enabled = False
    add_to_reference_index = False
    search_fields = ["full_name"]
    list_per_page = 50
    export_filename = "certificates"
    menu_item_class = RegistryMenuItem

    def get_index_view_kwargs(self, **kwargs):
        kwargs = super().get_index_view_kwargs(**kwargs)
        kwargs.update(add_url_name=None, edit_url_name=None, delete_url_name=None)
        return kwargs

    @property
    def url_finder_class(self):
        # Audit-log reports link certificates to their detail page.
        from wagtail.admin.admin_url_finder import ModelAdminURLFinder

        class CertificateURLFinder(ModelAdminURLFinder):
            edit_url_name = f"{admin_views.REGISTRY}:detail"

            def get_edit_url(self, instance):
                if self.user and not permissions.can_view_registry(self.user):
                    return None
                return self.construct_edit_url(instance)

        return CertificateURLFinder

    def get_permissions_to_register(self):
        # Shown in the group editor: who may see the registry, issue, revoke.
        return Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(Certificate),
            codename__in=[
                "view_certificate",
                "issue_certificate",
                "revoke_certificate",
            ],
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(
                "<int:pk>/",
                admin_views.CertificateDetailView.as_view(),
                name="detail",
            ),
            path("<int:pk>/pdf/", admin_views.certificate_pdf, name="pdf"),
            path("<int:pk>/revoke/", admin_views.RevokeView.as_view(), name="revoke"),
            path(
                "<int:pk>/reissue/",
                admin_views.ReissueView.as_view(),
                name="reissue",
            ),
        ]


# --- issuing -----------------------------------------------------------------------


class IssueMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_issue(request.user)


class CertificateIssueViewSet(ViewSet):
    name = admin_views.ISSUE
    url_prefix = "certificates/issue"
    icon = "plus"
    menu_label = gettext_lazy("Issue certificates")
    menu_name = "certificate-issue"
    menu_item_class = IssueMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.IssueIndexView.as_view(), name="index"),
            path(
                "programme/<int:programme_id>/",
                admin_views.IssueProgrammeView.as_view(),
                name="programme",
            ),
            path(
                "programme/<int:programme_id>/all/",
                admin_views.BulkIssueView.as_view(),
                name="bulk",
            ),
            path("jobs/", admin_views.JobListView.as_view(), name="jobs"),
            path("jobs/<int:pk>/", admin_views.JobView.as_view(), name="job"),
            path(
                "jobs/<int:pk>/status.json",
                admin_views.job_status,
                name="job_status",
            ),
        ]


class CertificatesMenuGroup(SnippetViewSetGroup):
    """The "Certificates" menu; shown when any of its items is."""

    menu_label = gettext_lazy("Certificates")
    menu_icon = "doc-full"
    menu_name = "certificates"
    menu_order = 230
    items = (
        CertificateTemplateViewSet,
        CertificateRegistryViewSet,
        CertificateIssueViewSet,
    )
