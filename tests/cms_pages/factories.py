"""Factories for the site pages of cms_pages (kept beside their tests)."""

from __future__ import annotations

import datetime

import factory
import wagtail_factories

from cms_pages.models import NewsIndexPage, NewsPage, StandardPage


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StandardPage

    title = factory.Sequence(lambda n: f"Сторінка {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    intro = "Про школу місцевої демократії."


class NewsIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = NewsIndexPage

    title = "Новини"
    slug = "news"
    intro = "Новини та історії успіху громад."


class NewsPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = NewsPage

    title = factory.Sequence(lambda n: f"Новина {n}")
    slug = factory.Sequence(lambda n: f"news-{n}")
    date = factory.Sequence(lambda n: datetime.date(2025, 1, 1) + datetime.timedelta(n))
    summary = "Громада ухвалила положення про бюджет участі."
