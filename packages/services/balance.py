"""Spend and give back package balances: always a ledger row, the assignment and its trackers together.

Call these inside the caller's transaction, on assignments locked with
`packages.locks.lock_assignments` (primary-key order), so two cashiers cannot
take the same session twice.
"""
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from spa_pkg.compiled import insert_all
from spa_pkg.money import ZERO, format_inr, inr, quantize_money

from ..exceptions import InsufficientBalance, PackageNotActive
from ..kinds import all_kinds
from ..locks import lock_assignments
from ..models import (
    AssignmentStatus,
    BenefitType,
    PackageAssignment,
    PackageBenefitTracker,
    PackageUsage,
    UsageKind,
)
from ..signals import BalanceLeft, balances_spent
from .status import StatusReason, assignment_status_change, status_for_balance


@dataclass(frozen=True)
class BenefitUse:
    """One use of one package on one invoice line."""

    assignment_id: int
    quantity: int = 0  # units the package covered on the line
    sessions: int = 0  # sessions spent (service packages)
    credit: Decimal = ZERO  # credit spent (prepaid, kitty party)
    value: Decimal = ZERO  # rupees the customer did not pay because of the package
    item_name: str = ""
    invoice_number: str = ""
    invoice_line_id: int | None = None
    line_position: int | None = None  # the invoice line, when its id is not known yet (`BenefitsTaken.write`)


def _require_atomic():
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Balance changes must run inside the transaction that locked the assignments.")


def _update_each(model, key: str, values: dict[str, dict], *, now, where: str, params: list) -> None:
    """One UPDATE of `model`'s rows matching `where`: each column set per row by `key` (`values[column][key]`).

    `SET col = CASE key WHEN k1 THEN v1 ... ELSE col END`, written by hand: the ORM's Case and
    When cost more to build than the database spends on the statement, on every bill.
    """
    meta, quote = model._meta, connection.ops.quote_name
    key_column = quote(meta.get_field(key).column)
    assignments, arguments = [], []
    for name, by_key in values.items():
        field = meta.get_field(name)
        column = quote(field.column)
        whens = " ".join(["WHEN %s THEN %s"] * len(by_key))
        assignments.append(f"{column} = CASE {key_column} {whens} ELSE {column} END")
        for pk, value in by_key.items():
            arguments += [pk, field.get_db_prep_save(value, connection)]
    updated_at = meta.get_field("updated_at")
    assignments.append(f"{quote(updated_at.column)} = %s")
    arguments.append(updated_at.get_db_prep_save(now, connection))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} WHERE {where}", arguments + params)


def _in(model, name: str, count: int) -> str:
    return f"{connection.ops.quote_name(model._meta.get_field(name).column)} IN ({', '.join(['%s'] * count)})"


def _store_balances(assignments: Sequence[PackageAssignment]) -> None:
    """Write the in-memory balances of locked assignments: one UPDATE of them, one of their trackers.

    However many packages a bill spends, two statements: each row takes its own values.
    """
    if not assignments:
        return
    now = timezone.now()
    ids = [a.pk for a in assignments]
    _update_each(
        PackageAssignment, "id",
        {
            "used_sessions": {a.pk: a.used_sessions for a in assignments},
            "remaining_sessions": {a.pk: a.remaining_sessions for a in assignments},
            "credit_used": {a.pk: a.credit_used.amount for a in assignments},
            "credit_remaining": {a.pk: a.credit_remaining.amount for a in assignments},
        },
        now=now, where=_in(PackageAssignment, "id", len(ids)), params=ids,
    )
    sessions = [a for a in assignments if a.has_sessions]
    credit = [a for a in assignments if a.is_credit and not a.has_sessions]
    values, where, params = {}, [], []
    benefit = connection.ops.quote_name(PackageBenefitTracker._meta.get_field("benefit_type").column)
    for group, benefit_type, fields in (
        (sessions, BenefitType.FREE, (("total_count", "total_sessions"), ("used_count", "used_sessions"),
                                      ("remaining_count", "remaining_sessions"))),
        (credit, BenefitType.PREPAID, (("balance_total", "credit_amount"), ("balance_used", "credit_used"),
                                       ("balance_remaining", "credit_remaining"))),
    ):
        if not group:
            continue
        for name, attr in fields:
            values[name] = {a.pk: getattr(getattr(a, attr), "amount", getattr(a, attr)) for a in group}
        where.append(f"({_in(PackageBenefitTracker, 'assignment', len(group))} AND {benefit} = %s)")
        params += [*(a.pk for a in group), benefit_type.value]
    if values:
        _update_each(PackageBenefitTracker, "assignment", values, now=now, where=" OR ".join(where), params=params)


def _move(assignment: PackageAssignment, *, sessions: int, credit: Decimal) -> tuple[tuple, tuple]:
    """Change the in-memory balance by signed deltas; return (sessions, credit) before and after."""
    before = (assignment.remaining_sessions, assignment.credit_remaining.amount)
    assignment.used_sessions -= sessions
    assignment.remaining_sessions += sessions
    assignment.credit_used = inr(assignment.credit_used.amount - credit)
    assignment.credit_remaining = inr(assignment.credit_remaining.amount + credit)
    return before, (assignment.remaining_sessions, assignment.credit_remaining.amount)


def _ledger_row(
    assignment, kind, before, after, *, sessions, credit, use: BenefitUse, note, user, branch_id=None
) -> PackageUsage:
    return PackageUsage(
        assignment=assignment,
        branch_id=branch_id,
        kind=kind,
        item_name=use.item_name[:160],
        quantity=use.quantity,
        value=inr(use.value),
        sessions_delta=sessions,
        sessions_before=before[0],
        sessions_after=after[0],
        credit_delta=inr(credit),
        credit_before=inr(before[1]),
        credit_after=inr(after[1]),
        invoice_number=use.invoice_number,
        invoice_line_id=use.invoice_line_id,
        note=note[:255],
        created_by=user,
    )


def _status_follow(assignments: Iterable[PackageAssignment], reason: StatusReason, user) -> None:
    """Complete what is used up; reopen a completed package that got something back."""
    for assignment in assignments:
        assignment_status_change(
            assignment=assignment, new_status=status_for_balance(assignment), reason=reason, user=user
        )


@dataclass
class BenefitsTaken:
    """Uses checked against locked balances and taken in memory: nothing written until `write`."""

    uses: list[tuple[BenefitUse, tuple, tuple, Decimal]] = field(default_factory=list)  # use, before, after, credit
    touched: dict[int, PackageAssignment] = field(default_factory=dict)
    assignments: dict[int, PackageAssignment] = field(default_factory=dict)

    def write(
        self, *, user=None, branch_id: int | None = None, invoice_number: str = "",
        line_ids: dict[int, int] | None = None, returning: bool = True,
    ) -> list[PackageUsage]:
        """Write the balances and the ledger rows (one per use), in the caller's transaction.

        `invoice_number` and `line_ids` (invoice line id by a use's `line_position`) fill in
        what was not known when the uses were taken. `returning=False` leaves the ledger rows'
        ids unread (see `spa_pkg.compiled.insert_all`): nothing then waits on the database.
        """
        _require_atomic()
        rows = []
        for use, before, after, credit in self.uses:
            if use.line_position is not None and line_ids is not None:
                use = replace(use, invoice_line_id=line_ids[use.line_position])
            if invoice_number:
                use = replace(use, invoice_number=invoice_number)
            rows.append(
                _ledger_row(
                    self.assignments[use.assignment_id], UsageKind.REDEEM, before, after,
                    sessions=-use.sessions, credit=-credit, use=use, note="", user=user, branch_id=branch_id,
                )
            )
        touched = self.touched
        _store_balances(list(touched.values()))
        insert_all(rows, returning=returning)
        _status_follow(touched.values(), StatusReason.EXHAUSTED, user)
        if touched:
            # News after commit: a bill that rolls back tells nobody its balance fell.
            left = {
                pk: BalanceLeft(a.package_type, a.remaining_sessions, a.credit_remaining.amount)
                for pk, a in touched.items()
            }
            transaction.on_commit(
                partial(balances_spent.send, sender=PackageAssignment, assignment_ids=sorted(touched), left=left)
            )
        return rows


def benefits_take(*, assignments: Mapping[int, PackageAssignment], uses: Sequence[BenefitUse]) -> BenefitsTaken:
    """Check each use against its locked assignment again and take it from the balance in memory.

    Raises before anything is written if a package is not active or its balance is short.
    The assignments show their balances after the bill from here on (a receipt can print them).
    """
    _require_atomic()
    taken = BenefitsTaken()
    for use in uses:
        assignment = assignments[use.assignment_id]
        taken.assignments[assignment.pk] = assignment
        if assignment.status != AssignmentStatus.ACTIVE:
            raise PackageNotActive(f'"{assignment.package_name}" is {assignment.get_status_display().lower()}.')
        credit = quantize_money(use.credit)
        if use.sessions > assignment.remaining_sessions:
            raise InsufficientBalance(
                f'"{assignment.package_name}" has {assignment.remaining_sessions} sessions left, not {use.sessions}.'
            )
        if credit > assignment.credit_remaining.amount:
            raise InsufficientBalance(
                f'"{assignment.package_name}" has {format_inr(assignment.credit_remaining.amount)} of credit left, '
                f"not {format_inr(credit)}."
            )
        before, after = _move(assignment, sessions=-use.sessions, credit=-credit)
        taken.uses.append((use, before, after, credit))
        if use.sessions or credit:
            taken.touched[assignment.pk] = assignment
    return taken


def benefits_spend(
    *, assignments: Mapping[int, PackageAssignment], uses: Sequence[BenefitUse], user=None, branch_id: int | None = None
) -> list[PackageUsage]:
    """Spend the uses on locked assignments: check each balance again, write ledger rows (at `branch_id`) and balances."""
    return benefits_take(assignments=assignments, uses=uses).write(user=user, branch_id=branch_id)


def usages_reverse(
    *, invoice_number: str, reversal_number: str, user=None, branch_id: int | None = None
) -> list[PackageAssignment]:
    """Give back everything the invoice's ledger rows took; return the assignments given back."""
    _require_atomic()
    taken = list(
        PackageUsage.objects.filter(invoice_number=invoice_number, kind=UsageKind.REDEEM).order_by("pk")
    )
    if not taken:
        return []
    assignments = lock_assignments(row.assignment_id for row in taken)
    rows, touched = [], {}
    for row in taken:
        assignment = assignments[row.assignment_id]
        sessions, credit = -row.sessions_delta, -row.credit_delta.amount
        before, after = _move(assignment, sessions=sessions, credit=credit)
        use = BenefitUse(
            assignment_id=assignment.pk,
            quantity=row.quantity,
            value=row.value.amount,
            item_name=row.item_name,
            invoice_number=reversal_number,
            invoice_line_id=row.invoice_line_id,
        )
        rows.append(
            _ledger_row(
                assignment, UsageKind.REVERSAL, before, after,
                sessions=sessions, credit=credit, use=use, note=f"Gives back {invoice_number}", user=user,
                branch_id=branch_id,
            )
        )
        touched[assignment.pk] = assignment
    PackageUsage.objects.bulk_create(rows)
    _store_balances(list(touched.values()))
    _status_follow(touched.values(), StatusReason.GIVEN_BACK, user)
    return list(touched.values())


@dataclass
class ReconcileReport:
    checked: int = 0
    differences: list[str] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)


def _all_templates() -> dict[tuple[int, int], object]:
    """Load every template once, keyed by (content type id, id): a spa has tens of them, not thousands."""
    templates = {}
    for model in (kind.model for kind in all_kinds()):
        content_type = ContentType.objects.get_for_model(model)
        queryset = model.objects.all()
        if hasattr(model, "services_included"):
            queryset = queryset.prefetch_related("services_included")
        for template in queryset:
            templates[(content_type.pk, template.pk)] = template
    return templates


def _tracker_differences(assignment: PackageAssignment, trackers: list[dict]) -> list[str]:
    out = []
    for tracker in trackers:
        if tracker["is_active"] != (assignment.status == AssignmentStatus.ACTIVE):
            out.append(f"tracker {tracker['pk']} is_active={tracker['is_active']} but the package is {assignment.status}")
        if tracker["benefit_type"] == BenefitType.FREE and tracker["remaining_count"] != assignment.remaining_sessions:
            out.append(
                f"tracker {tracker['pk']} has {tracker['remaining_count']} sessions, "
                f"the package {assignment.remaining_sessions}"
            )
        if tracker["benefit_type"] == BenefitType.PREPAID and (
            tracker["balance_remaining"] != assignment.credit_remaining.amount
            or tracker["balance_used"] != assignment.credit_used.amount
        ):
            out.append(
                f"tracker {tracker['pk']} has {format_inr(tracker['balance_remaining'])} left and "
                f"{format_inr(tracker['balance_used'])} used, the package {format_inr(assignment.credit_remaining.amount)} "
                f"and {format_inr(assignment.credit_used.amount)}"
            )
    return out


def _ledger_differences(assignment: PackageAssignment) -> list[str]:
    found = []
    if not assignment.ledger_rows:
        found.append("has no ledger rows")
    if assignment.ledger_sessions != assignment.remaining_sessions:
        found.append(f"has {assignment.remaining_sessions} sessions left, the ledger says {assignment.ledger_sessions}")
    if quantize_money(assignment.ledger_credit) != assignment.credit_remaining.amount:
        found.append(
            f"has {format_inr(assignment.credit_remaining.amount)} of credit left, "
            f"the ledger says {format_inr(assignment.ledger_credit)}"
        )
    return found


def _repair(assignment: PackageAssignment, template, have: set, on_date) -> None:
    """Recreate missing tracker rows, sync the trackers with the balance and recompute the status."""
    from .assign import tracker_rows_for

    with transaction.atomic():
        locked = lock_assignments([assignment.pk])[assignment.pk]
        if template is not None:
            PackageBenefitTracker.objects.bulk_create(
                [row for row in tracker_rows_for(locked, template) if (row.service_id, row.benefit_type) not in have]
            )
        _store_balances([locked])
        assignment_status_change(
            assignment=locked, new_status=status_for_balance(locked, on_date), reason=StatusReason.RECONCILED
        )
        PackageBenefitTracker.objects.filter(assignment_id=locked.pk).update(
            is_active=locked.status == AssignmentStatus.ACTIVE
        )


def balances_reconcile(*, fix: bool = False, on_date=None, chunk_size: int = 2000) -> ReconcileReport:
    """Check every assignment against its ledger, trackers and status; with `fix`, repair trackers and status.

    A balance that disagrees with the ledger is only reported: the ledger is the
    truth, and which side is wrong needs a person (an adjustment row, usually).
    """
    from .assign import tracker_rows_for

    report = ReconcileReport()
    templates = _all_templates()
    expected_keys: dict[tuple, set] = {}  # the tracker rows a kind of sale makes depend on the template and service
    assignments = PackageAssignment.objects.annotate(
        ledger_rows=Count("usages"),
        ledger_sessions=Coalesce(Sum("usages__sessions_delta"), 0),
        ledger_credit=Coalesce(Sum("usages__credit_delta"), Decimal("0")),
    ).order_by("pk")
    # Walk id ranges rather than LIMIT pages: each aggregate then reads its own range only.
    top = PackageAssignment.objects.aggregate(top=Max("pk"))["top"] or 0
    for start in range(0, top, chunk_size):
        chunk = list(assignments.filter(pk__gt=start, pk__lte=start + chunk_size))
        if not chunk:
            continue
        trackers: dict[int, list[dict]] = defaultdict(list)
        for row in PackageBenefitTracker.objects.filter(assignment_id__in=[a.pk for a in chunk]).values(
            "pk", "assignment_id", "service_id", "benefit_type", "remaining_count", "balance_used", "balance_remaining",
            "is_active",
        ):
            trackers[row["assignment_id"]].append(row)
        for assignment in chunk:
            report.checked += 1
            template = templates.get((assignment.template_type_id, assignment.template_id))
            found = _ledger_differences(assignment)
            have = {(row["service_id"], row["benefit_type"]) for row in trackers[assignment.pk]}
            missing = []
            if template is None:
                found.append("has lost its template")
            else:
                key = (assignment.template_type_id, assignment.template_id, assignment.service_id)
                if key not in expected_keys:
                    expected_keys[key] = {
                        (row.service_id, row.benefit_type) for row in tracker_rows_for(assignment, template)
                    }
                missing = expected_keys[key] - have
            if missing:
                found.append(f"is missing {len(missing)} tracker row(s)")
            expected_status = status_for_balance(assignment, on_date)
            if expected_status != assignment.status:
                found.append(f"is {assignment.status} but its balance says {expected_status}")
            tracker_issues = _tracker_differences(assignment, trackers[assignment.pk])
            found.extend(tracker_issues)
            label = f"assignment {assignment.pk} ({assignment.package_name})"
            report.differences.extend(f"{label} {text}" for text in found)
            if fix and (missing or expected_status != assignment.status or tracker_issues):
                _repair(assignment, template, have, on_date)
                report.fixed.append(f"{label}: trackers and status repaired")
    return report
