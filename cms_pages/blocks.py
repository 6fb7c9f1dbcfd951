"""StreamField blocks shared by site pages and lessons.

Every block has an icon, a template under ``cms_pages/blocks/``, a description and a
preview value, so the admin's block picker shows trainers what they will get.
Rich text passes through :mod:`cms_pages.sanitize` whenever it is saved.
"""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock as WagtailTableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock as WagtailImageBlock
from wagtail.rich_text import RichText

from .sanitize import sanitize_html

RICH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4", "superscript", "subscript"]  # fmt: skip


class SafeRichTextBlock(blocks.RichTextBlock):
    """Rich text that is sanitised every time it is stored (admin, import, API)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("features", RICH_FEATURES)
        super().__init__(*args, **kwargs)

    def get_prep_value(self, value):
        source = super().get_prep_value(value)
        return sanitize_html(source)

    def normalize(self, value):
        # Raw HTML (e.g. ``page.body = [("paragraph", html)]``) is cleaned before it
        # becomes a RichText; the parent wraps every string, so clean it first.
        if isinstance(value, RichText) or not value:
            return super().normalize(value)
        return super().normalize(sanitize_html(value))

    class Meta:
        icon = "pilcrow"
        template = "cms_pages/blocks/paragraph.html"
        description = _("Paragraphs with bold, italic, links and lists")
        preview_value = (
            "<p>Громада — це люди, які разом ухвалюють рішення щодо спільного "
            "майбутнього. <strong>Участь</strong> починається з інформації.</p>"
        )


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Section (H2)")), ("h3", _("Subsection (H3)"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "cms_pages/blocks/heading.html"
        description = _("A section heading, listed in the page contents")
        preview_value = {"text": "Що таке бюджет участі", "level": "h2"}


class ImageBlock(WagtailImageBlock):
    """An image with alt text (required by Wagtail's ImageBlock) and a caption."""

    class Meta:
        icon = "image"
        template = "cms_pages/blocks/image.html"
        description = _("An image with alternative text")


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    def get_preview_value(self):
        # The newest image in the library, so the preview shows a real picture.
        from wagtail.images import get_image_model

        image = get_image_model().objects.order_by("-created_at").first()
        value = {"image": None, "caption": "Громадські слухання в будинку культури"}
        if image is not None:
            value["image"] = {
                "image": image.pk,
                "alt_text": image.title,
                "decorative": False,
            }
        return self.to_python(value)

    class Meta:
        icon = "image"
        template = "cms_pages/blocks/captioned_image.html"
        description = _("An image with alternative text and an optional caption")


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video link"), help_text=_("YouTube or Vimeo address"))
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    transcript = SafeRichTextBlock(
        label=_("Transcript"),
        required=False,
        help_text=_("For learners who cannot play video on a poor connection"),
    )

    class Meta:
        icon = "media"
        template = "cms_pages/blocks/video.html"
        description = _("An embedded video with a title and a transcript")
        preview_value = {
            "video": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "title": "Як подати проєкт на бюджет участі",
            "transcript": "<p>Текстова версія відео для слабкого зʼєднання.</p>",
        }


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), required=False, max_length=200)

    def get_preview_value(self):
        from wagtail.documents import get_document_model

        document = get_document_model().objects.order_by("-created_at").first()
        return self.to_python(
            {
                "document": document.pk if document else None,
                "title": "Положення про бюджет участі",
            }
        )

    class Meta:
        icon = "doc-full"
        template = "cms_pages/blocks/document.html"
        description = _("A downloadable document with its size and type")


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[
            ("info", _("Information")),
            ("tip", _("Tip")),
            ("warning", _("Warning")),
            ("task", _("Practical task")),
        ],
        default="info",
    )
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=200)
    body = SafeRichTextBlock(label=_("Text"))

    class Meta:
        icon = "help"
        template = "cms_pages/blocks/callout.html"
        description = _("A highlighted box: information, tip, warning or task")
        preview_value = {
            "kind": "task",
            "title": "Практичне завдання",
            "body": "<p>Знайдіть на сайті своєї громади положення про бюджет участі.</p>",
        }


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quotation"))
    attribution = blocks.CharBlock(
        label=_("Attribution"), required=False, max_length=200
    )

    class Meta:
        icon = "openquote"
        template = "cms_pages/blocks/quote.html"
        description = _("A quotation with its source")
        preview_value = {
            "text": "Місцеве самоврядування є правом територіальної громади.",
            "attribution": "Конституція України, ст. 140",
        }


class ResultBlock(blocks.CharBlock):
    """One short outcome of a success story, rendered as a list item."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    class Meta:
        icon = "tick"
        template = "cms_pages/blocks/result.html"
        description = _("One short, concrete outcome of the story")
        preview_value = "Слухання перенесли на вечір, тож прийшли й батьки малих дітей"


class AccordionItemBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    body = SafeRichTextBlock(label=_("Text"))


class AccordionBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(AccordionItemBlock(), **kwargs)

    class Meta:
        icon = "list-ul"
        template = "cms_pages/blocks/accordion.html"
        description = _("Questions and answers that open one at a time")
        preview_value = [
            {
                "title": "Хто може подати проєкт?",
                "body": "<p>Будь-який мешканець громади.</p>",
            },
        ]


class TableBlock(WagtailTableBlock):
    class Meta:
        icon = "table"
        template = "cms_pages/blocks/table.html"
        description = _("A table with an optional header row and caption")
        preview_value = {
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_caption": "Інструменти участі",
            "data": [
                ["Інструмент", "Хто ініціює"],
                ["Петиція", "Мешканці"],
                ["Консультації", "Рада"],
            ],
        }


class BaseStreamBlock(blocks.StreamBlock):
    """The content blocks every page body and lesson body can use."""

    heading = HeadingBlock()
    paragraph = SafeRichTextBlock(label=_("Text"))
    image = CaptionedImageBlock(label=_("Image"))
    video = VideoBlock(label=_("Video"))
    document = DocumentBlock(label=_("Document"))
    callout = CalloutBlock(label=_("Callout"))
    quote = QuoteBlock(label=_("Quote"))
    accordion = AccordionBlock(label=_("Accordion"))
    table = TableBlock(label=_("Table"))

    def get_prep_value(self, value):
        # A StreamValue built from raw JSON (importers, ``page.body = json``,
        # a published revision) stores untouched items as they came, bypassing
        # the children's get_prep_value. Touch every item so each one passes
        # through its block, and every SafeRichTextBlock cleans its HTML.
        for _child in value or ():
            pass
        return super().get_prep_value(value)
