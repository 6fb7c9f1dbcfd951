"""Enrolment of a learner in a programme, with denormalised progress.

``required_count`` and ``completed_count`` are kept current by the services
(``item_complete`` and the recount after publishing), so dashboards read them
without counting completions row by row.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..choices import LEARNING_STATUSES, EnrolmentStatus


class Enrolment(models.Model):
    # Learner records reference no content worth indexing; skipping Wagtail's
    # reference index keeps writes lean (5 statements less per save).
    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("learner"),
    )
    programme = models.ForeignKey(
        "courses.ProgrammePage",
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("programme"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ACTIVE,
        db_index=True,
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    required_count = models.PositiveIntegerField(_("required items"), default=0)
    completed_count = models.PositiveIntegerField(_("completed items"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme"],
                name="courses_enrolment_unique_user_programme",
            ),
            models.CheckConstraint(
                condition=Q(completed_count__lte=F("required_count")),
                name="courses_enrolment_progress_bounded",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.programme_id}"

    @property
    def is_learning(self) -> bool:
        return self.status in LEARNING_STATUSES

    @property
    def percent(self) -> int:
        if not self.required_count:
            return 0
        return int(100 * self.completed_count / self.required_count)
