"""Quizzes for the browser tests: questions of every type, built with the models.

Texts are Ukrainian, as trainers write them. Choices are shuffled per attempt,
so tests find inputs by their label text, never by position.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal

from courses.models import (
    Choice,
    EssayQuestion,
    MatchingQuestion,
    MatchPair,
    ModulePage,
    MultipleChoiceQuestion,
    NumericalAnswer,
    NumericalQuestion,
    OrderingItem,
    OrderingQuestion,
    QuestionCategory,
    QuizPage,
    QuizSlot,
    ShortAnswer,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from courses.models.quiz import REVIEW_ITEM_CODES

# Texts the tests look for.
RADIO_TEXT = "Хто скликає загальні збори членів територіальної громади?"
RADIO_RIGHT = "Сільський, селищний або міський голова"
RADIO_WRONG = ("Голова обласної державної адміністрації", "Прем’єр-міністр України")
RADIO_FEEDBACK = "Так: збори скликає голова громади або ініціативна група."
MULTI_TEXT = "Які з цих форм участі передбачені законом? Позначте всі правильні."
MULTI_RIGHT = ("Громадські слухання", "Місцеві ініціативи")
MULTI_WRONG = "Петиція до Верховного Суду"
SHORT_TEXT = "Як називається бюджет, частину якого розподіляють мешканці голосуванням?"
SHORT_ANSWER = "бюджет участі"
NUMBER_TEXT = "Скільки відсотків бюджету розвитку громада спрямувала на проєкти, якщо 7 млн з 200 млн?"
NUMBER_ANSWER = "3,5"
MATCH_TEXT = "Доберіть до кожної форми участі документ, яким її врегульовано."
MATCH_PAIRS = (
    ("Загальні збори", "Положення про загальні збори"),
    ("Громадські слухання", "Статут громади"),
    ("Електронна петиція", "Закон про місцеве самоврядування"),
)
MATCH_DISTRACTOR = "Кодекс законів про працю"
ORDER_TEXT = "Розташуйте етапи бюджету участі в правильному порядку."
ORDER_ITEMS = (
    "Подання проєктів",
    "Перевірка проєктів",
    "Голосування мешканців",
    "Реалізація переможців",
)
TF_TEXT = "Староста може бути членом виконавчого комітету ради."
SHORT2_TEXT = "Назвіть орган самоорганізації населення одним словом (абревіатурою)."
ESSAY_TEXT = "Опишіть, як ви залучили б молодь до обговорення бюджету громади."

ALL_REVIEW = list(REVIEW_ITEM_CODES)


def category(name: str) -> QuestionCategory:
    return QuestionCategory.objects.get_or_create(name=name, parent=None)[0]


def radio_question(category) -> MultipleChoiceQuestion:
    q = MultipleChoiceQuestion(
        category=category,
        name="Загальні збори",
        text=f"<p>{RADIO_TEXT}</p>",
        single=True,
    )
    q.choices.add(
        Choice(text=RADIO_RIGHT, fraction=Decimal(1), feedback=RADIO_FEEDBACK)
    )
    for text in RADIO_WRONG:
        q.choices.add(Choice(text=text, fraction=Decimal(0), feedback="Ні."))
    q.save()
    return q


def multi_question(category) -> MultipleChoiceQuestion:
    q = MultipleChoiceQuestion(
        category=category,
        name="Форми участі",
        text=f"<p>{MULTI_TEXT}</p>",
        single=False,
    )
    for text in MULTI_RIGHT:
        q.choices.add(Choice(text=text, fraction=Decimal("0.5")))
    q.choices.add(Choice(text=MULTI_WRONG, fraction=Decimal(-1)))
    q.save()
    return q


def short_question(
    category, text=SHORT_TEXT, answer=SHORT_ANSWER
) -> ShortAnswerQuestion:
    q = ShortAnswerQuestion(category=category, name=text[:40], text=f"<p>{text}</p>")
    q.answers.add(ShortAnswer(text=answer, fraction=Decimal(1), feedback="Саме так."))
    q.save()
    return q


def numerical_question(category) -> NumericalQuestion:
    q = NumericalQuestion(
        category=category, name="Частка", text=f"<p>{NUMBER_TEXT}</p>"
    )
    q.answers.add(
        NumericalAnswer(
            value=Decimal("3.5"), tolerance=Decimal("0.01"), fraction=Decimal(1)
        )
    )
    q.save()
    return q


def matching_question(category) -> MatchingQuestion:
    q = MatchingQuestion(
        category=category, name="Документи", text=f"<p>{MATCH_TEXT}</p>"
    )
    for stem, answer in MATCH_PAIRS:
        q.pairs.add(MatchPair(question_text=stem, answer_text=answer))
    q.pairs.add(MatchPair(question_text="", answer_text=MATCH_DISTRACTOR))
    q.save()
    return q


def ordering_question(category) -> OrderingQuestion:
    q = OrderingQuestion(
        category=category,
        name="Етапи",
        text=f"<p>{ORDER_TEXT}</p>",
        grading_type=OrderingQuestion.Grading.ALL_OR_NOTHING,
    )
    for text in ORDER_ITEMS:
        q.items.add(OrderingItem(text=text))
    q.save()
    return q


def truefalse_question(category) -> TrueFalseQuestion:
    q = TrueFalseQuestion(
        category=category,
        name="Староста",
        text=f"<p>{TF_TEXT}</p>",
        correct=True,
        feedback_right="Так, за рішенням ради.",
        feedback_wrong="Насправді може.",
    )
    q.save()
    return q


def essay_question(category) -> EssayQuestion:
    q = EssayQuestion(
        category=category,
        name="Молодь",
        text=f"<p>{ESSAY_TEXT}</p>",
        min_words=20,
        max_words=300,
    )
    q.save()
    return q


def add_quiz(programme, questions, *, slug: str, title: str, **settings) -> QuizPage:
    """A published quiz in the programme's first module with ``questions`` in order."""
    module = ModulePage.objects.child_of(programme).order_by("path").first()
    settings.setdefault("review_immediately", ALL_REVIEW)
    quiz = QuizPage(title=title, slug=slug, **settings)
    for q in questions:
        quiz.slots.add(QuizSlot(question=q))
    module.add_child(instance=quiz)
    quiz.save_revision().publish()
    return QuizPage.objects.get(pk=quiz.pk)


def main_questions():
    """Eight questions, one per line of the main test's plan (2 per page)."""
    cat = category("Тест: участь громадян")
    return [
        radio_question(cat),  # page 1
        multi_question(cat),
        short_question(cat),  # page 2
        numerical_question(cat),
        matching_question(cat),  # page 3
        ordering_question(cat),
        truefalse_question(cat),  # page 4
        short_question(cat, SHORT2_TEXT, "ОСН"),  # left unanswered
    ]


def every_type_questions():
    cat = category("Тест: усі типи")
    return [
        radio_question(cat),
        multi_question(cat),
        truefalse_question(cat),
        short_question(cat),
        numerical_question(cat),
        matching_question(cat),
        ordering_question(cat),
        essay_question(cat),
    ]


def poll(check, *, timeout: float = 10.0, interval: float = 0.1, message: str = ""):
    """Call ``check`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(message or f"condition not met in {timeout} s")
        time.sleep(interval)


def pending_answers(page, attempt_id: int) -> dict:
    """What quiz.js keeps in localStorage for the attempt (not yet confirmed)."""
    raw = page.evaluate(f"localStorage.getItem('lms-attempt-{attempt_id}')")
    return json.loads(raw) if raw else {}


def question(page, text: str):
    """The question card (fieldset) whose text contains ``text``."""
    return page.locator("fieldset.question").filter(has_text=text)
