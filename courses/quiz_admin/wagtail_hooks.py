"""Registers the quiz results screens with the Wagtail admin (registration only).

Imported from ``courses/wagtail_hooks.py``. Trainers find the screens in the
main menu ("Quiz results", with the number of attempts waiting for a mark),
and from each quiz page: a "Results" button in its header and in the
page listing's "more" menu.
"""

from __future__ import annotations

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem

from ..models import QuizPage
from . import scope, views

urlpatterns = [
    path("", views.QuizIndexView.as_view(), name="index"),
    path(
        "results/",
        views.QuizIndexView.as_view(results_only=True),
        name="index_results",
    ),
    path("needs-grading/", views.NeedsGradingView.as_view(), name="queue"),
    path(
        "needs-grading/results/",
        views.NeedsGradingView.as_view(results_only=True),
        name="queue_results",
    ),
    path("quiz/<int:quiz_id>/", views.QuizAttemptsView.as_view(), name="attempts"),
    path(
        "quiz/<int:quiz_id>/results/",
        views.QuizAttemptsView.as_view(results_only=True),
        name="attempts_results",
    ),
    path("quiz/<int:quiz_id>/regrade/", views.RegradeView.as_view(), name="regrade"),
    path("attempt/<int:attempt_id>/", views.AttemptView.as_view(), name="attempt"),
]


@hooks.register("register_admin_urls")
def register_quiz_results_urls():
    return [path("quiz-results/", include((urlpatterns, "quiz_results")))]


# --- the menu -------------------------------------------------------------------------


def _per_request(request, name, compute):
    """The menu asks ``is_shown`` several times per page: compute once."""
    cache = request.__dict__.setdefault("_quiz_admin_menu", {})
    if name not in cache:
        cache[name] = compute()
    return cache[name]


def _shown(request) -> bool:
    return _per_request(
        request, "shown", lambda: scope.user_has_quiz_results(request.user)
    )


def needs_grading_count(request) -> int:
    return _per_request(
        request,
        "count",
        lambda: (
            scope.managed_attempts(request.user)
            .filter(needs_grading=True, state="finished")
            .count()
        ),
    )


class QuizResultsItem(MenuItem):
    def is_shown(self, request):
        return _shown(request)


class NeedsGradingItem(QuizResultsItem):
    """Its label carries the number of attempts waiting for a mark."""

    def render_component(self, request):
        component = super().render_component(request)
        count = needs_grading_count(request)
        if count:
            component.label = _("Needs grading (%(count)s)") % {"count": count}
        return component


class QuizResultsSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return _shown(request)

    def render_component(self, request):
        component = super().render_component(request)
        count = needs_grading_count(request)
        if count:
            component.label = _("Quiz results (%(count)s)") % {"count": count}
        return component


@hooks.register("register_admin_menu_item")
def register_quiz_results_menu():
    return QuizResultsSubmenu(
        gettext_lazy("Quiz results"),
        Menu(
            items=[
                QuizResultsItem(
                    gettext_lazy("Quizzes"),
                    reverse_lazy("quiz_results:index"),
                    name="quiz-results-quizzes",
                    icon_name="clipboard-list",
                    order=100,
                ),
                NeedsGradingItem(
                    gettext_lazy("Needs grading"),
                    reverse_lazy("quiz_results:queue"),
                    name="quiz-results-needs-grading",
                    icon_name="tasks",
                    order=200,
                ),
            ]
        ),
        name="quiz-results",
        icon_name="clipboard-list",
        order=220,
    )


# --- buttons on quiz pages ------------------------------------------------------------


class QuizResultsButton(PageMenuItem):
    label = gettext_lazy("Results")
    icon_name = "clipboard-list"
    url_name = "quiz_results:attempts"

    def is_shown(self, user):
        return issubclass(
            self.page.specific_class or object, QuizPage
        ) and scope.user_can_view_quiz(user, self.page)


@hooks.register("register_page_header_buttons")
def quiz_results_header_button(page, user, view_name, next_url=None):
    yield QuizResultsButton(page=page, priority=25)


@hooks.register("register_page_listing_more_buttons")
def quiz_results_listing_button(page, user, next_url=None):
    yield QuizResultsButton(page=page, priority=5)
