"""``manage.py import_questions FILE --format gift|aiken [--category PATH] [--dry-run] [--json]``.

Reads a UTF-8 question file into the bank through
``courses.question_bank.importing.questions_import``: all or nothing, with
line numbers for every problem and exit code 1 when anything is wrong.

``--dry-run --json`` only parses: it prints the questions as a JSON list in
the schema of ``shared/conformance/gift/README.md`` (the conformance
contract) and touches no database table. ``--dry-run`` alone also runs every
check the real import runs (categories, ID numbers, grading rules) and says
what would be created or updated, still writing nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.importers import to_json
from courses.question_bank.importing import (
    FILE_FORMATS,
    decode_question_file,
    parse_file,
    questions_import,
)

MAX_FILE_BYTES = 20 * 1024 * 1024


class Command(BaseCommand):
    help = "Import questions from a GIFT or Aiken file (UTF-8) into the question bank."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the question file")
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=FILE_FORMATS,
            required=True,
            help="file format",
        )
        parser.add_argument(
            "--category",
            help='target category path, e.g. "Бюджет / Участь" (created if missing); '
            "$CATEGORY: lines in the file are placed under it",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check everything, write nothing"
        )
        parser.add_argument(
            "--json", action="store_true", help="machine-readable output on stdout"
        )

    def handle(self, *args, **options):
        text = self._read(options["file"])
        parsed = parse_file(text=text, file_format=options["file_format"])
        errors = parsed.result.errors
        for warning in parsed.result.warnings:
            self.stderr.write(f"warning: {warning}")

        if options["dry_run"] and options["json"]:
            # Parse only: the conformance contract, no database access at all.
            self.stdout.write(
                json.dumps(
                    [to_json(q) for q in parsed.result.questions],
                    ensure_ascii=False,
                    indent=1,
                )
            )
            if errors:
                self._fail([str(e) for e in errors], "the file has errors")
            return

        report = questions_import(
            parsed=parsed.for_import(),
            category_path=options["category"],
            actor=None,
            # A file with syntax errors is never imported, but its other
            # questions are still checked so that one run lists every problem.
            dry_run=options["dry_run"] or bool(errors),
        )
        if errors:
            problems = [(e.line, str(e)) for e in errors] + [
                (p.line, str(p)) for p in report.problems
            ]
            problems.sort(key=lambda item: (item[0] is None, item[0] or 0))
            self._fail([text for _line, text in problems], "nothing was imported")
        if options["json"]:
            self.stdout.write(
                json.dumps(report.as_dict(), ensure_ascii=False, indent=1)
            )
        if not report.ok:
            self._fail([str(p) for p in report.problems], "nothing was imported")
        if not options["json"]:
            self._summary(report)

    def _read(self, name: str) -> str:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"{name}: no such file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{name}: larger than {MAX_FILE_BYTES // 2**20} MB")
        try:
            return decode_question_file(path.read_bytes())
        except ValueError as exc:
            raise CommandError(f"{name}: {exc}") from exc
        except OSError as exc:
            raise CommandError(f"{name}: {exc.strerror or exc}") from exc

    def _fail(self, lines: list[str], summary: str) -> None:
        for line in lines:
            self.stderr.write(f"error: {line}")
        raise CommandError(f"{len(lines)} error(s): {summary}.")

    def _summary(self, report) -> None:
        verb = "would be" if report.dry_run else "were"
        self.stdout.write(
            f"{report.created} question(s) {verb} created, {report.updated} updated, "
            f"{report.unchanged} unchanged; 0 errors."
        )
        for path in report.categories_created:
            self.stdout.write(f"category created: {path}")
        if report.dry_run:
            self.stdout.write("Dry run: nothing was written.")
