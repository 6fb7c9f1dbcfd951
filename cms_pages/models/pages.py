"""Home, standard and news pages."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .. import selectors
from ..blocks import BaseStreamBlock
from .base import SanitizedPage


class HomePage(SanitizedPage):
    """The organisation's front page: programmes, library, stories, news."""

    hero_title = models.CharField(_("headline"), max_length=200, blank=True)
    intro = RichTextField(_("introduction"), blank=True)
    featured_programmes = StreamField(
        [
            (
                "programme",
                blocks.PageChooserBlock(
                    page_type="courses.ProgrammePage", label=_("Programme")
                ),
            )
        ],
        blank=True,
        verbose_name=_("featured programmes"),
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    sanitized_fields = ("intro",)
    content_panels = [
        *Page.content_panels,
        FieldPanel("hero_title"),
        FieldPanel("intro"),
        FieldPanel("featured_programmes"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = selectors.news_latest(site_root=self, limit=3)
        context["latest_materials"] = selectors.library_latest(site_root=self, limit=3)
        context["latest_stories"] = selectors.stories_latest(site_root=self, limit=3)
        context["featured"] = [
            block.value.specific
            for block in self.featured_programmes
            if block.value is not None and block.value.live
        ]
        return context


class StandardPage(SanitizedPage):
    """A general page (about us, contacts, privacy) built from content blocks."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("standard page")


class NewsIndexPage(SanitizedPage):
    """News items, newest first (success stories have their own index)."""

    intro = models.TextField(_("introduction"), blank=True)
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["cms_pages.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = selectors.news_for_index(index_page=self)
        return context


class NewsPage(SanitizedPage):
    """A news item."""

    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms_pages.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
