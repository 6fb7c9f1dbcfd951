"""Question-bank and quiz factories.

One builder per question type, each creating the question *with* its inline
children (choices, answers, pairs, items) the way the admin does: children are
added to the unsaved cluster and saved together with the question. Builders
check the question with the same rules the admin applies
(``validation_problems``) unless ``validate=False``, so a test never runs on a
question a trainer could not have saved.

``build_quiz`` puts a quiz page under a module (e.g. one of
``build_programme(...).modules``) with fixed or random slots and optional
overall-feedback bands.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import factory
import wagtail_factories

from courses.models import (
    Choice,
    DescriptionQuestion,
    EssayQuestion,
    MatchingQuestion,
    MatchPair,
    ModulePage,
    MultipleChoiceQuestion,
    NumericalAnswer,
    NumericalQuestion,
    OrderingItem,
    OrderingQuestion,
    Question,
    QuestionCategory,
    QuizFeedbackBand,
    QuizPage,
    QuizSlot,
    ShortAnswer,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)

_numbers = itertools.count(1)


def _d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


class QuestionCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionCategory

    name = factory.Sequence(lambda n: f"Категорія {n}")
    parent = None


def _category(category: QuestionCategory | None) -> QuestionCategory:
    return category if category is not None else QuestionCategoryFactory()


def _finish(question: Question, validate: bool) -> Question:
    if validate:
        problems = question.validation_problems()
        assert not problems, f"{question.name}: {problems}"
    question.save()
    return question


def _common(cls_label: str, fields: dict) -> dict:
    n = next(_numbers)
    fields.setdefault("name", f"{cls_label} {n}")
    fields.setdefault("text", f"<p>Питання {cls_label} {n}</p>")
    if "default_mark" in fields:
        fields["default_mark"] = _d(fields["default_mark"])
    return fields


def multichoice_question(
    *,
    category: QuestionCategory | None = None,
    choices: Sequence[tuple] = (("Так", 1), ("Ні", 0)),
    single: bool = True,
    shuffle_choices: bool = True,
    validate: bool = True,
    **fields,
) -> MultipleChoiceQuestion:
    """``choices``: ``(text, fraction)`` or ``(text, fraction, feedback)``."""
    question = MultipleChoiceQuestion(
        category=_category(category),
        single=single,
        shuffle_choices=shuffle_choices,
        **_common("MC", fields),
    )
    for n, choice in enumerate(choices):
        text, fraction, feedback = (*choice, "")[:3]
        question.choices.add(
            Choice(text=text, fraction=_d(fraction), feedback=feedback, sort_order=n)
        )
    return _finish(question, validate)


def truefalse_question(
    *,
    category: QuestionCategory | None = None,
    correct: bool = True,
    validate: bool = True,
    **fields,
) -> TrueFalseQuestion:
    question = TrueFalseQuestion(
        category=_category(category), correct=correct, **_common("TF", fields)
    )
    return _finish(question, validate)


def shortanswer_question(
    *,
    category: QuestionCategory | None = None,
    answers: Sequence[tuple] = (("Київ", 1),),
    case_sensitive: bool = False,
    validate: bool = True,
    **fields,
) -> ShortAnswerQuestion:
    """``answers``: ``(text, fraction)`` or ``(text, fraction, feedback)``."""
    question = ShortAnswerQuestion(
        category=_category(category),
        case_sensitive=case_sensitive,
        **_common("SA", fields),
    )
    for n, answer in enumerate(answers):
        text, fraction, feedback = (*answer, "")[:3]
        question.answers.add(
            ShortAnswer(
                text=text, fraction=_d(fraction), feedback=feedback, sort_order=n
            )
        )
    return _finish(question, validate)


def numerical_question(
    *,
    category: QuestionCategory | None = None,
    answers: Sequence[dict] = ({"value": "3.14", "tolerance": "0.01"},),
    validate: bool = True,
    **fields,
) -> NumericalQuestion:
    """``answers``: dicts of ``NumericalAnswer`` fields (``value``,
    ``tolerance``, ``minimum``/``maximum``, ``catch_all``, ``fraction``
    (default 1), ``feedback``)."""
    question = NumericalQuestion(category=_category(category), **_common("NUM", fields))
    for n, spec in enumerate(answers):
        spec = dict(spec)
        for key in ("value", "tolerance", "minimum", "maximum", "fraction"):
            if spec.get(key) is not None:
                spec[key] = _d(spec[key])
        question.answers.add(NumericalAnswer(sort_order=n, **spec))
    return _finish(question, validate)


def matching_question(
    *,
    category: QuestionCategory | None = None,
    pairs: Sequence[tuple[str, str]] = (("Київ", "Україна"), ("Варшава", "Польща")),
    shuffle_choices: bool = True,
    validate: bool = True,
    **fields,
) -> MatchingQuestion:
    """``pairs``: ``(item, answer)``; an empty item makes a distractor answer."""
    question = MatchingQuestion(
        category=_category(category),
        shuffle_choices=shuffle_choices,
        **_common("MATCH", fields),
    )
    for n, (item, answer) in enumerate(pairs):
        question.pairs.add(
            MatchPair(question_text=item, answer_text=answer, sort_order=n)
        )
    return _finish(question, validate)


def ordering_question(
    *,
    category: QuestionCategory | None = None,
    items: Iterable[str] = ("Перший", "Другий", "Третій"),
    grading_type: str = OrderingQuestion.Grading.ABSOLUTE_POSITION,
    validate: bool = True,
    **fields,
) -> OrderingQuestion:
    """``items`` in the correct order."""
    question = OrderingQuestion(
        category=_category(category),
        grading_type=grading_type,
        **_common("ORD", fields),
    )
    for n, text in enumerate(items):
        question.items.add(OrderingItem(text=text, sort_order=n))
    return _finish(question, validate)


def essay_question(
    *, category: QuestionCategory | None = None, validate: bool = True, **fields
) -> EssayQuestion:
    question = EssayQuestion(category=_category(category), **_common("ESSAY", fields))
    return _finish(question, validate)


def description_question(
    *, category: QuestionCategory | None = None, validate: bool = True, **fields
) -> DescriptionQuestion:
    question = DescriptionQuestion(
        category=_category(category), **_common("DESC", fields)
    )
    return _finish(question, validate)


# --- quizzes ---------------------------------------------------------------------


class QuizPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = QuizPage

    title = factory.Sequence(lambda n: f"Тест {n}")
    slug = factory.Sequence(lambda n: f"quiz-{n}")


@dataclass
class Slot:
    """A quiz slot: one ``question``, or ``count`` drawn from ``category``."""

    question: Question | None = None
    category: QuestionCategory | None = None
    count: int = 1
    include_subcategories: bool = False
    max_mark: Decimal | int | str | None = None
    shuffle_choices: bool = True


def build_quiz(
    *,
    module: ModulePage,
    slots: Sequence[Slot | Question],
    bands: Sequence[tuple] = (),
    **fields,
) -> QuizPage:
    """A live quiz page under ``module`` with ``slots`` (questions or ``Slot``s)
    and overall-feedback ``bands`` (``(min_percent, text)``)."""
    quiz = QuizPageFactory(parent=module, **fields)
    for n, slot in enumerate(slots):
        if isinstance(slot, Question):
            slot = Slot(question=slot)
        QuizSlot.objects.create(
            quiz=quiz,
            sort_order=n,
            question=slot.question,
            random_category=slot.category,
            random_count=slot.count,
            include_subcategories=slot.include_subcategories,
            max_mark=None if slot.max_mark is None else _d(slot.max_mark),
            shuffle_choices=slot.shuffle_choices,
        )
    for n, (minimum, text) in enumerate(bands):
        QuizFeedbackBand.objects.create(
            quiz=quiz, sort_order=n, min_percent=_d(minimum), text=text
        )
    return quiz
