"""The library of analytical materials: one index (``/library/``) and its items."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .. import selectors
from ..blocks import BaseStreamBlock
from ..choices import MaterialLanguage, MaterialType
from ..forms import LibraryFilterForm
from ..pagination import paginate
from .base import SanitizedPage

YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


class LibraryIndexPage(SanitizedPage):
    """The library: materials filtered by type, topic and year, and searchable."""

    intro = RichTextField(_("introduction"), blank=True)

    sanitized_fields = ("intro",)
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms_pages.HomePage"]
    subpage_types = ["cms_pages.LibraryItemPage"]
    max_count = 1

    class Meta:
        verbose_name = _("library")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = selectors.library_items(index_page=self)
        form = LibraryFilterForm(
            request.GET,
            topics=selectors.library_topics(items=items),
            years=selectors.library_years(items=items),
        )
        chosen = form.filters()
        results = selectors.library_filter(
            items=items,
            material_type=chosen.get("type", ""),
            topic=chosen.get("topic", ""),
            year=chosen.get("year"),
            query=chosen.get("q", ""),
        )
        context["filter_form"] = form
        context["results"] = paginate(results, request.GET.get("page"))
        return context


class LibraryItemTag(TaggedItemBase):
    """A topic of a library material (the tags are shared with stories)."""

    content_object = ParentalKey(
        "cms_pages.LibraryItemPage",
        related_name="tagged_items",
        on_delete=models.CASCADE,
    )


class LibraryItemPage(SanitizedPage):
    """One material: what it is, who published it, where to get it."""

    material_type = models.CharField(
        _("type of material"),
        max_length=30,
        choices=MaterialType.choices,
        default=MaterialType.ANALYTICAL_REPORT,
    )
    tags = ClusterTaggableManager(
        through=LibraryItemTag,
        blank=True,
        verbose_name=_("topics"),
        help_text=_(
            "Short topics in Ukrainian, e.g. «бюджет участі», «статут громади». "
            "Visitors filter the library by them."
        ),
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("Year the material was published or adopted."),
    )
    authors = models.CharField(
        _("authors or publisher"),
        max_length=300,
        blank=True,
        help_text=_("People or the organisation behind the material."),
    )
    language = models.CharField(
        _("language of the material"),
        max_length=2,
        choices=MaterialLanguage.choices,
        default=MaterialLanguage.UK,
        help_text=_("The language of the document or the source page."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("Plain text, up to 300 characters: shown on cards and in search."),
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("description"))
    source_url = models.URLField(
        _("link to the original source"),
        max_length=500,
        blank=True,
        help_text=_(
            "The official page of the material, when it is published elsewhere."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary", widget=forms.Textarea(attrs={"rows": 3})),
        MultiFieldPanel(
            [
                FieldPanel("material_type"),
                FieldPanel("tags"),
                FieldPanel("year"),
                FieldPanel("authors"),
                FieldPanel("language"),
                FieldPanel("source_url"),
            ],
            heading=_("About the material"),
        ),
        FieldPanel("body"),
        InlinePanel("documents", label=_("Documents to download")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("authors"),
        index.SearchField("body"),
        index.AutocompleteField("summary"),
        index.FilterField("material_type"),
        index.FilterField("year"),
        index.FilterField("language"),
    ]
    parent_page_types = ["cms_pages.LibraryIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("library material")
        verbose_name_plural = _("library materials")

    @property
    def source_host(self) -> str:
        """The source's host name without "www.", shown beside its link."""
        host = urlsplit(self.source_url).hostname or ""
        return host.removeprefix("www.")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["documents"] = selectors.library_item_documents(item=self)
        context["related"] = selectors.library_related(item=self, limit=3)
        return context


class LibraryItemDocument(Orderable):
    """A document attached to a library material, with the text of its button."""

    page = ParentalKey(
        LibraryItemPage, related_name="documents", on_delete=models.CASCADE
    )
    document = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    caption = models.CharField(
        _("caption"),
        max_length=200,
        blank=True,
        help_text=_("Text of the download button; the document's title if empty."),
    )

    panels = [FieldPanel("document"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.caption or str(self.document)

    @property
    def label(self) -> str:
        return self.caption or self.document.title
