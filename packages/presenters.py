"""Turn assignments into the JSON shapes of the contract (docs/api.md), written once.

The customer-packages endpoint, the billing page and the invoice response
(`updated_packages`) all print an assignment through these two functions.
"""
from datetime import date

from django.utils import timezone

from core.formats import format_date
from core.money import money_str

from .models import AssignmentStatus, PackageAssignment


def display_status(assignment: PackageAssignment, on_date: date | None = None) -> str:
    """Return the status a cashier should see: an active package past its date shows as expired."""
    on_date = on_date or timezone.localdate()
    if assignment.status == AssignmentStatus.ACTIVE and assignment.is_expired_on(on_date):
        return AssignmentStatus.EXPIRED.value
    return str(assignment.status)


def _balances(assignment: PackageAssignment) -> dict:
    return {
        "sessions": {
            "total": assignment.total_sessions,
            "used": assignment.used_sessions,
            "remaining": assignment.remaining_sessions,
        },
        "credit": {
            "total": money_str(assignment.credit_amount.amount),
            "remaining": money_str(assignment.credit_remaining.amount),
        },
    }


def assignment_summary(assignment: PackageAssignment) -> dict:
    """Return one item of `customer-packages` (select `service` with the assignment)."""
    return {
        "id": assignment.pk,
        "assignment_id": assignment.pk,
        "name": assignment.package_name,
        "package_type": assignment.package_type,
        "service_id": assignment.service_id,
        "service_name": assignment.service.name if assignment.service_id else None,
        "status": display_status(assignment),
        "assigned_on": assignment.assigned_on.isoformat() if assignment.assigned_on else None,
        "expires_on": assignment.expires_on.isoformat() if assignment.expires_on else None,
        **_balances(assignment),
    }


def updated_package(assignment: PackageAssignment) -> dict:
    """Return one item of an invoice or void response's `updated_packages`."""
    return {
        "assignment_id": assignment.pk,
        "package_type": assignment.package_type,
        **_balances(assignment),
        "status": display_status(assignment),
    }


def starts_later(assignment: PackageAssignment) -> bool:
    """A renewal sold ahead: active, but of no use before its first day."""
    return assignment.status == AssignmentStatus.ACTIVE and assignment.assigned_on > timezone.localdate()


def package_row(assignment: PackageAssignment) -> dict:
    """One package as the counter and the customer's page show it: balance, progress bar, status."""
    kind = assignment.kind
    status = display_status(assignment)
    if starts_later(assignment):
        status = "upcoming"
    if kind.has_sessions:
        bar = (assignment.remaining_sessions, assignment.total_sessions)
    elif kind.is_credit:
        bar = (assignment.credit_remaining.amount, assignment.credit_amount.amount)
    else:
        bar = None
    return {
        "assignment": assignment,
        "kind_label": kind.label,
        "balance": kind.balance_text(assignment),
        "bar": bar if bar and bar[1] else None,
        "status": status,
        "status_label": (
            f"Starts {format_date(assignment.assigned_on)}" if status == "upcoming"
            else AssignmentStatus(status).label
        ),
    }
