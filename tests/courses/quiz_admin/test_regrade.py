"""The regrade screen: a dry-run report, then "Regrade now" (quiz reference
§1.3, §6.18)."""

from __future__ import annotations

import re

from django.urls import reverse

from wagtail.models import PageLogEntry

import pytest

from courses.models import Choice, QuizAttempt

from .conftest import D, admin_client

pytestmark = pytest.mark.django_db


def regrade_url(world) -> str:
    return reverse("quiz_results:regrade", args=[world.quiz.pk])


def fix_key(world):
    """The key was wrong: "Голова" is the right answer, not "Рада"."""
    mc = world.quiz.slots.first().question
    Choice.objects.filter(question=mc, text="Рада").update(fraction=0)
    Choice.objects.filter(question=mc, text="Голова").update(fraction=1)


def marks(world) -> dict:
    return {
        (a.user.username, r.position): r.mark
        for a in QuizAttempt.objects.filter(quiz=world.quiz)
        for r in a.responses.all()
    }


def test_nothing_to_regrade(world):
    response = admin_client(world.trainer).get(regrade_url(world))
    assert response.status_code == 200
    assert response.context["planned"] == []
    assert response.context["applied"] is None
    assert response.context["finished_count"] == 2


def test_dry_run_reports_and_changes_nothing(world):
    fix_key(world)
    before = marks(world)
    snapshots = list(
        world.attempt.responses.order_by("position").values_list("snapshot", flat=True)
    )

    response = admin_client(world.trainer).get(regrade_url(world))

    assert response.status_code == 200
    rows = [
        (r["learner"], r["attempt"].pk, r["number"], r["name"], r["old"], r["new"])
        for r in response.context["planned"]
    ]
    assert sorted(rows) == sorted(
        [
            ("Шевченко Олена Петрівна", world.attempt.pk, 1, "Бюджет", D(1), D(0)),
            ("other", world.other_attempt.pk, 1, "Бюджет", D(0), D(1)),
        ]
    )
    html = response.content.decode()
    assert "Шевченко Олена Петрівна" in html and "Бюджет" in html
    assert "Regrade now" in html
    assert marks(world) == before
    assert (
        list(
            world.attempt.responses.order_by("position").values_list(
                "snapshot", flat=True
            )
        )
        == snapshots
    )
    assert not PageLogEntry.objects.filter(action="courses.quiz.regrade").exists()


def test_regrade_now_changes_marks_and_shows_what_changed(world):
    fix_key(world)
    client = admin_client(world.trainer)

    response = client.post(regrade_url(world))

    assert response.status_code == 302 and response.url == regrade_url(world)
    after = marks(world)
    assert after[("learner", 0)] == D(0)
    assert after[("other", 0)] == D(1)
    other = QuizAttempt.objects.get(pk=world.other_attempt.pk)
    assert (other.sum_marks, other.grade) == (D(1), D("33.33"))
    # The essay still waits for a trainer: no grade yet for the learner.
    assert QuizAttempt.objects.get(pk=world.attempt.pk).needs_grading
    entry = PageLogEntry.objects.get(
        action="courses.quiz.regrade", page_id=world.quiz.pk
    )
    assert entry.user == world.trainer
    assert entry.data["changes"] == 2
    logged = sorted(
        (m["attempt"], m["position"], D(m["old"]), D(m["new"]))
        for m in entry.data["marks"]
    )
    assert logged == sorted(
        [(world.attempt.pk, 0, D(1), D(0)), (world.other_attempt.pk, 0, D(0), D(1))]
    )

    page = client.get(response.url)
    applied = page.context["applied"]
    assert sorted((r["attempt"].pk, r["old"], r["new"]) for r in applied) == sorted(
        [(world.attempt.pk, D(1), D(0)), (world.other_attempt.pk, D(0), D(1))]
    )
    assert page.context["planned"] == []  # nothing more to change
    html = page.content.decode()
    assert "Changes made by the regrade" in html
    assert re.search(r"Regraded: 2 marks changed", html)
    # Shown once: a reload reports the dry run only.
    assert client.get(regrade_url(world)).context["applied"] is None


def test_regrade_keeps_manual_marks(world):
    client = admin_client(world.trainer)
    client.post(
        reverse("quiz_results:attempt", args=[world.other_attempt.pk]),
        {"position": "0", "r0-mark": "0.5"},
    )
    fix_key(world)

    planned = client.get(regrade_url(world)).context["planned"]
    assert [r["attempt"].pk for r in planned] == [world.attempt.pk]
    client.post(regrade_url(world))
    assert marks(world)[("other", 0)] == D("0.5")


def test_regrade_post_needs_a_csrf_token(world):
    fix_key(world)
    client = admin_client(world.trainer, enforce_csrf_checks=True)
    assert client.post(regrade_url(world)).status_code == 403
    assert marks(world)[("other", 0)] == D(0)
    page = client.get(regrade_url(world)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    done = client.post(regrade_url(world), {"csrfmiddlewaretoken": token})
    assert done.status_code == 302
    assert marks(world)[("other", 0)] == D(1)
