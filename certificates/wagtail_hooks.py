"""Admin registration only: log actions, snippets and viewsets."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from courses.extensions import COMPLETION_LINKS_HOOK, CompletionLink

from .models import Certificate, CertificateStatus
from .viewsets import CertificatesMenuGroup

register_snippet(CertificatesMenuGroup)


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    for action, label, message in (
        ("certificates.issue", _("Issue certificate"), _("Certificate issued")),
        ("certificates.revoke", _("Revoke certificate"), _("Certificate revoked")),
        ("certificates.reissue", _("Reissue certificate"), _("Certificate reissued")),
        (
            "certificates.supersede",
            _("Supersede certificate"),
            _("Certificate superseded by a reissue"),
        ),
        ("certificates.email", _("E-mail certificate"), _("Certificate e-mailed")),
        (
            "certificates.bulk_issue",
            _("Bulk issue"),
            _("Bulk certificate issue started"),
        ),
        (
            "certificates.download",
            _("Download certificate"),
            _("Certificate PDF downloaded"),
        ),
    ):
        actions.register_action(action, label, message)


@hooks.register(COMPLETION_LINKS_HOOK)
def certificate_completion_links(*, user, programme_ids):
    """ "Download the certificate" beside each completed programme (one query)."""
    links = {}
    certificates = (
        Certificate.objects.filter(
            user=user, programme_id__in=programme_ids, status=CertificateStatus.VALID
        )
        .only("code", "programme_id")
        .order_by()
    )
    for certificate in certificates:
        links[certificate.programme_id] = [
            CompletionLink(
                label=_("Download the certificate (PDF)"),
                url=reverse("certificates:pdf", args=[certificate.code]),
                primary=True,
            ),
            CompletionLink(
                label=_("Verification page"),
                url=reverse("certificates:verify", args=[certificate.code]),
            ),
        ]
    return links
