"""Reads for site pages."""

from __future__ import annotations

from django.db.models import QuerySet

from wagtail.models import Page


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
