"""Certificate templates: what an issuer prints, one template per programme kind."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from courses.choices import ProgrammeKind

hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB, e.g. #1f3a68.")
)
edrpou = RegexValidator(r"^\d{8}$", _("The ЄДРПОУ code has exactly 8 digits."))


class CertificateTemplate(models.Model):
    """The issuer's wording, signatory and look for one kind of programme.

    Certificates copy every printed value from their template at issue time, so
    editing a template never changes a certificate already issued; a reissue
    picks up the new values.
    """

    name = models.CharField(_("name"), max_length=120)
    programme_kind = models.CharField(
        _("programme kind"),
        max_length=20,
        choices=ProgrammeKind.choices,
        unique=True,
        help_text=_("Certificates of every programme of this kind use this template."),
    )
    title_text = models.CharField(
        _("document title"),
        max_length=60,
        default="СЕРТИФІКАТ",
        help_text=_("Printed large at the top, e.g. «СЕРТИФІКАТ»."),
    )
    kind_label = models.CharField(
        _("programme type line"),
        max_length=200,
        blank=True,
        help_text=_(
            "e.g. «професійна (сертифікатна) програма підвищення кваліфікації»."
        ),
    )
    wording = models.CharField(
        _("wording"),
        max_length=300,
        default="успішно завершив(-ла) навчання за програмою",
        help_text=_("The sentence between the learner's name and the programme title."),
    )
    form_of_study = models.CharField(
        _("form of study"), max_length=60, blank=True, default="дистанційна"
    )
    issuer_name = models.CharField(_("issuer (full legal name)"), max_length=300)
    issuer_code = models.CharField(
        _("issuer code (ЄДРПОУ)"), max_length=8, blank=True, validators=[edrpou]
    )
    signatory_name = models.CharField(_("signatory name"), max_length=150)
    signatory_position = models.CharField(_("signatory position"), max_length=250)
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    colour_primary = models.CharField(
        _("main colour"), max_length=7, default="#1f3a68", validators=[hex_colour]
    )
    colour_accent = models.CharField(
        _("accent colour"), max_length=7, default="#b08d3c", validators=[hex_colour]
    )
    include_outcomes = models.BooleanField(
        _("print learning outcomes"),
        default=True,
        help_text=_("On the certificate, or on an annex page when they do not fit."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("programme_kind"),
        MultiFieldPanel(
            [
                FieldPanel("title_text"),
                FieldPanel("kind_label"),
                FieldPanel("wording"),
                FieldPanel("form_of_study"),
                FieldPanel("include_outcomes"),
            ],
            heading=_("Wording"),
        ),
        MultiFieldPanel(
            [FieldPanel("issuer_name"), FieldPanel("issuer_code"), FieldPanel("logo")],
            heading=_("Issuer"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("signatory_name"),
                FieldPanel("signatory_position"),
                FieldPanel("signature_image"),
            ],
            heading=_("Signatory"),
        ),
        MultiFieldPanel(
            [FieldPanel("colour_primary"), FieldPanel("colour_accent")],
            heading=_("Colours"),
        ),
    ]

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["programme_kind"]

    def __str__(self) -> str:
        return self.name
