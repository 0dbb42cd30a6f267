"""Spend and give back package balances: always a ledger row, the assignment and its trackers together.

Call these inside the caller's transaction, on assignments locked with
`packages.locks.lock_assignments` (primary-key order), so two cashiers cannot
take the same session twice.
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from spa_pkg.money import ZERO, inr, money_str, quantize_money

from ..exceptions import InsufficientBalance, PackageNotActive
from ..locks import lock_assignments
from ..models import (
    TEMPLATE_MODELS,
    AssignmentStatus,
    BenefitType,
    PackageAssignment,
    PackageBenefitTracker,
    PackageUsage,
    UsageKind,
)
from ..signals import balance_changed, status_for_balance, status_set


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


def _require_atomic():
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Balance changes must run inside the transaction that locked the assignments.")


def _store_balances(assignment: PackageAssignment) -> None:
    """Write the in-memory balance of a locked assignment to its row and its trackers."""
    now = timezone.now()
    PackageAssignment.objects.filter(pk=assignment.pk).update(
        used_sessions=assignment.used_sessions,
        remaining_sessions=assignment.remaining_sessions,
        credit_used=assignment.credit_used,
        credit_remaining=assignment.credit_remaining,
        updated_at=now,
    )
    if assignment.has_sessions:
        PackageBenefitTracker.objects.filter(assignment_id=assignment.pk, benefit_type=BenefitType.FREE).update(
            total_count=assignment.total_sessions,
            used_count=assignment.used_sessions,
            remaining_count=assignment.remaining_sessions,
            updated_at=now,
        )
    elif assignment.is_credit:
        PackageBenefitTracker.objects.filter(assignment_id=assignment.pk, benefit_type=BenefitType.PREPAID).update(
            balance_remaining=assignment.credit_remaining, updated_at=now
        )


def _move(assignment: PackageAssignment, *, sessions: int, credit: Decimal) -> tuple[tuple, tuple]:
    """Change the in-memory balance by signed deltas; return (sessions, credit) before and after."""
    before = (assignment.remaining_sessions, assignment.credit_remaining.amount)
    assignment.used_sessions -= sessions
    assignment.remaining_sessions += sessions
    assignment.credit_used = inr(assignment.credit_used.amount - credit)
    assignment.credit_remaining = inr(assignment.credit_remaining.amount + credit)
    return before, (assignment.remaining_sessions, assignment.credit_remaining.amount)


def _ledger_row(assignment, kind, before, after, *, sessions, credit, use: BenefitUse, note, user) -> PackageUsage:
    return PackageUsage(
        assignment=assignment,
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


def _announce(assignments: Iterable[PackageAssignment]) -> None:
    for assignment in assignments:
        balance_changed.send(sender=PackageAssignment, assignment=assignment)


def benefits_spend(
    *, assignments: dict[int, PackageAssignment], uses: Sequence[BenefitUse], user=None
) -> list[PackageUsage]:
    """Spend the uses on locked assignments: check each balance again, write ledger rows and balances."""
    _require_atomic()
    rows, touched = [], {}
    for use in uses:
        assignment = assignments[use.assignment_id]
        if assignment.status != AssignmentStatus.ACTIVE:
            raise PackageNotActive(f'"{assignment.package_name}" is {assignment.get_status_display().lower()}.')
        credit = quantize_money(use.credit)
        if use.sessions > assignment.remaining_sessions:
            raise InsufficientBalance(
                f'"{assignment.package_name}" has {assignment.remaining_sessions} sessions left, not {use.sessions}.'
            )
        if credit > assignment.credit_remaining.amount:
            raise InsufficientBalance(
                f'"{assignment.package_name}" has ₹{money_str(assignment.credit_remaining.amount)} of credit left, '
                f"not ₹{money_str(credit)}."
            )
        before, after = _move(assignment, sessions=-use.sessions, credit=-credit)
        rows.append(
            _ledger_row(
                assignment, UsageKind.REDEEM, before, after,
                sessions=-use.sessions, credit=-credit, use=use, note="", user=user,
            )
        )
        if use.sessions or credit:
            touched[assignment.pk] = assignment
    PackageUsage.objects.bulk_create(rows)
    for assignment in touched.values():
        _store_balances(assignment)
    _announce(touched.values())
    return rows


def usages_reverse(*, invoice_number: str, reversal_number: str, user=None) -> list[PackageAssignment]:
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
            )
        )
        touched[assignment.pk] = assignment
    PackageUsage.objects.bulk_create(rows)
    for assignment in touched.values():
        _store_balances(assignment)
    _announce(touched.values())
    return list(touched.values())


@dataclass
class ReconcileReport:
    checked: int = 0
    differences: list[str] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)


def _templates_prefetch() -> GenericPrefetch:
    querysets = [
        model.objects.prefetch_related("services_included") if hasattr(model, "services_included") else model.objects
        for model in TEMPLATE_MODELS.values()
    ]
    return GenericPrefetch("template", [queryset.all() for queryset in querysets])


def _tracker_differences(assignment: PackageAssignment, trackers: list[PackageBenefitTracker]) -> list[str]:
    out = []
    for tracker in trackers:
        if tracker.is_active != (assignment.status == AssignmentStatus.ACTIVE):
            out.append(f"tracker {tracker.pk} is_active={tracker.is_active} but the package is {assignment.status}")
        if tracker.benefit_type == BenefitType.FREE and tracker.remaining_count != assignment.remaining_sessions:
            out.append(
                f"tracker {tracker.pk} has {tracker.remaining_count} sessions, the package {assignment.remaining_sessions}"
            )
        if tracker.benefit_type == BenefitType.PREPAID and tracker.balance_remaining != assignment.credit_remaining:
            out.append(
                f"tracker {tracker.pk} has ₹{money_str(tracker.balance_remaining.amount)}, "
                f"the package ₹{money_str(assignment.credit_remaining.amount)}"
            )
    return out


def balances_reconcile(*, fix: bool = False, on_date=None) -> ReconcileReport:
    """Check every assignment against its ledger, trackers and status; with `fix`, repair trackers and status.

    A balance that disagrees with the ledger is only reported: the ledger is the
    truth, and which side is wrong needs a person (an adjustment row, usually).
    """
    from .assign import tracker_rows_for

    report = ReconcileReport()
    assignments = (
        PackageAssignment.objects.annotate(
            ledger_rows=Count("usages"),
            ledger_sessions=Coalesce(Sum("usages__sessions_delta"), 0),
            ledger_credit=Coalesce(Sum("usages__credit_delta"), Decimal("0")),
        )
        .prefetch_related("trackers", _templates_prefetch())
        .order_by("pk")
    )
    for assignment in assignments.iterator(chunk_size=2000):
        report.checked += 1
        label = f"assignment {assignment.pk} ({assignment.package_name})"
        found = []
        if not assignment.ledger_rows:
            found.append("has no ledger rows")
        if assignment.ledger_sessions != assignment.remaining_sessions:
            found.append(f"has {assignment.remaining_sessions} sessions left, the ledger says {assignment.ledger_sessions}")
        if quantize_money(assignment.ledger_credit) != assignment.credit_remaining.amount:
            found.append(
                f"has ₹{money_str(assignment.credit_remaining.amount)} of credit left, "
                f"the ledger says ₹{money_str(assignment.ledger_credit)}"
            )
        trackers = list(assignment.trackers.all())
        have = {(tracker.service_id, tracker.benefit_type) for tracker in trackers}
        expected = tracker_rows_for(assignment, assignment.template) if assignment.template is not None else []
        missing = [row for row in expected if (row.service_id, row.benefit_type) not in have]
        if assignment.template is None:
            found.append("has lost its template")
        if missing:
            found.append(f"is missing {len(missing)} tracker row(s)")
        expected_status = status_for_balance(assignment, on_date)
        if expected_status != assignment.status:
            found.append(f"is {assignment.status} but its balance says {expected_status}")
        tracker_issues = _tracker_differences(assignment, trackers)
        found.extend(tracker_issues)
        report.differences.extend(f"{label} {text}" for text in found)
        if fix and (missing or expected_status != assignment.status or tracker_issues):
            with transaction.atomic():
                locked = lock_assignments([assignment.pk])[assignment.pk]
                if missing:
                    PackageBenefitTracker.objects.bulk_create(
                        [
                            row
                            for row in tracker_rows_for(locked, assignment.template)
                            if (row.service_id, row.benefit_type) not in have
                        ]
                    )
                _store_balances(locked)
                status_set(locked, status_for_balance(locked, on_date))
                PackageBenefitTracker.objects.filter(assignment_id=locked.pk).update(
                    is_active=locked.status == AssignmentStatus.ACTIVE
                )
            report.fixed.append(f"{label}: trackers and status repaired")
    return report
