"""Query budgets: learner pages run a fixed number of queries, however many
lessons the programme has (no query per lesson, module or completion)."""

from __future__ import annotations

import sys

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from courses import services
from tests.factories import UserFactory, build_programme

LESSON_BUDGET = 15
PROGRAMME_BUDGET = 15
DASHBOARD_BUDGET = 15

SHAPES = {"5 lessons": (1, 5), "50 lessons": (5, 10)}


def _setup(catalogue, learner, modules, per_module):
    """A fresh programme and a learner enrolled in it alone."""
    tree = build_programme(
        parent=catalogue, modules=modules, lessons_per_module=per_module
    )
    services.enrolment_create(user=learner, programme=tree.programme)
    # A learner in the middle of the programme: some ticks, not all.
    for lesson in tree.lessons[: len(tree.lessons) // 2]:
        services.item_complete(user=learner, item=lesson)
    client = Client()
    client.force_login(learner)
    return tree, client


def _count(client: Client, url: str) -> tuple[int, list[str]]:
    client.get(url)  # warm: site root paths, content types, session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def _page_urls(tree) -> dict[str, str]:
    middle = tree.lessons[len(tree.lessons) // 2]
    return {
        "lesson": middle.url,
        "programme": tree.programme.url,
        "dashboard": reverse("courses:dashboard"),
    }


BUDGETS = {
    "lesson": LESSON_BUDGET,
    "programme": PROGRAMME_BUDGET,
    "dashboard": DASHBOARD_BUDGET,
}


@pytest.mark.django_db
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("page", sorted(BUDGETS))
def test_page_within_budget(
    catalogue, learner, django_assert_max_num_queries, shape, page
):
    tree, client = _setup(catalogue, learner, *SHAPES[shape])
    url = _page_urls(tree)[page]
    client.get(url)
    with django_assert_max_num_queries(BUDGETS[page]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(BUDGETS))
def test_query_count_does_not_grow_with_lessons(catalogue, page, capsys):
    counts, sql = {}, {}
    for shape, (modules, per_module) in SHAPES.items():
        one_learner = UserFactory(username=f"learner-{modules}x{per_module}")
        tree, client = _setup(catalogue, one_learner, modules, per_module)
        counts[shape], sql[shape] = _count(client, _page_urls(tree)[page])
        if page == "lesson":
            body = client.get(_page_urls(tree)["lesson"]).content.decode()
            assert body.count('class="tick tick--done"') >= len(tree.lessons) // 2
    with capsys.disabled():
        sys.stdout.write(f"\n[query budget] {page}: {counts}\n")
    assert counts["5 lessons"] == counts["50 lessons"], "\n\n".join(
        f"--- {shape}\n" + "\n".join(queries) for shape, queries in sql.items()
    )
    assert counts["50 lessons"] <= BUDGETS[page]


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_enrolments(catalogue, learner):
    counts = []
    client = Client()
    client.force_login(learner)
    for _n in range(3):
        tree = build_programme(parent=catalogue, modules=1, lessons_per_module=2)
        services.enrolment_create(user=learner, programme=tree.programme)
        counts.append(_count(client, reverse("courses:dashboard"))[0])
    assert len(set(counts)) == 1, counts
