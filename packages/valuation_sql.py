"""The valuation of `packages.valuation` as SQL, so reports sum it in the database.

Each kind's `value_left_sql(on_date)` gives the value an assignment holds, in whole paise,
half-up, as an expression over its own columns: exactly what `assignment_value` gives for
the same row, times 100 (tests compare the two on random shops). It is integer arithmetic,
so rounding is exact on both databases: an amount becomes paise, a quotient is rounded
half-up as (2a + b) div 2b. PostgreSQL computes in `numeric`, which cannot overflow; SQLite
in 64-bit integers, exact while credit x sale value stays under 4.6 x 10^18 paise squared
(a crore of credit bought for a crore).

The expressions only value; which assignments hold value at all (active or paused, not
past expiry) is the caller's filter, as in `assignment_value`.
"""
from __future__ import annotations

from datetime import date

from django.db.models import Case, DateField, DecimalField, Expression, F, Func, Q, Value, When
from django.db.models.functions import Greatest

# Whole paise; Decimal on PostgreSQL (numeric), int on SQLite.
PAISE = DecimalField(max_digits=30, decimal_places=0)


class Paise(Func):
    """An amount column in whole paise."""

    template = "(%(expressions)s * 100)"
    output_field = PAISE

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite keeps a decimal column as REAL; 13988.57 * 100 is 1398856.9999..., so round it.
        return self.as_sql(compiler, connection, template="CAST(ROUND(%(expressions)s * 100) AS INTEGER)", **extra_context)


class Days(Func):
    """Whole days from the second date to the first (later - earlier)."""

    arity = 2
    arg_joiner = " - "
    template = "(%(expressions)s)"  # date - date is an integer on PostgreSQL
    output_field = PAISE

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class HalfUpQuotient(Func):
    """numerator / denominator rounded half-up to a whole number, exactly (numerator >= 0, denominator > 0)."""

    arity = 2
    output_field = PAISE

    def as_sql(self, compiler, connection, **extra_context):
        (numerator, n_params), (denominator, d_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        params = (*n_params, *d_params, *d_params)
        if connection.vendor == "postgresql":
            return f"DIV(2 * ({numerator}) + ({denominator}), 2 * ({denominator}))", params
        # Both sides are integers on SQLite, so `/` divides and truncates.
        return f"((2 * ({numerator}) + ({denominator})) / (2 * ({denominator})))", params


def _on(on_date: date | Expression) -> Expression:
    return on_date if hasattr(on_date, "resolve_expression") else Value(on_date, output_field=DateField())


def sessions_value_sql(on_date) -> Expression:
    """Remaining sessions x sale value / total sessions, in paise."""
    return Case(
        When(total_sessions__gt=0, then=HalfUpQuotient(F("remaining_sessions") * Paise("sale_value"), F("total_sessions"))),
        default=Value(0),
        output_field=PAISE,
    )


def credit_value_sql(on_date) -> Expression:
    """Credit remaining x sale value / credit total, in paise."""
    return Case(
        When(
            credit_amount__gt=0,
            then=HalfUpQuotient(Paise("credit_remaining") * Paise("sale_value"), Paise("credit_amount")),
        ),
        default=Value(0),
        output_field=PAISE,
    )


def time_value_sql(on_date) -> Expression:
    """Sale value x days left / days total, straight from assigned_on to expires_on, in paise.

    `on_date` is a date or a date expression (F("expires_on") values each row on its last day).
    """
    days_total = Days("expires_on", "assigned_on")
    days_left = Days("expires_on", Greatest(_on(on_date), "assigned_on", output_field=DateField()))
    return Case(
        When(Q(expires_on__isnull=True), then=Paise("sale_value")),
        When(Q(expires_on__lte=F("assigned_on")), then=Paise("sale_value")),
        default=HalfUpQuotient(
            Paise("sale_value") * Greatest(days_left, Value(0), output_field=PAISE), days_total
        ),
        output_field=PAISE,
    )


def line_value_sql(on_date) -> Expression:
    """A journal row's time-kind line on `on_date`, in paise: `packages.ledger.Line.value_on` in SQL.

    `value_after` on `line_from` (and before it), falling straight to nothing on `line_end`;
    with no `line_end` (paused, or no expiry) it stays `value_after` (docs/journal.md "Time kinds").
    """
    day = _on(on_date)
    return Case(
        When(Q(line_end__isnull=True) | Q(line_from__gte=day), then=Paise("value_after")),
        When(line_end__lte=day, then=Value(0)),
        default=HalfUpQuotient(Paise("value_after") * Days("line_end", day), Days("line_end", "line_from")),
        output_field=PAISE,
    )
