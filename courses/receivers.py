"""React to page-tree changes: keep stored progress right when items change.

Publishing, unpublishing, moving or deleting a required item changes what a
programme requires, so the programme's enrolments are recounted (as a
background task where a worker runs, inline otherwise).
"""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from wagtail.signals import page_published, page_unpublished, post_page_move

from . import tasks


def _programme_id_for(page) -> int | None:
    from .permissions import programme_for_item

    if not getattr(page.specific_class, "lms_required_item", False):
        return None
    programme = programme_for_item(page)
    return programme.pk if programme else None


def _schedule_recount(page) -> None:
    programme_id = _programme_id_for(page)
    if programme_id is not None:
        tasks.enqueue_programme_recount(programme_id)


@receiver(page_published)
def on_page_published(sender, instance, **kwargs):
    _schedule_recount(instance)


@receiver(page_unpublished)
def on_page_unpublished(sender, instance, **kwargs):
    _schedule_recount(instance)


@receiver(post_page_move)
def on_page_moved(
    sender, instance, parent_page_before=None, parent_page_after=None, **kwargs
):
    # A move changes what the old programme requires as well as the new one, and
    # a module carries its lessons along: recount wherever the parents belong.
    from .models import ProgrammePage
    from .permissions import programme_for_item

    programme_ids = set()
    for parent in (parent_page_before, parent_page_after):
        if parent is None:
            continue
        if issubclass(parent.specific_class or type(parent), ProgrammePage):
            programme_ids.add(parent.pk)
        elif (programme := programme_for_item(parent)) is not None:
            programme_ids.add(programme.pk)
    for programme_id in sorted(programme_ids):
        tasks.enqueue_programme_recount(programme_id)


@receiver(post_delete)
def on_page_deleted(sender, instance, **kwargs):
    if getattr(sender, "lms_required_item", False):
        _schedule_recount(instance)
