"""``manage.py seed_demo [--password P]``: the demo site, idempotently.

Creates the page tree with the sample programme, imports every programme
folder under ``content/`` that parses without problems (an incomplete one is
skipped with a warning), and the accounts ``learner``, ``learner2``,
``trainer``, ``certadmin`` and ``admin``. ``learner2`` has also finished the
smallest imported short programme (lessons and quizzes). Passwords come from
``--password`` or ``LMS_DEMO_PASSWORD``; otherwise new accounts get random
passwords, printed once. Existing accounts keep their passwords unless one is
given.
"""

from __future__ import annotations

import json
import os
import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from django.db import transaction

from wagtail.images.models import Image

from allauth.account.models import EmailAddress

from certificates import selectors as certificate_selectors
from certificates import services as certificate_services
from certificates.models import CertificateTemplate
from courses import quiz_services, services
from courses.content_import.parse import programme_read
from courses.content_import.service import programme_import
from courses.models import ItemCompletion, LessonPage, ProgrammePage, QuizPage
from courses.quiz import grading
from lms.demo.build import build_site
from lms.demo.sample_programme import SAMPLE_PROGRAMME

CONTENT_DIR = Path(settings.BASE_DIR) / "content"

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
    ("certificates", "view_certificate"),
    ("certificates", "issue_certificate"),
    ("certificates", "revoke_certificate"),
    ("certificates", "add_certificatetemplate"),
    ("certificates", "change_certificatetemplate"),
    ("certificates", "view_certificatetemplate"),
]
# The demo organisation is invented (see content/README); no ЄДРПОУ code is
# printed for it rather than a made-up one.
DEMO_TEMPLATES = [
    {
        "programme_kind": "certificate",
        "name": "Професійна (сертифікатна) програма",
        "title_text": "СЕРТИФІКАТ",
        "kind_label": "професійна (сертифікатна) програма підвищення кваліфікації",
        "wording": "успішно завершив(-ла) навчання за програмою",
    },
    {
        "programme_kind": "short",
        "name": "Короткі програми для громадськості",
        "title_text": "СЕРТИФІКАТ УЧАСНИКА",
        "kind_label": "коротка програма для активної громадськості",
        "wording": "взяв(-ла) участь і успішно завершив(-ла) програму",
    },
]
DEMO_LOGO = Path(__file__).resolve().parents[2] / "demo" / "logo.png"
DEMO_LOGO_TITLE = "Логотип «Громада, що діє» (демо)"
DEMO_ISSUER = {
    "issuer_name": "Громадська організація «Громада, що діє»",
    "signatory_name": "Ганна ЛИСЕНКО",
    "signatory_position": "Голова правління",
}


class Command(BaseCommand):
    help = "Load the demo site and accounts (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for every demo account.")
        parser.add_argument(
            "--content-dir",
            help="Folder of programme folders to import (default: content/).",
        )

    def handle(self, *args, **options):
        learner2, programme = self._seed(options)
        self._certificate(learner2, programme)

    @transaction.atomic
    def _seed(self, options):
        password = options.get("password") or os.environ.get("LMS_DEMO_PASSWORD")
        pages = build_site(include_sample=False)
        content_dir = Path(options.get("content_dir") or CONTENT_DIR)
        imported = self._import_content(pages["catalogue"], content_dir)
        short = [p for p in imported if p.kind == "short"]
        sample_exists = ProgrammePage.objects.filter(
            slug=SAMPLE_PROGRAMME["slug"]
        ).exists()
        if not imported or sample_exists:
            # No content folders (or a database seeded before them): the
            # built-in sample programme is the demo's programme.
            programme: ProgrammePage = build_site()["programme"]
        else:
            programme = min(short or imported, key=lambda p: (p.hours, p.slug))
            self._feature(pages["home"], imported)
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
        completed = programme
        if short:
            completed = min(short, key=lambda p: (p.hours, p.slug))
            self._complete_programme(users["learner2"], completed)
        self._certificate_templates()

        self.stdout.write(self.style.SUCCESS("Demo site ready. Accounts:"))
        for username, role, pw in printed:
            self.stdout.write(f"  {username:<10} {role:<10} password: {pw}")
        return users["learner2"], completed

    def _certificate_templates(self) -> None:
        logo = self._demo_logo()
        for spec in DEMO_TEMPLATES:
            CertificateTemplate.objects.get_or_create(
                programme_kind=spec["programme_kind"],
                defaults={**spec, **DEMO_ISSUER, "logo": logo},
            )

    def _demo_logo(self):
        """The site's logo as a Wagtail image (PNG: reportlab draws no SVG)."""
        existing = Image.objects.filter(title=DEMO_LOGO_TITLE).first()
        if existing is not None:
            return existing
        with DEMO_LOGO.open("rb") as fh:
            return Image.objects.create(
                title=DEMO_LOGO_TITLE, file=ImageFile(fh, name="demo-logo.png")
            )

    def _certificate(self, user, programme: ProgrammePage) -> None:
        """learner2's certificate for the completed programme (signed, when the
        key exists: ``make run`` creates it first)."""
        try:
            certificate, _created = certificate_services.certificate_issue(
                user=user, programme=programme
            )
        except ValidationError as exc:
            self.stdout.write(
                self.style.WARNING(f"No demo certificate: {' '.join(exc.messages)}")
            )
            return
        self.stdout.write(
            f"Demo certificate of learner2: № {certificate.registration_number} "
            f"({'signed' if certificate.signed else 'unsigned'}): "
            f"{certificate_selectors.verify_url(certificate.code)}"
        )

    def _feature(self, home, programmes: list[ProgrammePage]) -> None:
        """Show the imported programmes on the home page (certificate first)."""
        if home.featured_programmes:
            return
        ordered = sorted(programmes, key=lambda p: (p.kind != "certificate", p.slug))
        home.featured_programmes = json.dumps(
            [{"type": "programme", "value": p.pk} for p in ordered]
        )
        home.save_revision().publish()

    def _import_content(self, catalogue, content_dir: Path) -> list[ProgrammePage]:
        """Import every complete programme folder; skip (and say so) the rest."""
        imported: list[ProgrammePage] = []
        if not content_dir.is_dir():
            return imported
        for folder in sorted(content_dir.iterdir()):
            if not (folder / "programme.yaml").is_file():
                continue
            _spec, problems = programme_read(folder)
            report = None
            if not problems:
                report = programme_import(path=folder, index_page=catalogue)
                problems = report.problems
            if problems:
                self.stdout.write(
                    self.style.WARNING(
                        f"Skipped {folder.name}: {len(problems)} problem(s), "
                        f"first: {problems[0]}"
                    )
                )
                continue
            imported.append(ProgrammePage.objects.get(pk=report.programme_id))
            self.stdout.write(
                f"Imported {folder.name}: {report.count('created')} pages created, "
                f"{report.count('updated')} updated."
            )
        return imported

    def _complete_programme(self, user, programme: ProgrammePage) -> None:
        """Finish every lesson and pass every quiz of ``programme`` as ``user``."""
        services.enrolment_create(user=user, programme=programme)
        items = LessonPage.objects.live().descendant_of(programme).order_by("path")
        for lesson in items:
            services.item_complete(user=user, item=lesson)
        quizzes = QuizPage.objects.live().descendant_of(programme).order_by("path")
        for quiz in quizzes:
            if ItemCompletion.objects.filter(user=user, item_id=quiz.pk).exists():
                continue
            try:
                attempt = quiz_services.attempt_start(user=user, quiz=quiz)
                responses = list(attempt.responses.all())
                for response in responses:
                    answer = _right_response(response.snapshot)
                    if answer is not None:
                        response.response = answer
                        response.state = response.State.SAVED
                response.__class__.objects.bulk_update(responses, ["response", "state"])
                quiz_services.attempt_submit(user=user, attempt=attempt)
            except (quiz_services.QuizError, PermissionDenied) as exc:
                self.stdout.write(
                    self.style.WARNING(
                        f"Could not pass the quiz {quiz.url_path}: {exc}"
                    )
                )

    def _certadmin_group(self) -> Group:
        group, _created = Group.objects.get_or_create(name=CERTADMIN_GROUP)
        for app_label, codename in CERTADMIN_PERMISSIONS:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        return group


def _right_response(snapshot: dict) -> dict | None:
    """A fully correct response to the question in ``snapshot`` (None: skip)."""
    kind = snapshot.get("type")
    if kind == "truefalse":
        return {"value": bool(snapshot["correct"])}
    if kind == "multichoice":
        answers = snapshot["answers"]
        if snapshot["single"]:
            return {"choice": max(answers, key=lambda a: a["fraction"])["id"]}
        return {"choices": [a["id"] for a in answers if a["fraction"] > 0]}
    if kind == "matching":
        return {
            "matches": {
                p["id"]: p["answer"] for p in snapshot["pairs"] if p["question"].strip()
            }
        }
    if kind == "shortanswer":
        return {"text": grading._sa_right_answer(snapshot)}
    if kind == "numerical":
        best = max(snapshot["answers"], key=lambda a: a["fraction"])
        if "value" in best and best["value"] is not None:
            return {"text": str(best["value"])}
        if best.get("min") is not None and best.get("max") is not None:
            middle = (Decimal(str(best["min"])) + Decimal(str(best["max"]))) / 2
            return {"text": str(middle)}
    return None
