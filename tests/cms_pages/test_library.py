"""The library: tree rules, listing, filters, search, pagination, item pages."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from wagtail.models import Collection, Page, PageViewRestriction
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

import pytest
from wagtail_factories import DocumentFactory

from cms_pages import selectors
from cms_pages.models import (
    HomePage,
    LibraryIndexPage,
    LibraryItemPage,
    StandardPage,
)
from cms_pages.templatetags.cms_pages_tags import file_size
from lms.demo.build import build_library
from lms.demo.public_content import MATERIALS
from tests.factories.cms import (
    LibraryIndexPageFactory,
    LibraryItemPageFactory,
    attach_document,
)

from .factories import StandardPageFactory

pytestmark = pytest.mark.django_db

MALICIOUS = (
    '<p onclick="alert(1)">Огляд законодавства<script>alert("xss")</script>'
    '<a href="javascript:alert(2)">посилання</a></p>'
)


def _assert_clean(html: str) -> None:
    assert "<script" not in html
    assert "onclick" not in html
    assert "javascript:" not in html


@pytest.fixture
def library(home):
    return LibraryIndexPageFactory(parent=home)


def _titles(response) -> list[str]:
    return [item.title for item in response.context["results"].object_list]


class TestTreeRules:
    def test_library_only_under_the_home_page_and_only_one(self, home):
        assert LibraryIndexPage.allowed_parent_page_models() == [HomePage]
        assert LibraryIndexPage.can_create_at(home)
        LibraryIndexPageFactory(parent=home)
        assert not LibraryIndexPage.can_create_at(home)

    def test_not_under_other_pages(self, home):
        page = StandardPageFactory(parent=home)
        assert not LibraryIndexPage.can_create_at(page)

    def test_items_only_under_the_library(self, home, library):
        assert LibraryIndexPage.allowed_subpage_models() == [LibraryItemPage]
        assert LibraryItemPage.allowed_parent_page_models() == [LibraryIndexPage]
        assert LibraryItemPage.can_create_at(library)
        assert not LibraryItemPage.can_create_at(home)
        assert not StandardPage.can_create_at(library)

    def test_nothing_under_an_item(self, library):
        item = LibraryItemPageFactory(parent=library)
        assert LibraryItemPage.allowed_subpage_models() == []
        assert not LibraryItemPage.can_create_at(item)

    def test_summary_is_limited_to_300_characters(self, library):
        item = LibraryItemPageFactory(parent=library)
        item.summary = "а" * 301
        with pytest.raises(Exception, match="300"):
            item.full_clean()


class TestAdmin:
    def test_editor_creates_a_material_with_topics_and_a_document(
        self, admin_client, library
    ):
        document = DocumentFactory(
            title="Положення", collection=Collection.get_first_root_node()
        )
        url = reverse(
            "wagtailadmin_pages:add", args=("cms_pages", "libraryitempage", library.pk)
        )
        assert admin_client.get(url).status_code == 200

        response = admin_client.post(
            url,
            nested_form_data(
                {
                    "title": "Посібник з бюджету участі",
                    "slug": "posibnyk",
                    "summary": "Як громаді запровадити бюджет участі.",
                    "material_type": "guide",
                    "tags": "бюджет участі, молодь",
                    "year": "2025",
                    "authors": "Школа місцевої демократії",
                    "language": "uk",
                    "source_url": "https://example.org/posibnyk",
                    "body": streamfield(
                        [("paragraph", rich_text("<p>Покроковий план.</p>"))]
                    ),
                    "documents": inline_formset(
                        [{"document": document.pk, "caption": "Повний текст"}]
                    ),
                    "action-publish": "publish",
                }
            ),
        )

        assert response.status_code == 302, response.content.decode()[:2000]
        page = LibraryItemPage.objects.get(slug="posibnyk")
        assert page.live
        assert sorted(page.tags.names()) == ["бюджет участі", "молодь"]
        assert [(d.document, d.caption) for d in page.documents.all()] == [
            (document, "Повний текст")
        ]
        assert "Покроковий план." in str(page.body[0].value)


class TestSanitising:
    def test_index_intro_is_cleaned_on_save(self, library):
        library.intro = MALICIOUS
        library.save_revision().publish()

        stored = LibraryIndexPage.objects.get(pk=library.pk).intro
        _assert_clean(stored)
        assert "Огляд законодавства" in stored

    def test_item_body_is_cleaned_and_rendered_clean(self, client, library):
        item = LibraryItemPageFactory(parent=library, body=[("paragraph", MALICIOUS)])

        _assert_clean(LibraryItemPage.objects.get(pk=item.pk).body.raw_data[0]["value"])
        content = client.get(item.url).content.decode()
        assert "Огляд законодавства" in content
        assert "<script>alert" not in content
        assert "javascript:alert" not in content

    def test_summary_is_plain_text(self, client, library):
        LibraryItemPageFactory(parent=library, summary="<b>жирний</b> текст")

        content = client.get("/library/").content.decode()

        assert "&lt;b&gt;жирний&lt;/b&gt; текст" in content


class TestListing:
    def test_live_items_newest_year_first(self, client, library):
        LibraryItemPageFactory(parent=library, title="Старий", year=2019)
        LibraryItemPageFactory(parent=library, title="Новий", year=2025)
        LibraryItemPageFactory(parent=library, title="Без року", year=None)
        LibraryItemPageFactory(parent=library, title="Чернетка", live=False)

        response = client.get("/library/")

        assert response.status_code == 200
        assert _titles(response) == ["Новий", "Старий", "Без року"]
        content = response.content.decode()
        assert "Чернетка" not in content
        assert "3 матеріали" in content

    def test_card_shows_type_year_authors_and_topics(self, client, library):
        LibraryItemPageFactory(
            parent=library,
            material_type="policy_brief",
            year=2024,
            authors="Асоціація громад",
            language="en",
            tags=["бюджет участі"],
        )

        content = client.get("/library/").content.decode()

        assert "Аналітична записка" in content
        assert "2024" in content
        assert "Асоціація громад" in content
        assert "Англійська" in content
        assert "бюджет участі" in content

    def test_restricted_items_are_not_listed(self, client, library):
        LibraryItemPageFactory(parent=library, title="Відкритий")
        hidden = LibraryItemPageFactory(parent=library, title="Для своїх")
        PageViewRestriction.objects.create(
            page=hidden, restriction_type=PageViewRestriction.LOGIN
        )

        assert _titles(client.get("/library/")) == ["Відкритий"]
        assert list(selectors.library_latest(site_root=library)) == [
            LibraryItemPage.objects.get(title="Відкритий")
        ]

    def test_restriction_on_the_library_hides_its_items_in_other_lists(
        self, client, home, library
    ):
        LibraryItemPageFactory(parent=library)
        PageViewRestriction.objects.create(
            page=library, restriction_type=PageViewRestriction.LOGIN
        )

        assert list(selectors.library_latest(site_root=home)) == []

    def test_empty_library(self, client, library):
        content = client.get("/library/").content.decode()

        assert "У бібліотеці ще немає матеріалів." in content
        assert 'class="pagination"' not in content

    def test_form_is_accessible_and_works_without_script(self, client, library):
        content = client.get("/library/").content.decode()
        start = content.index('<form method="get"')
        form = content[start : content.index("</form>", start)]

        assert 'method="get"' in form
        assert "<fieldset" in form
        assert "<legend>" in form
        for name in ("q", "type", "topic", "year"):
            assert f'name="{name}"' in form
            assert f'<label for="id_{name}">' in form
        assert 'type="submit"' in form


class TestFilters:
    @pytest.fixture
    def items(self, library):
        return {
            "report": LibraryItemPageFactory(
                parent=library,
                title="Звіт",
                material_type="analytical_report",
                year=2024,
                tags=["бюджет участі"],
            ),
            "guide": LibraryItemPageFactory(
                parent=library,
                title="Посібник",
                material_type="guide",
                year=2025,
                tags=["статут громади", "бюджет участі"],
            ),
            "law": LibraryItemPageFactory(
                parent=library,
                title="Огляд закону",
                material_type="legal_overview",
                year=2025,
                tags=["статут громади"],
            ),
        }

    def test_by_type(self, client, items):
        assert _titles(client.get("/library/?type=guide")) == ["Посібник"]

    def test_by_topic_slug(self, client, items):
        response = client.get("/library/", {"topic": "статут-громади"})
        assert sorted(_titles(response)) == ["Огляд закону", "Посібник"]

    def test_by_year(self, client, items):
        assert _titles(client.get("/library/?year=2024")) == ["Звіт"]

    def test_combined(self, client, items):
        response = client.get(
            "/library/", {"topic": "бюджет-участі", "year": "2025", "type": "guide"}
        )
        assert _titles(response) == ["Посібник"]

    def test_choices_offer_only_topics_and_years_in_use(self, client, items):
        form = client.get("/library/").context["filter_form"]

        assert [c[1] for c in form.fields["topic"].choices[1:]] == [
            "бюджет участі",
            "статут громади",
        ]
        assert [c[0] for c in form.fields["year"].choices[1:]] == ["2025", "2024"]

    def test_topics_in_ukrainian_alphabetical_order(self, library):
        for name in ("ґендерна рівність", "інклюзивність", "бюджет участі", "ВПО"):
            LibraryItemPageFactory(parent=library, tags=[name])
        items = selectors.library_items(index_page=library)

        names = [name for _slug, name in selectors.library_topics(items=items)]

        assert names == ["бюджет участі", "ВПО", "ґендерна рівність", "інклюзивність"]

    @pytest.mark.parametrize(
        "query", ["type=poem", "year=abc", "year=1800", "topic=nothing", "page=x"]
    )
    def test_unknown_values_are_ignored(self, client, items, query):
        response = client.get(f"/library/?{query}")

        assert response.status_code == 200
        assert len(_titles(response)) == 3

    def test_no_match_shows_the_empty_state_with_a_way_back(self, client, items):
        response = client.get("/library/?type=toolkit")
        content = response.content.decode()

        assert _titles(response) == []
        assert "Немає матеріалів, що відповідають цим фільтрам." in content
        assert 'href="/library/">Показати всі матеріали' in content

    def test_selected_values_stay_selected(self, client, items):
        content = client.get("/library/?type=guide&year=2025").content.decode()

        assert re.search(r'<option value="guide" selected>', content)
        assert re.search(r'<option value="2025" selected>', content)


class TestSearch:
    def test_finds_by_title_and_summary(self, client, library):
        LibraryItemPageFactory(parent=library, title="Електронні петиції")
        LibraryItemPageFactory(
            parent=library, title="Огляд", summary="Як працюють петиції в громадах"
        )
        LibraryItemPageFactory(parent=library, title="Статут громади", summary="Інше")

        titles = _titles(client.get("/library/", {"q": "петиції"}))

        assert sorted(titles) == ["Електронні петиції", "Огляд"]

    def test_search_with_filters(self, client, library):
        LibraryItemPageFactory(parent=library, title="Петиції: звіт", year=2024)
        LibraryItemPageFactory(parent=library, title="Петиції: посібник", year=2025)

        response = client.get("/library/", {"q": "петиції", "year": "2025"})

        assert _titles(response) == ["Петиції: посібник"]

    def test_search_respects_drafts_and_restrictions(self, client, library):
        LibraryItemPageFactory(parent=library, title="Петиції", live=False)
        hidden = LibraryItemPageFactory(parent=library, title="Петиції приватні")
        PageViewRestriction.objects.create(
            page=hidden, restriction_type=PageViewRestriction.LOGIN
        )

        assert _titles(client.get("/library/", {"q": "петиції"})) == []

    def test_search_term_is_shown_escaped(self, client, library):
        content = client.get("/library/", {"q": '"><script>x</script>'}).content
        assert b"<script>x</script>" not in content


class TestPagination:
    @pytest.fixture
    def many(self, library):
        return [
            LibraryItemPageFactory(parent=library, year=2000 + n, tags=["молодь"])
            for n in range(13)
        ]

    def test_twelve_per_page(self, client, many):
        first = client.get("/library/")
        second = client.get("/library/?page=2")

        assert len(_titles(first)) == 12
        assert len(_titles(second)) == 1
        assert "13 матеріалів" in first.content.decode()
        assert "сторінка 2 з 2" in second.content.decode()

    def test_links_keep_the_filters(self, client, many):
        content = client.get("/library/", {"topic": "молодь"}).content.decode()

        nav = content[content.index('class="pagination"') :]
        assert "?topic=%D0%BC%D0%BE%D0%BB%D0%BE%D0%B4%D1%8C&amp;page=2" in nav
        assert 'aria-current="page"' in nav

    def test_out_of_range_pages(self, client, many):
        assert len(_titles(client.get("/library/?page=99"))) == 1
        assert len(_titles(client.get("/library/?page=abc"))) == 12


class TestQueryBudget:
    BUDGET = 13

    def _count(self, client, url) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    @pytest.mark.parametrize("url", ["/library/", "/library/?q=матеріал&year=2025"])
    def test_index_queries_do_not_grow_with_items(
        self, client, library, django_assert_max_num_queries, url
    ):
        for n in range(3):
            LibraryItemPageFactory(parent=library, tags=[f"тема {n}", "спільна"])
        client.get(url)  # warm the cache of site root paths
        small = self._count(client, url)
        for n in range(20):
            LibraryItemPageFactory(parent=library, tags=[f"інша {n}", "спільна"])

        with django_assert_max_num_queries(self.BUDGET):
            client.get(url)
        assert self._count(client, url) == small

    def test_item_page(self, client, library, django_assert_max_num_queries):
        item = LibraryItemPageFactory(parent=library, tags=["бюджет участі"])
        for _n in range(5):
            LibraryItemPageFactory(parent=library, tags=["бюджет участі"])
        attach_document(item, title="Додаток", content=b"x" * 10, name="a.pdf")

        with django_assert_max_num_queries(12):
            assert client.get(item.url).status_code == 200


class TestItemPage:
    def test_metadata_documents_and_source(self, client, library):
        item = LibraryItemPageFactory(
            parent=library,
            title="Положення про бюджет участі",
            material_type="toolkit",
            year=2023,
            authors="Міська рада",
            source_url="https://www.example.gov.ua/polozhennia",
            tags=["бюджет участі"],
        )
        attach_document(
            item,
            title="Положення (PDF)",
            content=b"%PDF" + b"x" * 1_260_000,
            name="polozhennia.pdf",
            caption="Текст положення",
        )
        attach_document(item, title="Шаблон заявки", content=b"x" * 900, name="z.docx")

        content = client.get(item.url).content.decode()

        facts = content[content.index('<dl class="facts') :]
        for text in ("Інструментарій або шаблон", "2023", "Міська рада", "Українська"):
            assert text in facts
        assert "Текст положення" in content
        assert "PDF, 1,2 МБ" in content
        assert "Шаблон заявки" in content
        assert "DOCX, 900 байтів" in content
        source = content[content.index('class="source-link"') :]
        assert 'href="https://www.example.gov.ua/polozhennia" rel="noopener"' in source
        assert "Відкрити першоджерело" in source
        assert ">example.gov.ua</span>" in source
        assert 'href="/library/?topic=%D0%B1' in content

    def test_no_documents_no_download_heading(self, client, library):
        item = LibraryItemPageFactory(parent=library, source_url="")
        content = client.get(item.url).content.decode()
        assert "Завантажити" not in content
        assert "source-link" not in content


class TestRelated:
    def test_same_topic_at_most_three_one_query(
        self, library, django_assert_num_queries
    ):
        item = LibraryItemPageFactory(parent=library, tags=["статут", "молодь"])
        both = LibraryItemPageFactory(parent=library, tags=["статут", "молодь"])
        ones = [
            LibraryItemPageFactory(parent=library, tags=["молодь"], year=2020 + n)
            for n in range(4)
        ]
        LibraryItemPageFactory(parent=library, tags=["інше"])
        LibraryItemPageFactory(parent=library, tags=["статут"], live=False)

        with django_assert_num_queries(1):
            related = selectors.library_related(item=item, limit=3)

        assert related[0] == both
        assert related[1:] == [ones[3], ones[2]]
        assert item not in related

    def test_no_topics_no_related(self, library):
        item = LibraryItemPageFactory(parent=library)
        LibraryItemPageFactory(parent=library, tags=["молодь"])
        assert selectors.library_related(item=item) == []

    def test_rendered_on_the_item_page(self, client, library):
        item = LibraryItemPageFactory(parent=library, tags=["молодь"])
        LibraryItemPageFactory(parent=library, title="Схожий матеріал", tags=["молодь"])

        content = client.get(item.url).content.decode()

        assert "Схожі матеріали" in content
        assert "Схожий матеріал" in content


@pytest.mark.parametrize(
    ("size", "uk", "en"),
    [
        (900, "900 байтів", "900 bytes"),
        (1, "1 байт", "1 byte"),
        (50_586, "49,4 КБ", "49.4 KB"),
        (1_260_000, "1,2 МБ", "1.2 MB"),
        (300 * 1024 * 1024, "300 МБ", "300 MB"),
        (None, "", ""),
    ],
)
def test_file_size(size, uk, en):
    with translation.override("uk"):
        assert file_size(size) == uk
    with translation.override("en"):
        assert file_size(size) == en


class TestDemoLibrary:
    def test_build_is_idempotent(self, home):
        build_library(home)
        counts = (LibraryItemPage.objects.count(), Page.objects.count())
        build_library(home)

        assert (LibraryItemPage.objects.count(), Page.objects.count()) == counts
        assert counts[0] == len(MATERIALS)
        assert 6 <= counts[0] <= 8

    def test_materials_link_their_sources_and_only_ours_has_a_file(self, home):
        library = build_library(home)

        for item in LibraryItemPage.objects.child_of(library):
            assert len(item.summary) <= 300
            assert item.tags.exists()
            if item.documents.exists():
                assert item.authors == "Школа місцевої демократії"
                assert item.documents.get().document.file_extension == "pdf"
            else:
                assert item.source_url.startswith("https://")

    def test_demo_library_renders(self, client, home):
        build_library(home)
        response = client.get("/library/")
        assert response.status_code == 200
        for item in LibraryItemPage.objects.all():
            assert client.get(item.url).status_code == 200
