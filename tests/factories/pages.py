"""Page factories and a helper that builds a whole programme tree."""

from __future__ import annotations

from dataclasses import dataclass

import factory
import wagtail_factories

from cms_pages.models import HomePage
from courses.models import LessonPage, ModulePage, ProgrammeIndexPage, ProgrammePage


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "Головна"
    slug = "home"


class ProgrammeIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ProgrammeIndexPage

    title = "Програми"
    slug = "programmes"


class ProgrammePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ProgrammePage

    title = factory.Sequence(lambda n: f"Програма {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    kind = "short"
    hours = 8
    summary = "Коротка програма для активних мешканців."


class ModulePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ModulePage

    title = factory.Sequence(lambda n: f"Модуль {n}")
    slug = factory.Sequence(lambda n: f"module-{n}")
    hours = 4


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Урок {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    estimated_minutes = 15
    body = '[{"type": "paragraph", "value": "<p>Текст уроку про участь громадян.</p>"}]'


@dataclass
class ProgrammeTree:
    programme: ProgrammePage
    modules: list[ModulePage]
    lessons: list[LessonPage]


def build_programme(
    *,
    parent: ProgrammeIndexPage,
    modules: int = 2,
    lessons_per_module: int = 2,
    **fields,
) -> ProgrammeTree:
    """A live programme with ``modules`` x ``lessons_per_module`` lessons."""
    programme = ProgrammePageFactory(parent=parent, **fields)
    module_pages, lesson_pages = [], []
    for _m in range(modules):
        module = ModulePageFactory(parent=programme)
        module_pages.append(module)
        for _l in range(lessons_per_module):
            lesson_pages.append(LessonPageFactory(parent=module))
    return ProgrammeTree(
        programme=programme, modules=module_pages, lessons=lesson_pages
    )
