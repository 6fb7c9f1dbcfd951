"""Spreadsheet export that a spreadsheet program cannot turn into code.

Wagtail's exporter (``SpreadsheetExportMixin``) already keeps XLSX cells
that start with ``=`` as text (it resets openpyxl's formula type), and an
XLSX text cell is never evaluated, whatever its first character. Its CSV
writer does nothing of the kind: a learner named ``=HYPERLINK(...)`` or
``@SUM(...)`` would become a live formula when a trainer opens the file.
Here every CSV text cell starting with ``= + - @``, a tab or a carriage
return gets a leading apostrophe (OWASP "CSV injection"). Numbers, dates and
booleans are not text and are left alone.

Rows are produced while the CSV streams, after the view has returned; the
user's admin language and time zone are kept for them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone, translation

from wagtail.admin.views.mixins import SpreadsheetExportMixin, list_to_str

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """``text`` as a CSV cell that no spreadsheet evaluates."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _local_naive(value: datetime.datetime) -> datetime.datetime:
    return timezone.make_naive(value) if timezone.is_aware(value) else value


def _local_text(value: datetime.datetime) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")


class SafeSpreadsheetExportMixin:
    """Use before ``IndexView`` (which brings ``SpreadsheetExportMixin``)."""

    FORMAT_CSV = SpreadsheetExportMixin.FORMAT_CSV
    FORMAT_XLSX = SpreadsheetExportMixin.FORMAT_XLSX

    # Dates in the user's time zone (Wagtail writes XLSX dates in UTC).
    custom_value_preprocess = {
        datetime.datetime: {FORMAT_XLSX: _local_naive, FORMAT_CSV: _local_text},
        (datetime.date, datetime.time): {FORMAT_XLSX: None},
        list: {FORMAT_CSV: list_to_str, FORMAT_XLSX: list_to_str},
    }

    def preprocess_field_value(self, field, value, export_format):
        result = super().preprocess_field_value(field, value, export_format)
        if (
            export_format == self.FORMAT_CSV
            and isinstance(result, str)
            and not isinstance(value, (bool, int, float, Decimal))
        ):
            return neutralise_formula(result)
        return result

    def stream_csv(self, queryset):
        # Captured now, inside the view; the rows are made while streaming.
        language = translation.get_language()
        zone = timezone.get_current_timezone()
        rows = super().stream_csv(queryset)

        def localised():
            while True:
                with translation.override(language), timezone.override(zone):
                    try:
                        row = next(rows)
                    except StopIteration:
                        return
                yield row

        return localised()
