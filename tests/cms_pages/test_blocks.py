"""Content blocks: admin metadata, preview rendering, and sanitising on store."""

from __future__ import annotations

import html
import inspect
import json
import re
from collections.abc import Iterator
from types import SimpleNamespace

from django.template.loader import get_template

from wagtail import blocks as wagtail_blocks
from wagtail.models import Collection
from wagtail.rich_text import RichText

import pytest
from wagtail_factories import DocumentFactory, ImageFactory

import cms_pages.blocks
import courses.blocks
from cms_pages.blocks import (
    AccordionBlock,
    AccordionItemBlock,
    BaseStreamBlock,
    CalloutBlock,
    SafeRichTextBlock,
    VideoBlock,
)
from cms_pages.models import StandardPage
from cms_pages.sanitize import strip_tags
from courses.blocks import LessonStreamBlock, SourceBlock
from courses.models import LessonPage
from tests.factories import LessonPageFactory, build_programme

MALICIOUS = (
    '<p onclick="alert(1)" style="color:red">Текст уроку'
    '<script>alert("xss")</script> <a href="javascript:alert(2)">посилання</a>'
    "<img src=x onerror=alert(3)></p>"
)

# Containers render their children with ``include_block``; the accordion item is
# rendered by the accordion's own template. Every other block must carry metadata.
CONTAINERS = {BaseStreamBlock, LessonStreamBlock}
CHILD_ONLY = {AccordionItemBlock}


def _block_classes() -> list[type[wagtail_blocks.Block]]:
    found = []
    for module in (cms_pages.blocks, courses.blocks):
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(obj, wagtail_blocks.Block)
                and obj.__module__ == module.__name__
            ):
                found.append(obj)
    return sorted(found, key=lambda cls: cls.__qualname__)


def _has_preview(block_class) -> bool:
    """A static ``Meta.preview_value`` or our own ``get_preview_value``."""
    if hasattr(block_class().meta, "preview_value"):
        return True
    return any(
        "get_preview_value" in vars(cls)
        for cls in block_class.__mro__
        if cls.__module__ in {"cms_pages.blocks", "courses.blocks"}
    )


BLOCK_CLASSES = _block_classes()
CONTENT_BLOCKS = [c for c in BLOCK_CLASSES if c not in CONTAINERS | CHILD_ONLY]
PREVIEW_BLOCKS = [c for c in CONTENT_BLOCKS if _has_preview(c)]


def _ids(classes):
    return [c.__name__ for c in classes]


def _assert_clean(source: str) -> None:
    lowered = source.lower()
    assert "<script" not in lowered
    assert "onclick" not in lowered
    assert "onerror" not in lowered
    assert "javascript:" not in lowered
    assert "style=" not in lowered
    assert "Текст уроку" in source
    assert "посилання" in source


def _texts(value) -> Iterator[str]:
    """Human-readable strings of a preview value (Cyrillic text, not URLs/choices)."""
    if isinstance(value, str):
        if re.search("[А-Яа-яІіЇїЄєҐґ]", value) and not value.startswith("http"):
            yield " ".join(strip_tags(value).split())
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def _visible_text(rendered: str) -> str:
    return " ".join(html.unescape(strip_tags(str(rendered))).split())


def test_the_block_inventory_is_what_we_expect():
    """A new block class must be added here consciously, with its metadata."""
    assert set(BLOCK_CLASSES) >= CONTAINERS | CHILD_ONLY
    assert len(CONTENT_BLOCKS) >= 10
    assert len(PREVIEW_BLOCKS) >= 7


@pytest.mark.parametrize("block_class", CONTENT_BLOCKS, ids=_ids(CONTENT_BLOCKS))
class TestBlockMetadata:
    def test_has_an_icon(self, block_class):
        icon = block_class().meta.icon
        assert icon
        assert icon != "placeholder"

    def test_has_a_description(self, block_class):
        assert str(block_class().get_description()).strip()

    def test_has_a_template_that_exists(self, block_class):
        template = block_class().meta.template
        assert template
        assert template.startswith(("cms_pages/blocks/", "courses/blocks/"))
        get_template(template)


@pytest.fixture
def media_library(db, monkeypatch):
    """An image and a document for chooser previews; embeds never hit the network."""
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    ImageFactory(collection=root, title="Слухання")
    DocumentFactory(collection=root, title="Положення")

    def fake_get_embed(url, max_width=None, **kwargs):
        return SimpleNamespace(html=f'<iframe title="embed" data-src="{url}"></iframe>')

    monkeypatch.setattr("wagtail.embeds.embeds.get_embed", fake_get_embed)


@pytest.mark.parametrize("block_class", PREVIEW_BLOCKS, ids=_ids(PREVIEW_BLOCKS))
@pytest.mark.usefixtures("media_library")
class TestPreviewRendering:
    def test_preview_value_survives_storage(self, block_class):
        block = block_class()
        stored = block.get_prep_value(block.get_preview_value())
        assert block.get_prep_value(block.to_python(stored)) == stored

    def test_preview_renders_its_text(self, block_class):
        block = block_class()
        stored = block.get_prep_value(block.get_preview_value())
        rendered = block.render(block.to_python(stored))
        visible = _visible_text(rendered)
        texts = [t for t in _texts(stored) if t]
        assert texts, "the preview value has no human-readable text to check"
        for text in texts:
            # Visible text, or an attribute such as an image's alt text.
            assert text in visible or text in html.unescape(rendered), (text, rendered)


def test_source_block_renders_a_link_to_its_url():
    block = SourceBlock()
    rendered = block.render(block.get_preview_value())
    assert 'href="https://zakon.rada.gov.ua/' in rendered
    assert 'rel="noopener"' in rendered


class TestSafeRichTextBlock:
    def test_get_prep_value_strips_script_and_handlers(self):
        stored = SafeRichTextBlock().get_prep_value(RichText(MALICIOUS))
        _assert_clean(stored)

    def test_normalize_strips_script_and_handlers(self):
        value = SafeRichTextBlock().normalize(MALICIOUS)
        assert isinstance(value, RichText)
        _assert_clean(value.source)

    def test_normalize_keeps_richtext_and_empty_values(self):
        rich = RichText("<p>Так</p>")
        assert SafeRichTextBlock().normalize(rich) is rich
        assert SafeRichTextBlock().normalize("").source == ""

    def test_rendering_a_normalised_value_is_clean(self):
        block = SafeRichTextBlock()
        _assert_clean(str(block.render(block.normalize(MALICIOUS))))

    def test_keeps_wagtail_links_and_formatting(self):
        source = '<p><strong>Участь</strong> <a linktype="page" id="3">тут</a></p>'
        assert SafeRichTextBlock().get_prep_value(RichText(source)) == source

    def test_default_features_are_the_house_ones(self):
        assert SafeRichTextBlock().features == cms_pages.blocks.RICH_FEATURES


class TestNestedRichTextIsSanitised:
    def test_callout_body(self):
        block = CalloutBlock()
        value = block.normalize({"kind": "tip", "title": "Порада", "body": MALICIOUS})
        _assert_clean(block.get_prep_value(value)["body"])

    def test_accordion_item_body(self):
        block = AccordionBlock()
        value = block.normalize([{"title": "Питання", "body": MALICIOUS}])
        stored = block.get_prep_value(value)
        _assert_clean(stored[0]["value"]["body"])

    def test_video_transcript(self):
        block = VideoBlock()
        value = block.normalize(
            {"video": None, "title": "Відео", "transcript": MALICIOUS}
        )
        _assert_clean(block.get_prep_value(value)["transcript"])

    def test_stream_paragraph(self):
        block = BaseStreamBlock()
        stored = block.get_prep_value(block.normalize([("paragraph", MALICIOUS)]))
        _assert_clean(stored[0]["value"])


@pytest.mark.django_db
class TestStreamFieldOnPages:
    def test_standard_page_body_comes_back_clean(self, home):
        page = StandardPage(title="Про нас", slug="about")
        page.body = [("paragraph", RichText(MALICIOUS))]
        home.add_child(instance=page)

        fresh = StandardPage.objects.get(pk=page.pk)
        _assert_clean(fresh.body.raw_data[0]["value"])
        _assert_clean(fresh.body[0].value.source)

    def test_raw_html_assigned_to_a_page_body_is_clean(self, home):
        page = StandardPage(title="Про нас", slug="about")
        page.body = [("paragraph", MALICIOUS)]
        home.add_child(instance=page)

        fresh = StandardPage.objects.get(pk=page.pk)
        _assert_clean(fresh.body.raw_data[0]["value"])

    def test_published_revision_is_clean(self, home):
        page = StandardPage(title="Про нас", slug="about", live=False)
        home.add_child(instance=page)
        page.body = [
            ("callout", {"kind": "info", "title": "Увага", "body": MALICIOUS}),
            ("paragraph", RichText(MALICIOUS)),
        ]
        page.save_revision().publish()

        fresh = StandardPage.objects.get(pk=page.pk)
        assert fresh.live
        _assert_clean(fresh.body.raw_data[0]["value"]["body"])
        _assert_clean(fresh.body.raw_data[1]["value"])

    def test_lesson_body_from_json_is_clean(self, catalogue):
        tree = build_programme(parent=catalogue, modules=1, lessons_per_module=0)
        body = json.dumps([{"type": "paragraph", "value": MALICIOUS}])
        lesson = LessonPageFactory(parent=tree.modules[0], body=body)

        fresh = LessonPage.objects.get(pk=lesson.pk)
        _assert_clean(fresh.body.raw_data[0]["value"])

    def test_rendered_page_has_no_script(self, client, home):
        page = StandardPage(title="Про нас", slug="about")
        page.body = [("paragraph", MALICIOUS)]
        home.add_child(instance=page)

        response = client.get(page.url)
        assert response.status_code == 200
        content = response.content.decode()
        assert "Текст уроку" in content
        assert "<script>alert" not in content
        assert "onclick=" not in content
        assert "javascript:alert" not in content
