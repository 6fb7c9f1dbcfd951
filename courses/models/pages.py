"""The course tree: programme index -> programme -> module -> lesson (and quiz).

A page type that learners must finish for a programme to count as complete sets
``lms_required_item = True``; progress, navigation and completion pick it up
from that flag alone (the quiz page does so too).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from cms_pages.models import SanitizedPage

from ..blocks import LessonStreamBlock, OutcomeBlock, SourceBlock
from ..choices import EnrolmentPolicy, ProgrammeKind

HOURS_PER_ECTS = 30


class LocalisedTitleMixin(models.Model):
    """An English title shown when the interface language is English."""

    title_en = models.CharField(
        _("title in English"), max_length=255, blank=True, default=""
    )

    class Meta:
        abstract = True

    @property
    def display_title(self) -> str:
        if self.title_en and (get_language() or "").startswith("en"):
            return self.title_en
        return self.title


class ProgrammeIndexPage(SanitizedPage):
    """The public catalogue of programmes (``/programmes/``)."""

    intro = RichTextField(_("introduction"), blank=True)

    sanitized_fields = ("intro",)
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["courses.ProgrammePage"]
    max_count = 1

    class Meta:
        verbose_name = _("programme catalogue")

    def get_context(self, request, *args, **kwargs):
        from .. import selectors

        context = super().get_context(request, *args, **kwargs)
        kind = request.GET.get("kind", "")
        if kind not in ProgrammeKind.values:
            kind = ""
        context["kind"] = kind
        context["kinds"] = ProgrammeKind.choices
        context["programmes"] = selectors.programme_catalogue(
            index_page=self, kind=kind or None
        )
        context["enrolment_by_programme"] = selectors.enrolments_by_programme(
            user=request.user
        )
        return context


class ProgrammePage(LocalisedTitleMixin, SanitizedPage):
    """A programme learners enrol in: a certificate programme or a short one."""

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=ProgrammeKind.choices,
        default=ProgrammeKind.SHORT,
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = RichTextField(_("description"), blank=True)
    audience = models.CharField(_("audience"), max_length=300, blank=True)
    hours = models.PositiveIntegerField(
        _("hours"), validators=[MinValueValidator(1)], default=8
    )
    ects = models.DecimalField(
        _("ECTS credits"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Required for a certificate programme: hours = ECTS × 30."),
    )
    outcomes = StreamField(
        [("outcome", OutcomeBlock())], blank=True, verbose_name=_("learning outcomes")
    )
    enrolment_policy = models.CharField(
        _("enrolment"),
        max_length=20,
        choices=EnrolmentPolicy.choices,
        default=EnrolmentPolicy.OPEN,
    )
    trainer_group = models.ForeignKey(
        "auth.Group",
        verbose_name=_("trainer group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    sanitized_fields = ("description",)
    content_panels = [
        *Page.content_panels,
        FieldPanel("title_en"),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("hours"),
                FieldPanel("ects"),
                FieldPanel("enrolment_policy"),
            ],
            heading=_("Programme"),
        ),
        FieldPanel("summary"),
        FieldPanel("audience"),
        FieldPanel("description"),
        FieldPanel("outcomes"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("kind"),
    ]
    parent_page_types = ["courses.ProgrammeIndexPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = _("programme")

    def with_content_json(self, content):
        # The trainer group belongs to the page, not to a revision: a draft saved
        # before the group existed must not unlink it when it is published.
        obj = super().with_content_json(content)
        obj.trainer_group_id = self.trainer_group_id
        return obj

    def clean(self):
        super().clean()
        errors = {}
        expected_hours = self.ects * HOURS_PER_ECTS if self.ects is not None else None
        if self.kind == ProgrammeKind.CERTIFICATE and (
            self.ects is None or self.ects < 2
        ):
            errors["ects"] = _(
                "A certificate programme carries at least 2 ECTS credits."
            )
        elif expected_hours is not None and Decimal(self.hours or 0) != expected_hours:
            errors["hours"] = _(
                "Hours must equal ECTS × 30 (%(ects)s ECTS = %(hours)s hours)."
            ) % {
                # ":f" because a bare normalize() prints 90 as "9E+1".
                "ects": f"{Decimal(self.ects).normalize():f}",
                "hours": f"{expected_hours.normalize():f}",
            }
        if errors:
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        from .. import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(
            selectors.programme_page_context(
                programme=self, user=request.user, request=request
            )
        )
        return context

    def route(self, request, path_components):
        """Resolve a lesson or quiz URL in one query instead of one per level.

        Wagtail's default routing fetches every page on the way down (twice:
        base and specific). Items sit two levels below the programme, so the
        whole remaining path is looked up by ``url_path`` within this subtree;
        anything else (e.g. a page with its own sub-routes) falls back to the
        standard walk. The programme is remembered on the item so that access
        checks need not look it up again.
        """
        if len(path_components) >= 2:
            url_path = self.url_path + "/".join(path_components) + "/"
            page = (
                Page.objects.filter(url_path=url_path, path__startswith=self.path)
                .only("id", "content_type_id")
                .first()
            )
            if page is not None:
                page = page.specific
                if not page.live:
                    raise Http404
                page._lms_programme = self
                return RouteResult(page)
        return super().route(request, path_components)


class ModulePage(LocalisedTitleMixin, SanitizedPage):
    """A module of a programme: a group of lessons and quizzes with its own hours."""

    summary = models.TextField(_("summary"), blank=True)
    # Short programmes split hours into halves (2.5 h modules), so a decimal.
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    outcomes = StreamField(
        [("outcome", OutcomeBlock())], blank=True, verbose_name=_("learning outcomes")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("title_en"),
        FieldPanel("hours"),
        FieldPanel("summary"),
        FieldPanel("outcomes"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.ProgrammePage"]
    subpage_types = ["courses.LessonPage", "courses.QuizPage"]

    class Meta:
        verbose_name = _("module")

    def serve(self, request, *args, **kwargs):
        # A module has no page of its own for learners: its outline lives on
        # the programme page, so send them to the module's anchor there.
        parent = self.get_parent()
        return HttpResponseRedirect(f"{parent.url}#module-{self.pk}")


class LessonPage(LocalisedTitleMixin, SanitizedPage):
    """A lesson: teaching text in blocks, readable by enrolled learners."""

    lms_required_item = True
    lms_self_completable = True  # the learner marks a lesson complete

    estimated_minutes = models.PositiveIntegerField(
        _("estimated minutes"), default=20, validators=[MinValueValidator(1)]
    )
    as_of = models.DateField(
        _("law stated as of"),
        null=True,
        blank=True,
        help_text=_("For lessons that teach law: the date the text is accurate for."),
    )
    body = StreamField(LessonStreamBlock(), blank=True, verbose_name=_("body"))
    sources = StreamField(
        [("source", SourceBlock())], blank=True, verbose_name=_("sources")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("title_en"),
        MultiFieldPanel(
            [FieldPanel("estimated_minutes"), FieldPanel("as_of")],
            heading=_("Lesson"),
        ),
        FieldPanel("body"),
        FieldPanel("sources"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")

    def serve(self, request, *args, **kwargs):
        return serve_item(self, request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(item_context(self, request))
        return context


def serve_item(item: Page, request, *args, **kwargs):
    """Serve a required item (lesson, quiz) to those allowed to read it.

    Anonymous visitors go to the login page; signed-in visitors who are not
    enrolled see a locked page with the way to enrol (status 403).
    """
    from .. import permissions, selectors

    access = permissions.item_access(user=request.user, item=item)
    if access.access is permissions.Access.LOGIN:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    if access.access is permissions.Access.DENIED:
        context = {"page": item, "self": item, "request": request}
        context.update(
            selectors.locked_item_context(item=item, user=request.user, access=access)
        )
        return render(request, "courses/item_locked.html", context, status=403)
    request.lms_item_access = access
    return Page.serve(item, request, *args, **kwargs)


def item_context(item: Page, request) -> dict:
    from .. import permissions, selectors

    access = getattr(request, "lms_item_access", None) or permissions.item_access(
        user=request.user, item=item
    )
    return selectors.item_page_context(
        item=item, user=request.user, access=access, request=request
    )
