"""Forms and filters of the certificate admin screens."""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

import django_filters

from courses.models import ProgrammePage

from .models import Certificate, CertificateStatus


class ReasonForm(forms.Form):
    """The reason recorded in the audit log for a revocation or a reissue."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the certificate's history."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason."))
        return reason


class IssueLearnerForm(forms.Form):
    user_id = forms.IntegerField(widget=forms.HiddenInput)


def programmes_with_certificates(request=None):
    """Programmes that have at least one certificate, by title."""
    return ProgrammePage.objects.filter(
        Exists(Certificate.objects.filter(programme=OuterRef("pk")))
    ).order_by("title")


class CertificateFilterSet(WagtailFilterSet):
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"),
        queryset=programmes_with_certificates,
        empty_label=_("All"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=CertificateStatus.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    issued = django_filters.DateFromToRangeFilter(
        label=_("Issued"),
        field_name="issued_at",
        widget=DateRangePickerWidget,
    )

    class Meta:
        model = Certificate
        fields = ["programme", "status", "issued"]
