"""Build the demo site tree from :mod:`lms.demo.sample_programme`.

Idempotent: pages are found by slug under their parent and created only when
missing, so running it again changes nothing and keeps learners' progress.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.files.base import ContentFile
from django.db import transaction

from wagtail.documents import get_document_model
from wagtail.models import Collection, Page, Site

from cms_pages.models import (
    HomePage,
    LibraryIndexPage,
    LibraryItemDocument,
    LibraryItemPage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
    StoryIndexPage,
    StoryPage,
)
from courses.models import LessonPage, ModulePage, ProgrammeIndexPage, ProgrammePage

from . import public_content
from . import sample_programme as content
from .checklist_pdf import checklist_pdf


def _child(
    parent: Page, model, slug: str, *, tags: list[str] | None = None, **fields
) -> tuple[Page, bool]:
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing, False
    page = model(slug=slug, **fields)
    if tags:
        page.tags.add(*tags)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def stream_body(blocks: list[tuple[str, object]]) -> str:
    """Convert the content module's ``(type, value)`` tuples to StreamField JSON."""
    raw = []
    for block_type, value in blocks:
        if block_type == "table":
            value = {
                "data": [value["header"], *value["rows"]],
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "table_caption": value.get("caption", ""),
            }
        raw.append({"type": block_type, "value": value})
    return json.dumps(raw, ensure_ascii=False)


def _outcomes(items: list[str]) -> str:
    return json.dumps(
        [{"type": "outcome", "value": o} for o in items], ensure_ascii=False
    )


def _sources(items: list[dict]) -> str:
    return json.dumps(
        [
            {"type": "source", "value": {"title": s["title"], "url": s.get("url", "")}}
            for s in items
        ],
        ensure_ascii=False,
    )


@transaction.atomic
def build_site(*, include_sample: bool = True) -> dict:
    """Create the home page, catalogue, news, about page and sample programme.

    ``include_sample=False`` stops before the sample programme (used when the
    real programmes are imported from ``content/``, which supersede it).
    """
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        # Replace Wagtail's placeholder "Welcome" page if it is still there.
        for placeholder in Page.objects.child_of(root).filter(slug="home"):
            if (
                type(placeholder.specific) is Page
                and not placeholder.get_children().exists()
            ):
                placeholder.delete()
        home = HomePage(
            title=content.HOME["title"],
            slug="home",
            intro=content.HOME["intro"],
            hero_title=content.HOME["title"],
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    site.root_page = home
    site.site_name = content.HOME["title"]
    site.save()

    catalogue, _ = _child(
        home,
        ProgrammeIndexPage,
        "programmes",
        title="Програми навчання",
        intro="<p>Безкоштовні програми про участь громадян у місцевому "
        "самоврядуванні: для посадових осіб громад і для активних "
        "мешканців.</p>",
    )
    news_index, _ = _child(home, NewsIndexPage, "news", title="Новини")
    for item in content.NEWS:
        _child(
            news_index,
            NewsPage,
            item["slug"],
            title=item["title"],
            date=dt.date.fromisoformat(item["date"]),
            summary=item["summary"],
            body=stream_body([("paragraph", item["body"])]),
        )
    build_library(home)
    build_stories(home)
    _child(
        home,
        StandardPage,
        content.ABOUT["slug"],
        title=content.ABOUT["title"],
        body=stream_body([("paragraph", content.ABOUT["body"])]),
    )

    if not include_sample:
        return {"home": home, "catalogue": catalogue, "programme": None}
    spec = content.SAMPLE_PROGRAMME
    programme, created = _child(
        catalogue,
        ProgrammePage,
        spec["slug"],
        title=spec["title"],
        title_en=spec["title_en"],
        kind=spec["kind"],
        hours=spec["hours"],
        ects=spec["ects"],
        audience=spec["audience"],
        summary=spec["summary"],
        description=spec["description"],
        outcomes=_outcomes(spec["outcomes"]),
        enrolment_policy=spec["enrolment_policy"],
    )
    for module_spec in spec["modules"]:
        module, _ = _child(
            programme,
            ModulePage,
            module_spec["slug"],
            title=module_spec["title"],
            title_en=module_spec["title_en"],
            hours=module_spec["hours"],
            summary=module_spec.get("summary", ""),
            outcomes=_outcomes(module_spec["outcomes"]),
        )
        for lesson in module_spec["lessons"]:
            _child(
                module,
                LessonPage,
                lesson["slug"],
                title=lesson["title"],
                title_en=lesson["title_en"],
                estimated_minutes=lesson["minutes"],
                as_of=dt.date.fromisoformat(lesson["as_of"])
                if lesson.get("as_of")
                else None,
                body=stream_body(lesson["body"]),
                sources=_sources(lesson.get("sources", [])),
            )
    if created or not home.featured_programmes:
        home.featured_programmes = json.dumps(
            [{"type": "programme", "value": programme.pk}]
        )
        home.save_revision().publish()
    return {"home": home, "catalogue": catalogue, "programme": programme}


def build_library(home: HomePage) -> LibraryIndexPage:
    """The library at ``/library/`` with the materials of ``public_content``."""
    spec = public_content.LIBRARY
    library, _ = _child(
        home, LibraryIndexPage, spec["slug"], title=spec["title"], intro=spec["intro"]
    )
    for item in public_content.MATERIALS:
        page, created = _child(
            library,
            LibraryItemPage,
            item["slug"],
            title=item["title"],
            material_type=item["material_type"],
            year=item["year"],
            authors=item["authors"],
            language=item["language"],
            summary=item["summary"],
            source_url=item["source_url"],
            body=stream_body(item["body"]),
            tags=item["tags"],
        )
        if item.get("document") == "checklist" and created:
            LibraryItemDocument.objects.create(
                page=page,
                document=_checklist_document(),
                caption=public_content.CHECKLIST["caption"],
            )
    return library


def _checklist_document():
    """The programme's own checklist as a Wagtail document (made once)."""
    spec = public_content.CHECKLIST
    Document = get_document_model()
    existing = Document.objects.filter(title=spec["title"]).first()
    if existing is not None:
        return existing
    data = checklist_pdf(spec)
    document = Document(
        title=spec["title"],
        collection=Collection.get_first_root_node(),
        file=ContentFile(data, name=spec["filename"]),
    )
    document._set_document_file_metadata()
    document.save()
    return document


def build_stories(home: HomePage) -> StoryIndexPage:
    """Success stories at ``/stories/``: illustrative composites, marked so."""
    spec = public_content.STORIES_INDEX
    stories, _ = _child(
        home, StoryIndexPage, spec["slug"], title=spec["title"], intro=spec["intro"]
    )
    for story in public_content.STORIES:
        _child(
            stories,
            StoryPage,
            story["slug"],
            title=story["title"],
            community=story["community"],
            oblast=story["oblast"],
            year=story["year"],
            summary=story["summary"],
            body=stream_body(story["body"]),
            results=json.dumps(
                [{"type": "result", "value": text} for text in story["results"]],
                ensure_ascii=False,
            ),
            quote=story["quote"],
            quote_attribution=story["quote_attribution"],
            is_illustrative=True,
            tags=story["tags"],
        )
    return stories
