"""Course page models: validation, tree rules, titles, module redirect, routing."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import RequestFactory
from django.utils import translation

from wagtail.models import Page

import pytest

from cms_pages.models import StandardPage
from courses import services
from courses.models import LessonPage, ModulePage, ProgrammeIndexPage, ProgrammePage
from tests.factories import (
    LessonPageFactory,
    ModulePageFactory,
    ProgrammePageFactory,
    build_programme,
)


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


@pytest.mark.django_db
class TestProgrammeValidation:
    def test_certificate_with_3_ects_and_90_hours_is_valid(self, catalogue):
        page = ProgrammePageFactory(
            parent=catalogue, kind="certificate", ects=Decimal("3"), hours=90
        )
        assert ProgrammePage.objects.get(pk=page.pk).ects == Decimal("3.0")

    def test_certificate_with_2_ects_and_60_hours_is_valid(self, catalogue):
        ProgrammePageFactory(parent=catalogue, kind="certificate", ects=2, hours=60)

    def test_certificate_with_half_credits_is_valid(self, catalogue):
        ProgrammePageFactory(
            parent=catalogue, kind="certificate", ects=Decimal("2.5"), hours=75
        )

    def test_certificate_hours_must_equal_ects_times_30(self, catalogue):
        with translation.override("en"), pytest.raises(ValidationError) as excinfo:
            ProgrammePageFactory(
                parent=catalogue, kind="certificate", ects=Decimal("3"), hours=80
            )
        errors = _errors(excinfo)
        assert set(errors) == {"hours"}
        assert "(3 ECTS = 90 hours)" in errors["hours"][0]
        assert not ProgrammePage.objects.exists()

    def test_certificate_below_2_ects_is_an_ects_error(self, catalogue):
        with pytest.raises(ValidationError) as excinfo:
            ProgrammePageFactory(
                parent=catalogue, kind="certificate", ects=Decimal("1.5"), hours=45
            )
        assert set(_errors(excinfo)) == {"ects"}

    def test_certificate_without_ects_is_an_ects_error(self, catalogue):
        with pytest.raises(ValidationError) as excinfo:
            ProgrammePageFactory(
                parent=catalogue, kind="certificate", ects=None, hours=60
            )
        assert set(_errors(excinfo)) == {"ects"}

    def test_short_programme_without_ects_is_valid(self, catalogue):
        ProgrammePageFactory(parent=catalogue, kind="short", ects=None, hours=6)

    def test_short_programme_with_ects_must_match_hours(self, catalogue):
        with pytest.raises(ValidationError) as excinfo:
            ProgrammePageFactory(
                parent=catalogue, kind="short", ects=Decimal("1"), hours=20
            )
        assert set(_errors(excinfo)) == {"hours"}

    def test_short_programme_with_matching_ects_is_valid(self, catalogue):
        ProgrammePageFactory(
            parent=catalogue, kind="short", ects=Decimal("1"), hours=30
        )

    def test_existing_page_is_validated_on_full_clean(self, catalogue):
        page = ProgrammePageFactory(
            parent=catalogue, kind="certificate", ects=Decimal("3"), hours=90
        )
        page.hours = 91
        with pytest.raises(ValidationError) as excinfo:
            page.full_clean()
        assert set(_errors(excinfo)) == {"hours"}

    def test_hours_must_be_positive(self, catalogue):
        with pytest.raises(ValidationError) as excinfo:
            ProgrammePageFactory(parent=catalogue, hours=0)
        assert "hours" in _errors(excinfo)

    def test_description_is_sanitised_on_save(self, catalogue):
        page = ProgrammePageFactory(
            parent=catalogue,
            description='<p onclick="x()">Опис<script>alert(1)</script></p>',
        )
        stored = ProgrammePage.objects.get(pk=page.pk).description
        assert stored.startswith("<p>Опис")
        assert "<script" not in stored
        assert "onclick" not in stored


@pytest.mark.django_db
class TestTreeRules:
    def test_programme_only_in_the_catalogue(self, home, catalogue):
        assert ProgrammePage.can_create_at(catalogue)
        assert not ProgrammePage.can_create_at(home)
        assert ProgrammePage.allowed_parent_page_models() == [ProgrammeIndexPage]

    def test_catalogue_holds_only_programmes(self, catalogue):
        assert ProgrammeIndexPage.allowed_subpage_models() == [ProgrammePage]
        assert not StandardPage.can_create_at(catalogue)

    def test_one_catalogue(self, home, catalogue):
        assert not ProgrammeIndexPage.can_create_at(home)

    def test_module_only_in_a_programme(self, catalogue):
        tree = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
        assert ModulePage.can_create_at(tree.programme)
        assert not ModulePage.can_create_at(catalogue)
        assert not ModulePage.can_create_at(tree.modules[0])
        assert ProgrammePage.allowed_subpage_models() == [ModulePage]

    def test_lesson_only_in_a_module(self, catalogue):
        tree = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
        assert LessonPage.can_create_at(tree.modules[0])
        assert not LessonPage.can_create_at(tree.programme)
        assert not LessonPage.can_create_at(tree.lessons[0])
        assert LessonPage.allowed_parent_page_models() == [ModulePage]
        assert LessonPage.allowed_subpage_models() == []

    def test_lesson_is_a_required_item_module_is_not(self):
        assert LessonPage.lms_required_item is True
        assert not getattr(ModulePage, "lms_required_item", False)
        assert not getattr(ProgrammePage, "lms_required_item", False)


@pytest.mark.django_db
class TestDisplayTitle:
    @pytest.fixture
    def programme(self, catalogue):
        return ProgrammePageFactory(
            parent=catalogue, title="Бюджет участі", title_en="Participatory budget"
        )

    def test_ukrainian_uses_title(self, programme):
        with translation.override("uk"):
            assert programme.display_title == "Бюджет участі"

    @pytest.mark.parametrize("language", ["en", "en-gb"])
    def test_english_uses_title_en(self, programme, language):
        with translation.override(language):
            assert programme.display_title == "Participatory budget"

    def test_english_without_title_en_falls_back(self, catalogue):
        page = ProgrammePageFactory(parent=catalogue, title="Петиції", title_en="")
        with translation.override("en"):
            assert page.display_title == "Петиції"

    def test_modules_and_lessons_too(self, catalogue):
        tree = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
        module, lesson = tree.modules[0], tree.lessons[0]
        module.title_en, lesson.title_en = "Module one", "Lesson one"
        with translation.override("en"):
            assert (module.display_title, lesson.display_title) == (
                "Module one",
                "Lesson one",
            )
        with translation.override("uk"):
            assert module.display_title == module.title
            assert lesson.display_title == lesson.title


@pytest.mark.django_db
class TestModulePage:
    def test_redirects_to_the_programme_anchor(self, client, catalogue):
        tree = build_programme(parent=catalogue, modules=2, lessons_per_module=1)
        module = tree.modules[1]

        response = client.get(module.url)

        assert response.status_code == 302
        assert response["Location"] == f"{tree.programme.url}#module-{module.pk}"


@pytest.mark.django_db
class TestProgrammeRoute:
    @pytest.fixture
    def tree(self, catalogue):
        return build_programme(parent=catalogue, modules=2, lessons_per_module=2)

    def _route(self, programme, path):
        request = RequestFactory().get("/" + "/".join(path) + "/")
        return programme.route(request, path)

    def test_resolves_a_lesson_and_remembers_the_programme(self, tree):
        lesson = tree.lessons[3]
        module = tree.modules[1]

        result = self._route(tree.programme, [module.slug, lesson.slug])

        assert result.page == lesson
        assert isinstance(result.page, LessonPage)
        assert result.page._lms_programme is tree.programme

    def test_resolves_a_lesson_in_few_queries(
        self, tree, django_assert_max_num_queries
    ):
        module, lesson = tree.modules[1], tree.lessons[2]
        with django_assert_max_num_queries(2):
            result = self._route(tree.programme, [module.slug, lesson.slug])
        assert result.page.pk == lesson.pk

    def test_unpublished_lesson_is_404(self, tree):
        lesson = tree.lessons[1]
        lesson.unpublish()

        with pytest.raises(Http404):
            self._route(tree.programme, [tree.modules[0].slug, lesson.slug])

    def test_unknown_slug_is_404(self, tree):
        with pytest.raises(Http404):
            self._route(tree.programme, [tree.modules[0].slug, "no-such-lesson"])

    def test_unknown_module_is_404(self, tree):
        with pytest.raises(Http404):
            self._route(tree.programme, ["no-such-module", tree.lessons[0].slug])

    def test_lesson_of_another_module_is_404(self, tree):
        with pytest.raises(Http404):
            self._route(tree.programme, [tree.modules[0].slug, tree.lessons[2].slug])

    def test_lesson_of_another_programme_is_404(self, tree, catalogue):
        other = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
        with pytest.raises(Http404):
            self._route(tree.programme, [other.modules[0].slug, other.lessons[0].slug])

    def test_module_path_falls_back_to_the_standard_walk(self, tree):
        result = self._route(tree.programme, [tree.modules[0].slug])
        assert result.page == tree.modules[0]

    def test_enrolled_learner_reads_the_lesson(self, client, tree, learner):
        services.enrolment_create(user=learner, programme=tree.programme)
        client.force_login(learner)

        response = client.get(tree.lessons[2].url)

        assert response.status_code == 200
        assert response.context["page"].pk == tree.lessons[2].pk

    def test_unpublished_lesson_is_404_through_the_site(self, client, tree, learner):
        services.enrolment_create(user=learner, programme=tree.programme)
        client.force_login(learner)
        url = tree.lessons[0].url
        tree.lessons[0].unpublish()

        assert client.get(url).status_code == 404

    def test_unknown_slug_is_404_through_the_site(self, client, tree):
        url = f"{tree.programme.url}{tree.modules[0].slug}/no-such-lesson/"
        assert client.get(url).status_code == 404

    def test_deeper_unknown_path_is_404(self, client, tree):
        url = f"{tree.lessons[0].url}extra/"
        assert client.get(url).status_code == 404

    def test_new_lesson_is_found_by_url_path(self, tree):
        module = tree.modules[0]
        lesson = LessonPageFactory(parent=module, slug="fresh")

        result = self._route(tree.programme, [module.slug, "fresh"])

        assert result.page.pk == lesson.pk

    def test_lesson_in_a_new_module(self, client, tree, learner):
        module = ModulePageFactory(parent=tree.programme, slug="extra-module")
        lesson = LessonPageFactory(parent=module, slug="extra-lesson")
        assert isinstance(Page.objects.get(pk=lesson.pk).specific, LessonPage)

        result = self._route(tree.programme, ["extra-module", "extra-lesson"])

        assert result.page.pk == lesson.pk
