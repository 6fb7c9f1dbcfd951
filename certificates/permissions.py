"""Who may do what with certificates: one boolean check per rule.

Verification is public by design and needs no rule here.
"""

from __future__ import annotations


def can_issue(user) -> bool:
    return bool(
        user and user.is_active and user.has_perm("certificates.issue_certificate")
    )


def can_revoke(user) -> bool:
    return bool(
        user and user.is_active and user.has_perm("certificates.revoke_certificate")
    )


def can_view_registry(user) -> bool:
    return bool(
        user and user.is_active and user.has_perm("certificates.view_certificate")
    )


def can_download(user, certificate) -> bool:
    """The owner, or a certificate admin; never another learner or a trainer."""
    if not user or not user.is_authenticated:
        return False
    if certificate.user_id is not None and certificate.user_id == user.pk:
        return True
    return can_view_registry(user)
