"""The issued certificate: an immutable record of everything printed.

A certificate is never edited or deleted. Its status moves from *valid* to
*revoked* (with reason, date and who) or *superseded* (a reissue after a name
correction points to its successor). Everything else — the snapshot, the PDF
bytes and their SHA-256 — is written once, at issue time; ``save()`` refuses to
change it, so no admin form or shell session can alter a certificate quietly.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.choices import ProgrammeKind


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


# Fields that may change after issue; everything else is frozen.
MUTABLE_FIELDS = frozenset(
    {
        "status",
        "revoked_at",
        "revoked_by",
        "revoked_reason",
        "superseded_by",
        "emailed_at",
    }
)


class ImmutableCertificateError(RuntimeError):
    """Raised when code tries to change a frozen field of an issued certificate."""


class Certificate(models.Model):
    wagtail_reference_index_ignore = True

    code = models.CharField(_("verification code"), max_length=19, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number in the year"))
    registration_number = models.CharField(
        _("registration number"), max_length=20, unique=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    programme = models.ForeignKey(
        "courses.ProgrammePage",
        verbose_name=_("programme"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    template = models.ForeignKey(
        "certificates.CertificateTemplate",
        verbose_name=_("template"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
        db_index=True,
    )
    # Printed values, denormalised for filtering, search and verification.
    full_name = models.CharField(_("full name"), max_length=300)
    search_name = models.CharField(max_length=300, db_index=True, editable=False)
    programme_title = models.CharField(_("programme title"), max_length=500)
    programme_kind = models.CharField(
        _("programme kind"), max_length=20, choices=ProgrammeKind.choices
    )
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    ects = models.DecimalField(
        _("ECTS credits"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    date_started = models.DateField(_("started"), null=True, blank=True)
    date_completed = models.DateField(_("completed"))
    issued_at = models.DateTimeField(_("issued"), db_index=True)
    issuer_name = models.CharField(_("issuer"), max_length=300)
    snapshot = models.JSONField(_("printed data"))
    pdf = models.BinaryField(_("PDF"))
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, db_index=True)
    signed = models.BooleanField(_("signed"), default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when issued automatically on completion."),
    )
    # Mutable state.
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_reason = models.TextField(_("reason"), blank=True)
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme"],
                condition=Q(status="valid"),
                name="certificates_one_valid_per_learner_programme",
            ),
            models.UniqueConstraint(
                fields=["year", "number"], name="certificates_unique_year_number"
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | ~Q(revoked_reason=""),
                name="certificates_revoked_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"])]
        permissions = [
            ("issue_certificate", "Can issue certificates"),
            ("revoke_certificate", "Can revoke and reissue certificates"),
        ]

    def __str__(self) -> str:
        return f"№ {self.registration_number} — {self.full_name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None:
                raise ImmutableCertificateError(
                    "Save an issued certificate with update_fields of its status only."
                )
            illegal = set(update_fields) - MUTABLE_FIELDS
            if illegal:
                raise ImmutableCertificateError(
                    f"Issued certificates are immutable: {sorted(illegal)}"
                )
        super().save(*args, **kwargs)

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID


class RegistrationCounter(models.Model):
    """The last registration number used in a year.

    Incremented under a row lock in the same transaction that inserts the
    certificate, so a rolled-back issue gives its number back: numbers stay
    unique and gap-free however many issues run in parallel.
    """

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("registration counter")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"
