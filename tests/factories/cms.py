"""Factories for the library and success-story pages of cms_pages.

``tags`` is a list of tag names: ``LibraryItemPageFactory(parent=library,
tags=["бюджет участі"])``. Documents are attached with ``attach_document``.
"""

from __future__ import annotations

import factory
import wagtail_factories
from wagtail_factories import DocumentFactory

from cms_pages.choices import MaterialType, Oblast
from cms_pages.models import (
    LibraryIndexPage,
    LibraryItemDocument,
    LibraryItemPage,
    StoryIndexPage,
    StoryPage,
)


class _TaggedPageFactory(wagtail_factories.PageFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if not extracted:
            return
        obj.tags.add(*extracted)
        if create:
            obj.save()


class LibraryIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LibraryIndexPage

    title = "Бібліотека"
    slug = "library"
    intro = "<p>Аналітичні матеріали, посібники та огляди законодавства.</p>"


class LibraryItemPageFactory(_TaggedPageFactory):
    class Meta:
        model = LibraryItemPage

    title = factory.Sequence(lambda n: f"Матеріал {n}")
    slug = factory.Sequence(lambda n: f"material-{n}")
    material_type = MaterialType.ANALYTICAL_REPORT
    year = 2025
    authors = "Школа місцевої демократії"
    language = "uk"
    summary = "Огляд інструментів участі жителів у житті громади."


class StoryIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StoryIndexPage

    title = "Історії успіху"
    slug = "stories"
    intro = "<p>Як громади залучають жителів до рішень.</p>"


class StoryPageFactory(_TaggedPageFactory):
    class Meta:
        model = StoryPage

    title = factory.Sequence(lambda n: f"Історія {n}")
    slug = factory.Sequence(lambda n: f"story-{n}")
    community = "Умовна громада «Степова»"
    oblast = Oblast.POLTAVA
    year = 2025
    summary = "Жителі разом з радою змінили правила громадських слухань."
    is_illustrative = True


def attach_document(
    page: LibraryItemPage, *, title: str, content: bytes, name: str, caption=""
) -> LibraryItemDocument:
    """Upload a document with ``content`` and attach it to ``page``."""
    from django.core.files.base import ContentFile

    from wagtail.models import Collection

    document = DocumentFactory(
        title=title,
        file=ContentFile(content, name=name),
        file_size=len(content),
        collection=Collection.get_first_root_node(),
    )
    return LibraryItemDocument.objects.create(
        page=page, document=document, caption=caption
    )
