"""``manage.py close_overdue_attempts``: apply "when time expires" to attempts
whose learners left (run from cron or a scheduler every minute)."""

from django.core.management.base import BaseCommand

from courses import quiz_services


class Command(BaseCommand):
    help = "Close quiz attempts whose time is up, per each quiz's overdue rule."

    def handle(self, *args, **options):
        changed = quiz_services.attempts_close_overdue()
        self.stdout.write(f"{changed} attempt(s) closed or marked overdue.")
