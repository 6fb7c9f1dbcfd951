"""Template filters of the site pages."""

from __future__ import annotations

from django import template
from django.utils import formats
from django.utils.translation import gettext, ngettext

register = template.Library()

_KB = 1024
_MB = 1024 * 1024


def _number(value: float) -> str:
    """One decimal below 100 ("1,2"), none above ("240"), in the active locale."""
    return formats.number_format(value, 1 if value < 100 else 0)


@register.filter
def file_size(num_bytes: int | None) -> str:
    """A document's size for people: "820 bytes", "49,4 KB", "1,2 MB" (localised).

    Django's ``filesizeformat`` is translated to Ukrainian as "Кб"/"Мб"
    (kilobits); documents are measured in bytes, "КБ"/"МБ".
    """
    if num_bytes is None:
        return ""
    if num_bytes < _KB:
        return ngettext("%(size)d byte", "%(size)d bytes", num_bytes) % {
            "size": num_bytes
        }
    if num_bytes < _MB:
        return gettext("%(size)s KB") % {"size": _number(num_bytes / _KB)}
    return gettext("%(size)s MB") % {"size": _number(num_bytes / _MB)}
