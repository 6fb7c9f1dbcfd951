"""A learner's path through a programme, request by request."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

import pytest

from courses import services
from courses.models import Enrolment, ItemCompletion
from tests.factories import UserFactory, build_programme

from .conftest import make_trainer

LESSON_TEXT = "Текст уроку"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def enrol(client: Client, programme):
    return client.post(reverse("courses:enrol", args=[programme.pk]))


def complete(client: Client, lesson, **extra):
    return client.post(reverse("courses:item-complete", args=[lesson.pk]), **extra)


def dashboard_card(client: Client, programme) -> str:
    """The dashboard card of one programme (its <li class="card">)."""
    html = client.get(reverse("courses:dashboard")).content.decode()
    for card in re.findall(
        r'<li class="card">(.*?)</li>\s*(?=<li class="card">|</ul>)', html, re.S
    ):
        if f'href="{programme.url}"' in card:
            return card
    raise AssertionError(f"no dashboard card for {programme.url}")


@pytest.mark.django_db
def test_open_enrolment_redirects_to_programme_and_unlocks_lessons(catalogue, learner):
    tree = build_programme(parent=catalogue, modules=2, lessons_per_module=2)
    client = login(learner)
    assert client.get(tree.lessons[0].url).status_code == 403

    response = enrol(client, tree.programme)

    assert response.status_code == 302
    assert response.headers["Location"] == tree.programme.url
    enrolment = Enrolment.objects.get(user=learner, programme=tree.programme)
    assert (enrolment.status, enrolment.required_count) == ("active", 4)
    page = client.get(tree.programme.url).content.decode()
    assert _("Start learning") in page
    lesson = client.get(tree.lessons[0].url)
    assert lesson.status_code == 200
    assert LESSON_TEXT in lesson.content.decode()
    assert reverse("courses:item-complete", args=[tree.lessons[0].pk]) in (
        lesson.content.decode()
    )


@pytest.mark.django_db
def test_approval_flow_pending_then_approved_by_trainer(catalogue, learner):
    tree = build_programme(
        parent=catalogue, modules=1, lessons_per_module=2, enrolment_policy="approval"
    )
    trainer = make_trainer("trainer", tree.programme)
    client = login(learner)

    response = enrol(client, tree.programme)

    assert response.status_code == 302
    enrolment = Enrolment.objects.get(user=learner, programme=tree.programme)
    assert enrolment.status == "pending"
    page = client.get(tree.programme.url).content.decode()
    assert "badge--pending" in page
    assert _("Awaiting approval") in page
    assert 'action="' + reverse("courses:enrol", args=[tree.programme.pk]) not in page
    locked = client.get(tree.lessons[0].url)
    assert locked.status_code == 403
    locked_html = locked.content.decode()
    assert (
        _(
            "Your enrolment request is waiting for approval. You will be able to "
            "read this lesson once it is approved."
        )
        in locked_html
    )
    assert LESSON_TEXT not in locked_html
    card = dashboard_card(client, tree.programme)
    assert "badge--pending" in card
    # Asking twice does not duplicate or change the request.
    enrol(client, tree.programme)
    assert Enrolment.objects.filter(user=learner).count() == 1

    admin = login(trainer)
    decide = reverse("courses_enrolment:decide", args=[enrolment.pk])
    listing = admin.get("/admin/enrolments/").content.decode()
    assert decide + "?approve=1" in listing
    assert admin.get(decide + "?approve=1").status_code == 200
    response = admin.post(decide, {"approve": "1"})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("courses_enrolment:index")

    enrolment.refresh_from_db()
    assert enrolment.status == "active"
    assert enrolment.decided_by == trainer
    lesson = client.get(tree.lessons[0].url)
    assert lesson.status_code == 200
    assert LESSON_TEXT in lesson.content.decode()


@pytest.mark.django_db
def test_rejected_learner_stays_locked_out(catalogue, learner):
    tree = build_programme(
        parent=catalogue, modules=1, lessons_per_module=1, enrolment_policy="approval"
    )
    trainer = make_trainer("trainer", tree.programme)
    client = login(learner)
    enrol(client, tree.programme)
    enrolment = Enrolment.objects.get(user=learner)
    login(trainer).post(
        reverse("courses_enrolment:decide", args=[enrolment.pk]), {"approve": "0"}
    )
    enrolment.refresh_from_db()
    assert enrolment.status == "rejected"
    assert client.get(tree.lessons[0].url).status_code == 403
    assert complete(client, tree.lessons[0]).status_code == 403
    assert not ItemCompletion.objects.exists()


@pytest.mark.django_db
def test_completing_every_lesson_shows_100_percent_and_completed(catalogue, learner):
    tree = build_programme(parent=catalogue, modules=2, lessons_per_module=2)
    client = login(learner)
    enrol(client, tree.programme)

    for n, lesson in enumerate(tree.lessons):
        response = complete(client, lesson)
        assert response.status_code == 302
        expected_next = (
            tree.lessons[n + 1].url if n + 1 < len(tree.lessons) else tree.programme.url
        )
        assert response.headers["Location"] == expected_next
        enrolment = Enrolment.objects.get(user=learner)
        assert enrolment.completed_count == n + 1

    assert enrolment.status == "completed"
    assert enrolment.percent == 100
    assert enrolment.completed_at is not None
    card = dashboard_card(client, tree.programme)
    assert "100%" in card
    assert 'aria-valuenow="100"' in card
    assert "badge--done" in card
    assert _("Completed") in card
    assert _("%(done)s of %(total)s items completed") % {"done": 4, "total": 4} in card
    programme_page = client.get(tree.programme.url).content.decode()
    assert "badge--done" in programme_page
    # A completed learner may still read (and re-complete) lessons.
    assert client.get(tree.lessons[0].url).status_code == 200
    assert complete(client, tree.lessons[0]).status_code == 302
    assert ItemCompletion.objects.filter(user=learner).count() == 4


@pytest.mark.django_db
def test_partial_progress_on_dashboard(catalogue, learner):
    tree = build_programme(parent=catalogue, modules=1, lessons_per_module=4)
    client = login(learner)
    enrol(client, tree.programme)
    complete(client, tree.lessons[0])
    card = dashboard_card(client, tree.programme)
    assert "25%" in card
    assert "badge--done" not in card
    assert _("%(done)s of %(total)s items completed") % {"done": 1, "total": 4} in card
    # "Continue" points at the first unfinished lesson.
    assert f'href="{tree.lessons[1].url}"' in card


@pytest.mark.django_db
def test_complete_json_returns_percent_and_next_url(catalogue, learner):
    tree = build_programme(parent=catalogue, modules=1, lessons_per_module=4)
    client = login(learner)
    enrol(client, tree.programme)

    first = complete(client, tree.lessons[0], HTTP_ACCEPT="application/json")

    assert first.status_code == 200
    assert first["Content-Type"].startswith("application/json")
    assert first.json() == {
        "completed": True,
        "percent": 25,
        "next": tree.lessons[1].url,
    }
    again = complete(client, tree.lessons[0], HTTP_ACCEPT="application/json")
    assert again.json()["percent"] == 25
    for lesson in tree.lessons[1:3]:
        complete(client, lesson, HTTP_ACCEPT="application/json")
    last = complete(client, tree.lessons[3], HTTP_ACCEPT="application/json")
    assert last.json() == {"completed": True, "percent": 100, "next": None}


@pytest.mark.django_db
def test_complete_json_for_unenrolled_learner_is_403_json(catalogue, learner):
    tree = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
    response = complete(login(learner), tree.lessons[0], HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert set(response.json()) == {"error"}


@pytest.mark.django_db
def test_unenrol_keeps_completions_and_re_enrol_restores_progress(catalogue, learner):
    tree = build_programme(parent=catalogue, modules=1, lessons_per_module=3)
    client = login(learner)
    enrol(client, tree.programme)
    complete(client, tree.lessons[0])
    complete(client, tree.lessons[1])

    response = client.post(reverse("courses:unenrol", args=[tree.programme.pk]))

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("courses:dashboard")
    enrolment = Enrolment.objects.get(user=learner)
    assert enrolment.status == "withdrawn"
    assert ItemCompletion.objects.filter(user=learner).count() == 2
    assert client.get(tree.lessons[0].url).status_code == 403
    assert complete(client, tree.lessons[2]).status_code == 403
    assert (
        tree.programme.url
        not in client.get(reverse("courses:dashboard")).content.decode()
    )
    page = client.get(tree.programme.url).content.decode()
    assert _("You left this programme earlier; your progress is kept.") in page

    enrol(client, tree.programme)

    enrolment.refresh_from_db()
    assert enrolment.status == "active"
    assert (enrolment.completed_count, enrolment.required_count) == (2, 3)
    assert enrolment.percent == 66
    card = dashboard_card(client, tree.programme)
    assert "66%" in card
    assert f'href="{tree.lessons[2].url}"' in card
    complete(client, tree.lessons[2])
    enrolment.refresh_from_db()
    assert enrolment.status == "completed"


@pytest.mark.django_db
def test_unenrol_after_completion_keeps_completed(catalogue, learner):
    tree = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
    client = login(learner)
    enrol(client, tree.programme)
    complete(client, tree.lessons[0])
    client.post(reverse("courses:unenrol", args=[tree.programme.pk]))
    assert Enrolment.objects.get(user=learner).status == "completed"
    assert client.get(tree.lessons[0].url).status_code == 200


@pytest.mark.django_db
def test_progress_of_one_learner_is_not_shown_to_another(catalogue, learner):
    tree = build_programme(parent=catalogue, modules=1, lessons_per_module=2)
    other = UserFactory(username="second")
    services.enrolment_create(user=learner, programme=tree.programme)
    services.item_complete(user=learner, item=tree.lessons[0])
    client = login(other)
    enrol(client, tree.programme)
    lesson = client.get(tree.lessons[0].url).content.decode()
    assert "You have completed this lesson." not in lesson
    assert "0%" in dashboard_card(client, tree.programme)
