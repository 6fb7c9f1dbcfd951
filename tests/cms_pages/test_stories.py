"""Success stories: tree rules, the illustrative note, filters, pagination, home."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import Page
from wagtail.test.utils.form_data import (
    nested_form_data,
    rich_text,
    streamfield,
)

import pytest

from cms_pages import selectors
from cms_pages.models import HomePage, StoryIndexPage, StoryPage
from cms_pages.sanitize import strip_tags
from lms.demo.build import build_stories
from lms.demo.public_content import STORIES
from tests.factories.cms import (
    LibraryIndexPageFactory,
    LibraryItemPageFactory,
    StoryIndexPageFactory,
    StoryPageFactory,
)

from .factories import NewsIndexPageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

ILLUSTRATIVE_NOTE = "Ілюстративний приклад"


@pytest.fixture
def stories(home):
    return StoryIndexPageFactory(parent=home)


def _titles(response) -> list[str]:
    return [story.title for story in response.context["results"].object_list]


class TestTreeRules:
    def test_index_only_under_home_and_only_one(self, home):
        assert StoryIndexPage.allowed_parent_page_models() == [HomePage]
        assert StoryIndexPage.can_create_at(home)
        StoryIndexPageFactory(parent=home)
        assert not StoryIndexPage.can_create_at(home)

    def test_stories_only_under_the_index_and_nothing_below(self, home, stories):
        story = StoryPageFactory(parent=stories)
        assert StoryIndexPage.allowed_subpage_models() == [StoryPage]
        assert StoryPage.allowed_parent_page_models() == [StoryIndexPage]
        assert not StoryPage.can_create_at(home)
        assert StoryPage.allowed_subpage_models() == []
        assert not StoryPage.can_create_at(story)


class TestAdmin:
    def test_editor_creates_an_illustrative_story(self, admin_client, stories):
        url = reverse(
            "wagtailadmin_pages:add", args=("cms_pages", "storypage", stories.pk)
        )
        assert admin_client.get(url).status_code == 200

        response = admin_client.post(
            url,
            nested_form_data(
                {
                    "title": "Молодіжна рада",
                    "slug": "molodizhna-rada",
                    "is_illustrative": "on",
                    "summary": "Молодь внесла питання на сесію.",
                    "community": "Умовна громада «Лісова»",
                    "oblast": "poltava",
                    "year": "2026",
                    "tags": "молодь",
                    "body": streamfield([("paragraph", rich_text("<p>Історія.</p>"))]),
                    "results": streamfield([("result", "Створено молодіжну раду")]),
                    "quote": "Нас почули.",
                    "quote_attribution": "член молодіжної ради",
                    "action-publish": "publish",
                }
            ),
        )

        assert response.status_code == 302, response.content.decode()[:2000]
        story = StoryPage.objects.get(slug="molodizhna-rada")
        assert story.live
        assert story.is_illustrative
        assert [b.value for b in story.results] == ["Створено молодіжну раду"]
        assert list(story.tags.names()) == ["молодь"]


class TestStoryPage:
    def test_renders_every_part(self, client, stories):
        story = StoryPageFactory(
            parent=stories,
            title="Вечірні слухання",
            community="Умовна громада «Степова»",
            oblast="kirovohrad",
            year=2025,
            body=[("paragraph", "<p>Слухання перенесли на вечір.</p>")],
            results='[{"type": "result", "value": "Прийшли батьки з дітьми"}]',
            quote="Ми просили зручний час.",
            quote_attribution="учасниця ініціативної групи",
            tags=["ґендерна рівність"],
        )

        content = client.get(story.url).content.decode()

        for text in (
            "Вечірні слухання",
            "Умовна громада «Степова»",
            "Кіровоградська область",
            "2025",
            "Слухання перенесли на вечір.",
            "Результати",
            "<li>Прийшли батьки з дітьми</li>",
            "Ми просили зручний час.",
            "— учасниця ініціативної групи",
            "ґендерна рівність",
        ):
            assert text in content, text

    def test_illustrative_note_on_page_and_card(self, client, stories):
        story = StoryPageFactory(parent=stories, is_illustrative=True)

        page = client.get(story.url).content.decode()
        listing = client.get("/stories/").content.decode()

        assert ILLUSTRATIVE_NOTE in page
        assert "вигадані" in page
        assert 'role="note"' in page
        assert ILLUSTRATIVE_NOTE in listing

    def test_real_story_has_no_note(self, client, stories):
        story = StoryPageFactory(parent=stories, is_illustrative=False)

        assert ILLUSTRATIVE_NOTE not in client.get(story.url).content.decode()
        assert ILLUSTRATIVE_NOTE not in client.get("/stories/").content.decode()

    def test_body_and_intro_are_sanitised(self, client, stories):
        stories.intro = '<p>Вступ<script>alert(1)</script></p><img src=x onerror="a()">'
        stories.save()
        story = StoryPageFactory(
            parent=stories,
            body=[("paragraph", '<p onclick="x()">Текст<script>alert(2)</script></p>')],
        )

        assert "<script" not in StoryIndexPage.objects.get(pk=stories.pk).intro
        stored = StoryPage.objects.get(pk=story.pk).body.raw_data[0]["value"]
        assert "<script" not in stored
        assert "onclick" not in stored
        assert "<script>alert" not in client.get(story.url).content.decode()

    def test_quote_and_results_are_escaped(self, client, stories):
        story = StoryPageFactory(
            parent=stories,
            quote="<script>alert(1)</script>",
            results='[{"type": "result", "value": "<b>x</b>"}]',
        )
        content = client.get(story.url).content.decode()
        assert "<script>alert(1)</script>" not in content
        assert "&lt;b&gt;x&lt;/b&gt;" in content


class TestIndex:
    @pytest.fixture
    def items(self, stories):
        return [
            StoryPageFactory(
                parent=stories, title="ВПО", oblast="mykolaiv", tags=["ВПО"]
            ),
            StoryPageFactory(
                parent=stories,
                title="Молодь",
                oblast="odesa",
                year=2026,
                tags=["молодь", "місцеві ініціативи"],
            ),
            StoryPageFactory(
                parent=stories,
                title="Ініціатива",
                oblast="odesa",
                tags=["місцеві ініціативи"],
            ),
            StoryPageFactory(
                parent=stories, title="Чернетка", live=False, tags=["ВПО"]
            ),
        ]

    def test_lists_live_stories_newest_year_first(self, client, items):
        response = client.get("/stories/")

        assert _titles(response)[0] == "Молодь"
        assert set(_titles(response)) == {"ВПО", "Ініціатива", "Молодь"}
        assert "Чернетка" not in response.content.decode()
        assert "3 історії" in response.content.decode()

    def test_filter_by_theme(self, client, items):
        response = client.get("/stories/", {"theme": "місцеві-ініціативи"})
        assert set(_titles(response)) == {"Ініціатива", "Молодь"}

    def test_filter_by_oblast(self, client, items):
        assert _titles(client.get("/stories/?oblast=mykolaiv")) == ["ВПО"]

    def test_filters_combined_and_empty_state(self, client, items):
        response = client.get("/stories/", {"theme": "впо", "oblast": "odesa"})
        content = response.content.decode()

        assert _titles(response) == []
        assert "Немає історій, що відповідають цим фільтрам." in content
        assert 'href="/stories/">Показати всі історії' in content

    def test_choices_offer_only_values_in_use(self, client, items):
        form = client.get("/stories/").context["filter_form"]

        assert [c[1] for c in form.fields["oblast"].choices[1:]] == [
            "Миколаївська область",
            "Одеська область",
        ]
        assert [c[1] for c in form.fields["theme"].choices[1:]] == [
            "ВПО",
            "місцеві ініціативи",
            "молодь",
        ]

    def test_unknown_values_are_ignored(self, client, items):
        assert len(_titles(client.get("/stories/?oblast=atlantis&theme=x"))) == 3

    def test_form_has_labels_and_legend(self, client, items):
        content = client.get("/stories/").content.decode()
        start = content.index('<form method="get"')
        form = content[start : content.index("</form>", start)]

        assert 'method="get"' in form
        assert "<legend>" in form
        assert '<label for="id_theme">' in form
        assert '<label for="id_oblast">' in form

    def test_empty_index(self, client, stories):
        assert "Історій успіху ще немає." in client.get("/stories/").content.decode()

    def test_pagination(self, client, stories):
        for _n in range(14):
            StoryPageFactory(parent=stories, tags=["молодь"])

        first = client.get("/stories/?theme=молодь")
        second = client.get("/stories/?theme=молодь&page=2")

        assert len(_titles(first)) == 12
        assert len(_titles(second)) == 2
        assert re.search(r"theme=[^\"]+&amp;page=2", first.content.decode())

    def test_query_budget(self, client, stories, django_assert_max_num_queries):
        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                client.get("/stories/?theme=спільна")
            return len(ctx.captured_queries)

        for n in range(2):
            StoryPageFactory(parent=stories, tags=[f"тема {n}", "спільна"])
        count()  # warm the cache of site root paths
        small = count()
        for n in range(20):
            StoryPageFactory(parent=stories, tags=[f"інша {n}", "спільна"])

        with django_assert_max_num_queries(13):
            client.get("/stories/?theme=спільна")
        assert count() == small


class TestHomeSections:
    def test_no_sections_without_content(self, client, home, stories):
        LibraryIndexPageFactory(parent=home)

        content = client.get("/").content.decode()

        assert "Нове в бібліотеці" not in content
        assert 'id="stories-heading"' not in content

    def test_latest_three_of_each(self, client, home, stories):
        library = LibraryIndexPageFactory(parent=home)
        materials = [
            LibraryItemPageFactory(parent=library, title=f"Матеріал {n}")
            for n in range(4)
        ]
        items = [
            StoryPageFactory(parent=stories, title=f"Історія {n}") for n in range(4)
        ]
        StoryPageFactory(parent=stories, title="Чернетка", live=False)

        response = client.get("/")
        content = response.content.decode()

        assert list(response.context["latest_materials"]) == materials[:0:-1]
        assert list(response.context["latest_stories"]) == items[:0:-1]
        assert "Нове в бібліотеці" in content
        assert 'id="stories-heading"' in content
        assert "Матеріал 0" not in content
        assert "Історія 0" not in content
        assert "Чернетка" not in content
        assert 'href="/library/"' in content
        assert 'href="/stories/"' in content

    def test_home_queries_do_not_grow_with_cards(self, client, home, stories):
        library = LibraryIndexPageFactory(parent=home)
        news = NewsIndexPageFactory(parent=home)

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get("/").status_code == 200
            return len(ctx.captured_queries)

        LibraryItemPageFactory(parent=library, tags=["молодь"])
        StoryPageFactory(parent=stories, tags=["молодь"])
        NewsPageFactory(parent=news)
        count()  # warm the cache of site root paths
        one_each = count()
        for _n in range(3):
            LibraryItemPageFactory(parent=library, tags=["молодь"])
            StoryPageFactory(parent=stories, tags=["молодь"])
            NewsPageFactory(parent=news)

        assert count() == one_each

    def test_selectors_are_single_queries(
        self, home, stories, django_assert_num_queries
    ):
        StoryPageFactory(parent=stories)
        with django_assert_num_queries(1):
            list(selectors.stories_latest(site_root=home))
        with django_assert_num_queries(1):
            list(selectors.library_latest(site_root=home))


class TestNavigation:
    def test_main_menu_links_and_current_page(self, client, stories):
        content = client.get("/stories/").content.decode()
        nav = content[content.index('class="site-nav"') : content.index("</nav>")]

        assert 'href="/library/"' in nav
        assert '<a href="/stories/" aria-current="page">Історії</a>' in nav


class TestDemoStories:
    def test_build_is_idempotent(self, home):
        build_stories(home)
        counts = (StoryPage.objects.count(), Page.objects.count())
        build_stories(home)

        assert (StoryPage.objects.count(), Page.objects.count()) == counts
        assert 3 <= counts[0] <= 4

    def test_every_demo_story_is_illustrative_and_long_enough(self, home):
        build_stories(home)

        for story in StoryPage.objects.all():
            assert story.is_illustrative
            assert story.community.startswith("Умовна громада")
            assert "узагальнений образ" in story.quote_attribution
            text = " ".join(
                strip_tags(block.value.source)
                for block in story.body
                if block.block_type == "paragraph"
            )
            assert len(text.split()) >= 250, story.slug
            assert len(story.summary) <= 300
            assert len(story.results) >= 3

    def test_themes_cover_the_brief(self, home):
        build_stories(home)
        themes = {tag for story in STORIES for tag in story["tags"]}
        assert {"ґендерна рівність", "ВПО", "безбарʼєрність", "молодь"} <= themes

    def test_demo_stories_render(self, client, home):
        build_stories(home)
        assert client.get("/stories/").status_code == 200
        for story in StoryPage.objects.all():
            assert client.get(story.url).status_code == 200
