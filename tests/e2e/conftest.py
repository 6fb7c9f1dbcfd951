"""Browser fixtures: Debian's Chromium driven by Playwright against live_server.

Playwright's sync API runs an event loop in the test thread; Django refuses ORM
calls from such a thread unless told it is safe, which it is here (one thread
drives both the browser and the test's own database calls).
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.e2e.helpers import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = (
    os.environ.get("LMS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        locale="uk-UA", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def demo_site(transactional_db):
    """The demo site (home, catalogue, news, the sample programme), as seeded.

    ``build_site`` makes the new home page the root of the default site, so
    the live server's host name does not need to match.
    """
    from lms.demo.build import build_site
    from tests.conftest import _ensure_wagtail_base

    _ensure_wagtail_base()
    return build_site()


@pytest.fixture
def make_learner(transactional_db):
    """Create a learner with a verified e-mail address and a complete profile."""
    from allauth.account.models import EmailAddress

    from courses.services import profile_update
    from tests.factories import UserFactory

    def make(username: str = "olena", *, profile: bool = True):
        user = UserFactory(username=username, email=f"{username}@example.org")
        user.set_password(PASSWORD)
        user.save()
        EmailAddress.objects.create(
            user=user, email=user.email, verified=True, primary=True
        )
        if profile:
            profile_update(
                user=user,
                surname="Коваленко",
                given_name="Олена",
                patronymic="Петрівна",
                oblast="poltava",
            )
        return user

    return make
