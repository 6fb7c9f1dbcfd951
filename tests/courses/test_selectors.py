"""Course reads: outline, navigation, required items, the learner's dashboard."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

import pytest

from courses import selectors, services
from courses.models import Enrolment, LessonPage, ModulePage, ProgrammePage
from tests.factories import (
    LessonPageFactory,
    ModulePageFactory,
    UserFactory,
    build_programme,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(catalogue):
    """2 modules x 2 lessons."""
    return build_programme(parent=catalogue, modules=2, lessons_per_module=2)


def _outline(tree, done_ids=frozenset()):
    return selectors.programme_outline(
        programme=tree.programme, programme_url=tree.programme.url, done_ids=done_ids
    )


class TestProgrammeOutline:
    def test_modules_and_items_in_tree_order(self, tree):
        outline = _outline(tree)

        assert [m.pk for m in outline.modules] == [m.pk for m in tree.modules]
        assert [[i.pk for i in m.items] for m in outline.modules] == [
            [tree.lessons[0].pk, tree.lessons[1].pk],
            [tree.lessons[2].pk, tree.lessons[3].pk],
        ]
        assert [i.pk for i in outline.items] == [lesson.pk for lesson in tree.lessons]

    def test_order_follows_the_tree_not_creation(self, tree):
        tree.modules[1].move(tree.programme, pos="first-child")
        for page in tree.lessons[:2]:
            page.refresh_from_db()
        tree.lessons[1].move(tree.lessons[0], pos="left")

        outline = _outline(tree)

        assert [m.pk for m in outline.modules] == [
            tree.modules[1].pk,
            tree.modules[0].pk,
        ]
        assert [i.pk for i in outline.modules[1].items] == [
            tree.lessons[1].pk,
            tree.lessons[0].pk,
        ]

    def test_item_fields(self, tree):
        lesson = tree.lessons[2]
        lesson.estimated_minutes = 35
        lesson.save()

        item = _outline(tree).items[2]

        assert item.kind == "lesson"
        assert item.minutes == 35
        assert item.title == lesson.title
        assert item.done is False

    def test_urls_are_the_pages_urls(self, tree):
        outline = _outline(tree)

        for item, lesson in zip(outline.items, tree.lessons, strict=True):
            assert item.url == lesson.url

    def test_module_hours(self, tree):
        tree.modules[0].hours = 6
        tree.modules[0].save()

        assert [m.hours for m in _outline(tree).modules] == [6, 4]

    def test_done_ticks_and_module_progress(self, tree):
        outline = _outline(tree, done_ids={tree.lessons[0].pk, tree.lessons[1].pk})

        assert [i.done for i in outline.items] == [True, True, False, False]
        first, second = outline.modules
        assert (first.done_count, first.percent, first.is_done) == (2, 100, True)
        assert (second.done_count, second.percent, second.is_done) == (0, 0, False)

    def test_unpublished_lessons_and_modules_are_left_out(self, tree):
        tree.lessons[1].unpublish()
        draft_module = ModulePageFactory(parent=tree.programme, live=False)
        LessonPageFactory(parent=draft_module, live=False)

        outline = _outline(tree)

        assert [m.pk for m in outline.modules] == [m.pk for m in tree.modules]
        assert [i.pk for i in outline.items] == [
            tree.lessons[0].pk,
            tree.lessons[2].pk,
            tree.lessons[3].pk,
        ]

    def test_empty_module_is_listed_without_items(self, tree):
        empty = ModulePageFactory(parent=tree.programme)

        outline = _outline(tree)

        assert outline.modules[-1].pk == empty.pk
        assert outline.modules[-1].items == []
        assert outline.modules[-1].percent == 0
        assert not outline.modules[-1].is_done

    def test_other_programmes_do_not_leak_in(self, tree, catalogue):
        other = build_programme(parent=catalogue, modules=1, lessons_per_module=3)

        outline = _outline(tree)

        assert not {i.pk for i in outline.items} & {x.pk for x in other.lessons}

    def test_one_query(self, tree, django_assert_num_queries):
        selectors.required_item_models()  # content types are cached per process
        selectors.required_item_ids(programme=tree.programme)
        url = tree.programme.url
        with django_assert_num_queries(1):
            selectors.programme_outline(programme=tree.programme, programme_url=url)


class TestEnglishTitles:
    def test_titles_switch_to_title_en_under_english(self, tree):
        module, lesson = tree.modules[0], tree.lessons[0]
        module.title_en = "Participation basics"
        module.save()
        lesson.title_en = "What is a petition"
        lesson.save()

        with translation.override("en"):
            outline = _outline(tree)
        assert outline.modules[0].title == "Participation basics"
        assert outline.items[0].title == "What is a petition"
        # No English title: the Ukrainian one stays.
        assert outline.modules[1].title == tree.modules[1].title
        assert outline.items[1].title == tree.lessons[1].title

    def test_ukrainian_keeps_title(self, tree):
        lesson = tree.lessons[0]
        lesson.title_en = "What is a petition"
        lesson.save()

        with translation.override("uk"):
            outline = _outline(tree)
        assert outline.items[0].title == lesson.title


class TestNavigation:
    def test_neighbours_inside_a_module(self, tree):
        prev_item, next_item = _outline(tree).neighbours(tree.lessons[0].pk)
        assert prev_item is None
        assert next_item.pk == tree.lessons[1].pk

    def test_neighbours_across_module_boundaries(self, tree):
        outline = _outline(tree)

        prev_item, next_item = outline.neighbours(tree.lessons[1].pk)
        assert (prev_item.pk, next_item.pk) == (tree.lessons[0].pk, tree.lessons[2].pk)

        prev_item, next_item = outline.neighbours(tree.lessons[2].pk)
        assert (prev_item.pk, next_item.pk) == (tree.lessons[1].pk, tree.lessons[3].pk)

    def test_neighbours_skip_an_empty_module(self, tree):
        empty = ModulePageFactory(parent=tree.programme)
        empty.move(tree.modules[1], pos="left")

        _prev, next_item = _outline(tree).neighbours(tree.lessons[1].pk)

        assert next_item.pk == tree.lessons[2].pk

    def test_last_item_has_no_next(self, tree):
        prev_item, next_item = _outline(tree).neighbours(tree.lessons[3].pk)
        assert prev_item.pk == tree.lessons[2].pk
        assert next_item is None

    def test_unknown_item(self, tree):
        assert _outline(tree).neighbours(tree.modules[0].pk) == (None, None)

    def test_module_of(self, tree):
        outline = _outline(tree)
        assert outline.module_of(tree.lessons[3].pk).pk == tree.modules[1].pk
        assert outline.module_of(tree.programme.pk) is None

    def test_first_unfinished(self, tree):
        done = {tree.lessons[0].pk, tree.lessons[1].pk, tree.lessons[3].pk}
        assert _outline(tree, done).first_unfinished().pk == tree.lessons[2].pk

    def test_first_unfinished_at_the_start(self, tree):
        assert _outline(tree).first_unfinished().pk == tree.lessons[0].pk

    def test_first_unfinished_when_all_done(self, tree):
        done = {lesson.pk for lesson in tree.lessons}
        assert _outline(tree, done).first_unfinished() is None


class TestRequiredItemIds:
    def test_lessons_in_course_order(self, tree):
        assert selectors.required_item_ids(programme=tree.programme) == [
            lesson.pk for lesson in tree.lessons
        ]

    def test_excludes_unpublished_lessons(self, tree):
        tree.lessons[2].unpublish()

        assert selectors.required_item_ids(programme=tree.programme) == [
            tree.lessons[0].pk,
            tree.lessons[1].pk,
            tree.lessons[3].pk,
        ]

    def test_excludes_module_and_programme_pages(self, tree):
        ids = set(selectors.required_item_ids(programme=tree.programme))

        assert not ids & {m.pk for m in tree.modules}
        assert tree.programme.pk not in ids

    def test_only_this_programme(self, tree, catalogue):
        other = build_programme(parent=catalogue, modules=1, lessons_per_module=2)

        ids = set(selectors.required_item_ids(programme=tree.programme))

        assert not ids & {lesson.pk for lesson in other.lessons}

    def test_lesson_is_a_required_model(self):
        models = selectors.required_item_models()
        assert LessonPage in models
        assert ModulePage not in models


class TestCompletedItemIds:
    def test_per_user_and_programme(self, tree, learner, other_learner):
        services.enrolment_create(user=learner, programme=tree.programme)
        services.enrolment_create(user=other_learner, programme=tree.programme)
        services.item_complete(user=learner, item=tree.lessons[0])
        services.item_complete(user=other_learner, item=tree.lessons[1])

        assert selectors.completed_item_ids(user=learner, programme=tree.programme) == {
            tree.lessons[0].pk
        }

    def test_anonymous(self, tree):
        ids = selectors.completed_item_ids(
            user=AnonymousUser(), programme=tree.programme
        )
        assert ids == set()


def _enrol_in(catalogue, user, count: int, **fields):
    trees = []
    for _n in range(count):
        tree = build_programme(
            parent=catalogue, modules=2, lessons_per_module=2, **fields
        )
        services.enrolment_create(user=user, programme=tree.programme)
        trees.append(tree)
    return trees


class TestLearnerDashboard:
    def test_no_enrolments(self, learner):
        assert selectors.learner_dashboard(user=learner) == []

    def test_rows_with_progress_and_where_to_continue(self, catalogue, learner):
        first, second = _enrol_in(catalogue, learner, 2)
        services.item_complete(user=learner, item=first.lessons[0])
        services.item_complete(user=learner, item=first.lessons[1])

        rows = {r.programme.pk: r for r in selectors.learner_dashboard(user=learner)}

        assert set(rows) == {first.programme.pk, second.programme.pk}
        row = rows[first.programme.pk]
        assert row.enrolment.completed_count == 2
        assert row.continue_item.pk == first.lessons[2].pk
        assert row.continue_item.url == first.lessons[2].url
        assert [i.done for i in row.outline.items] == [True, True, False, False]
        assert rows[second.programme.pk].continue_item.pk == second.lessons[0].pk

    def test_most_recently_active_first(self, catalogue, learner):
        first, second = _enrol_in(catalogue, learner, 2)
        services.item_complete(user=learner, item=first.lessons[0])

        rows = selectors.learner_dashboard(user=learner)

        assert [r.programme.pk for r in rows] == [
            first.programme.pk,
            second.programme.pk,
        ]

    def test_withdrawn_and_rejected_are_hidden(self, catalogue, learner):
        superuser = UserFactory(username="root", is_superuser=True)
        kept, withdrawn = _enrol_in(catalogue, learner, 2)
        (rejected,) = _enrol_in(catalogue, learner, 1, enrolment_policy="approval")
        services.enrolment_withdraw(user=learner, programme=withdrawn.programme)
        services.enrolment_decide(
            actor=superuser,
            enrolment=Enrolment.objects.get(programme=rejected.programme),
            approve=False,
        )

        rows = selectors.learner_dashboard(user=learner)

        assert [r.programme.pk for r in rows] == [kept.programme.pk]

    def test_pending_row_has_no_continue_link(self, catalogue, learner):
        (pending,) = _enrol_in(catalogue, learner, 1, enrolment_policy="approval")

        (row,) = selectors.learner_dashboard(user=learner)

        assert row.enrolment.status == "pending"
        assert row.continue_item is None
        assert len(row.outline.items) == 4

    def test_completed_row_has_no_unfinished_item(self, catalogue, learner):
        (tree,) = _enrol_in(catalogue, learner, 1)
        for lesson in tree.lessons:
            services.item_complete(user=learner, item=lesson)

        (row,) = selectors.learner_dashboard(user=learner)

        assert row.enrolment.status == "completed"
        assert row.continue_item is None

    def test_other_learners_do_not_show(self, catalogue, learner, other_learner):
        _enrol_in(catalogue, other_learner, 2)

        assert selectors.learner_dashboard(user=learner) == []

    def test_query_count_does_not_grow_with_enrolments(
        self, catalogue, learner, other_learner
    ):
        _enrol_in(catalogue, learner, 1)
        _enrol_in(catalogue, other_learner, 3)
        selectors.learner_dashboard(user=learner)  # warm per-process caches

        with CaptureQueriesContext(connection) as one:
            rows_one = selectors.learner_dashboard(user=learner)
        with CaptureQueriesContext(connection) as three:
            rows_three = selectors.learner_dashboard(user=other_learner)

        assert (len(rows_one), len(rows_three)) == (1, 3)
        assert len(three.captured_queries) == len(one.captured_queries), "\n".join(
            q["sql"] for q in three.captured_queries
        )
        assert len(three.captured_queries) <= 3

    def test_outlines_are_per_programme(self, catalogue, learner):
        trees = _enrol_in(catalogue, learner, 3)
        extra = LessonPageFactory(parent=trees[1].modules[1])

        rows = {r.programme.pk: r for r in selectors.learner_dashboard(user=learner)}

        for tree in trees:
            expected = [lesson.pk for lesson in tree.lessons]
            if tree is trees[1]:
                expected.append(extra.pk)
            assert [i.pk for i in rows[tree.programme.pk].outline.items] == expected


class TestPendingEnrolments:
    def test_lists_pending_requests_oldest_first(
        self, catalogue, learner, other_learner
    ):
        tree = build_programme(
            parent=catalogue,
            modules=1,
            lessons_per_module=1,
            enrolment_policy="approval",
        )
        first = services.enrolment_create(user=learner, programme=tree.programme)
        second = services.enrolment_create(user=other_learner, programme=tree.programme)
        open_tree = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
        services.enrolment_create(user=learner, programme=open_tree.programme)

        assert list(selectors.pending_enrolments()) == [first, second]

    def test_filtered_by_programmes(self, catalogue, learner):
        a = build_programme(parent=catalogue, modules=0, enrolment_policy="approval")
        b = build_programme(parent=catalogue, modules=0, enrolment_policy="approval")
        services.enrolment_create(user=learner, programme=a.programme)
        in_b = services.enrolment_create(user=learner, programme=b.programme)

        qs = selectors.pending_enrolments(
            programmes=ProgrammePage.objects.filter(pk=b.programme.pk)
        )
        assert list(qs) == [in_b]
