"""Bring in the packages customers already hold, from a CSV or XLSX file (docs/going-live.md)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from packages.importing import COLUMNS, ImportRefused, packages_import


class Command(BaseCommand):
    help = (
        "Bring in the packages customers already hold, from a CSV or XLSX file with the columns: "
        f"{', '.join(COLUMNS)} (docs/going-live.md). Each row is checked first; when any row is bad nothing "
        "is written, unless --skip-bad-rows. A package whose reference is in already is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or XLSX file (docs/samples/packages-template.csv shows the columns).")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and say what would happen; write nothing.")
        parser.add_argument("--skip-bad-rows", action="store_true", help="Bring in the good rows even when others are bad.")
        parser.add_argument("--branch", help="The code of the branch the packages belong to (default: the first).")

    def handle(self, *args, file, dry_run=False, skip_bad_rows=False, branch=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file {file}.")
        try:
            result = packages_import(
                name=path.name, data=path.read_bytes(), branch_code=branch, dry_run=dry_run, skip_bad_rows=skip_bad_rows,
            )
        except ImportRefused as refusal:
            for line in refusal.errors.get("rows", []):
                self.stderr.write(line)
            raise CommandError(refusal.message) from None
        plan = result.plan
        for line in plan.errors:
            self.stderr.write(line)
        self.stdout.write(plan.summary())
        if result.dry_run:
            self.stdout.write("Dry run: nothing was written.")
        elif not result.written:
            self.stdout.write("Nothing new to bring in.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Brought in {result.written} package(s) and {result.customers_created} new customer(s)"
                + (f"; {result.skipped_bad} bad row(s) skipped." if result.skipped_bad else ".")
            ))
