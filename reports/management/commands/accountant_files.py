"""Write a month's accountant files (GSTR-1 CSVs and workbook, Tally XML, day book) to a folder, per branch."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from branches.selectors import active_branches, branch_by_code
from core.exceptions import DomainError
from core.routers import report_reads
from reports import accountant


class Command(BaseCommand):
    help = "Write the accountant's files of a month (docs/going-live.md \"Files for the accountant\")."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="The month, as 2026-11.")
        parser.add_argument("--branch", help="One branch's code; every active branch when left out.")
        parser.add_argument("--out", required=True, help="The folder to write to (made if missing).")

    def handle(self, *args, month, branch, out, **options):
        try:
            accountant.month_bounds(month)
        except ValueError as error:
            raise CommandError(str(error)) from error
        branches = list(active_branches())
        if branch:
            try:
                branches = [branch_by_code(branch)]
            except DomainError as error:
                raise CommandError(str(error)) from error
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        with report_reads():
            for each in branches:
                documents = accountant.month_documents(each, month)
                for name in accountant.FILES:
                    built = accountant.build_file(documents, name)
                    (folder / built.filename).write_bytes(built.content)
                self.stdout.write(f"{each.code} {month}: {len(accountant.FILES)} files in {folder}")
