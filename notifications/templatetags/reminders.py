"""`{% last_reminder_slot customer %}`: a customer's last reminder, where a page shows it (the counter's customer card).

A template tag, so the billing page can show reminders without billing importing this app.
"""
from django import template
from django.utils import timezone
from django.utils.formats import date_format

from ..selectors import last_reminder_sent

register = template.Library()


@register.inclusion_tag("notifications/last_reminder.html")
def last_reminder_slot(customer=None):
    """Say the last reminder sent to `customer`, or that they opted out; nothing without a customer."""
    if customer is None:
        return {"text": ""}
    if customer.reminders_opt_out:  # derived from the consent records
        return {"text": "Reminders: off (the customer opted out)."}
    last = last_reminder_sent(customer_id=customer.pk)
    if last is None:
        return {"text": "No reminder sent yet."}
    day = timezone.localdate(last.sent_at or last.created_at)
    return {
        "text": f"Last reminder: {last.get_kind_display()} by {last.get_channel_display()}, "
        f"{date_format(day, 'j M Y')}."
    }
