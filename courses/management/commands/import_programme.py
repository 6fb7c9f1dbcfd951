"""``manage.py import_programme PATH [--dry-run]``: a programme folder -> pages.

See docs/content-format.md. Prints what was (or would be) created, updated,
left unchanged or orphaned; exits 1 with ``file:line: message`` lines when
the folder has problems, and then writes nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from courses.content_import.service import programme_import
from courses.models import ProgrammeIndexPage


class Command(BaseCommand):
    help = "Import (or update in place) a programme from a content folder."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The programme folder, e.g. content/p1-...")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would change and write nothing.",
        )

    def handle(self, *args, **options):
        indexes = list(ProgrammeIndexPage.objects.all()[:2])
        if len(indexes) != 1:
            raise CommandError(
                "Expected exactly one programme catalogue page, found "
                f"{'none' if not indexes else 'several'}; run seed_demo or "
                "create it in the admin first."
            )
        report = programme_import(
            path=options["path"],
            index_page=indexes[0].specific,
            dry_run=options["dry_run"],
        )
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(report.problems)} problem(s); nothing was imported.",
                returncode=1,
            )
        for line in report.lines():
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS("Import finished."))
