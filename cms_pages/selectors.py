"""Reads for site pages.

Every function here is one query (the library and story listings add one for
the tags of the page of results), whatever the number of rows. Page view
restrictions are applied inside that query (``_public``) rather than with
``PageQuerySet.public()``, which runs a query of its own each time.
"""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr

from wagtail.models import Page, PageViewRestriction

# Ukrainian alphabetical order (Unicode order puts «і», «ї», «є», «ґ» last).
_UK_ALPHABET = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
_UK_ORDER = {letter: index for index, letter in enumerate(_UK_ALPHABET)}
# Most recently published first; pages never published (NULL) go last on every
# database (PostgreSQL would put NULLs first in a descending order).
_NEWEST = F("first_published_at").desc(nulls_last=True)


def uk_sort_key(text: str) -> tuple:
    """Sort key that puts Ukrainian words in dictionary order (Latin after)."""
    return tuple(_UK_ORDER.get(ch, 100 + ord(ch)) for ch in text.casefold())


def _public(queryset: QuerySet) -> QuerySet:
    """``queryset`` without pages under a view restriction, in the same query."""
    # A restriction applies to its page and every page below: its page's path
    # is a prefix of theirs.
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    ).values("pk")
    return queryset.exclude(Exists(restricted))


def _searchable(queryset: QuerySet) -> QuerySet:
    """The rows of ``queryset`` as a plain ``id__in`` filter that Wagtail search
    accepts (search backends only take filters on indexed fields)."""
    return queryset.model.objects.filter(id__in=queryset.values("id"))


# News ------------------------------------------------------------------------


def news_latest(*, site_root: Page, limit: int = 3) -> QuerySet:
    """The newest live news items under ``site_root``."""
    from .models import NewsPage

    return (
        NewsPage.objects.live()
        .public()
        .descendant_of(site_root)
        .order_by("-date", "-pk")[:limit]
    )


def news_for_index(*, index_page: Page) -> QuerySet:
    """Every live news item of one index, newest first."""
    from .models import NewsPage

    return (
        NewsPage.objects.live().public().child_of(index_page).order_by("-date", "-pk")
    )


# Library ---------------------------------------------------------------------


def library_items(*, index_page: Page) -> QuerySet:
    """Live, public materials of one library: newest year first, then newest added."""
    from .models import LibraryItemPage

    return _public(LibraryItemPage.objects.live().child_of(index_page)).order_by(
        F("year").desc(nulls_last=True), _NEWEST, "-pk"
    )


def library_topics(*, items: QuerySet) -> list[tuple[str, str]]:
    """``(slug, name)`` of every topic used by ``items``, in Ukrainian order."""
    from .models import LibraryItemTag

    return _tags_of(LibraryItemTag, items)


def library_years(*, items: QuerySet) -> list[int]:
    """The distinct years of ``items``, newest first."""
    years = items.order_by().values_list("year", flat=True).distinct()
    return sorted((year for year in years if year), reverse=True)


def library_filter(
    *,
    items: QuerySet,
    material_type: str = "",
    topic: str = "",
    year: int | None = None,
    query: str = "",
):
    """``items`` narrowed by type, topic (tag slug) and year, then searched.

    Without ``query`` the result is a queryset in the library's order; with it,
    Wagtail search results ordered by relevance. Topics come prefetched.
    """
    from .models import LibraryItemTag

    if material_type:
        items = items.filter(material_type=material_type)
    if year:
        items = items.filter(year=year)
    if topic:
        items = items.filter(
            id__in=LibraryItemTag.objects.filter(tag__slug=topic).values(
                "content_object_id"
            )
        )
    if query:
        return _searchable(items).prefetch_related("tags").search(query)
    return items.prefetch_related("tags")


def library_latest(*, site_root: Page, limit: int = 3) -> QuerySet:
    """The materials most recently published anywhere under ``site_root``."""
    from .models import LibraryItemPage

    return _public(LibraryItemPage.objects.live().descendant_of(site_root)).order_by(
        _NEWEST, "-pk"
    )[:limit]


def library_related(*, item: Page, limit: int = 3) -> list:
    """Up to ``limit`` other live materials sharing a topic with ``item``: the
    most shared topics first, then the newest. One query."""
    from .models import LibraryItemPage, LibraryItemTag

    topic_ids = LibraryItemTag.objects.filter(content_object_id=item.pk).values(
        "tag_id"
    )
    return list(
        _public(LibraryItemPage.objects.live())
        .exclude(pk=item.pk)
        .annotate(
            shared=Count("tagged_items", filter=Q(tagged_items__tag_id__in=topic_ids))
        )
        .filter(shared__gt=0)
        .order_by(
            "-shared",
            F("year").desc(nulls_last=True),
            _NEWEST,
            "-pk",
        )[:limit]
    )


def library_item_documents(*, item: Page) -> list:
    """The documents attached to ``item``, in the editor's order, each with its
    Wagtail document joined in."""
    from .models import LibraryItemDocument

    return list(
        LibraryItemDocument.objects.filter(page_id=item.pk)
        .select_related("document")
        .order_by("sort_order", "pk")
    )


# Success stories ---------------------------------------------------------------


def stories_for_index(*, index_page: Page) -> QuerySet:
    """Live, public stories of one index: newest year first, then newest added."""
    from .models import StoryPage

    return _public(StoryPage.objects.live().child_of(index_page)).order_by(
        F("year").desc(nulls_last=True), _NEWEST, "-pk"
    )


def story_themes(*, stories: QuerySet) -> list[tuple[str, str]]:
    """``(slug, name)`` of every theme used by ``stories``, in Ukrainian order."""
    from .models import StoryThemeTag

    return _tags_of(StoryThemeTag, stories)


def story_oblasts(*, stories: QuerySet) -> list[str]:
    """The distinct oblasts (stored values) of ``stories``."""
    values = stories.order_by().values_list("oblast", flat=True).distinct()
    return sorted(value for value in values if value)


def story_filter(*, stories: QuerySet, theme: str = "", oblast: str = "") -> QuerySet:
    """``stories`` narrowed by theme (tag slug) and oblast, themes prefetched."""
    from .models import StoryThemeTag

    if oblast:
        stories = stories.filter(oblast=oblast)
    if theme:
        stories = stories.filter(
            id__in=StoryThemeTag.objects.filter(tag__slug=theme).values(
                "content_object_id"
            )
        )
    return stories.prefetch_related("tags")


def stories_latest(*, site_root: Page, limit: int = 3) -> QuerySet:
    """The stories most recently published anywhere under ``site_root``."""
    from .models import StoryPage

    return _public(StoryPage.objects.live().descendant_of(site_root)).order_by(
        _NEWEST, "-pk"
    )[:limit]


# Helpers -----------------------------------------------------------------------


def _tags_of(through_model, pages: QuerySet) -> list[tuple[str, str]]:
    rows = (
        through_model.objects.filter(content_object_id__in=pages.values("pk"))
        .values_list("tag__slug", "tag__name")
        .distinct()
    )
    return sorted(set(rows), key=lambda row: uk_sort_key(row[1]))
