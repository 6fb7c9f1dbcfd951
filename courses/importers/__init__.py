"""Pure text importers and exporters for question banks (GIFT, Aiken).

Everything in this package turns text into the intermediate structure described
in ``shared/conformance/gift/README.md`` (or back). It imports no models and
touches no database, so that a file can be parsed, previewed and dry-run
(``import_questions --dry-run --json``) before anything is written, and so that
the parsers are unit-tested without Django's ORM. Model creation, sanitising of
HTML-format text (``cms_pages.sanitize.sanitize_html``) and category handling
belong to the layer that calls these functions.
"""

from courses.importers.aiken import parse_aiken
from courses.importers.gift import parse_gift
from courses.importers.gift_export import GiftExportError, export_gift
from courses.importers.schema import ParseError, ParseResult, to_json

__all__ = [
    "GiftExportError",
    "ParseError",
    "ParseResult",
    "export_gift",
    "parse_aiken",
    "parse_gift",
    "to_json",
]
