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


@task()
def close_overdue_attempts_task() -> int:
    """Close attempts whose time is up (run every minute by a scheduler)."""
    from . import quiz_services

    return quiz_services.attempts_close_overdue()
