"""Every state change of the course module.

Views, admin actions, management commands and receivers call these; none of
them writes course models itself. Each service is keyword-only, checks
permission first, runs in one transaction, is safe to repeat (double clicks,
retries, parallel requests) and leaves an entry in Wagtail's audit log.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wagtail.log_actions import log
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
)

from . import permissions, selectors
from .choices import LEARNING_STATUSES, EnrolmentPolicy, EnrolmentStatus
from .models import Enrolment, ItemCompletion, LearnerProfile, ProgrammePage
from .signals import programme_completed

logger = logging.getLogger(__name__)

ERR_LOGIN = gettext_noop("Log in to enrol.")
ERR_NOT_LIVE = gettext_noop("This programme is not open for enrolment.")
ERR_NOT_ENROLLED = gettext_noop("You are not enrolled in this programme.")
ERR_NOT_ITEM = gettext_noop("This page is not a required item of a programme.")
ERR_NOT_SELF_COMPLETABLE = gettext_noop(
    "This item is completed by passing it, not by marking it."
)


# --- Enrolment ------------------------------------------------------------------


@transaction.atomic
def enrolment_create(*, user, programme: ProgrammePage) -> Enrolment:
    """Enrol ``user`` in ``programme`` (or queue the request for approval).

    Idempotent: an existing active, pending or completed enrolment is returned
    unchanged. A withdrawn or rejected learner who asks again starts over under
    the programme's current policy. Raises ``PermissionDenied`` for anonymous
    users and ``ValidationError`` for programmes that are not live.
    """
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_(ERR_LOGIN))
    if not programme.live:
        raise ValidationError(_(ERR_NOT_LIVE))
    initial = (
        EnrolmentStatus.PENDING
        if programme.enrolment_policy == EnrolmentPolicy.APPROVAL
        else EnrolmentStatus.ACTIVE
    )
    enrolment, created = Enrolment.objects.get_or_create(
        user=user, programme=programme, defaults={"status": initial}
    )
    if created:
        _recount(enrolment)
        log(instance=enrolment, action="courses.enrolment.create", user=user)
        logger.info(
            "enrolment %s: user %s -> programme %s (%s)",
            enrolment.pk,
            user.pk,
            programme.pk,
            enrolment.status,
        )
        return enrolment
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REJECTED):
        enrolment.status = initial
        enrolment.decided_at = None
        enrolment.decided_by = None
        enrolment.save(
            update_fields=["status", "decided_at", "decided_by", "updated_at"]
        )
        _recount(enrolment)
        log(instance=enrolment, action="courses.enrolment.create", user=user)
        logger.info(
            "re-enrolment %s: user %s (%s)", enrolment.pk, user.pk, enrolment.status
        )
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, user, programme: ProgrammePage) -> Enrolment | None:
    """Withdraw ``user`` from ``programme``. Completions are kept, so coming back
    later resumes where they left off. A completed programme stays completed."""
    if not user.is_authenticated:
        raise PermissionDenied(_(ERR_LOGIN))
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(user=user, programme=programme)
        .first()
    )
    if enrolment is None:
        return None
    if enrolment.status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.PENDING):
        enrolment.status = EnrolmentStatus.WITHDRAWN
        enrolment.save(update_fields=["status", "updated_at"])
        log(instance=enrolment, action="courses.enrolment.withdraw", user=user)
        logger.info("enrolment %s withdrawn by user %s", enrolment.pk, user.pk)
    return enrolment


@transaction.atomic
def enrolment_decide(*, actor, enrolment: Enrolment, approve: bool) -> Enrolment:
    """Approve or reject a pending enrolment request. Deciding again is a no-op."""
    if not permissions.user_can_decide_enrolment(actor, enrolment):
        raise PermissionDenied(_("You cannot decide enrolments in this programme."))
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != EnrolmentStatus.PENDING:
        return enrolment
    enrolment.status = EnrolmentStatus.ACTIVE if approve else EnrolmentStatus.REJECTED
    enrolment.decided_at = timezone.now()
    enrolment.decided_by = actor
    enrolment.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    action = "courses.enrolment.approve" if approve else "courses.enrolment.reject"
    log(instance=enrolment, action=action, user=actor)
    logger.info(
        "enrolment %s %s by %s", enrolment.pk, action.rsplit(".", 1)[1], actor.pk
    )
    if approve:
        _recount(enrolment)
    return enrolment


# --- Progress ---------------------------------------------------------------------


def item_complete(
    *, user, item: Page, source: str = ItemCompletion.Source.LEARNER
) -> ItemCompletion:
    """Record that ``user`` finished the required ``item``; idempotent.

    The enrolment row is locked while progress is recounted, so parallel
    completions never lose a count and the programme is completed (and
    ``programme_completed`` sent, after commit) exactly once.
    """
    if not user.is_authenticated:
        raise PermissionDenied(_(ERR_LOGIN))
    if not getattr(item.specific_class, "lms_required_item", False) or not item.live:
        raise ValidationError(_(ERR_NOT_ITEM))
    if source == ItemCompletion.Source.LEARNER and not getattr(
        item.specific_class, "lms_self_completable", False
    ):
        # A quiz is completed by passing it, never by a "mark complete" click.
        raise ValidationError(_(ERR_NOT_SELF_COMPLETABLE))
    programme = permissions.programme_for_item(item)
    if programme is None:
        raise ValidationError(_(ERR_NOT_ITEM))
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .filter(user=user, programme=programme, status__in=LEARNING_STATUSES)
            .first()
        )
        if enrolment is None:
            raise PermissionDenied(_(ERR_NOT_ENROLLED))
        enrolment.programme = programme
        completion, created = ItemCompletion.objects.get_or_create(
            user=user,
            item_id=item.pk,
            defaults={"programme": programme, "source": source},
        )
        if created:
            _recount(enrolment)
            log(instance=completion, action="courses.item.complete", user=user)
            logger.info(
                "user %s completed item %s of programme %s (%s/%s)",
                user.pk,
                item.pk,
                programme.pk,
                enrolment.completed_count,
                enrolment.required_count,
            )
    return completion


def _recount(enrolment: Enrolment) -> None:
    """Refresh the stored progress of one (locked) enrolment; complete it when
    every required item is done."""
    required = selectors.required_item_ids(programme=enrolment.programme)
    done = ItemCompletion.objects.filter(
        user_id=enrolment.user_id, item_id__in=required
    ).count()
    enrolment.required_count = len(required)
    enrolment.completed_count = done
    fields = ["required_count", "completed_count", "updated_at"]
    if (
        enrolment.status == EnrolmentStatus.ACTIVE
        and required
        and done >= len(required)
    ):
        enrolment.status = EnrolmentStatus.COMPLETED
        enrolment.completed_at = timezone.now()
        fields += ["status", "completed_at"]
        _announce_completion(enrolment)
    enrolment.save(update_fields=fields)


def _announce_completion(enrolment: Enrolment) -> None:
    log(instance=enrolment, action="courses.enrolment.complete", user=enrolment.user)
    logger.info(
        "enrolment %s completed programme %s", enrolment.pk, enrolment.programme_id
    )
    transaction.on_commit(
        lambda: programme_completed.send(
            sender=Enrolment,
            enrolment=enrolment,
            user=enrolment.user,
            programme=enrolment.programme,
        )
    )


@transaction.atomic
def programme_recount(*, programme: ProgrammePage) -> int:
    """Recount the stored progress of every enrolment in ``programme``.

    Run after items are published, unpublished, moved or deleted. Three queries
    whatever the number of learners; completes enrolments that are now done,
    never un-completes one. Returns the number of enrolments changed.
    """
    required = selectors.required_item_ids(programme=programme)
    done_by_user = dict(
        ItemCompletion.objects.filter(item_id__in=required)
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    changed = []
    for enrolment in Enrolment.objects.select_for_update().filter(programme=programme):
        done = done_by_user.get(enrolment.user_id, 0)
        if (enrolment.required_count, enrolment.completed_count) == (
            len(required),
            done,
        ):
            continue
        enrolment.required_count = len(required)
        enrolment.completed_count = done
        if (
            enrolment.status == EnrolmentStatus.ACTIVE
            and required
            and done >= len(required)
        ):
            enrolment.status = EnrolmentStatus.COMPLETED
            enrolment.completed_at = timezone.now()
            _announce_completion(enrolment)
        changed.append(enrolment)
    Enrolment.objects.bulk_update(
        changed, ["required_count", "completed_count", "status", "completed_at"]
    )
    return len(changed)


# --- Profile ------------------------------------------------------------------------

PROFILE_FIELDS = (
    "surname", "given_name", "patronymic", "position",
    "organisation", "community", "oblast",
)  # fmt: skip


@transaction.atomic
def profile_update(*, user, **fields: str) -> LearnerProfile:
    """Create or update the learner's profile from cleaned form data."""
    if not user.is_authenticated:
        raise PermissionDenied(_(ERR_LOGIN))
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown profile fields: {sorted(unknown)}")
    profile, _created = LearnerProfile.objects.select_for_update().get_or_create(
        user=user
    )
    for name, value in fields.items():
        setattr(profile, name, (value or "").strip())
    profile.full_clean()
    profile.save()
    log(instance=profile, action="wagtail.edit", user=user)
    return profile


# --- Trainers -------------------------------------------------------------------------

TRAINER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
TRAINER_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
)


@transaction.atomic
def programme_trainer_group_ensure(*, programme: ProgrammePage) -> Group:
    """The group whose members author this programme, and nothing else.

    It may edit and publish pages in the programme's subtree, use the admin and
    add images and documents. Safe to call again: permissions are added once.
    """
    given = programme
    programme = ProgrammePage.objects.select_for_update().get(pk=programme.pk)
    group = programme.trainer_group
    if group is None:
        name = _("Trainers #%(id)s: %(title)s") % {
            "id": programme.pk,
            "title": programme.title,
        }
        group, _created = Group.objects.get_or_create(name=name[:150])
        ProgrammePage.objects.filter(pk=programme.pk).update(trainer_group=group)
        programme.trainer_group = group
    # Saving a caller's stale instance would otherwise drop the link again.
    given.trainer_group = group
    # Admin access, and the enrolment register (filtered to their programmes
    # by the viewset) so trainers can approve requests to their programme.
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
        Permission.objects.get(
            content_type__app_label="courses", codename="view_enrolment"
        ),
    )
    for codename in TRAINER_PAGE_PERMISSIONS:
        perm = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=codename
        )
        GroupPagePermission.objects.get_or_create(
            group=group, page=programme, permission=perm
        )
    root_collection = Collection.get_first_root_node()
    for app_label, codename in TRAINER_COLLECTION_PERMISSIONS:
        perm = Permission.objects.get(
            content_type__app_label=app_label, codename=codename
        )
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=perm
        )
    # Trainers write their quizzes' questions in the (shared) question bank.
    from .question_bank.permissions import TRAINER_QUESTION_BANK_PERMISSIONS

    group.permissions.add(
        *[
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in TRAINER_QUESTION_BANK_PERMISSIONS
        ]
    )
    return group
