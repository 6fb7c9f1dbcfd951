"""``manage.py export_questions --category PATH [--subcategories] [-o FILE]``.

Writes a category of the bank as GIFT (UTF-8), in the form
``import_questions --category PATH`` reads back into the same place.
Questions GIFT cannot express are listed on stderr and left out.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.question_bank.conversion import split_category_path
from courses.question_bank.importing import category_export
from courses.question_bank.selectors import category_paths_by_names


class Command(BaseCommand):
    help = "Export a question category as GIFT."

    def add_arguments(self, parser):
        parser.add_argument(
            "--category", required=True, help='category path, e.g. "Бюджет / Участь"'
        )
        parser.add_argument(
            "--subcategories",
            action="store_true",
            help="also export every category below it ($CATEGORY: lines)",
        )
        parser.add_argument("-o", "--output", help="write to this file, not stdout")

    def handle(self, *args, **options):
        from courses.models import QuestionCategory

        names = tuple(split_category_path(options["category"]))
        pk = category_paths_by_names().get(names)
        if not names or pk is None:
            raise CommandError(f"no question category {options['category']!r}")
        result = category_export(
            category=QuestionCategory.objects.get(pk=pk),
            include_subcategories=options["subcategories"],
        )
        for line in result.skipped:
            self.stderr.write(f"skipped: {line}")
        if options["output"]:
            try:
                Path(options["output"]).write_text(result.text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(
                    f"{options['output']}: {exc.strerror or exc}"
                ) from exc
            self.stderr.write(
                f"{result.exported} question(s) written to {options['output']}"
            )
        else:
            self.stdout.write(result.text, ending="")
