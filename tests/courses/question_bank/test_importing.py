"""``questions_import``: every type into models, all-or-nothing, dry runs,
re-import by ID number, categories, permissions, audit log and XSS."""

from __future__ import annotations

import re
from decimal import Decimal

from wagtail.models import ModelLogEntry

import pytest

from courses.models import (
    Choice,
    DescriptionQuestion,
    EssayQuestion,
    MatchingQuestion,
    MultipleChoiceQuestion,
    NumericalQuestion,
    Question,
    QuestionCategory,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from courses.question_bank.importing import parse_file, questions_import
from tests.courses.question_bank.conftest import import_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALL_TYPES = """\
// [id:mc-1] [tag:бюджет] [tag:участь]
::Громада::Хто ухвалює бюджет громади? {
  =Рада#Так, сесія ради.
  ~Голова#Ні.
  ~%-50%Виконком
}

::Кілька:: Що є формами участі? {~%50%Загальні збори ~%50%Петиції ~%-100%Ніщо}

::ПН:: Бюджет ухвалює рада. {TRUE#Помилка.#Правильно.####Див. Бюджетний кодекс.}

::Коротка:: Столиця України? {=Київ#Так =%50%*Киев*#Майже}

::Число:: Рік Конституції? {#=1996:0 =%50%1995..1997#Близько ~#Ні}

::Пари:: Зіставте {=Рада -> ухвалює =Голова -> підписує = -> скасовує}

::Есе:: Опишіть бюджет участі.{####Дякуємо!}

::Опис:: Далі йдуть питання про бюджет.
"""


def _stored(name: str) -> Question:
    return Question.objects.get(name=name)


class TestEveryType:
    @pytest.fixture
    def report(self, bank):
        return import_text(ALL_TYPES, category=bank)

    def test_counts(self, report, bank):
        assert report.ok and report.written, [str(p) for p in report.problems]
        assert report.created == 8
        assert Question.objects.filter(category=bank).count() == 8
        assert [i.line for i in report.items] == [2, 8, 10, 12, 14, 16, 18, 20]

    def test_multichoice(self, report):
        q = _stored("Громада")
        assert isinstance(q, MultipleChoiceQuestion)
        assert q.single is True
        assert q.idnumber == "mc-1"
        assert sorted(q.tags.names()) == ["бюджет", "участь"]
        assert q.text == "Хто ухвалює бюджет громади?"
        assert [
            (c.text, c.fraction, c.feedback, c.sort_order) for c in q.choices.all()
        ] == [
            ("Рада", Decimal("1"), "Так, сесія ради.", 0),
            ("Голова", Decimal("0"), "Ні.", 1),
            ("Виконком", Decimal("-0.5"), "", 2),
        ]
        assert q.validation_problems() == []

    def test_multi_answer(self, report):
        q = _stored("Кілька")
        assert q.single is False
        assert [c.fraction for c in q.choices.all()] == [
            Decimal("0.5"),
            Decimal("0.5"),
            Decimal("-1"),
        ]

    def test_truefalse(self, report):
        q = _stored("ПН")
        assert isinstance(q, TrueFalseQuestion)
        assert (q.correct, q.feedback_wrong, q.feedback_right) == (
            True,
            "Помилка.",
            "Правильно.",
        )
        assert q.general_feedback == "Див. Бюджетний кодекс."

    def test_shortanswer(self, report):
        q = _stored("Коротка")
        assert isinstance(q, ShortAnswerQuestion)
        assert [(a.text, a.fraction, a.feedback) for a in q.answers.all()] == [
            ("Київ", Decimal("1"), "Так"),
            ("*Киев*", Decimal("0.5"), "Майже"),
        ]

    def test_numerical(self, report):
        q = _stored("Число")
        assert isinstance(q, NumericalQuestion)
        rows = [
            (
                a.catch_all,
                a.value,
                a.tolerance,
                a.minimum,
                a.maximum,
                a.fraction,
                a.feedback,
            )
            for a in q.answers.all()
        ]
        assert rows == [
            (False, Decimal("1996"), Decimal("0"), None, None, Decimal("1"), ""),
            (
                False,
                None,
                Decimal("0"),
                Decimal("1995"),
                Decimal("1997"),
                Decimal("0.5"),
                "Близько",
            ),
            (True, None, Decimal("0"), None, None, Decimal("0"), "Ні"),
        ]

    def test_matching(self, report):
        q = _stored("Пари")
        assert isinstance(q, MatchingQuestion)
        assert [(p.question_text, p.answer_text) for p in q.pairs.all()] == [
            ("Рада", "ухвалює"),
            ("Голова", "підписує"),
            ("", "скасовує"),
        ]
        assert q.validation_problems() == []

    def test_essay_and_description(self, report):
        essay = _stored("Есе")
        assert isinstance(essay, EssayQuestion)
        assert essay.general_feedback == "Дякуємо!"
        description = _stored("Опис")
        assert isinstance(description, DescriptionQuestion)
        assert description.default_mark == 0

    def test_audit_log(self, report):
        q = _stored("Громада")
        entry = ModelLogEntry.objects.get(
            object_id=str(q.pk), action="courses.question.import"
        )
        assert entry.data == {"created": True, "version": 1}


BAD_AND_GOOD = """\
::Добре:: Хто? {=Рада ~Голова}

::Без100:: Хто? {~%50%Рада ~Голова =%90%Мер}

::Кілька погано:: Що? {~%50%а ~%40%б ~в}

::Добре2:: Так? {T}

::Число погано:: Скільки? {#=5..1}
"""


class TestAllOrNothing:
    def test_bad_questions_stop_the_whole_file(self, bank):
        parsed = parse_file(text=BAD_AND_GOOD, file_format="gift")
        bad_numeric = list(parsed.result.errors)
        report = questions_import(parsed=parsed.for_import(), category=bank)
        assert not report.written
        assert Question.objects.count() == 0
        lines = {(p.line, p.name) for p in report.problems}
        assert (3, "Без100") in lines
        assert (5, "Кілька погано") in lines
        assert any("100%" in p.message for p in report.problems if p.line == 3)
        assert any(
            "add up to 100%" in p.message for p in report.problems if p.line == 5
        )
        # The parser itself refuses min > max, with its line number.
        assert [e.line for e in bad_numeric] == [9]
        assert [i.action for i in report.items] == ["create", None, None, "create"]

    def test_report_strings_carry_line_and_name(self, bank):
        report = import_text(BAD_AND_GOOD.rsplit("\n\n", 1)[0], category=bank)
        text = [str(p) for p in report.problems]
        assert any(t.startswith("line 3 (Без100): ") for t in text), text

    def test_field_limits_are_checked_before_writing(self, bank):
        long_answer = "я" * 300
        report = import_text(
            f"::Добре:: Так? {{T}}\n\n::Довга:: Відповідь? {{={long_answer}}}",
            category=bank,
        )
        assert not report.written
        assert Question.objects.count() == 0
        assert [p.line for p in report.problems] == [3]
        assert "Answer 1" in report.problems[0].message

    def test_nothing_written_when_category_missing(self, db):
        report = import_text("Так? {T}")
        assert not report.written
        assert "No category" in report.problems[0].message
        assert QuestionCategory.objects.count() == 0


class TestDryRun:
    def test_dry_run_writes_nothing(self, bank):
        report = import_text(
            "$CATEGORY: Нова/Глибше\n\n" + ALL_TYPES, category=bank, dry_run=True
        )
        assert report.ok and not report.written
        assert report.created == 8
        assert Question.objects.count() == 0
        assert QuestionCategory.objects.count() == 1
        assert not ModelLogEntry.objects.exists()
        assert {i.category_path for i in report.items} == {
            "Банк питань / Нова / Глибше"
        }

    def test_dry_run_reports_updates(self, bank):
        import_text(ALL_TYPES, category=bank)
        changed = ALL_TYPES.replace("Хто ухвалює", "Хто затверджує")
        report = import_text(changed, category=bank, dry_run=True)
        assert [i.action for i in report.items][:2] == ["update", "create"]
        assert _stored("Громада").text == "Хто ухвалює бюджет громади?"


class TestReimport:
    SOURCE = "// [id:q1]\n::Громада:: Хто? {=Рада ~Голова ~Мер}"

    def test_same_file_twice_changes_nothing(self, bank):
        first = import_text(self.SOURCE, category=bank)
        question = _stored("Громада")
        second = import_text(self.SOURCE, category=bank)
        assert (first.created, second.created, second.unchanged) == (1, 0, 1)
        question.refresh_from_db()
        assert question.version == 1
        assert Question.objects.count() == 1

    def test_changed_question_is_updated_in_place(self, bank):
        import_text(self.SOURCE, category=bank)
        before = _stored("Громада")
        choice_ids = [c.pk for c in before.choices.all()]
        report = import_text(
            "// [id:q1] [tag:нове]\n::Громада:: Хто саме? {~Рада =Голова}",
            category=bank,
        )
        assert report.updated == 1 and report.created == 0
        after = Question.objects.get(pk=before.pk)
        assert after.version == 2
        assert after.text == "Хто саме?"
        assert list(after.tags.names()) == ["нове"]
        rows = list(after.choices.all())
        assert [(c.text, c.fraction) for c in rows] == [
            ("Рада", Decimal("0")),
            ("Голова", Decimal("1")),
        ]
        # Rows are reused in place; the surplus one is gone.
        assert [c.pk for c in rows] == choice_ids[:2]
        assert not Choice.objects.filter(pk=choice_ids[2]).exists()
        assert (
            ModelLogEntry.objects.filter(
                object_id=str(before.pk), action="courses.question.import"
            ).count()
            == 2
        )

    def test_same_id_in_another_category_is_another_question(self, bank):
        import_text(self.SOURCE, category=bank)
        other = QuestionCategory.objects.create(name="Інший")
        report = import_text(self.SOURCE, category=other)
        assert report.created == 1
        assert Question.objects.count() == 2

    def test_type_change_is_refused(self, bank):
        import_text(self.SOURCE, category=bank)
        report = import_text("// [id:q1]\n::Громада:: Так? {T}", category=bank)
        assert not report.written
        assert "ID number q1" in report.problems[0].message
        assert isinstance(_stored("Громада"), MultipleChoiceQuestion)

    def test_duplicate_ids_in_one_file(self, bank):
        report = import_text(self.SOURCE + "\n\n" + self.SOURCE, category=bank)
        assert not report.written
        assert report.problems[0].line == 5  # the question's line, after its comment
        assert "first on line 2" in report.problems[0].message


class TestCategories:
    def test_category_lines_nest_under_the_target(self, bank):
        source = (
            "::У банку:: Так? {T}\n\n"
            "$CATEGORY: $course$/top/Модуль 1/Тема: бюджет\n\n"
            "::У темі:: Так? {T}\n\n"
            "$CATEGORY: Модуль 1 / Інша\n\n"
            "::В іншій:: Так? {T}\n"
        )
        report = import_text(source, category=bank)
        assert report.ok
        assert report.categories_created == [
            "Банк питань / Модуль 1",
            "Банк питань / Модуль 1 / Тема: бюджет",
            "Банк питань / Модуль 1 / Інша",
        ]
        assert _stored("У банку").category == bank
        assert (
            _stored("У темі").category.path == "Банк питань / Модуль 1 / Тема: бюджет"
        )
        assert _stored("В іншій").category.path == "Банк питань / Модуль 1 / Інша"
        # Importing again reuses the categories.
        import_text(source, category=bank)
        assert QuestionCategory.objects.count() == 4

    def test_category_path_argument_creates_the_base(self, db):
        report = import_text("Так? {T}", category_path="Бюджет / Участь")
        assert report.categories_created == ["Бюджет", "Бюджет / Участь"]
        assert Question.objects.get().category.path == "Бюджет / Участь"

    def test_categories_from_the_file_alone(self, db):
        report = import_text("$CATEGORY: Верх/Низ\n\nТак? {T}")
        assert report.ok
        assert Question.objects.get().category.path == "Верх / Низ"


class TestPermissions:
    def test_trainer_may_import(self, trainer, bank):
        report = import_text(
            "$CATEGORY: Нова\n\n" + ALL_TYPES, category=bank, actor=trainer
        )
        assert report.ok and report.written

    def test_user_without_permissions_writes_nothing(self, bank):
        user = UserFactory(username="nobody")
        report = import_text("$CATEGORY: Нова\n\nТак? {T}", category=bank, actor=user)
        assert not report.written
        messages = [p.message for p in report.problems]
        assert "You may not create question categories." in messages
        assert any(m.startswith("You may not add") for m in messages)
        assert Question.objects.count() == 0


XSS_GIFT = """\
::XSS html:: [html]<p>Питання<script>alert(1)</script><img src\\=x onerror\\=alert(2)></p>\
{=<b onmouseover\\=alert(3)>так</b>#<script>alert(4)</script>відгук ~ні\
####<a href="javascript:alert(5)">ось</a>}

::XSS plain:: [plain]<script>alert(6)</script> {T}
"""

XSS_AIKEN = """\
<script>alert(1)</script> Що обрати?
A) <img src=x onerror=alert(2)>Це
B) Те
ANSWER: A
"""

_ACTIVE_MARKUP = re.compile(r"<\s*script|<[^>]*\son\w+\s*=|javascript:", re.IGNORECASE)


def _all_text(question: Question) -> str:
    parts = [question.name, question.text, question.general_feedback]
    for relation in ("choices", "answers", "pairs"):
        manager = getattr(question, relation, None)
        if manager is not None:
            for row in manager.all():
                parts += [str(v) for v in row.__dict__.values() if isinstance(v, str)]
    for name in ("feedback_right", "feedback_wrong"):
        parts.append(getattr(question, name, ""))
    return "\n".join(parts)


class TestXss:
    def test_gift_html_is_neutralised(self, bank):
        report = import_text(XSS_GIFT, category=bank)
        assert report.ok, [str(p) for p in report.problems]
        for question in Question.objects.all():
            stored = _all_text(question)
            assert not _ACTIVE_MARKUP.search(stored), stored
        html_q = _stored("XSS html")
        assert html_q.text.startswith("<p>Питання")
        assert "<img" not in html_q.text
        assert [c.text for c in html_q.choices.all()] == ["так", "ні"]

    def test_plain_text_is_escaped(self, bank):
        import_text(XSS_GIFT, category=bank)
        assert (
            _stored("XSS plain").text == "<p>&lt;script&gt;alert(6)&lt;/script&gt;</p>"
        )

    def test_aiken_is_neutralised(self, bank):
        report = import_text(XSS_AIKEN, file_format="aiken", category=bank)
        assert report.ok, [str(p) for p in report.problems]
        question = Question.objects.get()
        assert (
            question.text == "<p>&lt;script&gt;alert(1)&lt;/script&gt; Що обрати?</p>"
        )
        assert not _ACTIVE_MARKUP.search(question.text)
        # Choices are plain text, which templates escape; the markup is text.
        assert [c.text for c in question.choices.all()] == [
            "<img src=x onerror=alert(2)>Це",
            "Те",
        ]


def test_aiken_lines_and_escaping(bank):
    source = "Питання 1?\nA) так\nB) ні\nANSWER: A\n\nЧи a &lt; b?\nA. a < b\nB. a > b\nANSWER: B\n"
    report = import_text(source, file_format="aiken", category=bank)
    assert report.ok
    assert [i.line for i in report.items] == [1, 6]
    second = Question.objects.get(pk=report.items[1].question_id)
    assert second.text == "<p>Чи a &amp;lt; b?</p>"
    assert [c.text for c in second.choices.all()] == ["a < b", "a > b"]
