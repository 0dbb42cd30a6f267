"""After the sale (docs/journal.md): transfer, extend and adjust a package; the checks billing's refund,
top-up and void build on.

Every operation locks the assignment (`packages.locks`, the order billing uses), checks it
again, and has the one writer (`packages.ledger`, docs/journal.md) write its balance and
journal row (`PackageUsage`, with who in `created_by`, when in `created_at` and
`business_day`, why in `note`) in one transaction; a refusal raises `AfterSaleRefused` and
writes nothing.

A change of what a package grants (an adjustment, a top-up, or the balance a refund, a
transfer or a void takes away) changes its totals: `used_sessions` and `credit_used` keep
saying what the customer really used.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.formats import format_date
from core.money import ZERO, format_inr, inr, quantize_money
from customers.models import Customer

from ..exceptions import AfterSaleRefused, PackageError
from ..ledger import assignment_close, assignment_credit_add, balance_adjust, extension_record, transfer_record
from ..locks import lock_assignments
from ..models import AssignmentStatus, PackageAssignment, PackageBenefitTracker, validate_expiry_horizon
from ..valuation import assignment_value
from .assign import tracker_rows_for
from .status import CLOSED, StatusReason, assignment_status_change

__all__ = [
    "AssignmentNotFound", "TransferResult", "assignment_adjust", "assignment_close", "assignment_credit_add",
    "assignment_extend", "assignment_transfer", "clean_reason", "lock_assignment", "refuse", "refuse_closed",
    "refuse_unless_holding",
]

REASON_MAX = 255
ID_MAX = 2**63 - 1  # the largest database key


class AssignmentNotFound(PackageError):
    default_message = "No such package."
    status_code = 404


def refuse(field: str, message: str):
    """Raise the refusal of an after-sale operation, with `message` on `field`."""
    raise AfterSaleRefused(message, errors={field: [message]})


def clean_reason(reason) -> str:
    """Return the reason stripped; refuse an empty one (every after-sale change says why)."""
    reason = str(reason or "").strip()
    if not reason:
        refuse("reason", "Say why (a reason is required).")
    return reason[:REASON_MAX]


def lock_assignment(assignment_id) -> PackageAssignment:
    """Lock one assignment (and its trackers) for an after-sale change; 404 when there is none."""
    try:
        pk = int(assignment_id)
    except (TypeError, ValueError):
        pk = 0
    locked = lock_assignments([pk]).get(pk) if 0 < pk <= ID_MAX else None
    if locked is None:
        raise AssignmentNotFound(f"No package with id {assignment_id}.")
    return locked


def closed_text(assignment: PackageAssignment) -> str:
    """Say how a closed package ended: "refunded on 30 Nov 2026"."""
    label = AssignmentStatus(assignment.status).label.lower()
    return f"{label} on {format_date(assignment.closed_on)}" if assignment.closed_on else label


def refuse_closed(assignment: PackageAssignment) -> None:
    """Refuse any change to a refunded, transferred or cancelled package."""
    if assignment.status in CLOSED:
        refuse("status", f'"{assignment.package_name}" was {closed_text(assignment)}; nothing is left to change.')


def refuse_unless_holding(assignment: PackageAssignment, on_date: date, *, action: str) -> Decimal:
    """Refuse a package that holds no value on `on_date`; return the value it holds."""
    refuse_closed(assignment)
    if assignment.status == AssignmentStatus.EXPIRED or assignment.is_expired_on(on_date):
        refuse("status", f'"{assignment.package_name}" has expired; an expired package cannot be {action}.')
    value = assignment_value(assignment, on_date)
    if assignment.status == AssignmentStatus.COMPLETED or value <= 0:
        refuse("status", f'"{assignment.package_name}" has nothing left to be {action}.')
    return value


@dataclass(frozen=True)
class TransferResult:
    old: PackageAssignment  # now `transferred`, nothing left
    new: PackageAssignment  # the other customer's, holding what the old one held


@transaction.atomic
def assignment_transfer(
    *, assignment_id: int, to_customer_id: int, user, reason: str, on_date: date | None = None
) -> TransferResult:
    """Move what a package holds to another customer as a new assignment; the old one becomes `transferred`.

    The new assignment has the same template, service and expiry, the balance left, and
    the value left as its sale value; no money moves and no tax document is issued.
    Refused: an unknown or the same customer, a package with nothing left, expired or closed.
    """
    on_date = on_date or timezone.localdate()
    reason = clean_reason(reason)
    old = lock_assignment(assignment_id)
    try:
        to_pk = int(to_customer_id)
    except (TypeError, ValueError):
        to_pk = 0
    customer = Customer.objects.filter(pk=to_pk).first() if 0 < to_pk <= ID_MAX else None
    if customer is None:
        refuse("to_customer_id", f"No customer with id {to_customer_id}.")
    if customer.pk == old.customer_id:
        refuse("to_customer_id", "The package already belongs to this customer; choose another customer.")
    refuse_unless_holding(old, on_date, action="transferred")
    template = old.template
    if template is None:
        refuse("assignment", f'The template of "{old.package_name}" no longer exists.')

    new = PackageAssignment(
        customer=customer,
        branch_id=old.branch_id,
        package_type=old.package_type,
        template_type_id=old.template_type_id,
        template_id=old.template_id,
        package_name=old.package_name,
        service=old.service,
        status=AssignmentStatus.ACTIVE,
        assigned_on=on_date,
        expires_on=old.expires_on,
        price_paid=inr(0),
        transferred_from=old,
        created_by=user,
        notes=f"Transferred from {old.customer.name} (package {old.pk}): {reason}",
    )
    # The new one's sale value is the value moved: what the old one holds by its journal.
    transfer_record(
        old, new, trackers=lambda assignment: tracker_rows_for(assignment, template), reason=reason, user=user,
        on_date=on_date, out_name=f"Transferred to {customer.name}",
        in_name=f"Transferred from {old.customer.name} (package {old.pk})",
    )
    return TransferResult(old=old, new=new)


def _date(value, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        refuse(field, f'"{value}" is not a date (YYYY-MM-DD).')


@transaction.atomic
def assignment_extend(
    *, assignment_id: int, expires_on, user, reason: str, on_date: date | None = None
) -> PackageAssignment:
    """Give a package a later expiry, with a reason; an expired package becomes `active` again.

    Refused: a date not after the current expiry (or in the past), a package without an
    expiry, and a completed, refunded, transferred or cancelled package.
    """
    on_date = on_date or timezone.localdate()
    reason = clean_reason(reason)
    locked = lock_assignment(assignment_id)
    expires_on = _date(expires_on, "expires_on")
    refuse_closed(locked)
    if locked.status == AssignmentStatus.COMPLETED:
        refuse("status", f'"{locked.package_name}" is completed: nothing is left to extend.')
    if locked.expires_on is None:
        refuse("expires_on", f'"{locked.package_name}" never expires.')
    if expires_on <= locked.expires_on:
        refuse("expires_on", f"The new expiry must be after the current one, {format_date(locked.expires_on)}.")
    if expires_on < on_date:
        refuse("expires_on", "The new expiry is in the past.")
    try:
        validate_expiry_horizon(expires_on)
    except ValidationError as exc:
        refuse("expires_on", exc.messages[0])
    # The value first, on the old expiry (a time kind's line); then the new date.
    extension_record(
        locked, expires_on=expires_on, item_name=f"Expiry {format_date(locked.expires_on)} → {format_date(expires_on)}", note=reason,
        user=user, on_date=on_date,
    )
    locked.expires_on = expires_on
    PackageAssignment.objects.filter(pk=locked.pk).update(expires_on=expires_on)
    PackageBenefitTracker.objects.filter(assignment_id=locked.pk).update(valid_until=expires_on)
    if locked.status == AssignmentStatus.EXPIRED:
        assignment_status_change(
            assignment=locked, new_status=AssignmentStatus.ACTIVE, reason=StatusReason.EXTENDED, user=user
        )
    return locked


def _signed_credit(credit) -> Decimal:
    try:
        amount = Decimal(str(credit).strip())
    except (InvalidOperation, ValueError):
        refuse("credit", f'"{credit}" is not an amount.')
    if not amount.is_finite() or amount != quantize_money(amount) or abs(amount) >= Decimal("100000000"):
        refuse("credit", "The credit is an amount in rupees with at most two decimals.")
    return amount


@transaction.atomic
def assignment_adjust(
    *, assignment_id: int, user, reason: str, sessions: int | None = None, credit=None
) -> PackageAssignment:
    """Correct a balance by +-sessions or +-credit, with a reason, as an `adjustment` ledger row.

    The correction changes what the package grants (its total) and never takes the
    balance below zero; a completed package that gets something back is active again,
    one left with nothing is completed. Refused on a refunded, transferred or cancelled
    package, on a kind without that balance, and for a zero or two-sided change.
    """
    reason = clean_reason(reason)
    locked = lock_assignment(assignment_id)
    try:
        sessions = int(sessions or 0)
    except (TypeError, ValueError):
        refuse("sessions", f"\"{sessions}\" is not a whole number of sessions.")
    credit = _signed_credit(credit) if credit not in (None, "") else ZERO
    if bool(sessions) == bool(credit):
        refuse("sessions", "Give either sessions or credit to add (positive) or take away (negative), not zero.")
    refuse_closed(locked)
    if sessions and not locked.has_sessions:
        refuse("sessions", f'"{locked.package_name}" has no sessions to correct.')
    if credit and not locked.is_credit:
        refuse("credit", f'"{locked.package_name}" has no credit to correct.')
    if sessions and locked.remaining_sessions + sessions < 0:
        refuse("sessions", f"Only {locked.remaining_sessions} sessions are left; the balance cannot go below zero.")
    if credit and locked.credit_remaining.amount + credit < 0:
        refuse(
            "credit",
            f"Only {format_inr(locked.credit_remaining.amount)} of credit is left; the balance cannot go below zero.",
        )
    change = f"{sessions:+d} sessions" if sessions else f"{'+' if credit > 0 else '-'}{format_inr(abs(credit))} credit"
    balance_adjust(locked, sessions=sessions, credit=credit, item_name=f"Adjustment {change}", note=reason, user=user)
    return locked
