import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_renders_in_chromium(live_server, home, page):
    page.goto(live_server.url + "/")
    assert page.locator("h1").first.inner_text() == "Головна"
    assert page.locator("html").get_attribute("lang") == "uk"
