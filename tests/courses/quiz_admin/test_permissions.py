"""Who reaches which results screen (quiz reference §5.9, §6.30).

Every URL, including exports, the HTMX results fragments and the POSTs, for
anonymous visitors, learners (no admin), the programme's trainer, another
programme's trainer, an admin user who manages no programme, and superusers.
"""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from wagtail.models import PageLogEntry

import pytest

from courses.models import QuizAttempt

from .conftest import admin_client

pytestmark = pytest.mark.django_db

# (name, needs the quiz A / attempt A id) -> url builder
QUIZ_URLS = {
    "attempts": lambda w: reverse("quiz_results:attempts", args=[w.quiz.pk]),
    "attempts_results": lambda w: reverse(
        "quiz_results:attempts_results", args=[w.quiz.pk]
    ),
    "attempts_csv": lambda w: (
        reverse("quiz_results:attempts", args=[w.quiz.pk]) + "?export=csv"
    ),
    "attempts_xlsx": lambda w: (
        reverse("quiz_results:attempts", args=[w.quiz.pk]) + "?export=xlsx"
    ),
    "attempts_results_csv": lambda w: (
        reverse("quiz_results:attempts_results", args=[w.quiz.pk]) + "?export=csv"
    ),
    "attempt": lambda w: reverse("quiz_results:attempt", args=[w.attempt.pk]),
    "regrade": lambda w: reverse("quiz_results:regrade", args=[w.quiz.pk]),
}
LIST_URLS = {
    "index": lambda w: reverse("quiz_results:index"),
    "index_results": lambda w: reverse("quiz_results:index_results"),
    "queue": lambda w: reverse("quiz_results:queue"),
    "queue_results": lambda w: reverse("quiz_results:queue_results"),
    "queue_csv": lambda w: reverse("quiz_results:queue") + "?export=csv",
    "queue_xlsx": lambda w: reverse("quiz_results:queue") + "?export=xlsx",
}
ALL_URLS = {**QUIZ_URLS, **LIST_URLS}


def client_for(world, role: str) -> Client:
    user = world.user(role)
    return Client() if user is None else admin_client(user)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(
        reverse("wagtailadmin_login")
    )


@pytest.mark.parametrize("role", ["anonymous", "learner"])
@pytest.mark.parametrize("name", sorted(ALL_URLS))
def test_no_admin_access_is_sent_to_log_in(world, role, name):
    response = client_for(world, role).get(ALL_URLS[name](world))
    assert _is_login_redirect(response), (response.status_code, name)


@pytest.mark.parametrize("role", ["trainer", "superuser"])
@pytest.mark.parametrize("name", sorted(ALL_URLS))
def test_the_programmes_trainer_and_superusers_get_every_screen(world, role, name):
    response = client_for(world, role).get(ALL_URLS[name](world))
    assert response.status_code == 200, name
    if "csv" in name:
        assert response["Content-Type"].startswith("text/csv")
    elif "xlsx" in name:
        assert "spreadsheetml" in response["Content-Type"]


@pytest.mark.parametrize("name", sorted(QUIZ_URLS))
def test_another_programmes_trainer_gets_403(world, name):
    client = client_for(world, "other_trainer")
    url = QUIZ_URLS[name](world)
    assert client.get(url).status_code == 403
    # Wagtail's admin would turn PermissionDenied into a redirect for
    # ordinary requests; HTMX/fetch requests get the same 403.
    assert client.get(url, HTTP_X_REQUESTED_WITH="XMLHttpRequest").status_code == 403


@pytest.mark.parametrize("name", sorted(ALL_URLS))
def test_an_admin_user_without_programmes_gets_403(world, name):
    assert client_for(world, "editor").get(ALL_URLS[name](world)).status_code == 403


def test_another_trainers_posts_are_refused_and_change_nothing(world):
    client = client_for(world, "other_trainer")
    essay = world.attempt.responses.get(position=1)
    graded = client.post(
        reverse("quiz_results:attempt", args=[world.attempt.pk]),
        {"position": "1", "r1-mark": "2", "r1-comment": "x"},
    )
    regraded = client.post(reverse("quiz_results:regrade", args=[world.quiz.pk]))

    assert graded.status_code == 403 and regraded.status_code == 403
    essay.refresh_from_db()
    assert (essay.mark, essay.graded_by_id, essay.grader_comment) == (None, None, "")
    assert QuizAttempt.objects.get(pk=world.attempt.pk).needs_grading


@pytest.mark.parametrize("role", ["anonymous", "learner"])
def test_posts_without_admin_access_change_nothing(world, role):
    client = client_for(world, role)
    response = client.post(
        reverse("quiz_results:attempt", args=[world.attempt.pk]),
        {"position": "1", "r1-mark": "2"},
    )
    assert _is_login_redirect(response)
    regraded = client.post(reverse("quiz_results:regrade", args=[world.quiz.pk]))
    assert _is_login_redirect(regraded)
    assert world.attempt.responses.get(position=1).mark is None
    assert not PageLogEntry.objects.filter(action="courses.quiz.regrade").exists()


def test_missing_objects_are_404(world):
    client = client_for(world, "trainer")
    assert (
        client.get(reverse("quiz_results:attempts", args=[999999])).status_code == 404
    )
    assert client.get(reverse("quiz_results:attempt", args=[999999])).status_code == 404
    assert (
        client.get(
            reverse("quiz_results:regrade", args=[world.a.lessons[0].pk])
        ).status_code
        == 404
    )
    bad_position = client.post(
        reverse("quiz_results:attempt", args=[world.attempt.pk]),
        {"position": "99", "r99-mark": "1"},
    )
    assert bad_position.status_code == 404


def test_the_other_trainer_sees_only_their_own_programme(world):
    """Lists are 200 for every trainer, with their own quizzes only."""
    for role, own, foreign in [
        ("trainer", world.quiz, world.quiz_b),
        ("other_trainer", world.quiz_b, world.quiz),
    ]:
        client = client_for(world, role)
        index = client.get(reverse("quiz_results:index"))
        assert [q.pk for q in index.context["object_list"]] == [own.pk], role
        queue = client.get(reverse("quiz_results:queue"))
        assert {a.quiz_id for a in queue.context["object_list"]} == {own.pk}, role
        html = queue.content.decode()
        assert foreign.title not in html
    everything = client_for(world, "superuser").get(reverse("quiz_results:index"))
    assert {q.pk for q in everything.context["object_list"]} == {
        world.quiz.pk,
        world.quiz_b.pk,
    }


def test_queue_filter_cannot_reach_another_programmes_quiz(world):
    client = client_for(world, "trainer")
    url = reverse("quiz_results:queue")
    own = client.get(f"{url}?quiz={world.quiz.pk}")
    assert [a.pk for a in own.context["object_list"]] == [world.attempt.pk]
    foreign = client.get(f"{url}?quiz={world.quiz_b.pk}")
    assert foreign.status_code == 200
    assert world.attempt_b.pk not in {a.pk for a in foreign.context["object_list"]}
    exported = client.get(f"{url}?quiz={world.quiz_b.pk}&export=csv")
    assert b"b_learner" not in b"".join(exported.streaming_content)
