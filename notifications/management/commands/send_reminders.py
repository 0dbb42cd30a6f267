"""Send the reminders due today (cron on a single box; Celery beat runs the same job)."""
from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.services import reminders_run


class Command(BaseCommand):
    help = (
        "Write the expiry reminders due today and send every queued reminder. "
        "Running it again sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help="Treat this day (YYYY-MM-DD) as today.")
        parser.add_argument(
            "--no-send", action="store_true", help="Write the due reminders only; send nothing (a worker will)."
        )

    def handle(self, *args, date=None, no_send=False, **options):
        run = reminders_run(on_date=date, dispatch=not no_send)
        self.stdout.write(f"{run.written} reminder(s) written.")
        if run.released or run.interrupted:
            self.stdout.write(
                f"{run.released} interrupted gateway send(s) released for retry, "
                f"{run.interrupted} interrupted send(s) marked failed."
            )
        if run.report is not None:
            self.stdout.write(f"{len(run.report.sent)} sent, {len(run.report.failed)} failed.")
            if run.report.deferred:
                when = timezone.localtime(run.report.resume_at).strftime("%d %b %Y %H:%M")
                self.stdout.write(f"{len(run.report.deferred)} wait for the quiet hours to end ({when}).")
        elif run.queued:
            self.stdout.write(f"{run.queued} queued for the worker.")
