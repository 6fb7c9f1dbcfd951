"""Fixtures for the question bank: users with and without bank permissions,
a target category, and a one-call import of GIFT/Aiken text."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.utils import translation

import pytest

from courses.models import QuestionCategory
from courses.question_bank.importing import ImportReport, parse_file, questions_import
from courses.question_bank.permissions import TRAINER_QUESTION_BANK_PERMISSIONS
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def english():
    """Assert on the English msgids; the site itself runs in Ukrainian."""
    with translation.override("en"):
        yield


def import_text(
    text: str,
    *,
    file_format: str = "gift",
    category: QuestionCategory | None = None,
    category_path: str | None = None,
    actor=None,
    dry_run: bool = False,
) -> ImportReport:
    parsed = parse_file(text=text, file_format=file_format)
    assert parsed.result.errors == [], [str(e) for e in parsed.result.errors]
    return questions_import(
        parsed=parsed.for_import(),
        category=category,
        category_path=category_path,
        actor=actor,
        dry_run=dry_run,
    )


@pytest.fixture
def bank(db) -> QuestionCategory:
    return QuestionCategory.objects.create(name="Банк питань")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def bank_group(name: str = "Тренери банку") -> Group:
    """The permissions the report asks trainer groups to get, plus admin access."""
    group, _ = Group.objects.get_or_create(name=name)
    perms = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in TRAINER_QUESTION_BANK_PERMISSIONS
    ]
    perms.append(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    group.permissions.add(*perms)
    return group


@pytest.fixture
def trainer(db):
    user = UserFactory(username="bank_trainer")
    user.groups.add(bank_group())
    return user


@pytest.fixture
def editor_without_bank(db):
    """Has the admin, but no question bank permission."""
    user = UserFactory(username="plain_editor")
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    return user
