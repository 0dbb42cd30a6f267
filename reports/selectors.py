"""One selector per report (DESIGN.md "Reports"): the JSON shape without `success`, Decimal amounts.

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
from django.db.models import Case, Count, DecimalField, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDay, TruncMonth
from django.utils import timezone

from billing.models import Invoice, InvoiceLine, InvoiceStatus, LineType, Payment
from packages.kinds import all_kinds
from packages.models import AssignmentStatus, PackageAssignment, PackageUsage, UsageKind
from packages.valuation import HOLDING_STATUSES, assignment_value, assignment_value_sql, sql_valued_kinds
from spa_pkg.money import ZERO, quantize_money
from spa_pkg.payments import TENDER_METHODS

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


def liability(*, as_of: date, branch=None) -> dict:
    """Return what customers still hold on `as_of`, by kind: packages, sessions, credit and value.

    Balances are today's (the stored ones); `as_of` is the day they are valued on, and only
    assignments sold by then count. The liability is the chain's (a package is used at any
    branch); `branch` keeps the packages sold there.
    """
    holding = _sold_at(_holding(as_of).filter(assigned_on__lte=as_of), branch)
    # Summed per kind: a kind valued in Python comes as several groups of equal figures.
    totals: dict[str, dict] = defaultdict(lambda: {"packages": 0, "sessions": 0, "credit": ZERO, "value": ZERO})
    for row in _valued(holding, on_date=as_of):
        kind = totals[row["package_type"]]
        for field in kind:
            kind[field] += row[field]
    by_kind = [
        {
            "package_type": kind,
            "packages": totals[kind]["packages"],
            "sessions_left": totals[kind]["sessions"],
            "credit_left": _money(totals[kind]["credit"]),
            "value": _money(totals[kind]["value"]),
        }
        for kind in _kinds()
    ]
    return {"as_of": as_of, "total": sum((row["value"] for row in by_kind), ZERO), "by_kind": by_kind}


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


def package_sales(*, date_from: date, date_to: date, group: str, branch=None) -> dict:
    """Return packages sold (at `branch`, or anywhere) per period and kind: count, taxable value, GST and total; voided sales left out."""
    if group not in GROUPS:
        raise ValueError(f"Unknown group {group!r}.")
    voided = InvoiceLine.objects.filter(line_type=LineType.PACKAGE, invoice__status=InvoiceStatus.CANCELLED)
    sold = (
        _sold_at(PackageAssignment.objects.filter(assigned_on__range=(date_from, date_to)), branch)
        .exclude(pk__in=voided.values("assignment_id"))
        .annotate(period=_period(group, "assigned_on"))
        .order_by()
        .values("period", "package_type")
        .annotate(sold=Count("pk"), taxable_value=Sum("sale_value"))
    )
    gst = (
        _sold_at(
            InvoiceLine.objects.filter(
                line_type=LineType.PACKAGE,
                invoice__status=InvoiceStatus.ISSUED,
                assignment__assigned_on__range=(date_from, date_to),
            ),
            branch,
            "invoice__branch",
        )
        .annotate(period=_period(group, "assignment__assigned_on"))
        .order_by()
        .values("period", "assignment__package_type")
        .annotate(gst=Sum(F("cgst") + F("sgst") + F("igst"), output_field=_MONEY))
    )
    gst_of = {(_period_label(group, row["period"]), row["assignment__package_type"]): row["gst"] for row in gst}
    order = {kind: index for index, kind in enumerate(_kinds())}
    rows = []
    for row in sold:
        period = _period_label(group, row["period"])
        taxable, tax = _money(row["taxable_value"]), _money(gst_of.get((period, row["package_type"])))
        rows.append(
            {
                "period": period,
                "package_type": row["package_type"],
                "sold": row["sold"],
                "taxable_value": taxable,
                "gst": tax,
                "total": taxable + tax,
            }
        )
    rows.sort(key=lambda row: (row["period"], order.get(row["package_type"], len(order))))
    totals = {
        "sold": sum(row["sold"] for row in rows),
        "taxable_value": sum((row["taxable_value"] for row in rows), ZERO),
        "gst": sum((row["gst"] for row in rows), ZERO),
        "total": sum((row["total"] for row in rows), ZERO),
    }
    return {"rows": rows, "totals": totals}


def redemptions(*, date_from: date, date_to: date, branch=None) -> dict:
    """Return what packages gave at billing in the period (at `branch`: where used), by kind, net of what voids gave back."""
    sign = Case(
        When(kind=UsageKind.REVERSAL, then=Value(-1)),
        default=Value(1),
        output_field=IntegerField(),
    )
    sums = {
        row["assignment__package_type"]: row
        for row in _sold_at(
            PackageUsage.objects.filter(
                _days("created_at", date_from, date_to), kind__in=(UsageKind.REDEEM, UsageKind.REVERSAL)
            ),
            branch,
        )
        .order_by()
        .values("assignment__package_type")
        .annotate(
            sessions=Coalesce(Sum("sessions_delta"), 0),
            credit=Coalesce(Sum("credit_delta"), _zero_money()),
            value=Coalesce(Sum(sign * F("value"), output_field=_MONEY), _zero_money()),
        )
    }
    rows = []
    for package_type in _kinds():
        row = sums.get(package_type, {})
        rows.append(
            {
                "package_type": package_type,
                "sessions_redeemed": -(row.get("sessions") or 0),
                "value_redeemed": _money(row.get("value")),
                "credit_spent": -_money(row.get("credit")) + ZERO,
            }
        )
    return {"rows": rows}


def breakage(*, date_from: date, date_to: date, today: date | None = None, branch=None) -> dict:
    """Return the value held on their day of expiry by packages that expired in the period, by kind.

    A package has expired once its `expires_on` is past, whether or not its status says so yet;
    one completed (or refunded, transferred) before expiry held nothing.
    """
    today = today or timezone.localdate()
    last = min(date_to, today - timedelta(days=1))
    expired = _sold_at(
        PackageAssignment.objects.filter(
            status__in=(*HOLDING_STATUSES, AssignmentStatus.EXPIRED), expires_on__range=(date_from, last)
        ),
        branch,
    )
    packages: dict[str, int] = defaultdict(int)
    values: dict[str, Decimal] = defaultdict(lambda: ZERO)
    # Each valued as it stood on its last day, when it still held value.
    for row in _valued(expired):
        packages[row["package_type"]] += row["packages"]
        values[row["package_type"]] += row["value"]
    rows = [
        {"package_type": kind, "packages": packages[kind], "value": _money(values[kind])} for kind in _kinds()
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
    """Return a day's invoices, voids and the money that came in, by method and by cashier.

    Money is what was tendered that day (prepaid credit is not money in); payments of an
    invoice voided since are left out. With `cashier`, only that cashier's invoices and payments.
    """
    invoices = Invoice.objects.filter(bill_date=day)
    payments = Payment.objects.filter(_days("received_at", day, day), method__in=TENDER_METHODS).exclude(
        invoice__status=InvoiceStatus.CANCELLED
    )
    if branch is not None:
        # Money for an invoice belongs to its branch; for a credit sale or top-up (no invoice), to the package's.
        invoices = invoices.filter(branch=branch)
        payments = payments.filter(Q(invoice__branch=branch) | Q(invoice__isnull=True, assignment__branch=branch))
    if cashier is not None:
        invoices = invoices.filter(cashier=cashier)
        payments = payments.filter(received_by=cashier)
    counts = invoices.aggregate(
        issued=Count("pk", filter=Q(status=InvoiceStatus.ISSUED)),
        voided=Count("pk", filter=Q(status=InvoiceStatus.CANCELLED)),
    )
    by_method_sums = {
        row["method"]: row["amount"]
        for row in payments.order_by().values("method").annotate(amount=Sum("amount"))
    }
    by_method = [{"method": str(method), "amount": _money(by_method_sums.get(method))} for method in TENDER_METHODS]
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
    return {
        "date": day,
        "invoices": counts["issued"],
        "voided": counts["voided"],
        "by_method": by_method,
        "by_cashier": by_cashier,
        "total_collected": sum((row["amount"] for row in by_method), ZERO),
    }
