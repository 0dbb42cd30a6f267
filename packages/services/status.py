"""Every change of an assignment's status, through one door, and the news of it after commit.

`assignment_status_change` moves one locked assignment; `assignments_expire` is its
bulk form for the expiry sweep. Both check the move against `TRANSITIONS`, write the
status on the assignment and its trackers, and send `packages.signals.status_changed`
once per assignment when the transaction commits (a rollback sends nothing).

Why a hand-made table and not django-fsm-2: the one bulk path (the expiry sweep over
tens of thousands of rows) is a set-based UPDATE that django-fsm's per-instance
`@transition` methods cannot guard, so the table would be needed anyway; fsm's
`post_transition` signal fires before commit, not after; its transitions live on the
model, where our rules do not (services hold them); and six edges in a dict read
at a glance, with no dependency and no field swap. The after-sale statuses (refunded,
transferred, cancelled) are rows of the same table, reached only from a status that
still holds something, and lead nowhere.
"""
from enum import StrEnum
from functools import partial

from django.db import transaction
from django.utils import timezone

from ..exceptions import StatusChangeRefused
from ..ledger import expiries_record
from ..models import AssignmentStatus, PackageAssignment, PackageBenefitTracker
from ..signals import status_changed

ACTIVE, COMPLETED, EXPIRED, PAUSED = (
    AssignmentStatus.ACTIVE, AssignmentStatus.COMPLETED, AssignmentStatus.EXPIRED, AssignmentStatus.PAUSED,
)
REFUNDED, TRANSFERRED, CANCELLED = (
    AssignmentStatus.REFUNDED, AssignmentStatus.TRANSFERRED, AssignmentStatus.CANCELLED,
)
# After the sale, a package that still holds something may be refunded, moved to another
# customer, or have its sale voided; each of those ends it for good.
CLOSED = frozenset({REFUNDED, TRANSFERRED, CANCELLED})

# docs/design.md "Lifecycle": from each status, the statuses it may move to.
TRANSITIONS: dict[str, frozenset[str]] = {
    # Used up, paused by a manager, or past its date; or refunded, transferred, its sale voided.
    ACTIVE: frozenset({COMPLETED, PAUSED, EXPIRED}) | CLOSED,
    # Resumed; the date passed meanwhile, or nothing was left; or ended after the sale.
    PAUSED: frozenset({ACTIVE, EXPIRED, COMPLETED}) | CLOSED,
    # A void or an adjustment gives something back (expired if the date has passed since).
    COMPLETED: frozenset({ACTIVE, EXPIRED}),
    # An expired package with nothing left is completed (reconcile); a manager's extension
    # brings it back; an unused one whose sale is voided is cancelled.
    EXPIRED: frozenset({COMPLETED, ACTIVE, CANCELLED}),
    # Refunded, transferred and cancelled packages hold nothing and never come back.
    REFUNDED: frozenset(),
    TRANSFERRED: frozenset(),
    CANCELLED: frozenset(),
}


class StatusReason(StrEnum):
    """Why a status moved: sent with `status_changed` so that a receiver need not guess."""

    EXHAUSTED = "exhausted"  # the last session or rupee of credit was spent
    GIVEN_BACK = "given_back"  # a void gave back what an invoice took
    PAUSED = "paused"
    RESUMED = "resumed"
    EXPIRED = "expired"  # the expiry sweep found it past its date
    RECONCILED = "reconciled"  # reconcile_packages --fix set it to what the balance says
    REFUNDED = "refunded"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"  # the package-sale invoice was voided
    EXTENDED = "extended"
    ADJUSTED = "adjusted"
    TOPPED_UP = "topped_up"


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


def transition_check(old_status: str, new_status: str) -> None:
    """Refuse a move the lifecycle does not have (an expired package cannot be paused)."""
    if new_status not in TRANSITIONS.get(old_status, ()):
        old_label, new_label = AssignmentStatus(old_status).label.lower(), AssignmentStatus(new_status).label.lower()
        message = f"The package is {old_label} and cannot become {new_label}."
        raise StatusChangeRefused(message, errors={"status": [message]})


def _announce(ids: list[int], *, old_status: str, new_status: str, reason: str, user) -> None:
    for assignment_id in ids:
        status_changed.send(
            sender=PackageAssignment,
            assignment_id=assignment_id,
            old_status=old_status,
            new_status=new_status,
            reason=reason,
            user=user,
        )


def assignment_status_change(
    *, assignment: PackageAssignment, new_status: str, reason: StatusReason, user=None
) -> bool:
    """Move a locked assignment and its trackers to `new_status`; announce it after commit.

    Call it inside the transaction that locked the assignment. Return whether the status
    moved (asking for the status it already has changes and sends nothing).
    """
    old_status, new_status = str(assignment.status), str(new_status)
    if old_status == new_status:
        return False
    transition_check(old_status, new_status)
    now = timezone.now()
    PackageAssignment.objects.filter(pk=assignment.pk).update(status=new_status, updated_at=now)
    PackageBenefitTracker.objects.filter(assignment_id=assignment.pk).update(
        is_active=new_status == ACTIVE, updated_at=now
    )
    assignment.status = new_status
    transaction.on_commit(
        partial(
            _announce, [assignment.pk], old_status=old_status, new_status=new_status, reason=str(reason), user=user
        )
    )
    return True


@transaction.atomic
def assignments_expire(*, on_date=None) -> int:
    """Mark active packages past their date as expired; return how many. Safe to repeat.

    Set-based (three statements whatever the number of rows): the one writer records each
    expiry in the journal, dated `on_date`, and flips the status with the value held
    (`packages.ledger.expiries_record`, docs/journal.md "Expiry"); then the trackers. After
    commit, one `status_changed` per expired assignment, sent from a single callback. A
    paused package does not expire while paused: its resume decides.
    """
    transition_check(ACTIVE, EXPIRED)
    on_date = on_date or timezone.localdate()
    ids = expiries_record(on_date)
    if ids:
        PackageBenefitTracker.objects.filter(is_active=True, assignment__status=EXPIRED).update(
            is_active=False, updated_at=timezone.now()
        )
        transaction.on_commit(
            partial(_announce, ids, old_status=ACTIVE, new_status=EXPIRED, reason=str(StatusReason.EXPIRED), user=None)
        )
    return len(ids)
