"""Factories for users and page trees (factory_boy + wagtail-factories)."""

from .pages import (
    HomePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    ProgrammeIndexPageFactory,
    ProgrammePageFactory,
    build_programme,
)
from .quiz import (
    QuestionCategoryFactory,
    QuizPageFactory,
    Slot,
    build_quiz,
    description_question,
    essay_question,
    matching_question,
    multichoice_question,
    numerical_question,
    ordering_question,
    shortanswer_question,
    truefalse_question,
)
from .users import UserFactory

__all__ = [
    "HomePageFactory",
    "LessonPageFactory",
    "ModulePageFactory",
    "ProgrammeIndexPageFactory",
    "ProgrammePageFactory",
    "UserFactory",
    "build_programme",
    "QuestionCategoryFactory",
    "QuizPageFactory",
    "Slot",
    "build_quiz",
    "description_question",
    "essay_question",
    "matching_question",
    "multichoice_question",
    "numerical_question",
    "ordering_question",
    "shortanswer_question",
    "truefalse_question",
]
