"""Quizzes: the quiz page with its slots and settings, attempts and responses.

Attempts store everything they were given: the order of questions and choices
and a snapshot of each question, so a reload, a regrade or an edit of the bank
never changes what a learner saw or the mark they got.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from cms_pages.models import SanitizedPage

from .pages import LocalisedTitleMixin, item_context, serve_item

REVIEW_ITEMS = [
    ("attempt", _("The attempt (their answers)")),
    ("correctness", _("Whether correct")),
    ("marks", _("Marks")),
    ("specific_feedback", _("Specific feedback")),
    ("general_feedback", _("General feedback")),
    ("right_answer", _("Right answer")),
    ("overall_feedback", _("Overall feedback")),
]
REVIEW_ITEM_CODES = [code for code, _label in REVIEW_ITEMS]


class ReviewOptionsField(models.JSONField):
    """A list of review item codes, edited as a row of checkboxes."""

    def formfield(self, **kwargs):
        from django import forms

        class ReviewChoices(forms.MultipleChoiceField):
            def prepare_value(self, value):
                return value or []

        return ReviewChoices(
            choices=REVIEW_ITEMS,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name,
            help_text=self.help_text,
        )


def _review_all():
    return list(REVIEW_ITEM_CODES)


def _review_during():
    return ["attempt"]


class QuizPage(LocalisedTitleMixin, SanitizedPage):
    """A graded quiz in a module. Passing it is a required item of the programme."""

    lms_required_item = True

    class GradingMethod(models.TextChoices):
        HIGHEST = "highest", _("Highest grade")
        AVERAGE = "average", _("Average grade")
        FIRST = "first", _("First attempt")
        LAST = "last", _("Last attempt")

    class Overdue(models.TextChoices):
        AUTOSUBMIT = "autosubmit", _("Submit what was saved")
        GRACE = "graceperiod", _("Allow a grace period to submit")
        ABANDON = "autoabandon", _("Attempts not submitted in time do not count")

    class Navigation(models.TextChoices):
        FREE = "free", _("Free")
        SEQUENTIAL = "sequential", _("Sequential (no going back)")

    intro = RichTextField(_("introduction"), blank=True)
    pass_mark = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    attempts_allowed = models.PositiveIntegerField(
        _("attempts allowed"), default=0, help_text=_("0 = unlimited")
    )
    grading_method = models.CharField(
        _("grading method"),
        max_length=10,
        choices=GradingMethod.choices,
        default=GradingMethod.HIGHEST,
    )
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), null=True, blank=True
    )
    overdue_handling = models.CharField(
        _("when time expires"),
        max_length=20,
        choices=Overdue.choices,
        default=Overdue.AUTOSUBMIT,
    )
    grace_period_minutes = models.PositiveIntegerField(
        _("grace period (minutes)"), default=10
    )
    open_at = models.DateTimeField(_("opens"), null=True, blank=True)
    close_at = models.DateTimeField(_("closes"), null=True, blank=True)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    questions_per_page = models.PositiveIntegerField(
        _("questions per page"), default=1, help_text=_("0 = all on one page")
    )
    navigation = models.CharField(
        _("navigation"),
        max_length=12,
        choices=Navigation.choices,
        default=Navigation.FREE,
    )
    review_during = ReviewOptionsField(
        _("during the attempt"), default=_review_during, blank=True
    )
    review_immediately = ReviewOptionsField(
        _("immediately after the attempt"), default=_review_all, blank=True
    )
    review_open = ReviewOptionsField(
        _("later, while the quiz is open"), default=_review_all, blank=True
    )
    review_closed = ReviewOptionsField(
        _("after the quiz closes"), default=_review_all, blank=True
    )

    sanitized_fields = ("intro",)
    content_panels = [
        *Page.content_panels,
        FieldPanel("title_en"),
        FieldPanel("intro"),
        InlinePanel("slots", label=_("Questions")),
        InlinePanel("feedback_bands", label=_("Overall feedback by grade")),
    ]
    settings_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("pass_mark"), FieldPanel("attempts_allowed")]
                ),
                FieldPanel("grading_method"),
            ],
            heading=_("Grade"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("open_at"), FieldPanel("close_at")]),
                FieldRowPanel(
                    [
                        FieldPanel("time_limit_minutes"),
                        FieldPanel("grace_period_minutes"),
                    ]
                ),
                FieldPanel("overdue_handling"),
            ],
            heading=_("Timing"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("questions_per_page"),
                FieldPanel("navigation"),
                FieldPanel("shuffle_questions"),
            ],
            heading=_("Layout"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("review_during"),
                FieldPanel("review_immediately"),
                FieldPanel("review_open"),
                FieldPanel("review_closed"),
            ],
            heading=_("Review options: what learners see"),
        ),
        *Page.settings_panels,
    ]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("quiz")

    def clean(self):
        super().clean()
        if self.open_at and self.close_at and self.close_at <= self.open_at:
            raise ValidationError(
                {"close_at": _("The quiz must close after it opens.")}
            )

    def serve(self, request, *args, **kwargs):
        return serve_item(self, request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from .. import quiz_selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(item_context(self, request))
        context.update(quiz_selectors.quiz_page_context(quiz=self, user=request.user))
        return context


class QuizSlot(Orderable):
    """One place in a quiz: a chosen question, or N drawn at random per attempt."""

    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(
        "courses.Question",
        verbose_name=_("question"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    random_category = models.ForeignKey(
        "courses.QuestionCategory",
        verbose_name=_("or random questions from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    random_count = models.PositiveIntegerField(_("how many"), default=1)
    include_subcategories = models.BooleanField(
        _("include subcategories"), default=False
    )
    max_mark = models.DecimalField(
        _("mark"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the question's default mark."),
    )
    shuffle_choices = models.BooleanField(
        _("shuffle choices"),
        default=True,
        help_text=_("Untick for e.g. «all of the above»."),
    )

    panels = [
        FieldPanel("question"),
        FieldRowPanel([FieldPanel("random_category"), FieldPanel("random_count")]),
        FieldPanel("include_subcategories"),
        FieldRowPanel([FieldPanel("max_mark"), FieldPanel("shuffle_choices")]),
    ]

    def clean(self):
        super().clean()
        if bool(self.question_id) == bool(self.random_category_id):
            raise ValidationError(
                _(
                    "Choose either a question or a category to draw random questions from."
                )
            )


class QuizFeedbackBand(Orderable):
    quiz = ParentalKey(
        QuizPage, on_delete=models.CASCADE, related_name="feedback_bands"
    )
    min_percent = models.DecimalField(
        _("from grade (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    text = models.TextField(_("feedback"))

    panels = [FieldPanel("min_percent"), FieldPanel("text")]


class QuizAttempt(models.Model):
    """One attempt of one learner at one quiz."""

    wagtail_reference_index_ignore = True

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        OVERDUE = "overdue", _("Overdue")
        FINISHED = "finished", _("Finished")
        ABANDONED = "abandoned", _("Never submitted")

    quiz = models.ForeignKey(
        QuizPage, on_delete=models.CASCADE, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveIntegerField(_("attempt"))
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=State.choices,
        default=State.IN_PROGRESS,
        db_index=True,
    )
    started_at = models.DateTimeField(_("started"))
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    current_page = models.PositiveIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=1)
    sum_marks = models.DecimalField(
        max_digits=10, decimal_places=7, null=True, blank=True
    )
    max_marks = models.DecimalField(
        max_digits=10, decimal_places=7, default=Decimal("0")
    )
    grade = models.DecimalField(
        _("grade (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    needs_grading = models.BooleanField(_("needs grading"), default=False)
    passed = models.BooleanField(_("passed"), default=False)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["quiz_id", "user_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"],
                name="courses_quizattempt_unique_number",
            ),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(state__in=["in_progress", "overdue"]),
                name="courses_quizattempt_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.user_id}#{self.number}"

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.IN_PROGRESS, self.State.OVERDUE)


class QuestionResponse(models.Model):
    """A learner's answer to one question of an attempt, with its snapshot and grade."""

    wagtail_reference_index_ignore = True

    class State(models.TextChoices):
        TODO = "todo", _("Not yet answered")
        SAVED = "saved", _("Answer saved")
        CORRECT = "correct", _("Correct")
        PARTIAL = "partial", _("Partially correct")
        INCORRECT = "incorrect", _("Incorrect")
        NOT_ANSWERED = "not_answered", _("Not answered")
        NEEDS_GRADING = "needs_grading", _("Needs grading")
        INFO = "info", _("Information")

    attempt = models.ForeignKey(
        QuizAttempt, on_delete=models.CASCADE, related_name="responses"
    )
    position = models.PositiveIntegerField()
    page = models.PositiveIntegerField(default=0)
    question = models.ForeignKey(
        "courses.Question",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    snapshot = models.JSONField()
    response = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.TODO)
    fraction = models.DecimalField(
        max_digits=10, decimal_places=7, null=True, blank=True
    )
    mark = models.DecimalField(max_digits=10, decimal_places=7, null=True, blank=True)
    max_mark = models.DecimalField(max_digits=6, decimal_places=2)
    feedback = models.JSONField(default=list, blank=True)
    right_answer = models.TextField(blank=True)
    grader_comment = models.TextField(_("comment"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"],
                name="courses_questionresponse_unique_position",
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.position}"
