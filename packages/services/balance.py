"""Spend and give back package balances: always a ledger row, the assignment and its trackers together.

Call these inside the caller's transaction, on assignments locked with
`packages.locks.lock_assignments` (primary-key order), so two cashiers cannot
take the same session twice.
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from spa_pkg.money import ZERO, inr, money_str, quantize_money

from ..exceptions import InsufficientBalance, PackageNotActive
from ..locks import lock_assignments
from ..models import (
    AssignmentStatus,
    BenefitType,
    PackageAssignment,
    PackageBenefitTracker,
    PackageUsage,
    UsageKind,
)
from ..signals import balance_changed


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
