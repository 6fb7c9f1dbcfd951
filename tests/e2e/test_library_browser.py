"""The library and success stories in Chromium: axe, layout, filters without script.

Runs on the demo site (``build_site`` creates the library and the stories).
Every page is checked with all of axe's default rules at 390 px and 1280 px,
and a full-page screenshot is saved to ``var/screenshots/`` for people to look
at. The filter form is also used with JavaScript switched off.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.conf import settings

import pytest
from axe_playwright_python.sync_playwright import Axe

from cms_pages.models import LibraryItemPage, StoryPage
from tests.e2e.helpers import DESKTOP, PHONE, login_as
from tests.e2e.test_accessibility import format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()
OUT = Path(settings.BASE_DIR) / "var" / "screenshots"
CHECKLIST_SLUG = "chek-lyst-inkliuzyvnyi-zakhid"
LAW_SLUG = "zakon-pro-mistseve-samovriaduvannia"


def _paths() -> dict[str, str]:
    material = LibraryItemPage.objects.get(slug=CHECKLIST_SLUG)
    story = StoryPage.objects.live().order_by("path").first()
    return {
        "library": "/library/",
        "library-filtered": "/library/?topic=" + quote("бюджет-участі"),
        "library-search-empty": "/library/?q=" + quote("неіснуючеслово"),
        "material": material.url,
        "material-with-source": LibraryItemPage.objects.get(slug=LAW_SLUG).url,
        "stories": "/stories/",
        "story": story.url,
    }


PAGES = [
    "library",
    "library-filtered",
    "library-search-empty",
    "material",
    "material-with-source",
    "stories",
    "story",
]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_axe_violations_and_fits(
    name, viewport, live_server, demo_site, page
):
    OUT.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(viewport)
    response = page.goto(live_server.url + _paths()[name])

    assert response.ok
    assert page.locator("h1").count() == 1, "one h1 per page"
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{scroll_width}px content, {inner_width}px"
    page.screenshot(path=str(OUT / f"{name}-{viewport['width']}.png"), full_page=True)

    violations = AXE.run(page).response["violations"]
    assert not violations, (
        f"axe found {len(violations)} violation(s) on {name} at "
        f"{viewport['width']}px ({page.url}):\n{format_violations(violations)}"
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_home_sections_and_header(viewport, live_server, demo_site, make_learner, page):
    """The home page's new sections, and the header with the longer menu, both
    signed out and signed in (the widest header)."""
    OUT.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(viewport)
    width = viewport["width"]
    page.goto(live_server.url + "/")
    assert page.locator("#library-heading").is_visible()
    assert page.locator("#stories-heading").is_visible()
    assert page.locator(".site-nav a[href='/library/']").is_visible()
    assert page.locator(".site-nav a[href='/stories/']").is_visible()
    page.screenshot(path=str(OUT / f"home-sections-{width}.png"), full_page=True)

    login_as(page, live_server, make_learner())
    page.goto(live_server.url + "/library/")
    header = page.locator(".site-header")
    page.screenshot(path=str(OUT / f"header-signed-in-{width}.png"))
    # On a phone the header may wrap, but must stay compact: brand row plus
    # at most two rows of links.
    limit = 180 if width < 600 else 80
    assert header.bounding_box()["height"] <= limit
    violations = AXE.run(page).response["violations"]
    assert not violations, format_violations(violations)


def test_filters_work_without_javascript(live_server, demo_site, browser):
    context = browser.new_context(
        locale="uk-UA", viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/library/")
        total = page.locator(".cards--listing > li").count()
        assert total >= 6

        page.select_option("#id_topic", label="бюджет участі")
        page.select_option("#id_type", label="Інструментарій або шаблон")
        page.locator("form[method='get'] button[type='submit']").click()
        page.wait_for_load_state()

        titles = page.locator(".cards--listing h3").all_inner_texts()
        assert titles, "the filter found nothing"
        assert len(titles) < total
        assert "topic=" in page.url
        assert page.locator("#id_topic").input_value() == "бюджет-участі"

        page.fill("#id_q", "статут")
        page.select_option("#id_topic", value="")
        page.select_option("#id_type", value="")
        page.locator("form[method='get'] button[type='submit']").click()
        page.wait_for_load_state()
        found = page.locator(".cards--listing h3").all_inner_texts()
        assert any("місцеве самоврядування" in title for title in found)
    finally:
        context.close()
