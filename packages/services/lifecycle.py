"""Pause and resume assignments. A pause extends the expiry by its length on resume."""
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from ..exceptions import PackageNotActive
from ..ledger import expiry_record, pause_record, resume_record
from ..locks import lock_assignments
from ..models import AssignmentStatus, PackageAssignment, PackageBenefitTracker, latest_expiry
from .status import StatusReason, assignment_status_change, status_for_balance


def _note(assignment: PackageAssignment, text: str, user) -> str:
    who = f" by {user.get_username()}" if user is not None else ""
    line = f"{timezone.localdate():%Y-%m-%d}: {text}{who}."
    return f"{assignment.notes}\n{line}".strip()


def _extended_expiry(expires_on: date, days: int, on_date: date) -> date:
    """Push an expiry back by `days`, but not past the expiry horizon (nor ever past date.max).

    An expiry already beyond the horizon (stored before it existed) stays where it is.
    """
    limit = max(latest_expiry(on_date), expires_on)
    if (limit - expires_on).days <= days:
        return limit
    return expires_on + timedelta(days=days)


@transaction.atomic
def assignment_pause(*, assignment: PackageAssignment, user, on_date: date | None = None) -> PackageAssignment:
    """Pause an active package: nothing can be spent from it until it is resumed."""
    on_date = on_date or timezone.localdate()
    locked = lock_assignments([assignment.pk])[assignment.pk]
    if locked.status != AssignmentStatus.ACTIVE:
        raise PackageNotActive(
            f'Only an active package can be paused; "{locked.package_name}" is {locked.get_status_display().lower()}.',
            errors={"status": [f"The package is {locked.status}."]},
        )
    if locked.is_expired_on(on_date):
        raise PackageNotActive(f'"{locked.package_name}" has expired and cannot be paused.')
    pause_record(locked, user=user, on_date=on_date)  # a time kind's line stops (docs/journal.md "Time kinds")
    locked.paused_on = on_date
    locked.notes = _note(locked, "paused", user)
    PackageAssignment.objects.filter(pk=locked.pk).update(paused_on=on_date, notes=locked.notes)
    assignment_status_change(assignment=locked, new_status=AssignmentStatus.PAUSED, reason=StatusReason.PAUSED, user=user)
    return locked


@transaction.atomic
def assignment_resume(*, assignment: PackageAssignment, user, on_date: date | None = None) -> PackageAssignment:
    """Resume a paused package and push its expiry back by the days it was paused."""
    on_date = on_date or timezone.localdate()
    locked = lock_assignments([assignment.pk])[assignment.pk]
    if locked.status != AssignmentStatus.PAUSED:
        raise PackageNotActive(
            f'"{locked.package_name}" is not paused.', errors={"status": [f"The package is {locked.status}."]}
        )
    paused_days = max((on_date - (locked.paused_on or on_date)).days, 0)
    if locked.expires_on is not None:
        locked.expires_on = _extended_expiry(locked.expires_on, paused_days, on_date)
    locked.paused_on = None
    locked.notes = _note(locked, f"resumed after {paused_days} days paused", user)
    PackageAssignment.objects.filter(pk=locked.pk).update(
        paused_on=None, expires_on=locked.expires_on, notes=locked.notes
    )
    PackageBenefitTracker.objects.filter(assignment_id=locked.pk).update(valid_until=locked.expires_on)
    resume_record(locked, user=user, on_date=on_date)  # a time kind's line starts again, to the new expiry
    # Back to active, unless nothing is left or the date has passed anyway.
    locked.status = AssignmentStatus.ACTIVE
    target = status_for_balance(locked, on_date)
    if target == AssignmentStatus.ACTIVE and locked.is_expired_on(on_date):
        target = AssignmentStatus.EXPIRED
    locked.status = AssignmentStatus.PAUSED
    if target == AssignmentStatus.EXPIRED:
        # Past its date while paused: the journal records the expiry as the sweep would.
        expiry_record(locked, user=user, on_date=on_date)
    assignment_status_change(assignment=locked, new_status=target, reason=StatusReason.RESUMED, user=user)
    return locked
