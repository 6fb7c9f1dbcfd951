"""programme_import: create, re-import in place, dry run, all or nothing."""

from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command

from wagtail.models import Page, Revision

import pytest

from courses import services
from courses.content_import.service import programme_import
from courses.models import (
    ItemCompletion,
    LessonPage,
    ModulePage,
    ProgrammePage,
    Question,
    QuizPage,
)

from .sample import write_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(tmp_path):
    return write_programme(tmp_path)


def state():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "questions": Question.objects.count(),
    }


def test_import_creates_the_tree(catalogue, folder):
    report = programme_import(path=folder, index_page=catalogue)
    assert report.ok, report.problems
    programme = ProgrammePage.objects.get(slug="test-programme")
    assert programme.live and programme.title_en == "Test Programme"
    assert programme.hours == 3 and programme.trainer_group is not None
    assert "<strong>програми</strong>" in programme.description
    modules = ModulePage.objects.child_of(programme).order_by("path")
    assert [m.slug for m in modules] == ["pershyi", "druhyi"]
    assert str(modules[0].hours) == "2.0"
    lessons = LessonPage.objects.descendant_of(programme)
    assert lessons.count() == 4
    lesson = lessons.get(slug="urok-1", path__startswith=modules[0].path)
    kinds = [block.block_type for block in lesson.body]
    assert kinds == ["heading", "paragraph", "quote", "callout", "accordion"]
    assert lesson.sources[0].value["title"] == "Закон"
    assert str(lesson.as_of) == "2026-11-01"
    quiz = QuizPage.objects.get()
    assert quiz.slug == "quiz" and quiz.get_parent().pk == modules[0].pk
    assert quiz.questions_per_page == 2
    assert quiz.slots.count() == 3
    assert [b.text for b in quiz.feedback_bands.all()] == ["Чудово", "Спробуйте ще"]
    assert {q.idnumber for q in Question.objects.all()} == {"t-q1", "t-q2", "t-q3"}
    assert report.count("created") == 1 + 2 + 4 + 1
    assert report.question_count("created") == 3


def test_reimport_changes_nothing(catalogue, folder):
    programme_import(path=folder, index_page=catalogue)
    before = state()
    report = programme_import(path=folder, index_page=catalogue)
    assert report.ok
    assert not report.changed
    assert {p.action for p in report.pages} == {"unchanged"}
    assert {q.action for q in report.questions} == {"unchanged"}
    assert state() == before


def test_changed_lesson_updates_in_place_and_keeps_progress(catalogue, folder, learner):
    programme_import(path=folder, index_page=catalogue)
    programme = ProgrammePage.objects.get()
    lesson = LessonPage.objects.descendant_of(programme).order_by("path").first()
    services.enrolment_create(user=learner, programme=programme)
    services.item_complete(user=learner, item=lesson)

    md = folder / "01-pershyi" / "01-urok-1.md"
    md.write_text(
        md.read_text(encoding="utf-8").replace("Перший абзац", "Оновлений абзац"),
        encoding="utf-8",
    )
    report = programme_import(path=folder, index_page=catalogue)
    assert report.ok
    updated = [p.path for p in report.pages if p.action == "updated"]
    assert updated == ["test-programme/pershyi/urok-1"]
    lesson.refresh_from_db()
    assert "Оновлений абзац" in str(lesson.body)
    assert ItemCompletion.objects.filter(user=learner, item_id=lesson.pk).exists()


def test_changed_question_updates_it(catalogue, folder):
    programme_import(path=folder, index_page=catalogue)
    gift = folder / "01-pershyi" / "quiz.gift"
    gift.write_text(
        gift.read_text(encoding="utf-8").replace("2+2", "3+1"), encoding="utf-8"
    )
    report = programme_import(path=folder, index_page=catalogue)
    assert [q.action for q in report.questions] == ["unchanged", "updated", "unchanged"]
    assert {p.action for p in report.pages} == {"unchanged"}
    assert Question.objects.count() == 3


def test_dry_run_writes_nothing(catalogue, folder):
    before = state()
    report = programme_import(path=folder, index_page=catalogue, dry_run=True)
    assert report.ok and report.dry_run
    assert report.count("created") == 8
    assert report.question_count("created") == 3
    assert state() == before
    assert not ProgrammePage.objects.exists()


def test_broken_file_writes_nothing(catalogue, folder):
    programme_import(path=folder, index_page=catalogue)
    before = state()
    md = folder / "02-druhyi" / "02-urok-2.md"
    md.write_text(
        md.read_text(encoding="utf-8").replace("minutes: 15", "minutes: [15"),
        encoding="utf-8",
    )
    first = folder / "01-pershyi" / "01-urok-1.md"
    first.write_text(
        first.read_text(encoding="utf-8").replace("Перший абзац", "Змінений"),
        encoding="utf-8",
    )
    report = programme_import(path=folder, index_page=catalogue)
    assert not report.ok
    assert any(
        str(p).startswith("test-programme/02-druhyi/02-urok-2.md:5")
        for p in report.problems
    ), [str(p) for p in report.problems]
    assert state() == before
    assert not any(
        "Змінений" in str(lesson.body) for lesson in LessonPage.objects.all()
    )


def test_broken_question_rolls_back_the_pages(catalogue, folder):
    gift = folder / "02-druhyi" / "quiz.gift"
    gift.write_text(
        "// [id:x1]\n::A::Q?{T}\n\n// [id:x1]\n::B::Q2?{F}\n", encoding="utf-8"
    )
    (folder / "02-druhyi" / "quiz.yaml").write_text('title: "Тест"\n', encoding="utf-8")
    before = state()
    report = programme_import(path=folder, index_page=catalogue)
    assert not report.ok
    assert any("quiz.gift:5" in str(p) for p in report.problems), report.problems
    assert state() == before


def test_removed_lesson_is_reported_as_orphaned_not_deleted(catalogue, folder):
    programme_import(path=folder, index_page=catalogue)
    (folder / "02-druhyi" / "02-urok-2.md").unlink()
    report = programme_import(path=folder, index_page=catalogue)
    orphans = [p.path for p in report.pages if p.action == "orphaned"]
    assert orphans == ["test-programme/druhyi/urok-2"]
    assert LessonPage.objects.filter(slug="urok-2").count() == 2


def test_command_imports_and_reports(catalogue, folder):
    out = StringIO()
    call_command("import_programme", str(folder), "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert not ProgrammePage.objects.exists()
    out = StringIO()
    call_command("import_programme", str(folder), stdout=out)
    assert "created   lesson    test-programme/pershyi/urok-1" in out.getvalue()
    assert ProgrammePage.objects.count() == 1


def test_command_fails_with_file_and_line(catalogue, folder):
    (folder / "programme.yaml").write_text(
        'title: "X"\nkind: short\nhours: 3\ncolour: red\n', encoding="utf-8"
    )
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_programme", str(folder), stderr=err)
    assert exc.value.returncode == 1
    assert "test-programme/programme.yaml:4: Unknown key 'colour'" in err.getvalue()


def test_command_needs_a_catalogue(db, folder):
    with pytest.raises(CommandError, match="catalogue"):
        call_command("import_programme", str(folder))
