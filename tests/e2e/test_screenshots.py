"""Full-page screenshots of the main pages at a phone and a desktop width.

Saved to ``var/screenshots/`` (git-ignored) for people to look at; the test
itself checks that each page renders: its one h1 is visible and nothing
overflows the viewport sideways.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

import pytest

from courses.models import LessonPage
from courses.services import item_complete
from tests.e2e.helpers import DESKTOP, PHONE, enrol, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(settings.BASE_DIR) / "var" / "screenshots"

# Pages anyone can see: (file name, path)
PUBLIC = [
    ("home", "/"),
    ("catalogue", "/programmes/"),
    ("login", "/accounts/login/"),
    ("signup", "/accounts/signup/"),
]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_main_pages_render_and_fit_the_screen(
    viewport, live_server, demo_site, make_learner, page
):
    OUT.mkdir(parents=True, exist_ok=True)
    programme = demo_site["programme"]
    lessons = list(LessonPage.objects.live().descendant_of(programme).order_by("path"))
    base = live_server.url
    page.set_viewport_size(viewport)
    width = viewport["width"]
    problems = []

    def shoot(name: str, path: str) -> None:
        response = page.goto(base + path)
        assert response.ok, f"{name}: HTTP {response.status}"
        h1 = page.locator("h1")
        if h1.count() != 1 or not h1.is_visible():
            problems.append(f"{name}: expected one visible h1")
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > inner_width:
            problems.append(
                f"{name}: {scroll_width}px wide content in a {inner_width}px window"
            )
        page.screenshot(path=str(OUT / f"{name}-{width}.png"), full_page=True)

    for name, path in PUBLIC:
        shoot(name, path)
    shoot("programme-anonymous", programme.url)

    # A learner part-way through: one lesson done, reading the second.
    user = make_learner()
    enrol(user, programme)
    item_complete(user=user, item=lessons[0])
    login_as(page, live_server, user)
    shoot("programme", programme.url)
    shoot("lesson", lessons[1].url)
    # The programme contents sit beside the lesson on a wide screen; on a
    # phone they are a closed bar, so the lesson starts on the first screen.
    contents_open = page.locator("#programme-contents").evaluate("d => d.open")
    h1_top = page.locator("article.lesson h1").bounding_box()["y"]
    if width < 900:
        if contents_open:
            problems.append("lesson: the contents are open on a phone")
        if h1_top > viewport["height"] / 2:
            problems.append(f"lesson: the h1 starts {h1_top:.0f}px down")
    elif not contents_open:
        problems.append("lesson: the contents are closed on a wide screen")
    shoot("dashboard", "/learning/")
    shoot("profile", "/learning/profile/")

    assert not problems, "\n".join(problems)
