"""The project's one HTML sanitiser. No other module imports bleach.

Rich text reaches the site from trainers (admin editor), from importers and from
learners. Trainer and import HTML is cleaned once, when it is saved, with an
allow-list that matches what our templates render and what Wagtail's rich text
storage format uses (``<a linktype="page" id="3">``, ``<embed embedtype="image">``).
Learner text is never treated as HTML at all: templates escape it.

Keeping bleach behind this module makes a swap to nh3 a one-file change.
"""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import urlsplit

import bleach

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "code",
        "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "hr",
        "a", "embed", "table", "thead", "tbody", "tr", "th", "td", "caption",
        "abbr", "mark", "span",
    }
)  # fmt: skip
EMBED_ATTRIBUTES = frozenset({"embedtype", "id", "format", "alt", "url"})
_CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f]+")


def _embed_attribute(tag: str, name: str, value: str) -> bool:
    """Allow Wagtail's embed attributes; a media embed's ``url`` must use an
    allowed protocol (bleach checks protocols on ``href``-like attributes only)."""
    if name not in EMBED_ATTRIBUTES:
        return False
    if name != "url":
        return True
    try:
        scheme = urlsplit(_CONTROL_AND_SPACE.sub("", html_lib.unescape(value))).scheme
    except ValueError:
        return False
    return scheme.lower() in ALLOWED_PROTOCOLS


ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "linktype", "id", "lang"],
    "embed": _embed_attribute,
    "abbr": ["title"],
    "th": ["scope", "colspan", "rowspan"],
    "td": ["colspan", "rowspan"],
    "span": ["lang"],
    "p": ["lang"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})


def sanitize_html(html: str | None) -> str:
    """Return ``html`` reduced to the allow-list; scripts, styles and handlers go.

    Idempotent: sanitising the output again returns it unchanged.
    """
    if not html:
        return ""
    return bleach.clean(
        str(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


def strip_tags(html: str | None) -> str:
    """Plain text of ``html``: every tag removed (for search, word counts, PDFs)."""
    if not html:
        return ""
    return bleach.clean(str(html), tags=set(), attributes={}, strip=True)
