"""Factories for users and page trees (factory_boy + wagtail-factories)."""

from .pages import (
    HomePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    ProgrammeIndexPageFactory,
    ProgrammePageFactory,
    build_programme,
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
]
