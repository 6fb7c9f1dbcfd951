"""``import_questions`` and ``export_questions``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command

import pytest

from courses.importers.schema import QUESTION_KEYS
from courses.models import Question, QuestionCategory
from tests.courses.importers.corpus import differences

CORPUS_DIR = (
    Path(
        os.environ.get("LMS_SHARED_DIR")
        or Path(__file__).resolve().parents[3].parent / "shared"
    )
    / "conformance"
    / "gift"
)
CASES = [
    "gift-pegjs-mc1",
    "gift-pegjs-mc5-01",
    "gift-pegjs-multipleAnswersFloat",
    "gift-pegjs-numerical1-01",
    "gift-pegjs-matching1-01",
    "gift-pegjs-tf2-01",
    "gift-pegjs-TFTwoFeedback-01",
    "gift-pegjs-shortAnswer1-01",
    "gift-pegjs-essay1",
    "gift-pegjs-description1-01",
    "gift-pegjs-tag_id_and_two_tags",
    "gift-pegjs-category1",
    "gift-pegjs-escapeAll",
    "gift-pegjs-tf1_html",
]
GOOD = "::Громада:: Хто ухвалює бюджет? {=Рада ~Голова}\n\n::ПН:: Так? {T}\n"


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_questions", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str, name: str = "q.gift") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case_id", CASES)
def test_dry_run_json_prints_the_conformance_schema(
    case_id, tmp_path, db, django_assert_num_queries
):
    case = json.loads((CORPUS_DIR / f"{case_id}.json").read_text(encoding="utf-8"))
    path = write(tmp_path, case["source"])
    with django_assert_num_queries(0):
        out, _err = run(str(path), "--format", "gift", "--dry-run", "--json")
    printed = json.loads(out)
    assert len(printed) == 1
    question = printed[0]
    assert list(question) == list(QUESTION_KEYS[question["type"]])
    assert not differences(question, case["expect"]), differences(
        question, case["expect"]
    )


def test_dry_run_json_for_aiken(tmp_path, db):
    path = write(tmp_path, "Хто?\nA) Рада\nB) Голова\nANSWER: A\n", "q.txt")
    out, _err = run(str(path), "--format", "aiken", "--dry-run", "--json")
    [question] = json.loads(out)
    assert question["type"] == "multichoice"
    assert [a["fraction"] for a in question["answers"]] == [1.0, 0.0]


def test_import_prints_a_summary(tmp_path, db):
    path = write(tmp_path, GOOD)
    out, _err = run(str(path), "--format", "gift", "--category", "Бюджет / Участь")
    assert "2 question(s) were created, 0 updated, 0 unchanged" in out
    assert "category created: Бюджет / Участь" in out
    assert Question.objects.count() == 2


def test_reimport_with_ids_is_idempotent(tmp_path, db):
    path = write(tmp_path, "// [id:g1]\n" + GOOD)
    run(str(path), "--format", "gift", "--category", "Бюджет")
    out, _err = run(str(path), "--format", "gift", "--category", "Бюджет")
    # The question with an ID is found again; the one without is created anew.
    assert "1 question(s) were created, 0 updated, 1 unchanged" in out


def test_dry_run_writes_nothing(tmp_path, db):
    path = write(tmp_path, GOOD)
    out, _err = run(str(path), "--format", "gift", "--category", "Бюджет", "--dry-run")
    assert "2 question(s) would be created" in out
    assert "Dry run: nothing was written." in out
    assert Question.objects.count() == 0
    assert QuestionCategory.objects.count() == 0


def test_json_report(tmp_path, db):
    path = write(tmp_path, GOOD)
    out, _err = run(str(path), "--format", "gift", "--category", "Бюджет", "--json")
    report = json.loads(out)
    assert report["created"] == 2 and report["written"] is True
    assert [q["line"] for q in report["questions"]] == [1, 3]


def test_missing_file(tmp_path, db):
    with pytest.raises(CommandError) as exc:
        run(str(tmp_path / "nope.gift"), "--format", "gift")
    assert exc.value.returncode == 1
    assert "no such file" in str(exc.value)


def test_bad_encoding(tmp_path, db):
    path = tmp_path / "cp1251.gift"
    path.write_bytes("Питання? {T}\n\nЩе? {=Так}".encode("cp1251"))
    with pytest.raises(CommandError) as exc:
        run(str(path), "--format", "gift", "--category", "Б")
    assert exc.value.returncode == 1
    assert "not UTF-8" in str(exc.value) and "line 1" in str(exc.value)
    assert Question.objects.count() == 0


def test_parse_errors_have_line_numbers_and_write_nothing(tmp_path, db):
    path = write(
        tmp_path, GOOD + "\n::Погане:: Хто? {=Рада ~Голова\n\n::Ще:: Так? {T}\n"
    )
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command(
            "import_questions", str(path), "--format", "gift", "--category", "Б",
            stdout=StringIO(), stderr=err,
        )  # fmt: skip
    assert exc.value.returncode == 1
    assert "nothing was imported" in str(exc.value)
    assert "error: line 5 (question 3): unclosed answer block" in err.getvalue()
    assert Question.objects.count() == 0
    assert QuestionCategory.objects.count() == 0


def test_grading_problems_have_line_numbers_and_write_nothing(tmp_path, db):
    path = write(tmp_path, GOOD + "\n::Без 100:: Хто? {~Рада ~Голова}\n")
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command(
            "import_questions", str(path), "--format", "gift", "--category", "Б",
            stdout=StringIO(), stderr=err,
        )  # fmt: skip
    assert exc.value.returncode == 1
    assert (
        "error: line 5 (Без 100): The grades of the correct answers" in err.getvalue()
    )
    assert Question.objects.count() == 0


def test_no_category_is_an_error(tmp_path, db):
    path = write(tmp_path, GOOD)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_questions", str(path), "--format", "gift",
            stdout=StringIO(), stderr=err,
        )  # fmt: skip
    assert "No category" in err.getvalue()


def _manage(*args: str) -> subprocess.CompletedProcess:
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"}
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "manage.py", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_real_exit_codes(tmp_path):
    """The shell sees exit code 1 and a readable message (no traceback)."""
    missing = _manage(
        "import_questions", str(tmp_path / "nope.gift"), "--format", "gift"
    )
    assert missing.returncode == 1
    assert "no such file" in missing.stderr and "Traceback" not in missing.stderr

    bad = tmp_path / "bad.gift"
    bad.write_bytes(b"\xff\xfeQ {T}")
    encoded = _manage(
        "import_questions", str(bad), "--format", "gift", "--dry-run", "--json"
    )
    assert encoded.returncode == 1
    assert "UTF-8" in encoded.stderr and "Traceback" not in encoded.stderr

    good = write(tmp_path, "::Т:: Так? {T}")
    ok = _manage(
        "import_questions", str(good), "--format", "gift", "--dry-run", "--json"
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)[0]["correct"] is True


class TestExport:
    def test_export_to_stdout_and_file(self, tmp_path, db):
        source = write(
            tmp_path, "::Верх:: Так? {T}\n\n$CATEGORY: Під\n\n::Низ:: Так? {F}\n"
        )
        run(str(source), "--format", "gift", "--category", "Бюджет")
        out = StringIO()
        call_command(
            "export_questions", "--category", "Бюджет", "--subcategories", stdout=out
        )
        assert "::Верх::" in out.getvalue()
        assert "$CATEGORY: Під" in out.getvalue()
        target = tmp_path / "out.gift"
        err = StringIO()
        call_command(
            "export_questions",
            "--category",
            "Бюджет / Під",
            "-o",
            str(target),
            stderr=err,
        )
        assert target.read_text(encoding="utf-8").startswith("::Низ::")
        assert "1 question(s) written" in err.getvalue()

    def test_unknown_category(self, db):
        with pytest.raises(CommandError) as exc:
            call_command("export_questions", "--category", "Немає", stdout=StringIO())
        assert exc.value.returncode == 1


def test_one_run_lists_syntax_and_grading_problems(tmp_path, db):
    path = write(
        tmp_path, GOOD + "\n::Без 100:: Хто? {~Рада ~Голова}\n\n::Зламане:: {=x\n"
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_questions", str(path), "--format", "gift", "--category", "Б",
            stdout=StringIO(), stderr=err,
        )  # fmt: skip
    lines = [line for line in err.getvalue().splitlines() if line.startswith("error:")]
    assert lines[0].startswith("error: line 5 (Без 100):")
    assert lines[1].startswith("error: line 7 (question 4): unclosed answer block")
    assert QuestionCategory.objects.count() == 0
