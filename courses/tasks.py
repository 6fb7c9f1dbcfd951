"""Background tasks (django-tasks). With the immediate backend they run inline."""

from __future__ import annotations

from django.db import transaction

from django_tasks import task


@task()
def programme_recount_task(programme_id: int) -> int:
    from . import services
    from .models import ProgrammePage

    programme = ProgrammePage.objects.filter(pk=programme_id).first()
    if programme is None:
        return 0
    return services.programme_recount(programme=programme)


def enqueue_programme_recount(programme_id: int) -> None:
    """Queue a recount once the current transaction commits."""
    transaction.on_commit(lambda: programme_recount_task.enqueue(programme_id))
