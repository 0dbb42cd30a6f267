"""`{% last_reminder_slot %}`: where a page shows a customer's last reminder (the counter's customer card).

A template tag, so the billing page can show reminders without billing importing this app.
"""
from django import template

from ..models import Channel, NotificationKind

register = template.Library()


@register.inclusion_tag("notifications/last_reminder.html")
def last_reminder_slot():
    """The empty line the page's script fills from GET /api/notifications, and the words it needs."""
    return {"labels": {"kinds": dict(NotificationKind.choices), "channels": dict(Channel.choices)}}
