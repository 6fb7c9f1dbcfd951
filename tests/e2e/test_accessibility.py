"""axe-core (self-hosted, shipped by axe-playwright-python) on the learner pages.

Every page is checked at a desktop width and at a phone width with all of
axe's default rules: WCAG 2.0/2.1/2.2 A and AA plus axe's best practices
(landmarks, heading order, region, ...). No rule is switched off. Some pages
are also checked in a second state (a flash message shown, a lesson already
completed, a form with errors), since those add markup of their own.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from courses.models import LessonPage
from courses.services import item_complete
from tests.e2e.helpers import DESKTOP, PHONE, enrol, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()

# name -> who looks at it: None (anonymous), "member" (signed in, not
# enrolled) or "learner" (signed in, enrolled in the sample programme).
PAGES = {
    "home": None,
    "catalogue": None,
    "programme": None,
    "programme-just-enrolled": "member",
    "programme-learning": "learner",
    "lesson": "learner",
    "lesson-completed": "learner",
    "dashboard": "learner",
    "profile": "learner",
    "login": None,
    "signup": None,
    "signup-errors": None,
    "not-found": None,
}


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


def open_page(name: str, page, base: str, programme, user) -> None:
    lessons = list(LessonPage.objects.live().descendant_of(programme).order_by("path"))
    if name == "home":
        page.goto(base + "/")
    elif name == "catalogue":
        page.goto(base + "/programmes/")
    elif name in ("programme", "programme-learning"):
        page.goto(base + programme.url)
    elif name == "programme-just-enrolled":
        page.goto(base + programme.url)
        page.locator(
            f"form[action$='/programmes/{programme.pk}/enrol/'] button"
        ).click()
        page.wait_for_load_state()
        assert page.locator(".messages .message").count() == 1
    elif name == "lesson":
        page.goto(base + lessons[1].url)
    elif name == "lesson-completed":
        item_complete(user=user, item=lessons[0])
        page.goto(base + lessons[0].url)
        assert page.locator(".complete-box--done").count() == 1
    elif name == "dashboard":
        page.goto(base + "/learning/")
    elif name == "profile":
        page.goto(base + "/learning/profile/")
    elif name == "login":
        page.goto(base + "/accounts/login/")
    elif name == "signup":
        page.goto(base + "/accounts/signup/")
    elif name == "signup-errors":
        page.goto(base + "/accounts/signup/")
        # Skip the browser's own checks so that the server's errors show.
        page.locator("main form").evaluate("form => { form.noValidate = true; }")
        page.fill("#id_email", "not-an-address")
        page.fill("#id_password1", "short")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".errorlist").count() > 0
    elif name == "not-found":
        response = page.goto(base + "/no-such-page/")
        assert response.status == 404
    else:  # pragma: no cover - a typo in PAGES
        raise AssertionError(name)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_axe_violations(
    name, viewport, live_server, demo_site, make_learner, page
):
    programme = demo_site["programme"]
    user = None
    if PAGES[name]:
        user = make_learner()
        if PAGES[name] == "learner":
            enrol(user, programme)
        login_as(page, live_server, user)
    page.set_viewport_size(viewport)
    open_page(name, page, live_server.url, programme, user)
    assert page.locator("h1").count() == 1, "one h1 per page"

    violations = AXE.run(page).response["violations"]
    assert not violations, (
        f"axe found {len(violations)} violation(s) on {name} at "
        f"{viewport['width']}px ({page.url}):\n{format_violations(violations)}"
    )
