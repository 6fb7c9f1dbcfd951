"""Site pages: rendering through the site, home page content, tree rules."""

from __future__ import annotations

import datetime

from wagtail.models import Page

import pytest

from cms_pages.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from courses.models import ProgrammeIndexPage, ProgrammePage
from tests.factories import build_programme

from .factories import NewsIndexPageFactory, NewsPageFactory, StandardPageFactory

MALICIOUS_INTRO = (
    '<p onclick="alert(1)">Ласкаво просимо<script>alert("xss")</script>'
    '<a href="javascript:alert(2)">до школи</a></p>'
)


def _assert_clean(html: str) -> None:
    assert "<script" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "Ласкаво просимо" in html


@pytest.fixture
def news_index(home):
    return NewsIndexPageFactory(parent=home)


@pytest.mark.django_db
class TestRendering:
    def test_home_page(self, client, home):
        home.hero_title = "Громада, що діє"
        home.save()

        response = client.get("/")

        assert response.status_code == 200
        assert "cms_pages/home_page.html" in [t.name for t in response.templates]
        assert response.context["page"].pk == home.pk
        assert "Громада, що діє" in response.content.decode()

    def test_standard_page(self, client, home):
        page = StandardPageFactory(parent=home, title="Про нас", slug="about")

        response = client.get("/about/")

        assert response.status_code == 200
        content = response.content.decode()
        assert "Про нас" in content
        assert page.intro in content

    def test_standard_page_intro_is_plain_text_escaped(self, client, home):
        StandardPageFactory(
            parent=home, slug="about", intro="<script>alert(1)</script> і текст"
        )

        content = client.get("/about/").content.decode()

        assert "<script>alert(1)</script>" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content

    def test_news_index_lists_live_items_newest_first(self, client, news_index):
        old = NewsPageFactory(parent=news_index, date=datetime.date(2024, 5, 1))
        new = NewsPageFactory(parent=news_index, date=datetime.date(2025, 2, 1))
        draft = NewsPageFactory(
            parent=news_index, date=datetime.date(2025, 3, 1), live=False
        )

        response = client.get("/news/")

        assert response.status_code == 200
        assert list(response.context["items"]) == [new, old]
        content = response.content.decode()
        assert content.index(new.title) < content.index(old.title)
        assert draft.title not in content

    def test_news_page(self, client, news_index):
        item = NewsPageFactory(
            parent=news_index,
            title="Громада Буча провела слухання",
            summary="Понад сто мешканців узяли участь.",
            body=[("paragraph", "<p>Слухання тривали дві години.</p>")],
        )

        response = client.get(item.url)

        assert response.status_code == 200
        content = response.content.decode()
        assert "Громада Буча провела слухання" in content
        assert "Понад сто мешканців узяли участь." in content
        assert "Слухання тривали дві години." in content

    def test_draft_news_page_is_not_served(self, client, news_index):
        item = NewsPageFactory(parent=news_index, slug="draft", live=False)

        assert client.get(f"/news/{item.slug}/").status_code == 404


@pytest.mark.django_db
class TestHomePageContent:
    def test_latest_three_news_newest_first(self, client, home, news_index):
        dates = [datetime.date(2025, m, 1) for m in (3, 1, 4, 2)]
        items = {d: NewsPageFactory(parent=news_index, date=d) for d in dates}
        NewsPageFactory(parent=news_index, date=datetime.date(2025, 9, 1), live=False)

        response = client.get("/")

        latest = list(response.context["latest_news"])
        expected = [items[datetime.date(2025, m, 1)] for m in (4, 3, 2)]
        assert latest == expected
        content = response.content.decode()
        positions = [content.index(item.title) for item in expected]
        assert positions == sorted(positions)
        assert items[datetime.date(2025, 1, 1)].title not in content

    def test_news_on_the_same_day_newest_created_first(self, client, news_index):
        day = datetime.date(2025, 6, 1)
        first = NewsPageFactory(parent=news_index, date=day)
        second = NewsPageFactory(parent=news_index, date=day)

        latest = list(client.get("/").context["latest_news"])

        assert latest == [second, first]

    def test_no_news(self, client, home):
        response = client.get("/")

        assert list(response.context["latest_news"]) == []

    def test_featured_programmes_only_when_live(self, client, home, catalogue):
        shown = build_programme(parent=catalogue, modules=0, title="Бюджет участі")
        hidden = build_programme(parent=catalogue, modules=0, title="Прихована")
        home.featured_programmes = [
            ("programme", shown.programme),
            ("programme", hidden.programme),
        ]
        home.save()
        hidden.programme.unpublish()

        response = client.get("/")

        featured = response.context["featured"]
        assert featured == [shown.programme]
        assert all(isinstance(p, ProgrammePage) for p in featured)
        content = response.content.decode()
        assert "Бюджет участі" in content
        assert "Прихована" not in content

    def test_featured_programme_that_was_deleted_is_skipped(
        self, client, home, catalogue
    ):
        kept = build_programme(parent=catalogue, modules=0)
        gone = build_programme(parent=catalogue, modules=0)
        home.featured_programmes = [
            ("programme", gone.programme),
            ("programme", kept.programme),
        ]
        home.save()
        gone.programme.delete()

        response = client.get("/")

        assert response.status_code == 200
        assert response.context["featured"] == [kept.programme]

    def test_intro_is_sanitised_on_save(self, home):
        home.intro = MALICIOUS_INTRO
        home.save()

        stored = HomePage.objects.get(pk=home.pk).intro
        _assert_clean(stored)

    def test_intro_is_sanitised_in_a_published_revision(self, home):
        home.intro = MALICIOUS_INTRO
        revision = home.save_revision()

        _assert_clean(revision.content["intro"])
        revision.publish()
        _assert_clean(HomePage.objects.get(pk=home.pk).intro)

    def test_sanitised_intro_renders(self, client, home):
        home.intro = MALICIOUS_INTRO
        home.save()

        content = client.get("/").content.decode()

        assert "Ласкаво просимо" in content
        assert 'alert("xss")</script>' not in content
        assert "javascript:alert" not in content


@pytest.mark.django_db
class TestTreeRules:
    def test_news_page_only_under_the_news_index(self, home, news_index):
        assert NewsPage.can_create_at(news_index)
        assert not NewsPage.can_create_at(home)
        assert NewsPage.allowed_parent_page_models() == [NewsIndexPage]

    def test_nothing_under_a_news_page(self, news_index):
        item = NewsPageFactory(parent=news_index)
        assert NewsPage.allowed_subpage_models() == []
        assert not StandardPage.can_create_at(item)
        assert not NewsPage.can_create_at(item)

    def test_news_index_holds_only_news(self):
        assert NewsIndexPage.allowed_subpage_models() == [NewsPage]
        assert StandardPage not in NewsIndexPage.allowed_subpage_models()

    def test_one_news_index_per_site(self, home, news_index):
        assert not NewsIndexPage.can_create_at(home)

    def test_news_index_can_be_created_under_home(self, home):
        assert NewsIndexPage.can_create_at(home)

    def test_one_home_page_only_at_the_root(self, home):
        root = Page.get_first_root_node()
        assert HomePage.allowed_parent_page_models() == [Page]
        assert not HomePage.can_create_at(root)  # max_count reached
        assert not HomePage.can_create_at(home)

    def test_standard_pages_nest(self, home):
        page = StandardPageFactory(parent=home)
        assert StandardPage.can_create_at(home)
        assert StandardPage.can_create_at(page)

    def test_course_pages_cannot_be_created_under_site_pages(self, home):
        page = StandardPageFactory(parent=home)
        assert not ProgrammePage.can_create_at(home)
        assert not ProgrammePage.can_create_at(page)
        assert ProgrammeIndexPage.can_create_at(home)
