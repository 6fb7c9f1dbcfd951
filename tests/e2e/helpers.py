"""Helpers shared by the browser tests (not fixtures: plain functions)."""

from __future__ import annotations

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "Hromada-2026-test"


def login_as(page, live_server, user) -> None:
    """Put a logged-in session cookie for ``user`` into the page's context."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def enrol(user, programme) -> None:
    from courses.services import enrolment_create

    enrolment_create(user=user, programme=programme)


def first_lesson_url(programme) -> str:
    from courses.models import LessonPage

    lesson = LessonPage.objects.live().descendant_of(programme).order_by("path")[0]
    return lesson.url
