"""News from packages, turned into notices. Both signals are sent after commit, so a bill
or a status change that rolls back tells the customer nothing."""
from django.dispatch import receiver

from packages.models import AssignmentStatus
from packages.signals import balances_spent, status_changed

from .models import NotificationKind
from .services import event_notifications_queue, is_low_balance, notifications_dispatch

KIND_OF_STATUS = {AssignmentStatus.COMPLETED: NotificationKind.COMPLETED, AssignmentStatus.EXPIRED: NotificationKind.EXPIRED}


@receiver(status_changed, dispatch_uid="notifications.status_notice")
def status_notice(sender, assignment_id, new_status, **kwargs):
    """A package completed or expired: tell the customer once."""
    kind = KIND_OF_STATUS.get(new_status)
    if kind is not None:
        notifications_dispatch(event_notifications_queue(assignment_ids=[assignment_id], kind=kind))


@receiver(balances_spent, dispatch_uid="notifications.low_balance_notice")
def low_balance_notice(sender, assignment_ids, left=None, **kwargs):
    """A bill left one session, or credit under LOW_CREDIT_REMINDER: tell the customer once.

    What the bill left (`left`) picks the candidates without a query; the queue reads
    the committed rows of those only, so a bill that leaves plenty costs nothing.
    """
    if left is not None:
        assignment_ids = [pk for pk in assignment_ids if pk not in left or is_low_balance(*left[pk])]
    if assignment_ids:
        notifications_dispatch(
            event_notifications_queue(assignment_ids=assignment_ids, kind=NotificationKind.LOW_BALANCE)
        )
