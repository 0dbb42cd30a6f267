"""Check that every assignment's balance equals its ledger, its value journal adds up, and its tracker rows exist."""
from django.core.management.base import BaseCommand

from packages.journal_summary import summary_differences
from packages.services import balances_reconcile


class Command(BaseCommand):
    help = (
        "For every assignment, compare the balances with the usage ledger, the tracker rows and the "
        "status, and the value journal's sum with value_held and the valuation, and the journal's daily summary with its rows; print what differs. --fix recreates missing tracker rows, syncs trackers and recomputes status."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Repair tracker rows and status.")

    def handle(self, *args, fix=False, **options):
        report = balances_reconcile(fix=fix)
        differences = [*report.differences, *summary_differences()]
        for line in differences:
            self.stdout.write(f"DIFF {line}")
        for line in report.fixed:
            self.stdout.write(self.style.SUCCESS(f"FIXED {line}"))
        self.stdout.write(f"{report.checked} assignment(s) checked, {len(differences)} difference(s).")
