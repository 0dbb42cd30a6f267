"""The admin's History of the operations done on pages of our own: sale, pause, void, refund and the rest.

Django writes a `LogEntry` for what its own add, change and delete pages save. Our operation
pages call services instead, so each writes its row here: who did it and what happened, in
plain words ("Refunded ₹2,700.00 by cash: Changed her mind"), on the object whose History
page should show it. The caller writes it inside the operation's transaction, so a refused
or rolled-back operation leaves no row.
"""
from collections.abc import Iterable

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import models


def log_operation(user, objects: Iterable[models.Model], message: str, *, added: bool = False) -> None:
    """Write one History row per object: `added` for what the operation created (a sale, an import), else a change."""
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=list(objects), action_flag=ADDITION if added else CHANGE, change_message=message
    )
