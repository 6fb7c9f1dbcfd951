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


@pytest.fixture(scope="session")
def signing_key_dir(tmp_path_factory):
    """Throwaway signing keys, made once per test process (never the real ones)."""
    from certificates import signing

    directory = tmp_path_factory.mktemp("cert-keys") / "keys"
    signing.generate_keys(
        directory, organisation="Тестовий видавець", common_name="Тест: сертифікати"
    )
    return directory


@pytest.fixture
def signing_keys(settings, signing_key_dir):
    settings.LMS_CERTIFICATES_SIGNING = True
    settings.LMS_CERTIFICATES_KEY_DIR = str(signing_key_dir)
    settings.LMS_PUBLIC_URL = "https://learn.example.org"
    return signing_key_dir
