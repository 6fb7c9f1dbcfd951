"""services.programme_trainer_group_ensure"""

from __future__ import annotations

from django.contrib.auth.models import Group

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import GroupCollectionPermission, GroupPagePermission
from wagtail.permissions import policy_registry

import pytest

from courses import services
from courses.models import ProgrammePage
from tests.factories import UserFactory, build_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_tree(catalogue):
    return build_programme(parent=catalogue, modules=1, lessons_per_module=1)


def _member(group, username="trainer"):
    user = UserFactory(username=username)
    user.groups.add(group)
    return user


def test_creates_a_group_and_remembers_it(tree):
    group = services.programme_trainer_group_ensure(programme=tree.programme)

    assert isinstance(group, Group)
    assert str(tree.programme.pk) in group.name
    assert ProgrammePage.objects.get(pk=tree.programme.pk).trainer_group == group


def test_is_idempotent(tree):
    first = services.programme_trainer_group_ensure(programme=tree.programme)
    page_perms = GroupPagePermission.objects.filter(group=first).count()
    collection_perms = GroupCollectionPermission.objects.filter(group=first).count()

    second = services.programme_trainer_group_ensure(programme=tree.programme)
    third = services.programme_trainer_group_ensure(
        programme=ProgrammePage.objects.get(pk=tree.programme.pk)
    )

    assert first == second == third
    assert Group.objects.filter(pk=first.pk).count() == 1
    assert GroupPagePermission.objects.filter(group=first).count() == page_perms == 3
    assert (
        GroupCollectionPermission.objects.filter(group=first).count()
        == collection_perms
        == 4
    )


def test_each_programme_gets_its_own_group(tree, other_tree):
    a = services.programme_trainer_group_ensure(programme=tree.programme)
    b = services.programme_trainer_group_ensure(programme=other_tree.programme)

    assert a != b


def test_page_permissions_are_on_the_programme_only(tree):
    group = services.programme_trainer_group_ensure(programme=tree.programme)

    pages = set(
        GroupPagePermission.objects.filter(group=group).values_list(
            "page_id", flat=True
        )
    )
    codenames = set(
        GroupPagePermission.objects.filter(group=group).values_list(
            "permission__codename", flat=True
        )
    )
    assert pages == {tree.programme.pk}
    assert codenames == {"add_page", "change_page", "publish_page"}


def test_members_may_use_the_admin(tree):
    trainer = _member(services.programme_trainer_group_ensure(programme=tree.programme))

    assert trainer.has_perm("wagtailadmin.access_admin")


def test_members_edit_the_programme_and_its_pages(tree):
    trainer = _member(services.programme_trainer_group_ensure(programme=tree.programme))

    for page in [tree.programme, *tree.modules, *tree.lessons]:
        perms = page.permissions_for_user(trainer)
        assert perms.can_edit(), page
        assert perms.can_publish(), page
    assert tree.programme.permissions_for_user(trainer).can_add_subpage()


def test_members_cannot_edit_another_programme(tree, other_tree, catalogue, home):
    services.programme_trainer_group_ensure(programme=other_tree.programme)
    trainer = _member(services.programme_trainer_group_ensure(programme=tree.programme))

    for page in [other_tree.programme, *other_tree.modules, *other_tree.lessons]:
        assert not page.permissions_for_user(trainer).can_edit(), page
    assert not catalogue.permissions_for_user(trainer).can_edit()
    assert not home.permissions_for_user(trainer).can_edit()


def test_members_cannot_delete_the_programme(tree):
    trainer = _member(services.programme_trainer_group_ensure(programme=tree.programme))

    assert not tree.programme.permissions_for_user(trainer).can_delete()


def test_non_members_cannot_edit(tree):
    services.programme_trainer_group_ensure(programme=tree.programme)
    outsider = UserFactory(username="outsider")

    assert not tree.programme.permissions_for_user(outsider).can_edit()


def test_members_may_add_images_and_documents(tree):
    trainer = _member(services.programme_trainer_group_ensure(programme=tree.programme))

    images = policy_registry.get_by_type(get_image_model())
    documents = policy_registry.get_by_type(get_document_model())
    assert images.user_has_permission(trainer, "add")
    assert documents.user_has_permission(trainer, "add")
    assert images.user_has_permission(trainer, "choose")


def test_a_renamed_programme_keeps_its_group(tree):
    group = services.programme_trainer_group_ensure(programme=tree.programme)
    tree.programme.title = "Нова назва"
    tree.programme.save()

    again = services.programme_trainer_group_ensure(programme=tree.programme)

    assert again == group


def test_callers_instance_learns_its_group(tree):
    group = services.programme_trainer_group_ensure(programme=tree.programme)

    assert tree.programme.trainer_group == group


def test_publishing_an_older_draft_keeps_the_group(catalogue):
    """The admin creates the page and its first revision before the hook that
    makes the group runs; publishing that draft later must not drop the group."""
    tree = build_programme(parent=catalogue, modules=0)
    programme = ProgrammePage.objects.get(pk=tree.programme.pk)
    programme.save_revision()
    group = services.programme_trainer_group_ensure(programme=programme)
    trainer = _member(group)

    draft = ProgrammePage.objects.get(pk=programme.pk).get_latest_revision_as_object()
    draft.summary = "Оновлений опис"
    draft.save_revision().publish()

    stored = ProgrammePage.objects.get(pk=programme.pk)
    assert stored.summary == "Оновлений опис"
    assert stored.trainer_group == group
    assert stored.permissions_for_user(trainer).can_edit()
