"""Who may do what with programmes and their items.

Each rule is a boolean check for one object; list views use the queryset
filters beside them. Views and services both call these.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db.models import QuerySet

from wagtail.models import Page

from .choices import LEARNING_STATUSES
from .models import Enrolment, ProgrammePage


class Access(enum.Enum):
    ALLOWED = "allowed"
    LOGIN = "login"
    DENIED = "denied"


@dataclass(frozen=True)
class ItemAccess:
    access: Access
    programme: ProgrammePage | None
    enrolment: Enrolment | None
    staff_preview: bool = False


def programme_for_item(item: Page) -> ProgrammePage | None:
    """The programme above ``item``: remembered by routing, else one query."""
    remembered = getattr(item, "_lms_programme", None)
    if remembered is not None:
        return remembered
    steplen = item.steplen
    ancestor_paths = [item.path[:i] for i in range(steplen, len(item.path), steplen)]
    return ProgrammePage.objects.filter(path__in=ancestor_paths).first()


def user_can_manage_programme(user, programme: ProgrammePage) -> bool:
    """Superusers and editors of the programme's subtree (its trainers)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return programme.permissions_for_user(user).can_edit()


def programmes_managed_by(user) -> QuerySet[ProgrammePage]:
    """Programmes whose subtree ``user`` may edit (for admin lists)."""
    from wagtail.permission_policies.pages import PagePermissionPolicy

    if not user.is_authenticated or not user.is_active:
        return ProgrammePage.objects.none()
    if user.is_superuser:
        return ProgrammePage.objects.all()
    editable = PagePermissionPolicy().instances_user_has_any_permission_for(
        user, ["change"]
    )
    return ProgrammePage.objects.filter(pk__in=editable.values("pk"))


def enrolment_for(user, programme: ProgrammePage) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(user=user, programme=programme).first()


def item_access(*, user, item: Page) -> ItemAccess:
    """Whether ``user`` may read ``item`` (a lesson or quiz) and why not.

    Enrolled learners (active or completed) read; trainers and editors of the
    programme preview; everyone else is sent to log in or shown a locked page.
    """
    programme = programme_for_item(item)
    if not user.is_authenticated:
        return ItemAccess(Access.LOGIN, programme, None)
    enrolment = enrolment_for(user, programme) if programme else None
    if enrolment is not None and enrolment.status in LEARNING_STATUSES:
        return ItemAccess(Access.ALLOWED, programme, enrolment)
    if programme is not None and user_can_manage_programme(user, programme):
        return ItemAccess(Access.ALLOWED, programme, enrolment, staff_preview=True)
    return ItemAccess(Access.DENIED, programme, enrolment)


def user_can_decide_enrolment(user, enrolment: Enrolment) -> bool:
    """Approving or rejecting: enrolment managers, or the programme's trainers."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm("courses.change_enrolment"):
        return True
    return user_can_manage_programme(user, enrolment.programme)
