"""The admin import screen: upload -> preview (nothing written) -> commit."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from courses.models import Question, QuestionCategory
from courses.question_bank.forms import MAX_UPLOAD_BYTES
from courses.question_bank.views import SESSION_KEY

pytestmark = pytest.mark.django_db

UPLOAD = "question_bank_import:upload"
GIFT = (
    "// [id:q1]\n::Громада:: Хто ухвалює бюджет? {=Рада ~Голова ~Мер}\n\n"
    "$CATEGORY: Тема\n\n"
    "// [id:q2]\n::ПН:: Рада ухвалює бюджет. {T}\n"
)
BAD_GIFT = GIFT + "\n::Погане:: Хто? {~Рада ~Голова}\n\n::Зламане:: Хто? {=Рада\n"


def upload(
    client, text, *, name="питання.gift", category=None, file_format="gift", raw=None
):
    payload = raw if raw is not None else text.encode("utf-8")
    data = {"file": SimpleUploadedFile(name, payload), "file_format": file_format}
    if category is not None:
        data["category"] = category.pk
    return client.post(reverse(UPLOAD), data)


class TestFlow:
    def test_preview_then_commit(self, admin_client, bank):
        response = upload(admin_client, GIFT, category=bank)
        assert response.status_code == 302
        preview_url = response.url
        token = preview_url.rstrip("/").rsplit("/", 1)[-1]
        assert token in admin_client.session[SESSION_KEY]

        preview = admin_client.get(preview_url)
        assert preview.status_code == 200
        html = preview.content.decode()
        assert "Громада" in html and "Хто ухвалює бюджет?" in html
        assert "Банк питань / Тема" in html
        items = preview.context["report"].items
        assert [(i.line, i.type_code, i.answers, i.action) for i in items] == [
            (2, "multichoice", 3, "create"),
            (7, "truefalse", 0, "create"),
        ]
        assert preview.context["can_commit"]
        assert not Question.objects.exists()
        assert QuestionCategory.objects.count() == 1

        committed = admin_client.post(preview_url)
        assert committed.status_code == 302
        assert committed.url.startswith(reverse("question_bank_questions:list"))
        assert Question.objects.count() == 2
        assert Question.objects.get(name="ПН").category.path == "Банк питань / Тема"
        assert token not in admin_client.session[SESSION_KEY]
        # The token is spent: posting again changes nothing.
        again = admin_client.post(preview_url)
        assert again.status_code == 302 and again.url == reverse(UPLOAD)
        assert Question.objects.count() == 2

    def test_reimport_preview_shows_updates(self, admin_client, bank):
        admin_client.post(upload(admin_client, GIFT, category=bank).url)
        changed = GIFT.replace("Хто ухвалює", "Хто затверджує")
        preview = admin_client.get(upload(admin_client, changed, category=bank).url)
        actions = [i.action for i in preview.context["report"].items]
        assert actions == ["update", "unchanged"]

    def test_errors_are_listed_with_lines_and_commit_is_refused(
        self, admin_client, bank
    ):
        preview_url = upload(admin_client, BAD_GIFT, category=bank).url
        preview = admin_client.get(preview_url)
        assert preview.status_code == 200
        assert not preview.context["can_commit"]
        html = preview.content.decode()
        assert [e.line for e in preview.context["parse_errors"]] == [11]
        assert [p.line for p in preview.context["report"].problems] == [9]
        assert 'type="submit"' not in html  # no commit button
        refused = admin_client.post(preview_url)
        assert refused.status_code == 400
        assert not Question.objects.exists()

    def test_aiken(self, admin_client, bank):
        text = "Хто ухвалює бюджет?\nA) Рада\nB) Голова\nANSWER: A\n"
        preview_url = upload(
            admin_client, text, name="q.txt", file_format="aiken", category=bank
        ).url
        admin_client.post(preview_url)
        question = Question.objects.get()
        assert question.text == "<p>Хто ухвалює бюджет?</p>"


class TestUploadChecks:
    def _errors(self, response):
        assert response.status_code == 200
        return response.context["form"].errors

    def test_bad_encoding(self, admin_client, bank):
        raw = "Питання? {T}".encode("cp1251")
        errors = self._errors(upload(admin_client, "", raw=raw, category=bank))
        assert "UTF-8" in errors["file"][0]

    def test_too_large(self, admin_client, bank):
        raw = b"x" * (MAX_UPLOAD_BYTES + 1)
        errors = self._errors(upload(admin_client, "", raw=raw, category=bank))
        assert "2" in errors["file"][0]

    def test_extension(self, admin_client, bank):
        errors = self._errors(upload(admin_client, GIFT, name="q.xml", category=bank))
        assert errors["file"]

    def test_unknown_token(self, admin_client):
        response = admin_client.get(
            reverse("question_bank_import:preview", args=("nope",))
        )
        assert response.status_code == 302 and response.url == reverse(UPLOAD)

    def test_token_of_another_session_is_useless(
        self, admin_client, client, bank, trainer
    ):
        preview_url = upload(admin_client, GIFT, category=bank).url
        client.force_login(trainer)
        response = client.post(preview_url)
        assert response.status_code == 302 and response.url == reverse(UPLOAD)
        assert not Question.objects.exists()


class TestAccess:
    def test_anonymous_goes_to_login(self, client):
        response = client.get(reverse(UPLOAD))
        assert response.status_code == 302
        assert reverse("wagtailadmin_login") in response.url

    def test_learner_is_turned_away(self, client, learner):
        client.force_login(learner)
        for method in (client.get, client.post):
            response = method(reverse(UPLOAD))
            assert response.status_code in (302, 403)
            if response.status_code == 302:
                assert reverse("wagtailadmin_login") in response.url

    def test_admin_user_without_add_permission_gets_403(
        self, client, editor_without_bank
    ):
        client.force_login(editor_without_bank)
        assert client.get(reverse(UPLOAD)).status_code == 403
        assert client.post(reverse(UPLOAD)).status_code == 403

    def test_trainer_can_import(self, client, trainer, bank):
        client.force_login(trainer)
        assert client.get(reverse(UPLOAD)).status_code == 200
        preview_url = upload(client, GIFT, category=bank).url
        assert client.post(preview_url).status_code == 302
        assert Question.objects.count() == 2
