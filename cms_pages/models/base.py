"""The abstract page every page of ours builds on: rich text cleaned on save."""

from wagtail.models import Page

from ..sanitize import sanitize_html


class SanitizedPage(Page):
    """Abstract page whose ``sanitized_fields`` are cleaned on every save."""

    sanitized_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        for name in self.sanitized_fields:
            setattr(self, name, sanitize_html(getattr(self, name)))
