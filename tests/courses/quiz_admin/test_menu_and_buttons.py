"""How trainers find the screens: the menu (with the count of attempts waiting
for a mark) and the "Results" button on quiz pages."""

from __future__ import annotations

from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

import pytest

from courses.quiz_admin import wagtail_hooks as hooks_module

from .conftest import admin_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """These tests compare menu labels; the site's default language is Ukrainian."""
    with translation.override("en"):
        yield


def menu_for(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    # English labels, fixed as text now: a request made earlier in the test
    # leaves the thread in the site's default language (Ukrainian).
    with translation.override("en"):
        item = hooks_module.register_quiz_results_menu()
        if not item.is_shown(request):
            return None
        component = item.render_component(request)
        component.label = str(component.label)
        for child in component.menu_items:
            child.label = str(child.label)
    return component


def test_menu_for_the_trainer_counts_attempts_waiting(world):
    component = menu_for(world.trainer)
    assert component is not None
    assert component.label == "Quiz results (1)"
    labels = [child.label for child in component.menu_items]
    assert labels == ["Quizzes", "Needs grading (1)"]
    urls = [child.url for child in component.menu_items]
    assert urls == [reverse("quiz_results:index"), reverse("quiz_results:queue")]


def test_menu_counts_only_the_trainers_programme(world):
    # B's attempt waits too, but trainer B sees only their own.
    assert menu_for(world.other_trainer).label == "Quiz results (1)"
    assert menu_for(world.superuser).label == "Quiz results (2)"


def test_menu_without_anything_to_grade(world):
    admin_client(world.trainer).post(
        reverse("quiz_results:attempt", args=[world.attempt.pk]),
        {"position": "1", "r1-mark": "1"},
    )
    component = menu_for(world.trainer)
    assert str(component.label) == "Quiz results"


def test_menu_is_hidden_from_admins_without_programmes(world):
    assert menu_for(world.editor) is None


def test_menu_is_in_the_admin(world):
    html = (
        admin_client(world.trainer).get(reverse("wagtailadmin_home")).content.decode()
    )
    assert reverse("quiz_results:queue") in html
    editor_html = (
        admin_client(world.editor).get(reverse("wagtailadmin_home")).content.decode()
    )
    assert reverse("quiz_results:queue") not in editor_html


def test_results_button_on_the_quiz_page(world):
    results = reverse("quiz_results:attempts", args=[world.quiz.pk])
    client = admin_client(world.trainer)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[world.quiz.pk]))
    assert edit.status_code == 200
    assert f'href="{results}"' in edit.content.decode()
    listing = client.get(reverse("wagtailadmin_explore", args=[world.a.modules[0].pk]))
    assert f'href="{results}"' in listing.content.decode()
    # Not on other pages.
    lesson = client.get(
        reverse("wagtailadmin_pages:edit", args=[world.a.lessons[0].pk])
    )
    assert "/admin/quiz-results/quiz/" not in lesson.content.decode()
