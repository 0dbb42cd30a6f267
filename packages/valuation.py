"""What a customer still holds: one value per assignment on a day (docs/journal.md), a pure function.

Reports, refunds, transfers and breakage all call `assignment_value`. It takes an
assignment, a `values()` row of one or the `AssignmentValues` below, so a report can
value thousands of rows without loading models. Each kind says how its value falls
(`Kind.value_left`); this module says which assignments hold any value at all and
rounds half-up to the paisa. A service package or credit whose journal is known (an
assignment, or a row with `value_held`) is worth what its journal holds (docs/journal.md
"Value"): the shares of `value_left`, and what adjustments and top-ups moved at their price.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db.models import Case, Expression, Value, When
from djmoney.money import Money

from core.money import ZERO, quantize_money

from .kinds import all_kinds, kind_for
from .models import AssignmentStatus
from .valuation_sql import PAISE

# Only these hold value; completed, expired (breakage), refunded or transferred hold nothing.
HOLDING_STATUSES = frozenset({AssignmentStatus.ACTIVE, AssignmentStatus.PAUSED})


def _amount(value) -> Decimal:
    if value is None:
        return ZERO
    return value.amount if isinstance(value, Money) else Decimal(value)


@dataclass(frozen=True)
class AssignmentValues:
    """The figures of one assignment its value depends on."""

    package_type: str
    status: str
    assigned_on: date
    expires_on: date | None
    sale_value: Decimal
    total_sessions: int = 0
    remaining_sessions: int = 0
    credit_total: Decimal = ZERO
    credit_remaining: Decimal = ZERO
    # The sum of its journal rows, when known (docs/journal.md): sessions and credit are worth that.
    value_held: Decimal | None = None

    @classmethod
    def of(cls, source) -> AssignmentValues:
        """Read the figures from an assignment, a mapping with its field names, or return `source`."""
        if isinstance(source, cls):
            return source
        get = source.get if isinstance(source, Mapping) else lambda name, default=None: getattr(source, name, default)
        return cls(
            package_type=str(get("package_type")),
            status=str(get("status")),
            assigned_on=get("assigned_on"),
            expires_on=get("expires_on"),
            sale_value=_amount(get("sale_value")),
            total_sessions=get("total_sessions", 0) or 0,
            remaining_sessions=get("remaining_sessions", 0) or 0,
            credit_total=_amount(get("credit_amount", get("credit_total"))),
            credit_remaining=_amount(get("credit_remaining")),
            value_held=None if get("value_held") is None else _amount(get("value_held")),
        )


def holds_value(values: AssignmentValues, on_date: date) -> bool:
    """Tell whether the assignment holds any value on `on_date`: active or paused, not past expiry."""
    if values.status not in HOLDING_STATUSES:
        return False
    return values.expires_on is None or values.expires_on >= on_date


def assignment_value(assignment_or_values, on_date: date) -> Decimal:
    """Return the value an assignment still holds on `on_date`, half-up to the paisa."""
    values = AssignmentValues.of(assignment_or_values)
    if not holds_value(values, on_date):
        return ZERO
    kind = kind_for(values.package_type)
    if values.value_held is not None and (kind.has_sessions or kind.is_credit):
        # Sessions and credit are worth what their journal holds: the shares of `value_left`, and
        # also what an adjustment released or a top-up added at its own price (docs/journal.md).
        return quantize_money(values.value_held)
    return quantize_money(kind.value_left(values, on_date))


def assignment_money_left(assignment_or_values, on_date: date, *, paid: Decimal) -> Decimal:
    """Return what the customer paid for what is left on `on_date`: `paid` x left / total, half-up to the paisa.

    The same shares as `assignment_value` (sessions left / sessions, credit left / credit,
    days left / days), of the money paid (GST included when it was taxed) instead of the sale
    value: a refund pays this back, so an unused package gives
    back exactly what was paid, and 3 of 4 sessions of ₹3,600 give back ₹2,700.00 (docs/money.md).
    """
    values = replace(AssignmentValues.of(assignment_or_values), sale_value=quantize_money(paid), value_held=None)
    return assignment_value(values, on_date)


def sql_valued_kinds() -> list[str]:
    """Return the package types whose value `assignment_value_sql` computes; the others are valued in Python."""
    return [kind.package_type for kind in all_kinds() if kind.value_left_sql is not None]


def assignment_value_sql(on_date) -> Expression:
    """Return `assignment_value` as an SQL expression in whole paise, for rows of `sql_valued_kinds()`.

    `on_date` is a date or a date expression. Like `value_left`, it values a holding
    assignment; the caller filters which ones hold value. Kinds without an SQL valuation
    give 0 here.
    """
    return Case(
        *(
            When(package_type=kind.package_type, then=kind.value_left_sql(on_date))
            for kind in all_kinds()
            if kind.value_left_sql is not None
        ),
        default=Value(0),
        output_field=PAISE,
    )
