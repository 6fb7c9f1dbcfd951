"""Admin views of quiz results: lists, one attempt (with manual grading),
the regrade report.

Every view loads its quiz or attempt, then checks :mod:`.scope` before
anything else. A refusal is a real 403 (``permission_denied``): Wagtail's
admin would turn ``PermissionDenied`` into a redirect to the dashboard
(same choice as :mod:`courses.viewsets`). Lists and their CSV/XLSX exports
are the same view, so an export can never show more than the list.
Changes go through :mod:`courses.quiz_services` only.
"""

from __future__ import annotations

import unicodedata
from collections import OrderedDict, defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import (
    FieldDoesNotExist,
    ObjectDoesNotExist,
    PermissionDenied,
)
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.defaults import permission_denied
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import registry as log_registry

import django_filters

from .. import permissions, quiz_services
from ..models import EssayQuestion, QuestionResponse, QuizAttempt, QuizPage
from . import scope
from .display import question_numbers, response_display
from .forms import ManualGradeForm, prefix_for
from .spreadsheets import SafeSpreadsheetExportMixin

State = QuizAttempt.State
REGRADE_SESSION_KEY = "courses.quiz_admin.regraded"


def denied(request):
    return permission_denied(request, PermissionDenied())


def learner_name(attempt: QuizAttempt) -> str:
    """The learner's name as on their certificate, else their username."""
    user = attempt.user
    try:
        profile = user.learner_profile
    except ObjectDoesNotExist:
        profile = None
    return (profile.full_name if profile else "") or user.get_username()


def passed_or_pending(attempt: QuizAttempt) -> bool | None:
    """Unknown (None) until a trainer has marked every answer."""
    return None if attempt.needs_grading else attempt.passed


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").casefold()


def learners_matching(attempts, query: str) -> list[int]:
    """Ids of the learners of ``attempts`` whose name, username or e-mail
    contains every word of ``query``, ignoring case.

    Done in Python, not with ``icontains``: SQLite folds only ASCII case, and
    names here are Cyrillic. A quiz has at most a few thousand learners.
    """
    words = _fold(query).split()
    User = get_user_model()
    fields = [User.USERNAME_FIELD]
    for name in ("email", "first_name", "last_name"):
        try:
            User._meta.get_field(name)
        except FieldDoesNotExist:  # a custom user model without it
            continue
        fields.append(name)
    fields += [
        "learner_profile__surname",
        "learner_profile__given_name",
        "learner_profile__patronymic",
    ]
    rows = User.objects.filter(pk__in=attempts.values("user_id")).values_list(
        "pk", *fields
    )
    found = []
    for pk, *values in rows:
        haystack = _fold(" ".join(v for v in values if v))
        if all(word in haystack for word in words):
            found.append(pk)
    return found


# --- lists of attempts ---------------------------------------------------------------


class AttemptListBase(SafeSpreadsheetExportMixin, generic.IndexView):
    """Shared by one quiz's attempts and the "needs grading" queue."""

    model = QuizAttempt
    # Scoped by programme (see ``dispatch``), not by model permissions:
    # trainers have no ``courses.*_quizattempt`` permission.
    permission_policy = None
    any_permission_required = None
    paginate_by = 50
    search_fields = ["learner"]  # enables the search box; see search_queryset
    default_ordering = "-started_at"
    export_headings = {
        "learner": gettext_lazy("Learner"),
        "username": gettext_lazy("Username"),
        "quiz": gettext_lazy("Quiz"),
        "number": gettext_lazy("Attempt"),
        "state": gettext_lazy("State"),
        "started_at": gettext_lazy("Started"),
        "finished_at": gettext_lazy("Finished"),
        "grade": gettext_lazy("Grade (%)"),
        "passed": gettext_lazy("Passed"),
        "needs_grading": gettext_lazy("Needs grading"),
        "to_grade": gettext_lazy("Answers to grade"),
    }
    #: Orderings that need more than one column.
    compound_orderings = {
        "learner": ("learner_sort", "user__learner_profile__given_name", "number"),
    }

    def dispatch(self, request, *args, **kwargs):
        if not self.has_access():
            return denied(request)
        return super().dispatch(request, *args, **kwargs)

    def has_access(self) -> bool:
        raise NotImplementedError

    @cached_property
    def programmes(self):
        return scope.managed_programmes(self.request.user)

    def annotate(self, queryset):
        return queryset.select_related("user__learner_profile", "quiz").annotate(
            learner_sort=Coalesce(
                NullIf(F("user__learner_profile__surname"), Value("")),
                F(f"user__{get_user_model().USERNAME_FIELD}"),
            )
        )

    def scope_queryset(self):
        """The attempts this list may show, before annotations and filters."""
        raise NotImplementedError

    def get_base_queryset(self):
        return self.annotate(self.scope_queryset())

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return queryset.filter(
            user_id__in=learners_matching(self.scope_queryset(), self.search_query)
        )

    def order_queryset(self, queryset):
        ordering = self.ordering or self.default_ordering
        descending = ordering.startswith("-")
        key = ordering.lstrip("-")
        fields = self.compound_orderings.get(key, (key,))
        return queryset.order_by(
            *(
                F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True)
                for f in fields
            ),
            "pk",
        )

    def attempt_url(self, attempt) -> str:
        return reverse("quiz_results:attempt", args=[attempt.pk])

    def learner_column(self):
        return TitleColumn(
            "learner",
            label=gettext_lazy("Learner"),
            accessor=learner_name,
            get_url=self.attempt_url,
            sort_key="learner",
        )

    def to_row_dict(self, item):
        values = {
            "learner": learner_name(item),
            "username": item.user.get_username(),
            "quiz": item.quiz.title,
            "number": item.number,
            "state": item.get_state_display(),
            "started_at": item.started_at,
            "finished_at": item.finished_at,
            "grade": item.grade,
            "passed": _yes_no(passed_or_pending(item)),
            "needs_grading": _yes_no(item.needs_grading),
            "to_grade": getattr(item, "to_grade", None),
        }
        return OrderedDict((name, values[name]) for name in self.list_export)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("quiz_results:index"), "label": _("Quiz results")},
            {"url": "", "label": self.get_page_title()},
        ]


class QuizAttemptsView(AttemptListBase):
    """All attempts at one quiz."""

    list_filter = ["state", "needs_grading", "passed"]
    list_export = [
        "learner", "username", "number", "state", "started_at",
        "finished_at", "grade", "passed", "needs_grading",
    ]  # fmt: skip
    header_icon = "clipboard-list"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.quiz = get_object_or_404(QuizPage, pk=kwargs["quiz_id"])

    def has_access(self):
        return scope.user_can_view_quiz(self.request.user, self.quiz)

    def scope_queryset(self):
        return QuizAttempt.objects.filter(quiz=self.quiz)

    def get_page_title(self):
        return self.quiz.title

    def get_page_subtitle(self):
        return ""

    def get_filename(self):
        return f"quiz-{self.quiz.pk}-attempts"

    def get_index_url(self):
        return reverse("quiz_results:attempts", args=[self.quiz.pk])

    def get_index_results_url(self):
        return reverse("quiz_results:attempts_results", args=[self.quiz.pk])

    @cached_property
    def columns(self):
        return [
            self.learner_column(),
            Column("number", label=gettext_lazy("Attempt"), sort_key="number"),
            Column(
                "state",
                label=gettext_lazy("State"),
                accessor="get_state_display",
                sort_key="state",
            ),
            Column("started_at", label=gettext_lazy("Started"), sort_key="started_at"),
            Column(
                "finished_at", label=gettext_lazy("Finished"), sort_key="finished_at"
            ),
            Column("grade", label=gettext_lazy("Grade (%)"), sort_key="grade"),
            BooleanColumn(
                "passed",
                label=gettext_lazy("Passed"),
                accessor=passed_or_pending,
                sort_key="passed",
            ),
            BooleanColumn(
                "needs_grading",
                label=gettext_lazy("Needs grading"),
                sort_key="needs_grading",
            ),
        ]

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("Regrade"),
                url=reverse("quiz_results:regrade", args=[self.quiz.pk]),
                icon_name="rotate",
            ),
            HeaderButton(
                _("Edit quiz"),
                url=reverse("wagtailadmin_pages:edit", args=[self.quiz.pk]),
                icon_name="edit",
            ),
        ]


def _queue_quizzes(request):
    if request is None:
        return QuizPage.objects.none()
    return scope.managed_quizzes(request.user).order_by("title")


class QueueFilterSet(WagtailFilterSet):
    quiz = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Quiz"), queryset=_queue_quizzes
    )

    class Meta:
        model = QuizAttempt
        fields = ["quiz"]


class NeedsGradingView(AttemptListBase):
    """Finished attempts waiting for a trainer, across the trainer's quizzes,
    oldest first."""

    filterset_class = QueueFilterSet
    default_ordering = "finished_at"
    list_export = [
        "learner", "username", "quiz", "number", "finished_at", "to_grade",
    ]  # fmt: skip
    export_filename = "needs-grading"
    page_title = gettext_lazy("Needs grading")
    header_icon = "tasks"
    compound_orderings = {
        **AttemptListBase.compound_orderings,
        "quiz": ("quiz__title", "learner_sort", "number"),
    }

    def has_access(self):
        return scope.user_has_quiz_results(self.request.user)

    def scope_queryset(self):
        attempts = scope.managed_attempts(self.request.user, self.programmes)
        return attempts.filter(needs_grading=True, state=State.FINISHED)

    def get_base_queryset(self):
        return self.annotate(self.scope_queryset()).annotate(
            to_grade=Count(
                "responses",
                filter=Q(
                    responses__state=QuestionResponse.State.NEEDS_GRADING,
                    responses__mark__isnull=True,
                ),
            )
        )

    def get_index_url(self):
        return reverse("quiz_results:queue")

    def get_index_results_url(self):
        return reverse("quiz_results:queue_results")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("quiz_results:index"), "label": _("Quiz results")},
            {"url": "", "label": self.get_page_title()},
        ]

    @cached_property
    def columns(self):
        return [
            self.learner_column(),
            TitleColumn(
                "quiz",
                label=gettext_lazy("Quiz"),
                accessor="quiz.title",
                get_url=lambda a: reverse("quiz_results:attempts", args=[a.quiz_id]),
                sort_key="quiz",
            ),
            Column(
                "programme",
                label=gettext_lazy("Programme"),
                accessor=lambda a: getattr(
                    scope.programme_of(a.quiz, self.programmes), "title", ""
                ),
            ),
            Column("number", label=gettext_lazy("Attempt"), sort_key="number"),
            Column(
                "finished_at", label=gettext_lazy("Finished"), sort_key="finished_at"
            ),
            Column("to_grade", label=gettext_lazy("Answers to grade")),
        ]


# --- the trainer's quizzes -----------------------------------------------------------


def _programme_choices(request):
    if request is None:
        return []
    return [(p.pk, p.title) for p in scope.managed_programmes(request.user)]


class QuizFilterSet(WagtailFilterSet):
    programme = django_filters.ChoiceFilter(
        label=gettext_lazy("Programme"),
        method="filter_programme",
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = QuizPage
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["programme"].extra["choices"] = _programme_choices(request)

    def filter_programme(self, queryset, name, value):
        programme = next(
            (
                p
                for p in scope.managed_programmes(self.request.user)
                if str(p.pk) == value
            ),
            None,
        )
        if programme is None:
            return queryset.none()
        return queryset.filter(path__startswith=programme.path)


class QuizIndexView(generic.IndexView):
    """The quizzes of the trainer's programmes, with their attempt counts."""

    model = QuizPage
    permission_policy = None
    any_permission_required = None
    filterset_class = QuizFilterSet
    paginate_by = 50
    default_ordering = "path"
    page_title = gettext_lazy("Quiz results")
    header_icon = "clipboard-list"
    search_fields = None
    index_url_name = "quiz_results:index"
    index_results_url_name = "quiz_results:index_results"

    def dispatch(self, request, *args, **kwargs):
        if not scope.user_has_quiz_results(request.user):
            return denied(request)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def is_searchable(self):
        return False

    @cached_property
    def programmes(self):
        return scope.managed_programmes(self.request.user)

    def get_base_queryset(self):
        return scope.managed_quizzes(self.request.user, self.programmes).annotate(
            attempts_count=Count("attempts"),
            learners_count=Count("attempts__user", distinct=True),
            to_grade_count=Count(
                "attempts",
                filter=Q(attempts__needs_grading=True, attempts__state=State.FINISHED),
            ),
        )

    def order_queryset(self, queryset):
        ordering = self.ordering or self.default_ordering
        return queryset.order_by(ordering, "path")

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("Needs grading"), url=reverse("quiz_results:queue"), icon_name="tasks"
            )
        ]

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label=gettext_lazy("Quiz"),
                get_url=lambda q: reverse("quiz_results:attempts", args=[q.pk]),
                sort_key="title",
            ),
            Column(
                "programme",
                label=gettext_lazy("Programme"),
                accessor=lambda q: getattr(
                    scope.programme_of(q, self.programmes), "title", ""
                ),
            ),
            Column(
                "learners_count",
                label=gettext_lazy("Learners"),
                sort_key="learners_count",
            ),
            Column(
                "attempts_count",
                label=gettext_lazy("Attempts"),
                sort_key="attempts_count",
            ),
            Column(
                "to_grade_count",
                label=gettext_lazy("Needs grading"),
                sort_key="to_grade_count",
            ),
            Column("pass_mark", label=gettext_lazy("Pass mark (%)")),
        ]


# --- one attempt ------------------------------------------------------------------------


class AttemptView(WagtailAdminTemplateMixin, TemplateView):
    """Every answer of one attempt, as the learner gave it, with the key, and
    a form per answer to set its mark by hand (POST)."""

    template_name = "courses/quiz_admin/attempt.html"
    header_icon = "clipboard-list"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.attempt = get_object_or_404(
            QuizAttempt.objects.select_related("quiz", "user__learner_profile"),
            pk=kwargs["attempt_id"],
        )
        self.quiz = self.attempt.quiz

    def dispatch(self, request, *args, **kwargs):
        if not scope.user_can_view_quiz(request.user, self.quiz):
            return denied(request)
        return super().dispatch(request, *args, **kwargs)

    @property
    def can_grade(self) -> bool:
        return self.attempt.state == State.FINISHED

    def get_page_title(self):
        return _("Attempt %(number)s: %(learner)s") % {
            "number": self.attempt.number,
            "learner": learner_name(self.attempt),
        }

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("quiz_results:index"), "label": _("Quiz results")},
            {
                "url": reverse("quiz_results:attempts", args=[self.quiz.pk]),
                "label": self.quiz.title,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("All attempts"),
                url=reverse("quiz_results:attempts", args=[self.quiz.pk]),
                icon_name="list-ul",
            ),
            HeaderButton(
                _("Needs grading"), url=reverse("quiz_results:queue"), icon_name="tasks"
            ),
        ]

    def post(self, request, *args, **kwargs):
        try:
            position = int(request.POST.get("position", ""))
        except ValueError:
            raise Http404 from None
        response = get_object_or_404(
            QuestionResponse, attempt=self.attempt, position=position
        )
        if response.snapshot.get("type") == "description":
            raise Http404  # information only: it takes no mark, no form is offered
        form = ManualGradeForm(request.POST, prefix=prefix_for(position))
        if form.is_valid():
            try:
                quiz_services.response_grade_manually(
                    actor=request.user,
                    response=response,
                    mark=form.cleaned_data["mark"],
                    comment=form.cleaned_data["comment"],
                )
            except PermissionDenied:
                return denied(request)
            except quiz_services.QuizError as exc:
                form.add_error("mark" if self.can_grade else None, exc.messages)
            else:
                numbers = question_numbers(
                    [
                        (p, {"type": kind})
                        for p, kind in self.attempt.responses.order_by(
                            "position"
                        ).values_list("position", "snapshot__type")
                    ]
                )
                messages.success(
                    request,
                    _("Mark saved for question %(n)s.")
                    % {"n": numbers.get(position, position + 1)},
                )
                url = reverse("quiz_results:attempt", args=[self.attempt.pk])
                return redirect(f"{url}#response-{position}")
        messages.error(request, _("The mark could not be saved."))
        return self.render_to_response(
            self.get_context_data(bound_forms={position: form})
        )

    def get_context_data(self, bound_forms=None, **kwargs):
        context = super().get_context_data(**kwargs)
        bound_forms = bound_forms or {}
        responses = list(
            self.attempt.responses.select_related("graded_by").order_by("position")
        )
        numbers = question_numbers([(r.position, r.snapshot) for r in responses])
        grader_info = dict(
            EssayQuestion.objects.filter(
                pk__in=[r.question_id for r in responses if r.question_id]
            ).values_list("pk", "grader_info")
        )
        items = []
        for r in responses:
            display = response_display(r.snapshot, r.response)
            form = None
            if self.can_grade and display.kind != "description":
                form = bound_forms.get(r.position) or ManualGradeForm(
                    prefix=prefix_for(r.position),
                    initial={"mark": _plain(r.mark), "comment": r.grader_comment},
                )
            items.append(
                {
                    "response": r,
                    "number": numbers.get(r.position),
                    "display": display,
                    "form": form,
                    "awaiting": r.state == QuestionResponse.State.NEEDS_GRADING
                    and r.mark is None,
                    # The snapshot's, when it carries it; else the bank's.
                    "grader_info": r.snapshot.get("grader_info")
                    or grader_info.get(r.question_id, ""),
                }
            )
        context.update(
            attempt=self.attempt,
            quiz=self.quiz,
            programme=permissions.programme_for_item(self.quiz),
            learner=learner_name(self.attempt),
            items=items,
            awaiting=[i for i in items if i["awaiting"]],
            can_grade=self.can_grade,
            history=self.history(numbers),
            other_attempts=QuizAttempt.objects.filter(
                quiz=self.quiz, user_id=self.attempt.user_id
            )
            .exclude(pk=self.attempt.pk)
            .order_by("number"),
        )
        return context

    def history(self, numbers: dict[int, int]) -> list[dict]:
        """The attempt's audit log, newest first; manual marks with old -> new."""
        entries = (
            log_registry.get_logs_for_instance(self.attempt)
            .select_related("user")
            .order_by("-timestamp", "-pk")[:50]
        )
        rows = []
        for entry in entries:
            data = entry.data or {}
            position = data.get("position")
            rows.append(
                {
                    "timestamp": entry.timestamp,
                    "user": entry.user_display_name,
                    "message": entry.message,
                    "question": numbers.get(position) if position is not None else None,
                    "old": _mark_text(data.get("old")),
                    "new": _mark_text(data.get("new")),
                }
            )
        return rows


def _plain(mark: Decimal | None) -> Decimal | None:
    """1.5000000 -> 1.5, 10.0000000 -> 10 (never 1E+1)."""
    return None if mark is None else Decimal(f"{mark.normalize():f}")


def _mark_text(value) -> str:
    """A logged mark ("1.5000000", "None") as a trainer reads it."""
    if value in (None, "None", ""):
        return "—"
    try:
        return number_format(Decimal(str(value)).normalize(), use_l10n=True)
    except ArithmeticError:
        return str(value)


# --- regrade --------------------------------------------------------------------------------


def _changes_to_session(changes) -> list[list]:
    return [
        [c.attempt_id, c.position, _str(c.old_mark), _str(c.new_mark)] for c in changes
    ]


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


class RegradeView(WagtailAdminTemplateMixin, TemplateView):
    """GET: what a regrade would change (a dry run, nothing written).
    POST: regrade now; the changes made are shown once after the redirect."""

    template_name = "courses/quiz_admin/regrade.html"
    header_icon = "rotate"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.quiz = get_object_or_404(QuizPage, pk=kwargs["quiz_id"])

    def dispatch(self, request, *args, **kwargs):
        if not scope.user_can_view_quiz(request.user, self.quiz):
            return denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Regrade: %(quiz)s") % {"quiz": self.quiz.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("quiz_results:index"), "label": _("Quiz results")},
            {
                "url": reverse("quiz_results:attempts", args=[self.quiz.pk]),
                "label": self.quiz.title,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def _session_key(self) -> str:
        return f"{REGRADE_SESSION_KEY}.{self.quiz.pk}"

    def post(self, request, *args, **kwargs):
        try:
            changes = quiz_services.quiz_regrade(
                actor=request.user, quiz=self.quiz, dry_run=False
            )
        except PermissionDenied:
            return denied(request)
        request.session[self._session_key()] = _changes_to_session(changes)
        messages.success(
            request,
            ngettext(
                "Regraded: %(count)s mark changed.",
                "Regraded: %(count)s marks changed.",
                len(changes),
            )
            % {"count": len(changes)},
        )
        return redirect("quiz_results:regrade", quiz_id=self.quiz.pk)

    def rows(self, changes: list[tuple[int, int, Decimal | None, Decimal | None]]):
        """Report rows: the attempt, its learner, question number and name."""
        if not changes:
            return []
        attempt_ids = {c[0] for c in changes}
        attempts = QuizAttempt.objects.select_related("user__learner_profile").in_bulk(
            attempt_ids
        )
        snapshots = defaultdict(list)
        for attempt_id, position, kind, name in QuestionResponse.objects.filter(
            attempt_id__in=attempt_ids
        ).values_list("attempt_id", "position", "snapshot__type", "snapshot__name"):
            snapshots[attempt_id].append((position, {"type": kind, "name": name}))
        numbers = {a: question_numbers(sorted(s)) for a, s in snapshots.items()}
        names = {
            (a, position): snap["name"]
            for a, items in snapshots.items()
            for position, snap in items
        }
        rows = []
        for attempt_id, position, old, new in changes:
            attempt = attempts.get(attempt_id)
            if attempt is None:
                continue
            rows.append(
                {
                    "attempt": attempt,
                    "learner": learner_name(attempt),
                    "url": reverse("quiz_results:attempt", args=[attempt_id]),
                    "number": numbers.get(attempt_id, {}).get(position),
                    "position": position,
                    "name": names.get((attempt_id, position)) or "",
                    "old": old,
                    "new": new,
                }
            )
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        applied = self.request.session.pop(self._session_key(), None)
        try:
            planned = quiz_services.quiz_regrade(
                actor=self.request.user, quiz=self.quiz, dry_run=True
            )
        except PermissionDenied:  # pragma: no cover - checked in dispatch
            planned = []
        planned_rows = self.rows(
            [(c.attempt_id, c.position, c.old_mark, c.new_mark) for c in planned]
        )
        applied_rows = (
            self.rows([(a, p, _dec(o), _dec(n)) for a, p, o, n in applied])
            if applied is not None
            else None
        )
        context.update(
            quiz=self.quiz,
            planned=planned_rows,
            planned_attempts=len({r["attempt"].pk for r in planned_rows}),
            applied=applied_rows,
            finished_count=QuizAttempt.objects.filter(
                quiz=self.quiz, state=State.FINISHED
            ).count(),
        )
        return context
