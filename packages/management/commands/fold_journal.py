"""Fold the value journal's settled rows into its daily summary (docs/journal.md "The daily summary")."""
from datetime import timedelta

from django.core.management.base import BaseCommand

from packages.journal_summary import SETTLE, journal_fold


class Command(BaseCommand):
    help = (
        "Add the journal rows written since the last fold (and at least --settle seconds ago) to the daily "
        "summary the liability and roll-forward reports read. Safe to run at any time, and twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--settle", type=int, default=int(SETTLE.total_seconds()),
            help="Fold only rows written at least this many seconds ago (default 300), so no open transaction is missed.",
        )

    def handle(self, *args, settle, **options):
        fold = journal_fold(settle=timedelta(seconds=settle))
        self.stdout.write(f"{fold.rows} journal row(s) folded into {fold.groups} group(s); watermark at row {fold.upto_id}.")
