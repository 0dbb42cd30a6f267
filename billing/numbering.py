"""Gapless, per-day document numbers (INV-YYYYMMDD-NNNN), unique under concurrency.

The sequence row is locked for the rest of the caller's transaction, so numbers are
handed out in commit order and a rolled-back invoice gives its number back.
"""
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import NumberSequence

SERIES_FORMATS = {
    "INV": "INVOICE_NUMBER_FORMAT",
    "REC": "RECEIPT_NUMBER_FORMAT",
    "CN": "CREDIT_NOTE_NUMBER_FORMAT",
    "RV": "REFUND_VOUCHER_NUMBER_FORMAT",
}


def format_number(series: str, *, day: date, seq: int) -> str:
    """Render a number with the series' configured pattern."""
    return getattr(settings, SERIES_FORMATS[series]).format(date=day, seq=seq)


def next_number(series: str, *, day: date | None = None) -> str:
    """Take the next number of `series` for `day`; call inside the transaction that uses it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside the transaction that stores the number.")
    day = day or timezone.localdate()
    row = NumberSequence.objects.filter(series=series, day=day)
    # The UPDATE takes the row lock (held to commit) and bumps the value in one statement.
    if not row.update(last_value=F("last_value") + 1):
        # The day's first number: make the row (a twin racing us meets the unique constraint
        # inside get_or_create's savepoint and reads the winner's row), then bump it.
        NumberSequence.objects.get_or_create(series=series, day=day)
        row.update(last_value=F("last_value") + 1)
    return format_number(series, day=day, seq=row.values_list("last_value", flat=True).get())
