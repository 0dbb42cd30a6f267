"""Gapless document numbers per branch, series and financial year (KOR/26-27/00123), unique under concurrency.

GST wants each series unique within a financial year (1 April to 31 March), so each
branch counts each series afresh every year (docs/gst.md "Document numbers"). The
sequence row is locked for the rest of the caller's transaction, so numbers are handed
out in commit order and a rolled-back invoice gives its number back. Each branch has its
own rows, so two branches billing at once never wait on each other.
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


def financial_year(day: date) -> int:
    """The year the financial year of `day` starts in: 2026 for 1 April 2026 to 31 March 2027."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start_year: int) -> str:
    """What `{fy}` prints: 26-27 for the year starting 1 April 2026."""
    return f"{start_year % 100:02d}-{(start_year + 1) % 100:02d}"


def render_number(pattern: str, *, day: date, seq: int, branch: str) -> str:
    """Fill a number pattern's placeholders: {branch}, {fy}, {date} (the document's day) and {seq}."""
    return pattern.format(branch=branch, fy=financial_year_label(financial_year(day)), date=day, seq=seq)


def format_number(series: str, *, day: date, seq: int, branch: str = "") -> str:
    """Render a number with the series' configured pattern (`branch` is the branch's code)."""
    return render_number(getattr(settings, SERIES_FORMATS[series]), day=day, seq=seq, branch=branch)


def next_numbers(*series: str, branch: Branch | None = None, day: date | None = None) -> dict[str, str]:
    """Take the next number of each series of `branch` in the financial year of `day`, in one statement.

    Call it inside the transaction that stores the numbers. An upsert bumps the year's row
    (making it at the year's first number, so a series restarts at 1 on 1 April) and returns
    the new values: the row locks it takes are held to commit, so a rolled-back invoice gives
    its numbers back and the next one gets them. Rows are taken in series order (CN, INV,
    REC), the order every caller uses, so two transactions cannot wait on each other.
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
            f"INSERT INTO {table} (branch_id, series, financial_year, last_value) VALUES {values} "
            f"ON CONFLICT (branch_id, series, financial_year) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING series, last_value",
            [value for name in names for value in (branch.pk, name, financial_year(day))],
        )
        taken = dict(cursor.fetchall())
    return {name: format_number(name, day=day, seq=taken[name], branch=branch.code) for name in names}


def next_number(series: str, *, branch: Branch | None = None, day: date | None = None) -> str:
    """Take the next number of `series` of `branch` in the financial year of `day`; call inside the transaction."""
    return next_numbers(series, branch=branch, day=day)[series]
