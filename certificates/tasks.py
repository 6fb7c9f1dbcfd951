"""Background tasks (django-tasks). With the immediate backend they run inline,
except bulk issuing, which then runs in a thread so the admin sees progress."""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import close_old_connections, transaction

from django_tasks import task


@task()
def email_certificate_task(certificate_id: int) -> bool:
    from . import services

    return services.certificate_email(certificate_id=certificate_id)


@task()
def bulk_issue_task(job_id: int) -> int:
    from . import services

    return services.bulk_issue_run(job_id=job_id).processed


def _run_in_thread(job_id: int) -> None:
    def target() -> None:
        close_old_connections()
        try:
            bulk_issue_task.call(job_id)
        finally:
            close_old_connections()

    threading.Thread(target=target, name=f"bulk-issue-{job_id}", daemon=True).start()


def enqueue_bulk_issue(job_id: int) -> None:
    """Queue the job once the current transaction commits.

    With the embedded immediate backend a thread does the work, so the request
    that started it returns at once and the progress page can poll; with a real
    task backend (database/Redis workers) it is enqueued as usual.
    """
    from django_tasks.backends.immediate import ImmediateBackend

    threaded = isinstance(bulk_issue_task.get_backend(), ImmediateBackend) and getattr(
        settings, "LMS_CERTIFICATES_BULK_THREAD", True
    )
    if threaded:
        transaction.on_commit(lambda: _run_in_thread(job_id))
    else:
        transaction.on_commit(lambda: bulk_issue_task.enqueue(job_id))
