"""``manage.py seed_demo [--password P]``: the demo site, idempotently.

Creates the page tree with the sample programme and the accounts ``learner``,
``learner2``, ``trainer``, ``certadmin`` and ``admin``. Passwords come from
``--password`` or ``LMS_DEMO_PASSWORD``; otherwise new accounts get random
passwords, printed once. Existing accounts keep their passwords unless one is
given.
"""

from __future__ import annotations

import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from allauth.account.models import EmailAddress

from courses import services
from courses.models import LessonPage, ProgrammePage
from lms.demo.build import build_site

ACCOUNTS = [
    # username, role, surname, given name, patronymic
    ("learner", "learner", "Коваленко", "Олена", "Петрівна"),
    ("learner2", "learner", "Шевчук", "Андрій", "Іванович"),
    ("trainer", "trainer", "Бондар", "Ірина", "Миколаївна"),
    ("certadmin", "certadmin", "Мельник", "Тарас", "Олегович"),
    ("admin", "admin", "Адміністратор", "Сайту", ""),
]
CERTADMIN_GROUP = "Адміністратори навчання"
CERTADMIN_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("courses", "view_enrolment"),
    ("courses", "change_enrolment"),
]


class Command(BaseCommand):
    help = "Load the demo site and accounts (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for every demo account.")

    @transaction.atomic
    def handle(self, *args, **options):
        password = options.get("password") or os.environ.get("LMS_DEMO_PASSWORD")
        pages = build_site()
        programme: ProgrammePage = pages["programme"]
        trainer_group = services.programme_trainer_group_ensure(programme=programme)
        certadmin_group = self._certadmin_group()

        User = get_user_model()
        printed = []
        users = {}
        for username, role, surname, given, patronymic in ACCOUNTS:
            user = User.objects.filter(username=username).first()
            new_password = password
            if user is None:
                user = User(
                    username=username,
                    email=f"{username}@example.org",
                    first_name=given,
                    last_name=surname,
                )
                new_password = password or secrets.token_urlsafe(9)
            if role == "admin":
                user.is_staff = user.is_superuser = True
            if new_password:
                user.set_password(new_password)
            user.save()
            EmailAddress.objects.update_or_create(
                user=user,
                email=user.email,
                defaults={"verified": True, "primary": True},
            )
            if role == "trainer":
                user.groups.add(trainer_group)
            if role == "certadmin":
                user.groups.add(certadmin_group)
            services.profile_update(
                user=user, surname=surname, given_name=given, patronymic=patronymic
            )
            users[username] = user
            printed.append((username, role, new_password or "(unchanged)"))

        # learner2 has finished the sample programme, learner has just started.
        lessons = list(
            LessonPage.objects.live().descendant_of(programme).order_by("path")
        )
        for username, count in (("learner", 1), ("learner2", len(lessons))):
            services.enrolment_create(user=users[username], programme=programme)
            for lesson in lessons[:count]:
                services.item_complete(user=users[username], item=lesson)

        self.stdout.write(self.style.SUCCESS("Demo site ready. Accounts:"))
        for username, role, pw in printed:
            self.stdout.write(f"  {username:<10} {role:<10} password: {pw}")

    def _certadmin_group(self) -> Group:
        group, _created = Group.objects.get_or_create(name=CERTADMIN_GROUP)
        for app_label, codename in CERTADMIN_PERMISSIONS:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        return group
