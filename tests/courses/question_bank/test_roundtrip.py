"""GIFT -> bank -> GIFT: every type comes back equal (checklist item 25).

Parse, import into the models, export the category, parse again: the two
parses are equal under the corpus README's comparison, for every type, with
Cyrillic text and GIFT's special characters ``~ = # { } :`` (escaped) in
titles, texts, answers and feedback.
"""

from __future__ import annotations

import pytest

from courses.importers import parse_gift
from courses.models import Question, QuestionCategory
from courses.question_bank.importing import category_export, category_export_gift
from tests.courses.importers.corpus import differences
from tests.courses.question_bank.conftest import import_text

pytestmark = pytest.mark.django_db

SPECIAL = r"\~ \= \# \{ \} \:"

CASES = {
    "multichoice": (
        "// [id:мв-1] [tag:бюджет]\n"
        rf"::Громада {SPECIAL}::Хто ухвалює бюджет {SPECIAL}? {{"
        rf"=Рада {SPECIAL}#Так {SPECIAL} ~Голова#Ні ~%-50%Виконком"
        rf" ####Загальний відгук {SPECIAL}}}"
    ),
    "multichoice_multi": (
        "::Кілька:: Форми участі? {~%50%Збори ~%50%Петиції ~%-100%Ніщо}"
    ),
    "multichoice_partial_credit": "::Частково:: Оберіть {=Так ~%50%Майже ~Ні}",
    "truefalse": rf"::ПН {SPECIAL}:: Рада ухвалює бюджет. {{FALSE#Хибно {SPECIAL}#Вірно}}",
    "truefalse_right_only": "::ПН2:: Так? {T##Вірно}",
    "shortanswer": (
        rf"::Коротка:: Столиця {SPECIAL}? {{=Київ =%50%*Киев*#Майже {SPECIAL}}}"
    ),
    "shortanswer_embedded": "Столиця України — {=Київ} місто.",
    "numerical": "::Число:: Рік? {#=1996:0 =%50%1995..1997#Близько ~#Ні}",
    "numerical_tolerance": "::Пі:: Значення? {#3.1415:0.0005}",
    "numerical_negative": "::Мінус:: Скільки? {#-5..5}",
    "matching": (
        rf"::Пари:: Зіставте {SPECIAL} {{=Рада {SPECIAL} -> ухвалює =Голова -> підписує"
        " = -> скасовує}"
    ),
    "essay": rf"::Есе:: Опишіть {SPECIAL}.{{####Дякуємо {SPECIAL}}}",
    "description": rf"::Опис:: Далі — питання {SPECIAL}.",
    "unnamed": "Питання без назви? {T}",
}


def _parse_one(text: str) -> dict:
    result = parse_gift(text)
    assert result.errors == [], [str(e) for e in result.errors]
    questions = [q for q in result.questions if q["type"] != "category"]
    assert len(questions) == 1, result.questions
    return questions[0]


@pytest.mark.parametrize("case", sorted(CASES))
def test_round_trip(case, bank):
    source = CASES[case]
    before = _parse_one(source)

    report = import_text(source, category=bank)
    assert report.ok and report.written, [str(p) for p in report.problems]

    exported = category_export_gift(category=bank)
    after = _parse_one(exported)
    problems = differences(after, before)
    assert not problems, f"{case}:\n{exported}\n" + "\n".join(problems)


def test_whole_file_round_trip_keeps_order_and_all_types(bank):
    source = "\n\n".join(CASES[c] for c in sorted(CASES))
    before = parse_gift(source).questions
    assert import_text(source, category=bank).ok
    after = parse_gift(category_export_gift(category=bank)).questions
    assert len(after) == len(before)
    for got, want in zip(after, before, strict=True):
        assert not differences(got, want), (got, want)


def test_exported_tree_imports_back_into_the_same_place(bank):
    source = (
        "// [id:a]\n::У банку:: Так? {T}\n\n"
        "$CATEGORY: Модуль 1/Тема\n\n"
        "// [id:b]\n::У темі:: Хто? {=Рада ~Голова}\n\n"
        "$CATEGORY: Модуль 2\n\n"
        "// [id:c]\n::У модулі 2:: Скільки? {#2}\n"
    )
    import_text(source, category=bank)
    result = category_export(category=bank, include_subcategories=True)
    assert result.exported == 3 and result.skipped == []
    assert "$CATEGORY: Модуль 1/Тема" in result.text
    assert "$CATEGORY: Модуль 2" in result.text

    again = import_text(result.text, category=bank)
    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert QuestionCategory.objects.count() == 4
    paths = sorted(q.category.path for q in Question.objects.all())
    assert paths == [
        "Банк питань",
        "Банк питань / Модуль 1 / Тема",
        "Банк питань / Модуль 2",
    ]


def test_export_without_subcategories_leaves_them_out(bank):
    import_text(
        "::Верх:: Так? {T}\n\n$CATEGORY: Під\n\n::Низ:: Так? {T}", category=bank
    )
    text = category_export_gift(category=bank)
    assert "::Верх::" in text and "Низ" not in text and "$CATEGORY" not in text


def test_questions_gift_cannot_express_are_skipped(bank):
    from courses.models import OrderingItem, OrderingQuestion

    question = OrderingQuestion(
        category=bank, name="Порядок", text="<p>Впорядкуйте</p>"
    )
    question.items = [OrderingItem(text="а"), OrderingItem(text="б")]
    question.save()
    import_text("::Так:: Так? {T}", category=bank)
    result = category_export(category=bank)
    assert result.exported == 1
    assert len(result.skipped) == 1 and result.skipped[0].startswith("Порядок")
