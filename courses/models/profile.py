"""The learner's profile: the name exactly as a certificate must print it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import Oblast


class LearnerProfile(models.Model):
    """Personal details a certificate and a programme report need.

    Kept beside (not inside) the user model so the LMS installs into a site with
    any ``AUTH_USER_MODEL``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="learner_profile",
    )
    surname = models.CharField(_("surname"), max_length=100, blank=True)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=250, blank=True)
    community = models.CharField(_("community (hromada)"), max_length=200, blank=True)
    oblast = models.CharField(
        _("oblast"), max_length=30, choices=Oblast.choices, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("learner profile")
        verbose_name_plural = _("learner profiles")

    def __str__(self) -> str:
        return self.full_name or str(self.user)

    @property
    def full_name(self) -> str:
        """Surname, given name, patronymic: the Ukrainian official order."""
        return " ".join(
            p for p in (self.surname, self.given_name, self.patronymic) if p
        )
