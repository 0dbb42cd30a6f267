"""Status follows the balance: news of a balance change, and the small receiver that acts on it.

Balance services send `balance_changed` after they write a ledger row; the receiver
moves the assignment to `completed` when nothing is left and back to `active` (or
`expired`, past its date) when a void gives something back. `status_changed` tells
anyone above (billing, receipts, pages) that a status moved.
"""
from django.dispatch import Signal, receiver
from django.utils import timezone

from .models import AssignmentStatus, PackageAssignment, PackageBenefitTracker

balance_changed = Signal()  # sender=PackageAssignment, assignment=<instance with the new balance>
status_changed = Signal()  # sender=PackageAssignment, assignment=..., old_status=..., new_status=...


def status_for_balance(assignment: PackageAssignment, on_date=None) -> str:
    """Return the status the balance implies; pausing and expiry are decided elsewhere."""
    status = assignment.status
    exhausted = (assignment.has_sessions and assignment.remaining_sessions == 0) or (
        assignment.is_credit and assignment.credit_remaining.amount == 0
    )
    if exhausted and status in (AssignmentStatus.ACTIVE, AssignmentStatus.EXPIRED):
        return AssignmentStatus.COMPLETED
    if status == AssignmentStatus.COMPLETED and not exhausted and (assignment.has_sessions or assignment.is_credit):
        if assignment.is_expired_on(on_date or timezone.localdate()):
            return AssignmentStatus.EXPIRED
        return AssignmentStatus.ACTIVE
    return status


def status_set(assignment: PackageAssignment, new_status: str) -> None:
    """Store a new status on the assignment and its trackers, then tell the listeners."""
    old_status, new_status = str(assignment.status), str(new_status)
    if old_status == new_status:
        return
    PackageAssignment.objects.filter(pk=assignment.pk).update(status=new_status, updated_at=timezone.now())
    PackageBenefitTracker.objects.filter(assignment_id=assignment.pk).update(
        is_active=new_status == AssignmentStatus.ACTIVE, updated_at=timezone.now()
    )
    assignment.status = new_status
    status_changed.send(sender=PackageAssignment, assignment=assignment, old_status=old_status, new_status=new_status)


@receiver(balance_changed, dispatch_uid="packages.status_follows_balance")
def status_follows_balance(sender, assignment: PackageAssignment, **kwargs) -> None:
    """Complete an exhausted package; reopen a completed one that got something back."""
    status_set(assignment, status_for_balance(assignment))
