"""The question bank: categories and one polymorphic model per question type.

Each type knows how to describe itself as a *snapshot* (a plain dict in the
schema of :mod:`courses.quiz.grading`). Attempts store the snapshot, and
grading reads only the snapshot, so editing a question never changes a mark
already recorded; a regrade is an explicit act.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from polymorphic.models import PolymorphicModel

from cms_pages.sanitize import sanitize_html

from ..quiz import grading

QUESTION_RICH_FEATURES = [
    "bold",
    "italic",
    "link",
    "ol",
    "ul",
    "superscript",
    "subscript",
]
FRACTION_VALIDATORS = [
    MinValueValidator(Decimal("-1")),
    MaxValueValidator(Decimal("1")),
]
POSITIVE_FRACTION_VALIDATORS = [
    MinValueValidator(Decimal("0")),
    MaxValueValidator(Decimal("1")),
]


def _f(value) -> float:
    return float(value) if value is not None else 0.0


class QuestionCategory(models.Model):
    """A folder of the question bank; categories nest."""

    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("parent"), FieldPanel("description")]

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="courses_questioncategory_unique_name"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="courses_questioncategory_unique_top_name",
            ),
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def path(self) -> str:
        names, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            names.append(node.name)
            node = node.parent
        return " / ".join(reversed(names))

    def descendant_ids(self) -> list[int]:
        """This category and every category below it (two queries at most per level)."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(
                QuestionCategory.objects.filter(parent_id__in=frontier).values_list(
                    "pk", flat=True
                )
            )
            ids.extend(frontier)
        return ids


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey(
        "courses.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Question(index.Indexed, PolymorphicModel, ClusterableModel):
    """Common fields of every question type; subclasses add their own."""

    type_code = ""  # the snapshot "type" of the subclass

    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    name = models.CharField(_("name"), max_length=255)
    idnumber = models.CharField(
        _("ID number"),
        max_length=100,
        blank=True,
        help_text=_("Unique within the category."),
    )
    text = RichTextField(_("question text"), features=QUESTION_RICH_FEATURES)
    default_mark = models.DecimalField(
        _("default mark"), max_digits=6, decimal_places=2, default=Decimal("1")
    )
    general_feedback = RichTextField(
        _("general feedback"),
        blank=True,
        features=QUESTION_RICH_FEATURES,
        help_text=_(
            "Shown to every learner after answering, as the review options allow."
        ),
    )
    tags = ClusterTaggableManager(through=QuestionTag, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    common_panels = [
        FieldPanel("category"),
        FieldPanel("name"),
        FieldPanel("idnumber"),
        FieldPanel("text"),
        FieldPanel("default_mark"),
    ]
    feedback_panels = [FieldPanel("general_feedback"), FieldPanel("tags")]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("text"),
        index.SearchField("idnumber"),
        index.FilterField("category_id"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "idnumber"],
                condition=~Q(idnumber=""),
                name="courses_question_unique_idnumber",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        self.text = sanitize_html(self.text)
        self.general_feedback = sanitize_html(self.general_feedback)

    # --- snapshots ---------------------------------------------------------------
    def type_snapshot(self) -> dict:
        """The type-specific part of the snapshot (subclasses override)."""
        return {}

    def snapshot(self) -> dict:
        """Everything needed to show and grade this question, as plain data."""
        data = {
            "type": self.type_code,
            "question_id": self.pk,
            "version": self.version,
            "name": self.name,
            "text": self.text,
            "general_feedback": self.general_feedback,
            "default_mark": str(self.default_mark),
        }
        data.update(self.type_snapshot())
        return data

    def validation_problems(self) -> list[str]:
        return list(grading.validate(self.snapshot()))


class CombinedFeedbackMixin(models.Model):
    feedback_correct = models.TextField(
        _("feedback for a correct response"), blank=True
    )
    feedback_partial = models.TextField(
        _("feedback for a partly correct response"), blank=True
    )
    feedback_incorrect = models.TextField(
        _("feedback for an incorrect response"), blank=True
    )

    combined_panels = [
        MultiFieldPanel(
            [
                FieldPanel("feedback_correct"),
                FieldPanel("feedback_partial"),
                FieldPanel("feedback_incorrect"),
            ],
            heading=_("Combined feedback"),
        )
    ]

    class Meta:
        abstract = True

    def combined_feedback(self) -> dict:
        return {
            "correct": self.feedback_correct,
            "partial": self.feedback_partial,
            "incorrect": self.feedback_incorrect,
        }


# --- Multiple choice -----------------------------------------------------------------


class MultipleChoiceQuestion(CombinedFeedbackMixin, Question):
    type_code = "multichoice"

    single = models.BooleanField(
        _("one answer only"),
        default=True,
        help_text=_("Off: learners tick every answer that applies (Moodle scoring)."),
    )
    shuffle_choices = models.BooleanField(_("shuffle the choices"), default=True)

    panels = [
        *Question.common_panels,
        FieldPanel("single"),
        FieldPanel("shuffle_choices"),
        InlinePanel("choices", label=_("Choices"), min_num=2),
        *CombinedFeedbackMixin.combined_panels,
        *Question.feedback_panels,
    ]

    class Meta:
        verbose_name = _("multiple choice question")

    def type_snapshot(self) -> dict:
        return {
            "single": self.single,
            "shuffle": self.shuffle_choices,
            "answers": [
                {
                    "id": f"c{c.pk or n}",
                    "text": c.text,
                    "fraction": _f(c.fraction),
                    "feedback": c.feedback,
                }
                for n, c in enumerate(self.choices.all())
            ],
            "combined_feedback": self.combined_feedback(),
        }


class Choice(Orderable):
    question = ParentalKey(
        MultipleChoiceQuestion, on_delete=models.CASCADE, related_name="choices"
    )
    text = models.TextField(_("choice"))
    fraction = models.DecimalField(
        _("grade"),
        max_digits=8,
        decimal_places=7,
        default=Decimal("0"),
        validators=FRACTION_VALIDATORS,
        help_text=_("Share of the mark: 1 = 100%, 0.5 = 50%, -1 = -100%."),
    )
    feedback = models.TextField(_("feedback"), blank=True)

    panels = [FieldPanel("text"), FieldPanel("fraction"), FieldPanel("feedback")]


# --- True / false --------------------------------------------------------------------


class TrueFalseQuestion(Question):
    type_code = "truefalse"

    correct = models.BooleanField(_("the statement is true"), default=True)
    feedback_right = models.TextField(
        _("feedback when the learner is right"), blank=True
    )
    feedback_wrong = models.TextField(
        _("feedback when the learner is wrong"), blank=True
    )

    panels = [
        *Question.common_panels,
        FieldPanel("correct"),
        FieldPanel("feedback_right"),
        FieldPanel("feedback_wrong"),
        *Question.feedback_panels,
    ]

    class Meta:
        verbose_name = _("true/false question")

    def type_snapshot(self) -> dict:
        return {
            "correct": self.correct,
            "feedback_right": self.feedback_right,
            "feedback_wrong": self.feedback_wrong,
        }


# --- Short answer --------------------------------------------------------------------


class ShortAnswerQuestion(CombinedFeedbackMixin, Question):
    type_code = "shortanswer"

    case_sensitive = models.BooleanField(_("case matters"), default=False)

    panels = [
        *Question.common_panels,
        FieldPanel("case_sensitive"),
        InlinePanel("answers", label=_("Accepted answers (tried in order)"), min_num=1),
        *CombinedFeedbackMixin.combined_panels,
        *Question.feedback_panels,
    ]

    class Meta:
        verbose_name = _("short answer question")

    def type_snapshot(self) -> dict:
        return {
            "case_sensitive": self.case_sensitive,
            "answers": [
                {"text": a.text, "fraction": _f(a.fraction), "feedback": a.feedback}
                for a in self.answers.all()
            ],
            "combined_feedback": self.combined_feedback(),
        }


class ShortAnswer(Orderable):
    question = ParentalKey(
        ShortAnswerQuestion, on_delete=models.CASCADE, related_name="answers"
    )
    text = models.CharField(
        _("answer"),
        max_length=255,
        help_text=_("* matches any characters; \\* a literal star."),
    )
    fraction = models.DecimalField(
        _("grade"),
        max_digits=8,
        decimal_places=7,
        default=Decimal("1"),
        validators=POSITIVE_FRACTION_VALIDATORS,
    )
    feedback = models.TextField(_("feedback"), blank=True)

    panels = [FieldPanel("text"), FieldPanel("fraction"), FieldPanel("feedback")]


# --- Numerical -------------------------------------------------------------------------


class NumericalQuestion(CombinedFeedbackMixin, Question):
    type_code = "numerical"

    panels = [
        *Question.common_panels,
        InlinePanel("answers", label=_("Accepted answers (tried in order)"), min_num=1),
        *CombinedFeedbackMixin.combined_panels,
        *Question.feedback_panels,
    ]

    class Meta:
        verbose_name = _("numerical question")

    def type_snapshot(self) -> dict:
        return {
            "answers": [a.as_snapshot() for a in self.answers.all()],
            "combined_feedback": self.combined_feedback(),
        }


class NumericalAnswer(Orderable):
    question = ParentalKey(
        NumericalQuestion, on_delete=models.CASCADE, related_name="answers"
    )
    catch_all = models.BooleanField(_("any other answer"), default=False)
    value = models.DecimalField(
        _("value"), max_digits=20, decimal_places=8, null=True, blank=True
    )
    tolerance = models.DecimalField(
        _("tolerance"), max_digits=20, decimal_places=8, default=Decimal("0")
    )
    minimum = models.DecimalField(
        _("from"), max_digits=20, decimal_places=8, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("to"), max_digits=20, decimal_places=8, null=True, blank=True
    )
    fraction = models.DecimalField(
        _("grade"),
        max_digits=8,
        decimal_places=7,
        default=Decimal("1"),
        validators=POSITIVE_FRACTION_VALIDATORS,
    )
    feedback = models.TextField(_("feedback"), blank=True)

    panels = [
        FieldPanel("value"), FieldPanel("tolerance"), FieldPanel("minimum"),
        FieldPanel("maximum"), FieldPanel("catch_all"), FieldPanel("fraction"),
        FieldPanel("feedback"),
    ]  # fmt: skip

    def as_snapshot(self) -> dict:
        if self.catch_all:
            data: dict = {"value": "*"}
        elif self.minimum is not None and self.maximum is not None:
            data = {"min": self.minimum, "max": self.maximum}
        else:
            data = {"value": self.value, "tolerance": self.tolerance}
        data.update({"fraction": _f(self.fraction), "feedback": self.feedback})
        # JSON numbers (snapshots are stored as JSON); grading compares them
        # as Decimals of their shortest repr, so 3.14 stays exactly 3.14.
        return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in data.items()}


# --- Matching ----------------------------------------------------------------------------


class MatchingQuestion(CombinedFeedbackMixin, Question):
    type_code = "matching"

    shuffle_choices = models.BooleanField(_("shuffle the answers"), default=True)

    panels = [
        *Question.common_panels,
        FieldPanel("shuffle_choices"),
        InlinePanel(
            "pairs", label=_("Pairs (leave the item empty for a distractor)"), min_num=2
        ),
        *CombinedFeedbackMixin.combined_panels,
        *Question.feedback_panels,
    ]

    class Meta:
        verbose_name = _("matching question")

    def type_snapshot(self) -> dict:
        return {
            "shuffle": self.shuffle_choices,
            "pairs": [
                {
                    "id": f"p{p.pk or n}",
                    "question": p.question_text,
                    "answer": p.answer_text,
                }
                for n, p in enumerate(self.pairs.all())
            ],
            "combined_feedback": self.combined_feedback(),
        }


class MatchPair(Orderable):
    question = ParentalKey(
        MatchingQuestion, on_delete=models.CASCADE, related_name="pairs"
    )
    question_text = models.TextField(_("item"), blank=True)
    answer_text = models.CharField(_("matching answer"), max_length=255)

    panels = [FieldPanel("question_text"), FieldPanel("answer_text")]


# --- Ordering ---------------------------------------------------------------------------


class OrderingQuestion(CombinedFeedbackMixin, Question):
    type_code = "ordering"

    class Grading(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
        ABSOLUTE_POSITION = "absolute_position", _("Each item in its place")
        RELATIVE_NEXT = "relative_next", _("Each item followed by the right one")

    grading_type = models.CharField(
        _("grading"),
        max_length=30,
        choices=Grading.choices,
        default=Grading.ABSOLUTE_POSITION,
    )

    panels = [
        *Question.common_panels,
        FieldPanel("grading_type"),
        InlinePanel("items", label=_("Items in the correct order"), min_num=2),
        *CombinedFeedbackMixin.combined_panels,
        *Question.feedback_panels,
    ]

    class Meta:
        verbose_name = _("ordering question")

    def type_snapshot(self) -> dict:
        return {
            "grading": self.grading_type,
            "items": [
                {"id": f"i{i.pk or n}", "text": i.text}
                for n, i in enumerate(self.items.all())
            ],
            "combined_feedback": self.combined_feedback(),
        }


class OrderingItem(Orderable):
    question = ParentalKey(
        OrderingQuestion, on_delete=models.CASCADE, related_name="items"
    )
    text = models.CharField(_("item"), max_length=255)

    panels = [FieldPanel("text")]


# --- Essay and description ---------------------------------------------------------------


class EssayQuestion(Question):
    type_code = "essay"

    min_words = models.PositiveIntegerField(_("minimum words"), null=True, blank=True)
    max_words = models.PositiveIntegerField(_("maximum words"), null=True, blank=True)
    grader_info = models.TextField(
        _("information for graders"),
        blank=True,
        help_text=_("Never shown to learners."),
    )

    panels = [
        *Question.common_panels,
        FieldPanel("min_words"),
        FieldPanel("max_words"),
        FieldPanel("grader_info"),
        *Question.feedback_panels,
    ]

    class Meta:
        verbose_name = _("essay question")

    def type_snapshot(self) -> dict:
        # grader_info stays server-side: learner pages show a fixed list of fields.
        return {
            "min_words": self.min_words,
            "max_words": self.max_words,
            "grader_info": self.grader_info,
        }


class DescriptionQuestion(Question):
    type_code = "description"

    panels = [*Question.common_panels, *Question.feedback_panels]

    class Meta:
        verbose_name = _("description (no answer)")
