"""Error pages: the site's own templates, never Django's debug pages."""

from __future__ import annotations

from django.utils.translation import gettext as _

import pytest

pytestmark = pytest.mark.django_db


def not_found_phrase() -> str:
    """The 404 page's sentence in the active (Ukrainian) language."""
    return _("The address may be mistyped, or the page has moved.")


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False


@pytest.mark.parametrize(
    "url",
    [
        "/no-such-page/",
        "/programmes/no-such-programme/",
        "/programmes/no-such-programme/module/lesson/",
        "/learning/no-such-view/",
        "/accounts/no-such-view/",
    ],
)
def test_unknown_url_uses_site_404_template(client, catalogue, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert not_found_phrase() in html
    assert 'class="site-header"' in html  # the site's chrome, not a bare page
    assert "Traceback" not in html
    assert "URLconf" not in html  # Django's technical 404 lists the URLconf


def test_404_without_any_site_is_still_the_site_template(client, db):
    from wagtail.models import Site

    Site.objects.all().delete()
    response = client.get("/anything/")
    assert response.status_code == 404
    assert not_found_phrase() in response.content.decode()


def test_403_uses_site_template(client, catalogue, learner):
    from tests.factories import build_programme

    tree = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
    client.force_login(learner)
    response = client.post(f"/learning/items/{tree.lessons[0].pk}/complete/")
    assert response.status_code == 403
    assert _("You do not have access to this page.") in response.content.decode()
