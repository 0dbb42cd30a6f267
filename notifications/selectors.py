"""Reads on notifications: the log the API and the admin list, and a customer's last reminder."""
from django.db.models import QuerySet

from .models import Notification, NotificationStatus


def notifications_list(*, customer_id: int | None = None, status: str | None = None) -> QuerySet[Notification]:
    """Notifications, newest first, optionally of one customer and in one status."""
    rows = Notification.objects.order_by("-created_at", "-pk")
    if customer_id is not None:
        rows = rows.filter(customer_id=customer_id)
    if status:
        rows = rows.filter(status=status)
    return rows


def last_reminder_sent(*, customer_id: int) -> Notification | None:
    """The last notification that went to the customer, with its package."""
    return (
        Notification.objects.filter(
            customer_id=customer_id, status__in=[NotificationStatus.SENT, NotificationStatus.DELIVERED]
        )
        .select_related("assignment")
        .order_by("-sent_at", "-pk")
        .first()
    )
