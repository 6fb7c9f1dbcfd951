"""The "Question bank" admin: per-type create/edit with inline rows and
grading validation, the "All questions" listing, categories and export."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

import pytest

from courses.models import (
    MultipleChoiceQuestion,
    NumericalQuestion,
    Question,
    QuestionCategory,
    TrueFalseQuestion,
)
from courses.question_bank.permissions import TRAINER_QUESTION_BANK_PERMISSIONS
from tests.courses.question_bank.conftest import import_text

pytestmark = pytest.mark.django_db


def mc_post(
    category, choices, *, single=True, name="Хто ухвалює бюджет?", initial=0, **extra
):
    data = {
        "category": category.pk,
        "name": name,
        "idnumber": extra.pop("idnumber", ""),
        "text": rich_text(extra.pop("text", "<p>Хто ухвалює бюджет громади?</p>")),
        "default_mark": "1",
        "shuffle_choices": "on",
        "choices": inline_formset(choices, initial=initial, min=2),
        "feedback_correct": "",
        "feedback_partial": "",
        "feedback_incorrect": "",
        "general_feedback": rich_text(""),
        "tags": extra.pop("tags", ""),
    }
    if single:
        data["single"] = "on"
    data.update(extra)
    return nested_form_data(data)


def choice(text, fraction, feedback="", **extra):
    return {"text": text, "fraction": str(fraction), "feedback": feedback, **extra}


ADD_MC = "question_bank_multichoice:add"


class TestCreateSingleChoice:
    def test_superuser_creates_a_question_with_choices(self, admin_client, bank):
        response = admin_client.post(
            reverse(ADD_MC),
            mc_post(
                bank,
                [choice("Рада", 1, "Так"), choice("Голова", 0, "Ні")],
                tags="бюджет",
            ),
        )
        assert response.status_code == 302, response.context["form"].errors
        question = MultipleChoiceQuestion.objects.get()
        assert question.category == bank
        assert question.version == 1
        assert question.text == "<p>Хто ухвалює бюджет громади?</p>"
        assert [(c.text, c.fraction, c.feedback) for c in question.choices.all()] == [
            ("Рада", Decimal("1"), "Так"),
            ("Голова", Decimal("0"), "Ні"),
        ]
        assert list(question.tags.names()) == ["бюджет"]
        assert question.validation_problems() == []

    def test_no_full_mark_is_refused(self, admin_client, bank):
        response = admin_client.post(
            reverse(ADD_MC), mc_post(bank, [choice("Рада", "0.5"), choice("Голова", 0)])
        )
        assert response.status_code == 200
        errors = response.context["form"].non_field_errors()
        assert len(errors) == 1 and "100%" in errors[0]
        assert not Question.objects.exists()

    def test_multi_choice_grades_must_add_up(self, admin_client, bank):
        response = admin_client.post(
            reverse(ADD_MC),
            mc_post(
                bank,
                [choice("а", "0.5"), choice("б", "0.4"), choice("в", "-1")],
                single=False,
            ),
        )
        assert response.status_code == 200
        errors = response.context["form"].non_field_errors()
        assert errors and "90" in errors[0]
        assert not Question.objects.exists()

    def test_deleted_rows_do_not_count(self, admin_client, bank):
        """A 100% choice marked for deletion leaves no full mark."""
        response = admin_client.post(
            reverse(ADD_MC),
            mc_post(
                bank,
                [choice("Рада", 1, DELETE="on"), choice("Голова", 0), choice("Мер", 0)],
            ),
        )
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()

    def test_duplicate_id_number_has_a_readable_message(self, admin_client, bank):
        import_text("// [id:q1]\n::Т:: Так? {T}", category=bank)
        response = admin_client.post(
            reverse(ADD_MC),
            mc_post(bank, [choice("Рада", 1), choice("Голова", 0)], idnumber="q1"),
        )
        assert response.status_code == 200
        assert response.context["form"].errors["idnumber"]


class TestEdit:
    @pytest.fixture
    def question(self, bank):
        import_text(
            "::Громада:: <p>Хто ухвалює бюджет громади?</p>{=Рада ~Голова}",
            category=bank,
        )
        return MultipleChoiceQuestion.objects.get()

    def _post(self, client, question, **changes):
        rows = [
            choice(c.text, c.fraction, c.feedback, id=str(c.pk))
            for c in question.choices.all()
        ]
        data = mc_post(
            question.category, rows, name=question.name, initial=len(rows), **changes
        )
        return client.post(
            reverse("question_bank_multichoice:edit", args=(question.pk,)), data
        )

    def test_edit_page_renders(self, admin_client, question):
        response = admin_client.get(
            reverse("question_bank_multichoice:edit", args=(question.pk,))
        )
        assert response.status_code == 200
        assert "choices-TOTAL_FORMS" in response.content.decode()

    def test_saving_unchanged_keeps_the_version(self, admin_client, question):
        response = self._post(admin_client, question)
        assert response.status_code == 302, response.context["form"].errors
        question.refresh_from_db()
        assert question.version == 1

    def test_changing_the_text_bumps_the_version(self, admin_client, question):
        response = self._post(
            admin_client, question, text="<p>Хто затверджує бюджет?</p>"
        )
        assert response.status_code == 302
        question.refresh_from_db()
        assert question.version == 2
        assert question.text == "<p>Хто затверджує бюджет?</p>"

    def test_breaking_an_existing_question_is_refused(self, admin_client, question):
        rows = [choice(c.text, 0, id=str(c.pk)) for c in question.choices.all()]
        data = mc_post(question.category, rows, name=question.name, initial=2)
        response = admin_client.post(
            reverse("question_bank_multichoice:edit", args=(question.pk,)), data
        )
        assert response.status_code == 200
        assert [c.fraction for c in question.choices.all()] == [
            Decimal("1"),
            Decimal("0"),
        ]


def test_numerical_question_via_admin(admin_client, bank):
    data = nested_form_data(
        {
            "category": bank.pk,
            "name": "Рік",
            "idnumber": "",
            "text": rich_text("<p>Рік Конституції?</p>"),
            "default_mark": "1",
            "answers": inline_formset(
                [
                    {"value": "1996", "tolerance": "0", "minimum": "", "maximum": "",
                     "fraction": "1", "feedback": ""},
                    {"value": "", "tolerance": "0", "minimum": "", "maximum": "",
                     "catch_all": "on", "fraction": "0", "feedback": "Ні"},
                ],
                min=1,
            ),
            "feedback_correct": "", "feedback_partial": "", "feedback_incorrect": "",
            "general_feedback": rich_text(""),
            "tags": "",
        }
    )  # fmt: skip
    response = admin_client.post(reverse("question_bank_numerical:add"), data)
    assert response.status_code == 302, response.context["form"].errors
    question = NumericalQuestion.objects.get()
    assert [(a.value, a.catch_all) for a in question.answers.all()] == [
        (Decimal("1996"), False),
        (None, True),
    ]


class TestAllQuestions:
    @pytest.fixture
    def questions(self, bank):
        import_text(
            "// [tag:бюджет]\n::Громада:: Хто? {=Рада ~Голова}\n\n"
            "$CATEGORY: Підрозділ\n\n::Так-ні:: Так? {T}\n",
            category=bank,
        )
        other = QuestionCategory.objects.create(name="Інше")
        import_text("::Поза:: Так? {F}", category=other)
        return {q.name: q for q in Question.objects.all()}

    def test_listing_links_to_each_type(self, admin_client, questions):
        response = admin_client.get(reverse("question_bank_questions:list"))
        assert response.status_code == 200
        html = response.content.decode()
        mc = questions["Громада"]
        tf = questions["Так-ні"]
        assert reverse("question_bank_multichoice:edit", args=(mc.pk,)) in html
        assert reverse("question_bank_truefalse:edit", args=(tf.pk,)) in html
        assert "Банк питань / Підрозділ" in html
        assert reverse("question_bank_questions:add") in html

    def test_filters(self, admin_client, questions, bank):
        url = reverse("question_bank_questions:list")
        by_category = admin_client.get(url, {"category": bank.pk})
        names = {q.name for q in by_category.context["object_list"]}
        assert names == {"Громада", "Так-ні"}  # subcategories included

        tf_type = ContentType.objects.get_for_model(TrueFalseQuestion)
        by_type = admin_client.get(url, {"question_type": tf_type.pk})
        assert {q.name for q in by_type.context["object_list"]} == {"Так-ні", "Поза"}

        by_tag = admin_client.get(url, {"tag": "бюджет"})
        assert {q.name for q in by_tag.context["object_list"]} == {"Громада"}

        searched = admin_client.get(url, {"q": "Поза"})
        assert {q.name for q in searched.context["object_list"]} == {"Поза"}

    def test_base_urls_lead_to_the_type(self, admin_client, questions):
        mc = questions["Громада"]
        response = admin_client.get(
            reverse("question_bank_questions:edit", args=(mc.pk,))
        )
        assert response.status_code == 302
        assert response.url == reverse("question_bank_multichoice:edit", args=(mc.pk,))

    def test_add_lists_the_types(self, admin_client):
        response = admin_client.get(reverse("question_bank_questions:add"))
        assert response.status_code == 200
        assert reverse(ADD_MC) in response.content.decode()

    def test_menu(self, admin_client):
        html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
        assert reverse("question_bank_questions:list") in html
        assert reverse("question_bank_categories:list") in html
        assert reverse("question_bank_import:upload") in html


class TestCategories:
    def test_tree_listing_by_path(self, admin_client, bank):
        import_text(
            "$CATEGORY: Б/В\n\nТак? {T}\n\n$CATEGORY: А\n\nТак? {F}", category=bank
        )
        response = admin_client.get(reverse("question_bank_categories:list"))
        assert response.status_code == 200
        paths = [
            response.context["view"].category_paths[c.pk]
            for c in response.context["object_list"]
        ]
        assert paths == [
            "Банк питань",
            "Банк питань / А",
            "Банк питань / Б",
            "Банк питань / Б / В",
        ]

    def test_export_download(self, admin_client, bank):
        import_text("::Т:: Так? {T}\n\n$CATEGORY: Під\n\n::Н:: Так? {F}", category=bank)
        url = reverse("question_bank_categories:export", args=(bank.pk,))
        response = admin_client.get(url + "?subcategories=1")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        assert ".gift" in response["Content-Disposition"]
        body = response.content.decode("utf-8")
        assert "::Т::" in body and "$CATEGORY: Під" in body
        listing = admin_client.get(
            reverse("question_bank_categories:list")
        ).content.decode()
        assert url in listing

    def test_category_cannot_become_its_own_child(self, admin_client, bank):
        child = QuestionCategory.objects.create(name="Дитина", parent=bank)
        response = admin_client.post(
            reverse("question_bank_categories:edit", args=(bank.pk,)),
            {"name": bank.name, "parent": child.pk, "description": ""},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["parent"]

    def test_non_empty_category_is_not_deleted(self, admin_client, bank):
        import_text("Так? {T}", category=bank)
        response = admin_client.post(
            reverse("question_bank_categories:delete", args=(bank.pk,))
        )
        assert response.status_code == 302
        assert QuestionCategory.objects.filter(pk=bank.pk).exists()


class TestPermissions:
    def test_trainer_permissions_are_the_reported_ones(self):
        codenames = {codename for _app, codename in TRAINER_QUESTION_BANK_PERMISSIONS}
        assert "add_multiplechoicequestion" in codenames
        assert "change_questioncategory" in codenames
        assert "delete_questioncategory" not in codenames

    def test_trainer_can_list_and_create(self, client, trainer, bank):
        client.force_login(trainer)
        assert client.get(reverse("question_bank_questions:list")).status_code == 200
        response = client.post(
            reverse(ADD_MC), mc_post(bank, [choice("Рада", 1), choice("Голова", 0)])
        )
        assert response.status_code == 302
        assert MultipleChoiceQuestion.objects.count() == 1

    def test_admin_user_without_bank_permissions_is_refused(
        self, client, editor_without_bank, bank
    ):
        client.force_login(editor_without_bank)
        for url in (
            reverse("question_bank_questions:list"),
            reverse(ADD_MC),
            reverse("question_bank_categories:export", args=(bank.pk,)),
        ):
            response = client.get(url)
            assert response.status_code in (302, 403), url
            if response.status_code == 302:
                assert response.url != url
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        assert reverse("question_bank_questions:list") not in html


def test_history_shows_the_import(admin_client, bank):
    import_text("::Т:: Так? {T}", category=bank)
    question = TrueFalseQuestion.objects.get()
    response = admin_client.get(
        reverse("question_bank_truefalse:history", args=(question.pk,))
    )
    assert response.status_code == 200


def test_quiz_slots_choose_questions_in_a_chooser(admin_client, bank):
    """Registering the base as a snippet gives quiz slots a searchable chooser."""
    import_text(
        "::Громада:: Хто? {=Рада ~Голова}\n\n::Правда:: Так? {T}", category=bank
    )
    response = admin_client.get(reverse("question_bank_questions_chooser:choose"))
    assert response.status_code == 200
    html = response.json()["html"]
    assert "Громада" in html and "Правда" in html


def test_base_policy_checks_each_question_s_own_type(bank):
    """A user who may delete true/false questions only cannot bulk-delete
    another type from "All questions"."""
    from django.contrib.auth.models import Permission

    from courses.question_bank.permissions import AnyQuestionTypePolicy
    from tests.factories import UserFactory

    import_text("::МВ:: Хто? {=Рада ~Голова}\n\n::ПН:: Так? {T}", category=bank)
    user = UserFactory(username="tf_only")
    user.user_permissions.add(
        Permission.objects.get(codename="delete_truefalsequestion"),
        Permission.objects.get(codename="view_truefalsequestion"),
    )
    policy = AnyQuestionTypePolicy(Question)
    mc, tf = Question.objects.get(name="МВ"), Question.objects.get(name="ПН")
    base_mc = Question.objects.non_polymorphic().get(pk=mc.pk)
    assert policy.user_has_permission(user, "delete")
    assert policy.user_has_permission_for_instance(user, "delete", tf)
    assert not policy.user_has_permission_for_instance(user, "delete", mc)
    assert not policy.user_has_permission_for_instance(user, "delete", base_mc)
    allowed = policy.instances_user_has_permission_for(user, "delete")
    assert {q.pk for q in allowed} == {tf.pk}
