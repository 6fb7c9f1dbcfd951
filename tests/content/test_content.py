"""The programmes in content/ follow docs/content-format.md.

Every folder with a programme.yaml must parse without problems and meet the
rules the contract lists for authors (hours, ECTS, lesson length and sources,
quizzes, internal links). A folder still being written without a
programme.yaml is skipped with the reason.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.conf import settings

import pytest

from courses.content_import.parse import (
    HOURS_PER_ECTS,
    ProgrammeSpec,
    internal_links,
    link_resolves,
    link_targets,
    programme_read,
)
from courses.importers import parse_gift

CONTENT = Path(settings.BASE_DIR) / "content"
FOLDERS = sorted(p for p in CONTENT.iterdir() if p.is_dir()) if CONTENT.is_dir() else []
MIN_WORDS = 300
MIN_QUESTIONS = 6
MIN_TYPES = 3


def _param(folder: Path):
    marks = []
    if not (folder / "programme.yaml").exists():
        marks.append(
            pytest.mark.skip(
                reason=f"{folder.name}: no programme.yaml yet (being written)"
            )
        )
    return pytest.param(folder, id=folder.name, marks=marks)


PARAMS = [_param(f) for f in FOLDERS]


def parsed(folder: Path) -> ProgrammeSpec:
    spec, problems = programme_read(folder)
    assert not problems, "\n".join(str(p) for p in problems)
    assert spec is not None
    return spec


def all_programmes() -> list[ProgrammeSpec]:
    specs = []
    for folder in FOLDERS:
        if (folder / "programme.yaml").exists():
            spec, _problems = programme_read(folder)
            if spec is not None:
                specs.append(spec)
    return specs


def test_there_is_content():
    assert any((f / "programme.yaml").exists() for f in FOLDERS)


@pytest.mark.parametrize("folder", PARAMS)
def test_parses_without_problems(folder):
    parsed(folder)


@pytest.mark.parametrize("folder", PARAMS)
def test_hours(folder):
    spec = parsed(folder)
    total = sum((m.hours for m in spec.modules), Decimal(0))
    assert total == spec.hours, f"modules add up to {total}, programme {spec.hours}"
    if spec.kind == "certificate":
        assert spec.ects is not None and spec.ects >= 2
        assert spec.ects * HOURS_PER_ECTS == spec.hours


@pytest.mark.parametrize("folder", PARAMS)
def test_lessons_are_long_enough_and_have_sources(folder):
    spec = parsed(folder)
    short, unsourced = [], []
    for module in spec.modules:
        assert module.lessons, f"{module.path} has no lessons"
        for lesson in module.lessons:
            if lesson.word_count < MIN_WORDS:
                short.append(f"{lesson.path}: {lesson.word_count} words")
            if not lesson.sources:
                unsourced.append(lesson.path)
    assert not short, f"lessons under {MIN_WORDS} words: {short}"
    assert not unsourced, f"lessons without sources: {unsourced}"


@pytest.mark.parametrize("folder", PARAMS)
def test_every_module_has_a_varied_quiz(folder):
    spec = parsed(folder)
    for module in spec.modules:
        assert module.quiz is not None, f"{module.path} has no quiz"
        result = parse_gift(module.quiz.gift_text)
        assert not result.errors, [e.message for e in result.errors]
        questions = [q for q in result.questions if q["type"] != "category"]
        types = {q["type"] for q in questions}
        assert len(questions) >= MIN_QUESTIONS, (
            f"{module.quiz.gift_path}: {len(questions)} questions"
        )
        assert len(types) >= MIN_TYPES, f"{module.quiz.gift_path}: types {types}"


@pytest.mark.parametrize("folder", PARAMS)
def test_internal_links_resolve(folder):
    spec = parsed(folder)
    targets = link_targets(all_programmes())
    broken = [
        f"{path}:{line}: {url}"
        for path, line, url in internal_links(spec)
        if not link_resolves(url, targets)
    ]
    assert not broken, broken


@pytest.mark.django_db
@pytest.mark.parametrize("folder", PARAMS)
def test_imports_and_reimports_without_change(folder, catalogue):
    from courses.content_import.service import programme_import

    report = programme_import(path=folder, index_page=catalogue)
    assert report.ok, "\n".join(str(p) for p in report.problems)
    again = programme_import(path=folder, index_page=catalogue)
    assert again.ok and not again.changed, [
        p.path for p in again.pages if p.action != "unchanged"
    ]
