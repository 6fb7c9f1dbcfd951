"""Admin registration only: log actions, snippets and viewsets."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.snippets.models import register_snippet

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
