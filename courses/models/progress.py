"""Completion of required items (lessons now, quizzes too) by a learner."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemCompletion(models.Model):
    """One learner finished one required item. Never deleted by a re-import.

    ``programme`` is stored beside ``item`` so that a programme's progress is one
    indexed query, whatever the depth of the tree.
    """

    # Learner records reference no content worth indexing; skipping Wagtail's
    # reference index keeps writes lean (5 statements less per save).
    wagtail_reference_index_ignore = True

    class Source(models.TextChoices):
        LEARNER = "learner", _("Marked by the learner")
        QUIZ = "quiz", _("Quiz passed")
        STAFF = "staff", _("Recorded by staff")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completions"
    )
    item = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+"
    )
    programme = models.ForeignKey(
        "courses.ProgrammePage", on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(
        max_length=20, choices=Source.choices, default=Source.LEARNER
    )
    completed_at = models.DateTimeField(_("completed"), auto_now_add=True)

    class Meta:
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "item"], name="courses_itemcompletion_unique_user_item"
            )
        ]
        indexes = [models.Index(fields=["user", "programme"])]

    def __str__(self) -> str:
        return f"{self.user_id} ✓ {self.item_id}"
