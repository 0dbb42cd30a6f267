"""Mark packages past their expiry date as expired (safe to run from cron every few minutes)."""
from datetime import date

from django.core.management.base import BaseCommand

from packages.services import assignments_expire


class Command(BaseCommand):
    help = "Mark active packages whose expiry date has passed as expired. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help="Treat this day (YYYY-MM-DD) as today.")

    def handle(self, *args, date=None, **options):
        count = assignments_expire(on_date=date)
        self.stdout.write(f"{count} package(s) marked expired.")
