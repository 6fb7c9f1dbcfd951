"""Shared fixtures: a site whose root is the LMS home page, and a catalogue.

Works after a transactional test has flushed the database too: the root page,
default locale, root collection and site are recreated when missing.
"""

from __future__ import annotations

from django.conf import settings

from wagtail.models import Collection, Locale, Page, Site

import pytest

from tests.factories import HomePageFactory, ProgrammeIndexPageFactory, UserFactory


def _ensure_wagtail_base() -> Page:
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", live=True))
    return root


@pytest.fixture
def home(db) -> Page:
    root = _ensure_wagtail_base()
    Page.objects.filter(depth=2).delete()
    root.refresh_from_db()
    home = HomePageFactory(parent=root)
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True
    )
    return home


@pytest.fixture
def catalogue(home):
    return ProgrammeIndexPageFactory(parent=home)


@pytest.fixture
def learner(db):
    return UserFactory(username="learner")


@pytest.fixture
def other_learner(db):
    return UserFactory(username="other")
