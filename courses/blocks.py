"""Lesson body blocks: the shared site blocks plus nothing lesson-only yet.

Kept as its own StreamBlock so lesson-specific blocks (e.g. a reflection prompt)
can be added without touching site pages.
"""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks

from cms_pages.blocks import BaseStreamBlock


class LessonStreamBlock(BaseStreamBlock):
    pass


class SourceBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=300)
    url = blocks.URLBlock(label=_("Address"), required=False)

    class Meta:
        icon = "link"
        template = "courses/blocks/source.html"
        description = _("A source the lesson relies on")
        preview_value = {
            "title": "Закон України «Про місцеве самоврядування в Україні»",
            "url": "https://zakon.rada.gov.ua/laws/show/280/97-вр",
        }


class OutcomeBlock(blocks.CharBlock):
    class Meta:
        icon = "tick"
        template = "courses/blocks/outcome.html"
        description = _("One learning outcome")
        preview_value = "Пояснює, як подати електронну петицію"
