"""Who may read items and manage programmes (courses.permissions)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, Group, Permission

from wagtail.models import GroupPagePermission, Page

import pytest

from courses import services
from courses.permissions import (
    Access,
    item_access,
    programme_for_item,
    programmes_managed_by,
    user_can_decide_enrolment,
    user_can_manage_programme,
)
from tests.factories import UserFactory, build_programme

pytestmark = pytest.mark.django_db


def make_trainer(username: str, programme):
    user = UserFactory(username=username)
    user.groups.add(services.programme_trainer_group_ensure(programme=programme))
    return user


@pytest.fixture
def tree(catalogue):
    return build_programme(parent=catalogue, modules=2, lessons_per_module=1)


@pytest.fixture
def approval_tree(catalogue):
    return build_programme(
        parent=catalogue, modules=1, lessons_per_module=1, enrolment_policy="approval"
    )


@pytest.fixture
def other_tree(catalogue):
    return build_programme(parent=catalogue, modules=1, lessons_per_module=1)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


class TestProgrammeForItem:
    def test_lesson(self, tree):
        assert programme_for_item(tree.lessons[1]) == tree.programme

    def test_generic_page(self, tree):
        page = Page.objects.get(pk=tree.lessons[0].pk)
        assert programme_for_item(page) == tree.programme

    def test_module(self, tree):
        assert programme_for_item(tree.modules[0]) == tree.programme

    def test_outside_any_programme(self, home, catalogue):
        assert programme_for_item(home) is None
        assert programme_for_item(catalogue) is None

    def test_remembered_programme_needs_no_query(self, tree, django_assert_num_queries):
        lesson = tree.lessons[0]
        lesson._lms_programme = tree.programme
        with django_assert_num_queries(0):
            assert programme_for_item(lesson) is tree.programme


class TestItemAccess:
    def test_anonymous_must_log_in(self, tree):
        access = item_access(user=AnonymousUser(), item=tree.lessons[0])

        assert access.access is Access.LOGIN
        assert access.programme == tree.programme
        assert access.enrolment is None

    def test_active_learner_is_allowed(self, tree, learner):
        enrolment = services.enrolment_create(user=learner, programme=tree.programme)

        access = item_access(user=learner, item=tree.lessons[1])

        assert access.access is Access.ALLOWED
        assert access.enrolment == enrolment
        assert access.programme == tree.programme
        assert access.staff_preview is False

    def test_completed_learner_is_allowed(self, tree, learner):
        services.enrolment_create(user=learner, programme=tree.programme)
        for lesson in tree.lessons:
            services.item_complete(user=learner, item=lesson)

        access = item_access(user=learner, item=tree.lessons[0])

        assert access.enrolment.status == "completed"
        assert access.access is Access.ALLOWED

    def test_pending_learner_is_denied(self, approval_tree, learner):
        services.enrolment_create(user=learner, programme=approval_tree.programme)

        access = item_access(user=learner, item=approval_tree.lessons[0])

        assert access.access is Access.DENIED
        assert access.enrolment.status == "pending"

    def test_withdrawn_learner_is_denied(self, tree, learner):
        services.enrolment_create(user=learner, programme=tree.programme)
        services.enrolment_withdraw(user=learner, programme=tree.programme)

        access = item_access(user=learner, item=tree.lessons[0])

        assert access.access is Access.DENIED
        assert access.enrolment.status == "withdrawn"

    def test_rejected_learner_is_denied(self, approval_tree, learner, superuser):
        enrolment = services.enrolment_create(
            user=learner, programme=approval_tree.programme
        )
        services.enrolment_decide(actor=superuser, enrolment=enrolment, approve=False)

        access = item_access(user=learner, item=approval_tree.lessons[0])

        assert access.access is Access.DENIED

    def test_not_enrolled_is_denied(self, tree, learner):
        access = item_access(user=learner, item=tree.lessons[0])

        assert access.access is Access.DENIED
        assert access.enrolment is None
        assert access.programme == tree.programme

    def test_enrolled_elsewhere_is_denied(self, tree, other_tree, learner):
        services.enrolment_create(user=learner, programme=other_tree.programme)

        access = item_access(user=learner, item=tree.lessons[0])

        assert access.access is Access.DENIED

    def test_trainer_of_this_programme_previews(self, tree):
        trainer = make_trainer("trainer", tree.programme)

        access = item_access(user=trainer, item=tree.lessons[1])

        assert access.access is Access.ALLOWED
        assert access.staff_preview is True
        assert access.enrolment is None

    def test_trainer_of_another_programme_is_denied(self, tree, other_tree):
        trainer = make_trainer("stranger", other_tree.programme)

        access = item_access(user=trainer, item=tree.lessons[0])

        assert access.access is Access.DENIED
        assert access.staff_preview is False

    def test_inactive_trainer_is_denied(self, tree):
        trainer = make_trainer("former", tree.programme)
        trainer.is_active = False
        trainer.save()

        assert item_access(user=trainer, item=tree.lessons[0]).access is Access.DENIED

    def test_enrolled_trainer_reads_as_a_learner(self, tree):
        trainer = make_trainer("trainer", tree.programme)
        services.enrolment_create(user=trainer, programme=tree.programme)

        access = item_access(user=trainer, item=tree.lessons[0])

        assert access.access is Access.ALLOWED
        assert access.staff_preview is False

    def test_superuser_previews(self, tree, superuser):
        access = item_access(user=superuser, item=tree.lessons[0])

        assert access.access is Access.ALLOWED
        assert access.staff_preview is True

    def test_staff_without_page_permissions_is_denied(self, tree):
        staff = UserFactory(username="staff", is_staff=True)

        assert item_access(user=staff, item=tree.lessons[0]).access is Access.DENIED


class TestThroughTheSite:
    """The same rules, as the lesson page serves them."""

    def test_anonymous_is_sent_to_log_in(self, client, tree):
        response = client.get(tree.lessons[0].url)

        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_not_enrolled_sees_the_locked_page(self, client, tree, learner):
        client.force_login(learner)

        response = client.get(tree.lessons[0].url)

        assert response.status_code == 403
        assert "courses/item_locked.html" in [t.name for t in response.templates]

    def test_trainer_reads_in_preview(self, client, tree):
        client.force_login(make_trainer("trainer", tree.programme))

        response = client.get(tree.lessons[0].url)

        assert response.status_code == 200
        assert response.context["staff_preview"] is True


class TestManagement:
    def test_trainer_manages_only_their_programme(self, tree, other_tree):
        trainer = make_trainer("trainer", tree.programme)

        assert user_can_manage_programme(trainer, tree.programme)
        assert not user_can_manage_programme(trainer, other_tree.programme)

    def test_learner_and_anonymous_manage_nothing(self, tree, learner):
        assert not user_can_manage_programme(learner, tree.programme)
        assert not user_can_manage_programme(AnonymousUser(), tree.programme)

    def test_superuser_manages_all(self, tree, other_tree, superuser):
        assert user_can_manage_programme(superuser, tree.programme)
        assert user_can_manage_programme(superuser, other_tree.programme)

    def test_enrolment_manager_decides_everywhere(self, tree, other_tree, learner):
        manager = UserFactory(username="registrar")
        manager.user_permissions.add(
            Permission.objects.get(
                content_type__app_label="courses", codename="change_enrolment"
            )
        )
        enrolment = services.enrolment_create(user=learner, programme=tree.programme)

        assert user_can_decide_enrolment(manager, enrolment)
        assert not user_can_manage_programme(manager, other_tree.programme)

    def test_trainer_decides_only_in_their_programme(self, tree, other_tree, learner):
        trainer = make_trainer("trainer", tree.programme)
        mine = services.enrolment_create(user=learner, programme=tree.programme)
        theirs = services.enrolment_create(user=learner, programme=other_tree.programme)

        assert user_can_decide_enrolment(trainer, mine)
        assert not user_can_decide_enrolment(trainer, theirs)
        assert not user_can_decide_enrolment(learner, mine)
        assert not user_can_decide_enrolment(AnonymousUser(), mine)


class TestProgrammesManagedBy:
    def test_trainer_sees_their_programme_only(self, tree, other_tree):
        trainer = make_trainer("trainer", tree.programme)

        assert list(programmes_managed_by(trainer)) == [tree.programme]

    def test_trainer_of_two_programmes(self, tree, other_tree, approval_tree):
        trainer = make_trainer("trainer", tree.programme)
        trainer.groups.add(
            services.programme_trainer_group_ensure(programme=other_tree.programme)
        )

        assert set(programmes_managed_by(trainer)) == {
            tree.programme,
            other_tree.programme,
        }

    def test_superuser_sees_all(self, tree, other_tree, superuser):
        assert set(programmes_managed_by(superuser)) == {
            tree.programme,
            other_tree.programme,
        }

    def test_learner_and_anonymous_see_none(self, tree, learner):
        services.enrolment_create(user=learner, programme=tree.programme)

        assert list(programmes_managed_by(learner)) == []
        assert list(programmes_managed_by(AnonymousUser())) == []

    def test_inactive_trainer_sees_none(self, tree):
        trainer = make_trainer("former", tree.programme)
        trainer.is_active = False
        trainer.save()

        assert list(programmes_managed_by(trainer)) == []

    def test_site_editor_sees_every_programme_below(self, tree, other_tree, home):
        editors = Group.objects.create(name="Site editors")
        GroupPagePermission.objects.create(
            group=editors,
            page=home,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename="change_page"
            ),
        )
        editor = UserFactory(username="editor")
        editor.groups.add(editors)

        assert set(programmes_managed_by(editor)) == {
            tree.programme,
            other_tree.programme,
        }

    def test_filter_matches_the_boolean_check(self, tree, other_tree):
        trainer = make_trainer("trainer", tree.programme)
        managed = set(programmes_managed_by(trainer))

        for programme in (tree.programme, other_tree.programme):
            assert (programme in managed) == user_can_manage_programme(
                trainer, programme
            )
