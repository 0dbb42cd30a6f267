"""Bring in the packages customers already hold when a spa goes live (docs/going-live.md).

Two steps, so a person sees what will happen before anything is written:

- `import_plan` reads the file and checks every row (`rows.check_row`): who, which
  template, what is left, the value held, or each error in plain words with its row
  number ("row 14: phone 98450-1234 has 9 digits"). It writes nothing: the dry run and the
  admin's preview show it.
- `import_write` writes a plan in one transaction: the new customers, then every package
  through the one writer (`packages.ledger.assignments_import`) as an `import` event of the
  value journal. When a row is bad nothing is written, unless the bad rows are to be
  skipped. A row whose reference is in already is left alone, so a second run writes nothing twice.

The earlier system issued the invoices: no GST invoice of ours, no receipt, no payment.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from branches.models import Branch
from branches.selectors import default_branch
from core.exceptions import DomainError
from core.money import ZERO, format_inr, inr
from customers.models import Customer
from customers.services import customers_create_many

from ..exceptions import PackageError
from ..kinds import kind_for
from ..ledger import assignments_import
from ..models import AssignmentStatus, PackageAssignment
from .files import COLUMNS, REQUIRED_COLUMNS, UnreadableFile, read_table
from .rows import Lookups, Row, RowError, check_row, phone_of

__all__ = [
    "COLUMNS", "REQUIRED_COLUMNS", "ImportPlan", "ImportRefused", "ImportResult", "branch_for_import",
    "import_plan", "import_write", "packages_import",
]


class ImportRefused(PackageError):
    """Nothing was written: the file cannot be read, or rows are bad and are not to be skipped."""

    default_message = "Nothing was brought in."


@dataclass
class ImportPlan:
    """Every row of a file, checked, and what writing it would do; nothing is written."""

    rows: list[Row]
    branch: Branch
    today: date

    @property
    def bad(self) -> list[Row]:
        return [row for row in self.rows if not row.ok]

    @property
    def new(self) -> list[Row]:
        return [row for row in self.rows if row.ok and not row.already]

    @property
    def already(self) -> list[Row]:
        return [row for row in self.rows if row.ok and row.already]

    @property
    def errors(self) -> list[str]:
        return [error for row in self.rows for error in row.errors]

    @property
    def new_customers(self) -> int:
        return len({row.phone for row in self.new if row.customer is None})

    @property
    def value(self) -> Decimal:
        return sum((row.value for row in self.new), ZERO)

    def summary(self) -> str:
        """Say what writing the plan does, in one line."""
        parts = [
            f"{len(self.rows)} row(s) read",
            f"{len(self.new)} package(s) to bring in, holding {format_inr(self.value)}",
            f"{self.new_customers} new customer(s)",
        ]
        if self.already:
            parts.append(f"{len(self.already)} in already (same reference), left alone")
        if self.bad:
            parts.append(f"{len(self.bad)} bad row(s)")
        return "; ".join(parts) + "."


@dataclass
class ImportResult:
    """What a run did (a dry run: what it would do)."""

    plan: ImportPlan
    written: int = 0
    customers_created: int = 0
    skipped_bad: int = 0
    dry_run: bool = False
    assignment_ids: list[int] = field(default_factory=list)


def branch_for_import(code: str | None) -> Branch:
    """Return the branch the packages are brought in at: the one with `code`, or the first."""
    if not code:
        return default_branch()
    branch = Branch.objects.filter(code__iexact=code.strip()).first()
    if branch is None:
        raise ImportRefused(f'There is no branch with the code "{code}".')
    return branch


def import_plan(*, name: str, data: bytes, branch: Branch | None = None, today: date | None = None) -> ImportPlan:
    """Read the file and check every row against the catalogue, the templates and what is in already."""
    today = today or timezone.localdate()
    try:
        table = read_table(name, data)
    except UnreadableFile as error:
        raise ImportRefused(str(error)) from None
    if not table.rows:
        raise ImportRefused("The file has a header row but no packages.")
    rows = [Row(number=number, cells=cells) for number, cells in table.rows]
    lookups = Lookups.load(
        phones=[_phone_guess(row) for row in rows],
        references=[row.text("reference").strip() for row in rows],
        today=today,
    )
    seen: dict[str, int] = {}
    for row in rows:
        check_row(row, lookups, seen)
    return ImportPlan(rows=rows, branch=branch or default_branch(), today=today)


def _phone_guess(row: Row) -> str:
    """The row's phone as stored, to look its customer up in one query with the others ('' when it is bad)."""
    try:
        return phone_of(row.cells.get("phone"))
    except RowError:
        return ""


def import_write(*, plan: ImportPlan, user=None, skip_bad_rows: bool = False) -> ImportResult:
    """Write the plan's new packages in one transaction, as `import` events; refuse if a row is bad (unless skipping)."""
    if plan.bad and not skip_bad_rows:
        raise ImportRefused(
            f"Nothing was brought in: {len(plan.bad)} row(s) are bad. Correct them, or choose to skip the bad rows.",
            errors={"rows": plan.errors},
        )
    result = ImportResult(plan=plan, skipped_bad=len(plan.bad))
    rows = plan.new
    if not rows:
        return result
    try:
        with transaction.atomic():
            customers = _customers(rows)
            openings = [(_assignment(row, customers, plan, user), row.value) for row in rows]
            templates = {row.reference: row.template for row in rows}
            assignments_import(
                openings, trackers=_trackers(templates), day=plan.today, branch_id=plan.branch.pk,
                note="Brought in from the earlier system", user=user,
            )
    except (IntegrityError, DomainError) as error:
        raise ImportRefused(
            "Nothing was brought in: another import or a sale registered some of these customers or references "
            f"meanwhile ({error}). Run it again: what is in already is left alone."
        ) from error
    result.written = len(openings)
    result.customers_created = len({row.phone for row in rows if row.customer is None})
    result.assignment_ids = [assignment.pk for assignment, _ in openings]
    return result


def _customers(rows: list[Row]) -> dict[str, Customer]:
    """Register the rows' new customers (the first row of a phone names them); return every customer by phone."""
    known = {row.phone: row.customer for row in rows if row.customer is not None}
    new: dict[str, Customer] = {}
    for row in rows:
        if row.customer is None and row.phone not in new:
            new[row.phone] = Customer(name=row.text("name").strip(), phone=row.phone, email=row.text("email").strip())
    customers_create_many(list(new.values()))
    return {**known, **new}


def _assignment(row: Row, customers: dict[str, Customer], plan: ImportPlan, user) -> PackageAssignment:
    """The unsaved assignment of a row: what is left now, as `assignment_create` would have sold it then."""
    kind, template = row.kind, row.template
    sessions, credit = kind.sessions_granted(template), kind.credit_granted(template)
    name = template.name if row.service is None else f"{template.name} – {row.service.name}"
    return PackageAssignment(
        customer=customers[row.phone],
        branch=plan.branch,
        package_type=kind.package_type,
        template_type=_content_type(type(template)),
        template_id=template.pk,
        package_name=name,
        service=row.service,
        total_sessions=sessions,
        used_sessions=sessions - row.sessions_left,
        remaining_sessions=row.sessions_left,
        credit_amount=inr(credit),
        credit_used=inr(credit - row.credit_left),
        credit_remaining=inr(row.credit_left),
        status=AssignmentStatus.ACTIVE,
        assigned_on=row.sold_on,
        expires_on=row.expires_on,
        price_paid=inr(row.price_paid),
        sale_value=inr(row.sale_value),
        notes=f"Brought in from the earlier system (reference {row.reference}).",
        created_by=user,
        import_reference=row.reference,
    )


def _content_type(model) -> ContentType:
    return ContentType.objects.get_for_model(model)  # cached by Django after the first call


def _trackers(templates: dict[str, object]) -> Callable:
    """Tracker rows of a saved assignment, from its template (by the row's reference: no query)."""

    def trackers(assignment: PackageAssignment):
        return kind_for(assignment.package_type).tracker_rows(assignment, templates[assignment.import_reference])

    return trackers


def packages_import(
    *, name: str, data: bytes, branch_code: str | None = None, user=None, dry_run: bool = False,
    skip_bad_rows: bool = False,
) -> ImportResult:
    """Check the file and, unless a dry run, write it: the management command's one call."""
    plan = import_plan(name=name, data=data, branch=branch_for_import(branch_code))
    if dry_run:
        return ImportResult(plan=plan, skipped_bad=len(plan.bad), dry_run=True)
    return import_write(plan=plan, user=user, skip_bad_rows=skip_bad_rows)
