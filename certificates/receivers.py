"""Listen to courses: issue the certificate when a programme is completed."""

from __future__ import annotations

from django.dispatch import receiver

from courses.signals import programme_completed


@receiver(programme_completed, dispatch_uid="certificates.issue_on_completion")
def issue_on_completion(sender, enrolment, **kwargs) -> None:
    from . import services

    services.certificate_issue_on_completion(enrolment=enrolment)
