"""Gapless, per-branch, per-day document numbers (INV-YYYYMMDD-NNNN), unique under concurrency.

The sequence row is locked for the rest of the caller's transaction, so numbers are
handed out in commit order and a rolled-back invoice gives its number back. Each branch
has its own rows, so two branches billing at once never wait on each other; the formats
print the branch with `{branch}` (a chain must: branches.checks).
"""
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from branches.models import Branch
from branches.selectors import default_branch

from .models import NumberSequence

SERIES_FORMATS = {
    "INV": "INVOICE_NUMBER_FORMAT",
    "REC": "RECEIPT_NUMBER_FORMAT",
    "CN": "CREDIT_NOTE_NUMBER_FORMAT",
    "RV": "REFUND_VOUCHER_NUMBER_FORMAT",
}


def format_number(series: str, *, day: date, seq: int, branch: str = "") -> str:
    """Render a number with the series' configured pattern (`branch` is the branch's code)."""
    return getattr(settings, SERIES_FORMATS[series]).format(date=day, seq=seq, branch=branch)


def next_numbers(*series: str, branch: Branch | None = None, day: date | None = None) -> dict[str, str]:
    """Take the next number of each series of `branch` for `day`, in one statement; call inside the transaction that uses them.

    An upsert bumps each day's row (making it at the day's first number) and returns the new
    values: the row locks it takes are held to commit, so a rolled-back invoice gives its
    numbers back and the next one gets them. Rows are taken in series order (CN, INV, REC),
    the order every caller uses, so two transactions cannot wait on each other.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("next_numbers() must run inside the transaction that stores the numbers.")
    branch = branch or default_branch()
    day = day or timezone.localdate()
    names = sorted(set(series))
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    values = ", ".join(["(%s, %s, %s, 1)"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (branch_id, series, day, last_value) VALUES {values} "
            f"ON CONFLICT (branch_id, series, day) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING series, last_value",
            [value for name in names for value in (branch.pk, name, day)],
        )
        taken = dict(cursor.fetchall())
    return {name: format_number(name, day=day, seq=taken[name], branch=branch.code) for name in names}


def next_number(series: str, *, branch: Branch | None = None, day: date | None = None) -> str:
    """Take the next number of `series` of `branch` for `day`; call inside the transaction that uses it."""
    return next_numbers(series, branch=branch, day=day)[series]
