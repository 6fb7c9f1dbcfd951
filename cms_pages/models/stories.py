"""Success stories from communities: one index (``/stories/``) and its stories."""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model_string
from wagtail.models import Page
from wagtail.search import index

from .. import selectors
from ..blocks import BaseStreamBlock, ResultBlock
from ..choices import Oblast
from ..forms import StoryFilterForm
from ..pagination import paginate
from .base import SanitizedPage
from .library import YEAR_VALIDATORS


class StoryIndexPage(SanitizedPage):
    """Success stories, filtered by theme and oblast."""

    intro = RichTextField(_("introduction"), blank=True)

    sanitized_fields = ("intro",)
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms_pages.HomePage"]
    subpage_types = ["cms_pages.StoryPage"]
    max_count = 1

    class Meta:
        verbose_name = _("success stories index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        stories = selectors.stories_for_index(index_page=self)
        form = StoryFilterForm(
            request.GET,
            themes=selectors.story_themes(stories=stories),
            oblasts=selectors.story_oblasts(stories=stories),
        )
        chosen = form.filters()
        results = selectors.story_filter(
            stories=stories,
            theme=chosen.get("theme", ""),
            oblast=chosen.get("oblast", ""),
        )
        context["filter_form"] = form
        context["results"] = paginate(results, request.GET.get("page"))
        return context


class StoryThemeTag(TaggedItemBase):
    """A theme of a success story (the tags are shared with the library)."""

    content_object = ParentalKey(
        "cms_pages.StoryPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class StoryPage(SanitizedPage):
    """A community's story: what changed, the results, a voice from it."""

    community = models.CharField(
        _("community"),
        max_length=200,
        help_text=_("The territorial community (hromada) the story is about."),
    )
    oblast = models.CharField(
        _("oblast"), max_length=20, choices=Oblast.choices, blank=True
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    tags = ClusterTaggableManager(
        through=StoryThemeTag,
        blank=True,
        verbose_name=_("themes"),
        help_text=_(
            "Short themes in Ukrainian, e.g. «ґендерна рівність», «ВПО», «молодь»."
        ),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("Plain text, up to 300 characters: shown on cards."),
    )
    hero_image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        # No reverse accessor on images: nothing looks stories up from an image.
        related_name="+",
        help_text=_(
            "Optional. Give the image a description in the image library: it is "
            "the alternative text."
        ),
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("story"))
    results = StreamField(
        [("result", ResultBlock(label=_("Result")))],
        blank=True,
        verbose_name=_("results"),
        help_text=_("Short outcomes, one per line of the list."),
    )
    quote = models.TextField(_("quotation"), max_length=500, blank=True)
    quote_attribution = models.CharField(
        _("quotation attribution"),
        max_length=200,
        blank=True,
        help_text=_("Who said it. For an illustrative story, a role, not a name."),
    )
    is_illustrative = models.BooleanField(
        _("illustrative example"),
        default=False,
        help_text=_(
            "Tick when the story is a composite or invented example rather than "
            "an account of real events. The page and its card then say so."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("is_illustrative"),
        FieldPanel("summary", widget=forms.Textarea(attrs={"rows": 3})),
        MultiFieldPanel(
            [
                FieldPanel("community"),
                FieldPanel("oblast"),
                FieldPanel("year"),
                FieldPanel("tags"),
            ],
            heading=_("Where and when"),
        ),
        FieldPanel("hero_image"),
        FieldPanel("body"),
        FieldPanel("results"),
        MultiFieldPanel(
            [FieldPanel("quote"), FieldPanel("quote_attribution")],
            heading=_("Quotation"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("community"),
        index.SearchField("body"),
        index.FilterField("oblast"),
        index.FilterField("year"),
    ]
    parent_page_types = ["cms_pages.StoryIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("success story")
        verbose_name_plural = _("success stories")
