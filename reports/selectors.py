"""One selector per report (docs/reports.md, docs/api.md "Reports"): the JSON shape without `success`, Decimal amounts.

Counts and sums are computed in SQL (`annotate`, `Sum`, `Case`, `TruncDay` / `TruncMonth`) in a
fixed number of queries whatever the number of rows. A value left is the one valuation,
`packages.valuation.assignment_value`: summed in SQL through each kind's `value_left_sql`
(the same figure to the paisa, `packages.valuation_sql`), or for a kind without one applied
to a `values()` stream (never to model instances), so every report values an assignment
exactly as refunds and transfers do.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import connections
from django.db.models import Case, Count, DecimalField, F, IntegerField, Q, Sum, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber, TruncDate, TruncDay, TruncMonth
from django.utils import timezone

from billing.models import Invoice, InvoiceLine, InvoiceStatus, LineType, Payment, Refund
from core.money import ZERO, quantize_money
from core.payments import TENDER_METHODS
from packages.journal_summary import journal_totals
from packages.kinds import all_kinds
from packages.ledger import time_kinds
from packages.models import AssignmentStatus, JournalEvent, PackageAssignment, PackageUsage
from packages.valuation import HOLDING_STATUSES, assignment_value, assignment_value_sql, sql_valued_kinds
from packages.valuation_sql import PAISE, Paise, line_value_sql

GROUPS = ("day", "month")

# The fields `assignment_value` reads from a `values()` row.
VALUE_FIELDS = (
    "package_type",
    "status",
    "assigned_on",
    "expires_on",
    "sale_value",
    "total_sessions",
    "remaining_sessions",
    "credit_amount",
    "credit_remaining",
)

_MONEY = DecimalField(max_digits=14, decimal_places=2)


def _zero_money():
    return Value(ZERO, output_field=_MONEY)


def _kinds() -> list[str]:
    """Every package type, in the order of the kinds table."""
    return [kind.package_type for kind in all_kinds()]


def _value_groups(queryset):
    """Group assignments whose figures are the same, with how many share them.

    Equal figures give an equal value, so each group is valued once and counted
    `assignments` times: the total is still the sum of the per-assignment rounded values,
    but a shop's many packages of one template sold on one day cost one valuation.
    """
    return queryset.order_by().values(*VALUE_FIELDS).annotate(assignments=Count("pk"))


def _money(amount) -> Decimal:
    return quantize_money(amount if amount is not None else ZERO)


def _holding(on_date: date):
    """Assignments that hold value on `on_date`: active or paused, not past expiry."""
    return PackageAssignment.objects.filter(status__in=HOLDING_STATUSES).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=on_date)
    )


def _valued(queryset, *, on_date: date | None = None, group_by: tuple[str, ...] = ()):
    """Yield, per `group_by` and kind, the packages, sessions and credit left, and their value.

    Each assignment is valued on `on_date`, or with no date on its own `expires_on` (its last
    day). The caller's queryset says which assignments hold value. Kinds with an SQL
    valuation (the six built-in ones) are summed in the database in one query, the value
    rounded per assignment (`packages.valuation_sql`); a kind without one has its rows
    streamed as groups of equal figures through `assignment_value`, in one more query.
    """
    sql_kinds = sql_valued_kinds()
    summed = (
        queryset.filter(package_type__in=sql_kinds)
        .order_by()
        .values(*group_by, "package_type")
        .annotate(
            packages=Count("pk"),
            sessions=Coalesce(Sum("remaining_sessions"), 0),
            credit=Coalesce(Sum("credit_remaining", output_field=_MONEY), _zero_money()),
            paise=Sum(assignment_value_sql(on_date or F("expires_on"))),
        )
    )
    for row in summed:
        yield {**row, "value": Decimal(row["paise"] or 0) / 100}
    if len(sql_kinds) == len(_kinds()):
        return  # every kind is valued in SQL (the six built-in ones are)
    for row in _value_groups(queryset.exclude(package_type__in=sql_kinds)).iterator(chunk_size=2000):
        count = row["assignments"]
        # The queryset holds only assignments that hold value on the day they are valued.
        value = assignment_value({**row, "status": AssignmentStatus.ACTIVE}, on_date or row["expires_on"])
        yield {
            **{field: row[field] for field in group_by},
            "package_type": row["package_type"],
            "packages": count,
            "sessions": row["remaining_sessions"] * count,
            "credit": row["credit_remaining"] * count,
            "value": value * count,
        }


def _sold_at(queryset, branch, field: str = "branch"):
    """Keep the rows of `branch` (None: the whole chain); packages by where they were sold."""
    return queryset if branch is None else queryset.filter(**{field: branch})


# --- the value journal (docs/reports.md) -----------------------------------------------------

# The roll-forward's movement columns, in the order of the API.
ROLLFORWARD_COLUMNS = (
    "sold", "topped_up", "imported", "transferred_in", "redeemed", "refunded", "transferred_out", "expired", "adjusted",
)
# Columns that take value out: shown as positive amounts, subtracted in the identity.
OUTFLOWS = frozenset({"redeemed", "refunded", "transferred_out", "expired"})
# Each journal event's column. A void's reversal keeps the event of the row it reverses, so it
# nets out of the same column. A note moves no value; were one ever to carry some, it would
# show as an adjustment rather than break the identity.
COLUMN_OF_EVENT = {
    JournalEvent.SALE: "sold",
    JournalEvent.RENEWAL: "sold",
    JournalEvent.TOP_UP: "topped_up",
    JournalEvent.IMPORT: "imported",
    JournalEvent.TRANSFER_IN: "transferred_in",
    JournalEvent.REDEMPTION: "redeemed",
    JournalEvent.REFUND: "refunded",
    JournalEvent.TRANSFER_OUT: "transferred_out",
    JournalEvent.EXPIRY: "expired",
    JournalEvent.ADJUSTMENT: "adjusted",
    JournalEvent.REINSTATEMENT: "adjusted",
    JournalEvent.NOTE: "adjusted",
}
SALE_EVENTS = (JournalEvent.SALE, JournalEvent.RENEWAL)


def _journal(branch=None, field: str = "home_branch"):
    """Journal rows of packages sold at `branch` (None: the whole chain); with `field="branch"`, rows that happened there."""
    rows = PackageUsage.objects.all()
    return rows if branch is None else rows.filter(**{field: branch})


def _paise(amount) -> Decimal:
    return Decimal(amount or 0) / 100


def _time_values(*, as_of: date, branch=None) -> dict[str, dict]:
    """Return, per time kind, the packages holding on `as_of` and what they hold, from the journal alone.

    Each time-kind package follows the straight line its last row on or before `as_of` set
    (docs/journal.md "Time kinds"): `value_after` on `line_from`, down to nothing on `line_end`.
    Nothing written later changes that row, so a past day's figure never moves. One query over
    the rows that set a line (the partial index journal_time_lines; bills set none): the last
    one per package (DISTINCT ON on PostgreSQL, a window elsewhere), valued on the day, summed per kind.
    """
    rows = PackageUsage.objects.filter(line_from__isnull=False, business_day__lte=as_of)
    if branch is not None:
        rows = rows.filter(home_branch=branch)
    newest = ("-business_day", "-id")
    if connections[rows.db].vendor == "postgresql":
        last = rows.order_by("assignment_id", *newest).distinct("assignment_id")
    else:
        rank = Window(RowNumber(), partition_by=[F("assignment_id")], order_by=[F(name[1:]).desc() for name in newest])
        last = rows.annotate(rank=rank).filter(rank=1).order_by()
    holding = Case(
        When(Q(value_after__gt=0) & (Q(line_end__isnull=True) | Q(line_end__gte=as_of)), then=Value(1)),
        default=Value(0), output_field=IntegerField(),
    )
    last = last.annotate(paise=line_value_sql(as_of), holding=holding).values("package_type", "paise", "holding")
    sql, params = last.query.sql_with_params()
    with connections[last.db].cursor() as cursor:  # the reports replica when there is one
        cursor.execute(f"SELECT package_type, SUM(holding), SUM(paise) FROM ({sql}) line GROUP BY package_type", params)
        found = cursor.fetchall()
    return {kind: {"packages": int(packages or 0), "value": _paise(paise)} for kind, packages, paise in found}


def _snapshot(*, as_of: date, branch=None) -> dict[str, dict]:
    """Return, per kind, the packages holding value on `as_of`, their sessions and credit left, and the value held.

    Two statements whatever the size (docs/reports.md "Liability"): the sums of the journal
    rows up to the day (daily summary plus the rows since its last fold): value, and the
    rows' holders, sessions and credit counted (docs/journal.md "The snapshot"); and the time
    kinds' lines (`_time_values`).
    """
    timed = _time_values(as_of=as_of, branch=branch)
    sums = {
        row["package_type"]: row
        for row in journal_totals(group_by=("package_type",), day_to=as_of, home_branch=branch)
    }
    kinds = set(time_kinds())
    snapshot = {}
    for kind in _kinds():
        row = sums.get(kind, {})
        source = timed.get(kind, {}) if kind in kinds else {
            "packages": row.get("holders", 0), "value": _paise(row.get("paise"))
        }
        snapshot[kind] = {
            "packages": source.get("packages", 0),
            "sessions": row.get("sessions_held", 0),
            "credit": _paise(row.get("credit_held_paise")),
            "value": quantize_money(source.get("value", ZERO)),
        }
    return snapshot


def _held_values(*, as_of: date, branch=None) -> dict[str, Decimal]:
    """Return the liability on `as_of` per kind."""
    return {kind: figures["value"] for kind, figures in _snapshot(as_of=as_of, branch=branch).items()}


def liability(*, as_of: date, branch=None) -> dict:
    """Return what customers held on `as_of`, by kind: packages, sessions, credit and value, from the journal.

    A snapshot: every figure is a sum of the journal rows dated on or before `as_of` (a time
    kind valued on the line its last row set, docs/reports.md), so nothing that happens later
    changes it. `branch` keeps the packages sold there (used anywhere).
    """
    by_kind = [
        {
            "package_type": kind,
            "packages": figures["packages"],
            "sessions_left": figures["sessions"],
            "credit_left": _money(figures["credit"]),
            "value": figures["value"],
        }
        for kind, figures in _snapshot(as_of=as_of, branch=branch).items()
    ]
    return {"as_of": as_of, "total": sum((row["value"] for row in by_kind), ZERO), "by_kind": by_kind}


def _rollforward_row(package_type: str, opening: Decimal, closing: Decimal, moved: dict[str, Decimal], *, timed: bool) -> dict:
    row = {"package_type": package_type, "opening": opening}
    for column in ROLLFORWARD_COLUMNS:
        amount = moved.get(column, ZERO)
        row[column] = _money(-amount if column in OUTFLOWS else amount)
    if timed:
        # A time kind releases by the day: its redeemed is whatever else of the fall in value the
        # other columns do not explain, so the row ties by construction.
        row["redeemed"] = _money(opening + _inflows(row) - _outflows(row, without="redeemed") - closing)
    row["closing"] = closing
    return row


def _inflows(row: dict) -> Decimal:
    return row["sold"] + row["topped_up"] + row["imported"] + row["transferred_in"] + row["adjusted"]


def _outflows(row: dict, *, without: str = "") -> Decimal:
    return sum((row[column] for column in OUTFLOWS if column != without), ZERO)


def liability_rollforward(*, date_from: date, date_to: date, branch=None) -> dict:
    """Return, per kind and in total, the liability on the day before `date_from`, every movement, and on `date_to`.

    closing = opening + sold + topped_up + imported + transferred_in - redeemed - refunded
    - transferred_out - expired + adjusted, for every row and the totals (docs/reports.md).
    A package belongs to the branch that sold it; its redemptions count at any branch. Five
    queries whatever the size: the sums up to each end, and the period's sums per kind and event,
    each from the journal's daily summary and the rows written since its last fold.
    """
    opening = _held_values(as_of=date_from - timedelta(days=1), branch=branch)
    closing = _held_values(as_of=date_to, branch=branch)
    moved: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in journal_totals(group_by=("package_type", "event"), day_from=date_from, day_to=date_to, home_branch=branch):
        moved[row["package_type"]][COLUMN_OF_EVENT.get(row["event"], "adjusted")] += _paise(row["paise"])
    timed = set(time_kinds())
    rows = [
        _rollforward_row(kind, opening[kind], closing[kind], moved[kind], timed=kind in timed) for kind in _kinds()
    ]
    totals = {
        column: sum((row[column] for row in rows), ZERO) for column in ("opening", *ROLLFORWARD_COLUMNS, "closing")
    }
    return {"from": date_from, "to": date_to, "rows": rows, "totals": totals}


def inter_branch(*, date_from: date, date_to: date) -> dict:
    """Return what each branch redeemed of packages another branch sold (what one owes the other), net of voids."""
    rows = (
        PackageUsage.objects.filter(business_day__range=(date_from, date_to), event=JournalEvent.REDEMPTION)
        .exclude(branch=F("home_branch"))
        .filter(branch__isnull=False, home_branch__isnull=False)
        .order_by()
        .values("home_branch__code", "branch__code")
        .annotate(sessions=Coalesce(Sum("sessions_delta"), 0), paise=Sum(Paise("value_delta")))
        .order_by("home_branch__code", "branch__code")
    )
    return {
        "rows": [
            {
                "sold_at": row["home_branch__code"],
                "used_at": row["branch__code"],
                "sessions": -row["sessions"],
                "value": _money(-_paise(row["paise"])),
            }
            for row in rows
        ]
    }


def liability_forecast(*, months: int, today: date, branch=None) -> dict:
    """Return, for this month and the next `months - 1`, the value that expires unused, by kind.

    An assignment counts in the month of its `expires_on`, valued on that day, as if nothing
    more is redeemed.
    """
    first = today.replace(day=1)
    end = first + relativedelta(months=months) - timedelta(days=1)
    values: dict[tuple[date, str], Decimal] = defaultdict(lambda: ZERO)
    # Summed per day of expiry, then per month here: SQLite truncates dates row by row in Python.
    for row in _valued(_sold_at(_holding(today).filter(expires_on__lte=end), branch), group_by=("expires_on",)):
        values[(row["expires_on"].replace(day=1), row["package_type"])] += row["value"]
    kinds = _kinds()
    result = []
    for offset in range(months):
        month = first + relativedelta(months=offset)
        by_kind = [{"package_type": kind, "value": _money(values[(month, kind)])} for kind in kinds]
        result.append({"month": month.strftime("%Y-%m"), "total": sum((row["value"] for row in by_kind), ZERO), "by_kind": by_kind})
    return {"months": result}


def _days(field: str, date_from: date, date_to: date) -> Q:
    """Match a timestamp on the days `date_from` to `date_to` (local time), as a range an index can use."""
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _period(group: str, field: str):
    return TruncDay(field) if group == "day" else TruncMonth(field)


def _period_label(group: str, value) -> str:
    return value.strftime("%Y-%m-%d" if group == "day" else "%Y-%m")


def _local_day(field: str):
    """The shop's local day of a timestamp column."""
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _journal_sales(*, date_from: date, date_to: date, group: str, branch):
    """The journal's sale, renewal and top-up rows per period and kind: counts (a reversal counts -1) and value."""
    counted = Case(When(reverses__isnull=True, then=Value(1)), default=Value(-1), output_field=IntegerField())
    return (
        _journal(branch)
        .filter(business_day__range=(date_from, date_to), event__in=(*SALE_EVENTS, JournalEvent.TOP_UP))
        .annotate(period=_period(group, "business_day"))
        .order_by()
        .values("period", "package_type")
        .annotate(
            sold=Coalesce(Sum(counted, filter=Q(event__in=SALE_EVENTS)), 0),
            top_ups=Coalesce(Sum(counted, filter=Q(event=JournalEvent.TOP_UP)), 0),
            paise=Sum(Paise("value_delta")),
        )
    )


def _package_sale_gst(*, date_from: date, date_to: date, group: str, branch) -> dict[tuple[str, str], Decimal]:
    """GST of the package-sale invoices per (period, kind): on their bill date, less a voided one's on its void day."""
    lines = _sold_at(InvoiceLine.objects.filter(line_type=LineType.PACKAGE), branch, "invoice__branch")
    tax = F("cgst") + F("sgst") + F("igst")
    charged = (
        lines.filter(invoice__bill_date__range=(date_from, date_to))
        .annotate(period=_period(group, "invoice__bill_date"))
        .order_by()
        .values("period", "assignment__package_type")
        .annotate(gst=Sum(tax, output_field=_MONEY))
    )
    given_back = (
        lines.filter(_days("invoice__cancelled_at", date_from, date_to), invoice__status=InvoiceStatus.CANCELLED)
        .annotate(day=_local_day("invoice__cancelled_at"))
        .order_by()
        .values("day", "assignment__package_type")
        .annotate(gst=Sum(tax, output_field=_MONEY))
    )
    gst_of: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for row in charged:
        gst_of[(_period_label(group, row["period"]), row["assignment__package_type"])] += row["gst"] or ZERO
    for row in given_back:
        day = row["day"] if group == "day" else row["day"].replace(day=1)
        gst_of[(_period_label(group, day), row["assignment__package_type"])] -= row["gst"] or ZERO
    return gst_of


def _package_sales_row(key: tuple[str, str], row: dict, gst) -> dict | None:
    """One period and kind of the report; None when nothing was sold (a sale voided on its own day)."""
    taxable, gst = _money(_paise(row.get("paise"))), _money(gst)
    if not (row.get("sold") or row.get("top_ups") or taxable or gst):
        return None
    return {
        "period": key[0],
        "package_type": key[1],
        "sold": row.get("sold", 0),
        "top_ups": row.get("top_ups", 0),
        "taxable_value": taxable,
        "gst": gst,
        "total": taxable + gst,
    }


def package_sales(*, date_from: date, date_to: date, group: str, branch=None) -> dict:
    """Return packages sold (at `branch`, or anywhere) per period and kind, from the journal.

    `sale` and `renewal` rows count as packages sold, `top_up` rows as top-ups, each on its own
    business day: a top-up never rewrites the month of the first sale, a transfer is no sale.
    A void's reversal nets its sale out on the day of the void. The taxable value is the value
    the rows added; GST is that of the package-sale invoices, on their bill date (a voided one
    given back on the day of its void).
    """
    if group not in GROUPS:
        raise ValueError(f"Unknown group {group!r}.")
    period = {"date_from": date_from, "date_to": date_to, "group": group, "branch": branch}
    sold = _journal_sales(**period)
    gst_of = _package_sale_gst(**period)
    order = {kind: index for index, kind in enumerate(_kinds())}
    found = {(_period_label(group, row["period"]), row["package_type"]): row for row in sold}
    keys = sorted(
        set(found) | {key for key, gst in gst_of.items() if gst}, key=lambda key: (key[0], order.get(key[1], len(order)))
    )
    rows = [row for key in keys if (row := _package_sales_row(key, found.get(key, {}), gst_of.get(key)))]
    totals = {
        "sold": sum(row["sold"] for row in rows),
        "top_ups": sum(row["top_ups"] for row in rows),
        "taxable_value": sum((row["taxable_value"] for row in rows), ZERO),
        "gst": sum((row["gst"] for row in rows), ZERO),
        "total": sum((row["total"] for row in rows), ZERO),
    }
    return {"rows": rows, "totals": totals}


def redemptions(*, date_from: date, date_to: date, branch=None) -> dict:
    """Return what packages released in the period (at `branch`: where used), by kind, net of voids.

    `value_redeemed` is the value released, the sum of -value_delta of the `redemption` rows;
    for a time kind, whose value falls by the day, what its lines released in the period: the
    roll-forward's redeemed (docs/reports.md), of the packages sold at `branch`.
    `list_price` is what the sessions and credit were worth at list price on the bills.
    """
    timed = set(time_kinds())
    released = {}
    if timed:
        released = {
            row["package_type"]: row["redeemed"]
            for row in liability_rollforward(date_from=date_from, date_to=date_to, branch=branch)["rows"]
            if row["package_type"] in timed
        }
    sign = Case(When(reverses__isnull=False, then=Value(-1)), default=Value(1), output_field=IntegerField())
    sums = {
        row["package_type"]: row
        for row in _journal(branch, "branch")
        .filter(business_day__range=(date_from, date_to), event=JournalEvent.REDEMPTION)
        .order_by()
        .values("package_type")
        .annotate(
            sessions=Coalesce(Sum("sessions_delta"), 0),
            credit=Sum(Paise("credit_delta")),
            paise=Sum(Paise("value_delta")),
            listed=Sum(sign * Paise("value"), output_field=PAISE),
        )
    }
    rows = []
    for package_type in _kinds():
        row = sums.get(package_type, {})
        rows.append(
            {
                "package_type": package_type,
                "sessions_redeemed": -(row.get("sessions") or 0),
                "value_redeemed": released[package_type] if package_type in released else _money(-_paise(row.get("paise"))),
                "credit_spent": _money(-_paise(row.get("credit"))),
                "list_price": _money(_paise(row.get("listed"))),
            }
        )
    return {"rows": rows}


def breakage(*, date_from: date, date_to: date, today: date | None = None, branch=None) -> dict:
    """Return the value that expired unused in the period, by kind: the journal's `expiry` rows.

    An expiry row takes all the package still held when the expire job recorded it, on that
    business day; a time kind holds nothing on its last day, so its expiry carries nothing.
    """
    counted = Case(When(reverses__isnull=True, then=Value(1)), default=Value(-1), output_field=IntegerField())
    sums = {
        row["package_type"]: row
        for row in _journal(branch)
        .filter(business_day__range=(date_from, date_to), event=JournalEvent.EXPIRY)
        .order_by()
        .values("package_type")
        .annotate(packages=Coalesce(Sum(counted), 0), paise=Sum(Paise("value_delta")))
    }
    rows = [
        {
            "package_type": kind,
            "packages": sums.get(kind, {}).get("packages", 0),
            "value": _money(-_paise(sums.get(kind, {}).get("paise"))),
        }
        for kind in _kinds()
    ]
    return {"rows": rows, "total": sum((row["value"] for row in rows), ZERO)}


def expiring(*, within_days: int, today: date, branch=None) -> dict:
    """Return the packages that expire within `within_days` with what they still hold, soonest first."""
    sql_kinds = set(sql_valued_kinds())
    rows = (
        _sold_at(_holding(today), branch)
        .filter(expires_on__lte=today + timedelta(days=within_days))
        .order_by("expires_on", "pk")
        .values("pk", "customer_id", "customer__name", "customer__phone", "package_name", *VALUE_FIELDS)
        .annotate(paise=assignment_value_sql(today))
    )

    def value(row) -> Decimal:
        if row["package_type"] in sql_kinds:
            return Decimal(row["paise"]) / 100
        return assignment_value(row, today)

    return {
        "packages": [
            {
                "assignment_id": row["pk"],
                "customer_id": row["customer_id"],
                "customer_name": row["customer__name"],
                "phone": row["customer__phone"],
                "package_name": row["package_name"],
                "package_type": row["package_type"],
                "expires_on": row["expires_on"],
                "sessions_left": row["remaining_sessions"],
                "credit_left": _money(row["credit_remaining"]),
                "value": _money(value(row)),
            }
            for row in rows.iterator(chunk_size=2000)
        ]
    }


def day_close(*, day: date, cashier=None, branch=None) -> dict:
    """Return a day's invoices, voids, the money that came in and the money paid back, by method and by cashier.

    Money in is what was tendered that day (prepaid credit is not money in), whatever became
    of its invoice since; money out is the refunds paid that day (package refunds, and the
    payments a void gave back), so `net_collected` is what the till should hold. With
    `cashier`, only that cashier's invoices, payments and refunds.
    """
    invoices = Invoice.objects.filter(bill_date=day)
    payments = Payment.objects.filter(_days("received_at", day, day), method__in=TENDER_METHODS)
    refunds = Refund.objects.filter(_days("refunded_at", day, day))
    if branch is not None:
        # Money for an invoice belongs to its branch; for a credit sale or top-up (no invoice), to the package's.
        invoices = invoices.filter(branch=branch)
        payments = payments.filter(Q(invoice__branch=branch) | Q(invoice__isnull=True, assignment__branch=branch))
        # A refund is paid where its credit note or refund voucher was issued.
        refunds = refunds.filter(document__branch=branch)
    if cashier is not None:
        invoices = invoices.filter(cashier=cashier)
        payments = payments.filter(received_by=cashier)
        refunds = refunds.filter(refunded_by=cashier)
    counts = invoices.aggregate(
        issued=Count("pk", filter=Q(status=InvoiceStatus.ISSUED)),
        voided=Count("pk", filter=Q(status=InvoiceStatus.CANCELLED)),
    )
    by_method_sums = {
        row["method"]: row["amount"]
        for row in payments.order_by().values("method").annotate(amount=Sum("amount"))
    }
    by_method = [{"method": str(method), "amount": _money(by_method_sums.get(method))} for method in TENDER_METHODS]
    refund_sums = {
        row["method"]: row["amount"] for row in refunds.order_by().values("method").annotate(amount=Sum("amount"))
    }
    refunded_by_method = [
        {"method": str(method), "amount": _money(refund_sums.get(method))} for method in TENDER_METHODS
    ]
    issued_by = {
        row["cashier__username"]: row["invoices"]
        for row in invoices.filter(status=InvoiceStatus.ISSUED)
        .order_by()
        .values("cashier__username")
        .annotate(invoices=Count("pk"))
    }
    taken_by = {
        row["received_by__username"]: row["amount"]
        for row in payments.order_by().values("received_by__username").annotate(amount=Sum("amount"))
    }
    by_cashier = [
        {"cashier": name, "invoices": issued_by.get(name, 0), "amount": _money(taken_by.get(name))}
        for name in sorted(set(issued_by) | set(taken_by))
    ]
    total_collected = sum((row["amount"] for row in by_method), ZERO)
    total_refunded = sum((row["amount"] for row in refunded_by_method), ZERO)
    return {
        "date": day,
        "invoices": counts["issued"],
        "voided": counts["voided"],
        "by_method": by_method,
        "by_cashier": by_cashier,
        "total_collected": total_collected,
        "refunded_by_method": refunded_by_method,
        "total_refunded": total_refunded,
        "net_collected": total_collected - total_refunded,
    }
