"""``manage.py seed_demo``: the demo site and accounts, idempotently."""

from __future__ import annotations

import io
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client

from wagtail.models import Page

import pytest

from courses.models import (
    Enrolment,
    ItemCompletion,
    LessonPage,
    ProgrammePage,
    QuizAttempt,
    QuizPage,
)
from lms.demo.sample_programme import SAMPLE_PROGRAMME
from lms.management.commands import seed_demo
from tests.courses.content_import.sample import write_programme

pytestmark = pytest.mark.django_db

PASSWORD = "x-Demo-12345"
ACCOUNTS = ["learner", "learner2", "trainer", "certadmin", "admin"]

SAMPLE_SLUG = SAMPLE_PROGRAMME["slug"]


@pytest.fixture(autouse=True)
def no_env_password(monkeypatch):
    monkeypatch.delenv("LMS_DEMO_PASSWORD", raising=False)


@pytest.fixture(autouse=True)
def content_dir(monkeypatch, tmp_path):
    """No content folders by default: these tests are about the sample programme."""
    folder = tmp_path / "content"
    folder.mkdir()
    monkeypatch.setattr(seed_demo, "CONTENT_DIR", folder)
    return folder


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "users": get_user_model().objects.count(),
        "enrolments": Enrolment.objects.count(),
        "completions": ItemCompletion.objects.count(),
        "programmes": ProgrammePage.objects.count(),
    }


def can_log_in(username: str, password: str) -> bool:
    # Axes (first backend) needs the request that carries the credentials.
    return Client().login(request=HttpRequest(), username=username, password=password)


def test_seed_is_idempotent_and_lists_accounts():
    first_output = seed(password=PASSWORD)
    after_first = counts()
    second_output = seed(password=PASSWORD)

    assert counts() == after_first
    assert after_first["programmes"] == 1
    assert after_first["enrolments"] == 2
    assert after_first["pages"] > 5
    for output in (first_output, second_output):
        for username in ACCOUNTS:
            assert f"  {username} " in output
        assert output.count(f"password: {PASSWORD}") == len(ACCOUNTS)


def test_accounts_exist_and_log_in_with_the_password():
    seed(password=PASSWORD)
    seed(password=PASSWORD)
    User = get_user_model()
    assert set(User.objects.values_list("username", flat=True)) >= set(ACCOUNTS)
    for username in ACCOUNTS:
        assert can_log_in(username, PASSWORD), username
        assert not can_log_in(username, PASSWORD + "-wrong"), username
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.get(username="trainer").is_superuser


def test_accounts_log_in_through_the_login_form():
    seed(password=PASSWORD)
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "learner", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/learning/").status_code == 200


def test_run_without_password_keeps_passwords():
    seed(password=PASSWORD)
    before = dict(get_user_model().objects.values_list("username", "password"))
    output = seed()
    after = dict(get_user_model().objects.values_list("username", "password"))
    assert after == before
    for username in ACCOUNTS:
        assert can_log_in(username, PASSWORD)
    assert output.count("(unchanged)") == len(ACCOUNTS)
    assert PASSWORD not in output


def test_first_run_without_password_prints_random_passwords():
    output = seed()
    for line in output.splitlines():
        if line.strip().startswith(tuple(ACCOUNTS)):
            username, _role, _label, password = line.split()
            assert len(password) >= 12
            assert can_log_in(username, password)


def test_env_password_is_used(monkeypatch):
    monkeypatch.setenv("LMS_DEMO_PASSWORD", "env-Demo-54321")
    seed()
    assert can_log_in("learner", "env-Demo-54321")


def test_demo_progress():
    seed(password=PASSWORD)
    seed(password=PASSWORD)
    programme = ProgrammePage.objects.get()
    lessons = LessonPage.objects.live().descendant_of(programme).count()
    assert lessons >= 2
    learner2 = Enrolment.objects.get(user__username="learner2")
    assert learner2.status == "completed"
    assert learner2.percent == 100
    assert learner2.completed_count == learner2.required_count == lessons
    learner = Enrolment.objects.get(user__username="learner")
    assert learner.status == "active"
    assert learner.completed_count == 1
    assert ItemCompletion.objects.filter(user__username="learner").count() == 1


def test_learners_have_profiles_with_names():
    seed(password=PASSWORD)
    profile = get_user_model().objects.get(username="learner").learner_profile
    assert (profile.surname, profile.given_name, profile.patronymic) == (
        "Коваленко",
        "Олена",
        "Петрівна",
    )


def test_trainer_edits_the_sample_programme_and_nothing_else():
    seed(password=PASSWORD)
    seed(password=PASSWORD)
    trainer = get_user_model().objects.get(username="trainer")
    programme = ProgrammePage.objects.get()
    inside = {p.pk for p in Page.objects.descendant_of(programme, inclusive=True)}
    for page in Page.objects.all():
        perms = page.permissions_for_user(trainer)
        if page.pk in inside:
            assert perms.can_edit(), page
        else:
            assert not perms.can_edit(), page
            assert not perms.can_publish(), page
            assert not perms.can_delete(), page
    assert not trainer.has_perm("courses.change_enrolment")

    client = Client()
    client.force_login(trainer)
    assert client.get(f"/admin/pages/{programme.pk}/edit/").status_code == 200
    lesson = LessonPage.objects.descendant_of(programme).first()
    assert client.get(f"/admin/pages/{lesson.pk}/edit/").status_code == 200
    home = programme.get_parent().get_parent()
    for page in (home, programme.get_parent()):
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code in (302, 403), page
        if response.status_code == 302:
            assert response.headers["Location"] == "/admin/"


def test_certadmin_manages_enrolments_but_not_pages():
    seed(password=PASSWORD)
    certadmin = get_user_model().objects.get(username="certadmin")
    assert certadmin.has_perm("courses.change_enrolment")
    assert not any(
        p.permissions_for_user(certadmin).can_edit() for p in Page.objects.all()
    )
    client = Client()
    client.force_login(certadmin)
    response = client.get("/admin/enrolments/")
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 2


def test_imports_content_folders_and_learner2_completes_the_smallest(content_dir):
    write_programme(content_dir, "small-programme")
    broken = write_programme(content_dir, "being-written")
    (broken / "01-pershyi" / "module.yaml").write_text("title: [", encoding="utf-8")
    (content_dir / "no-yaml-yet").mkdir()

    first_output = seed(password=PASSWORD)
    after_first = counts()
    second_output = seed(password=PASSWORD)
    assert counts() == after_first
    # The imported programme supersedes the built-in sample: no duplicate.
    assert after_first["programmes"] == 1
    assert not ProgrammePage.objects.filter(slug=SAMPLE_SLUG).exists()
    assert "Skipped being-written" in first_output
    assert "being-written/01-pershyi/module.yaml:1" in first_output
    assert "Imported small-programme" in second_output

    programme = ProgrammePage.objects.get(slug="small-programme")
    enrolment = Enrolment.objects.get(user__username="learner2", programme=programme)
    assert enrolment.status == "completed"
    assert enrolment.completed_count == enrolment.required_count == 5
    quiz = QuizPage.objects.get()
    attempt = QuizAttempt.objects.get(quiz=quiz, user__username="learner2")
    assert attempt.state == "finished"
    assert attempt.passed and attempt.grade == 100
    assert ItemCompletion.objects.filter(
        user__username="learner2", item_id=quiz.pk
    ).exists()
    assert QuizAttempt.objects.count() == 1


def test_seeds_the_real_content(monkeypatch):
    monkeypatch.setattr(seed_demo, "CONTENT_DIR", seed_demo.Path("content").resolve())
    seed(password=PASSWORD)
    after_first = counts()
    seed(password=PASSWORD)
    assert counts() == after_first
    assert after_first["programmes"] == 5  # the five programmes of content/
    titles = list(ProgrammePage.objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles)), titles
    completed = Enrolment.objects.filter(user__username="learner2", status="completed")
    assert completed.count() == 1
    attempts = QuizAttempt.objects.filter(user__username="learner2")
    assert attempts.exists()
    assert all(a.passed and a.grade == 100 for a in attempts), [
        (a.quiz.url_path, a.grade) for a in attempts
    ]


def test_seed_leaves_learner2_with_one_signed_certificate(signing_keys, tmp_path):
    from certificates.models import Certificate, CertificateTemplate
    from certificates.signing import check_pdf_signature

    output = seed(password=PASSWORD)
    seed(password=PASSWORD)

    learner2 = get_user_model().objects.get(username="learner2")
    certificate = Certificate.objects.get()
    assert certificate.user == learner2
    assert certificate.status == "valid" and certificate.signed
    assert certificate.registration_number in output
    assert check_pdf_signature(bytes(certificate.pdf)).ok
    assert CertificateTemplate.objects.count() == 2
    assert all(t.logo_id for t in CertificateTemplate.objects.all())
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(bytes(certificate.pdf))).pages[0]
    assert len(page.images) == 1  # the demo logo
    certadmin = get_user_model().objects.get(username="certadmin")
    assert certadmin.has_perm("certificates.revoke_certificate")


def test_seed_without_keys_warns_and_issues_nothing(settings, tmp_path):
    from certificates.models import Certificate

    settings.LMS_CERTIFICATES_SIGNING = True
    settings.LMS_CERTIFICATES_KEY_DIR = str(tmp_path / "none")
    output = seed(password=PASSWORD)
    assert "certificates_keygen" in output
    assert not Certificate.objects.exists()
