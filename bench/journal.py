"""A value journal at scale for the report bench: ten journal rows per assignment (PostgreSQL).

`python -m bench.run --postgres --journal --large` builds a shop in SQL (`build`: 500,000
assignments of the six kinds, each with its sale row in the journal) and adds nine
more rows per assignment with `INSERT ... SELECT ... generate_series`: 5,000,000 rows in
all. Redemptions of sessions and credit release 5% of the sale value each, spread over the
days since the sale; time kinds' bills release nothing (their value falls by the day); an
expired package's last row is its `expiry`, taking what is left. Each row carries what the
liability counts (value after it, holders, sessions and credit held; a time kind's sale and
expiry set its line), as the writer writes them. `value_held` is then the
sum of each assignment's rows, as the one writer keeps it. The package_usage indexes other
than its keys are dropped for the load and built again after it (faster than keeping them
up to date row by row), then the tables are analysed and the journal is folded into its
daily summary (`fold_journal`), as the nightly job would have.
"""
from __future__ import annotations

import time

from django.db import connection

ROWS_PER_ASSIGNMENT = 10
TIME_KINDS = ("membership", "yearly_membership", "student_offer")


def _secondary_indexes(cursor) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = 'package_usage' "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
    )
    return cursor.fetchall()


# Kind of assignment i: i % 10 picks from this list (service packages sell most).
KIND_CYCLE = (
    "service_package", "service_package", "service_package", "service_package", "prepaid", "prepaid",
    "membership", "yearly_membership", "student_offer", "kitty_party",
)


def build(*, customers: int, assignments: int, log=print):
    """The shop in SQL: templates through the ORM, then customers, assignments and their sale rows by generate_series.

    The Python dataset (bench/dataset.py) writes trackers too and takes minutes at 500,000
    assignments; the journal reports read only assignments and journal rows.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from bench.dataset import Dataset, _catalogue, _templates
    from branches.selectors import default_branch

    if connection.vendor != "postgresql":
        raise SystemExit("--journal needs PostgreSQL (--postgres): it loads with generate_series.")
    import random

    started = time.perf_counter()
    services, products = _catalogue(random.Random(7))
    templates = _templates(services)
    terms = []
    for position, kind in enumerate(KIND_CYCLE):
        template = templates[kind][0]
        service = services[position % len(services)]
        sessions = template.total_services if kind == "service_package" else 0
        credit = getattr(template, "after_value", None)
        price = template.list_price(service if kind == "service_package" else None).amount
        terms.append((
            position, kind, ContentType.objects.get_for_model(type(template)).pk, template.pk, template.name,
            service.pk if kind == "service_package" else None, sessions, credit.amount if credit else 0, price,
        ))
    branch_id = default_branch().pk
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO customers_customer (name, phone, email, state_code, gstin, notes, created_at, page_key)
            SELECT 'Bench customer ' || i, '+9170' || lpad(i::text, 8, '0'), '', '29', '', '', now(), md5(random()::text || i)
              FROM generate_series(1, %s) AS i
            """,
            [customers],
        )
        cursor.execute("SELECT min(id) FROM customers_customer WHERE name LIKE 'Bench customer %%'")
        first_customer = cursor.fetchone()[0]
        cursor.execute(
            "CREATE TEMP TABLE bench_terms (position int, kind text, ct int, template bigint, name text, "
            "service bigint, sessions int, credit numeric, price numeric)"
        )
        cursor.executemany("INSERT INTO bench_terms VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", terms)
        # Sold on a day in the last 400; sessions and credit valid 180 days, memberships a year.
        cursor.execute(
            """
            INSERT INTO service_package_assignment (
                package_type, package_reference_id, package_name, template_type_id, service_id, customer_id,
                branch_id, total_sessions, used_sessions, remaining_sessions,
                credit_amount, credit_amount_currency, used_credit, used_credit_currency,
                remaining_credit, remaining_credit_currency, status, assigned_on, expires_on,
                price_paid, price_paid_currency, sale_value, sale_value_currency, discount, discount_currency,
                value_held, value_held_currency, notes, price_note, created_at, updated_at)
            SELECT t.kind, t.template, t.name, t.ct, t.service, %(first)s + (i %% %(customers)s), %(branch)s,
                   t.sessions, 0, t.sessions, t.credit, 'INR', 0, 'INR', t.credit, 'INR',
                   CASE WHEN d.expires < %(today)s THEN 'expired' ELSE 'active' END, d.sold, d.expires,
                   t.price, 'INR', t.price, 'INR', 0, 'INR', 0, 'INR', '', '', now(), now()
              FROM generate_series(0::bigint, %(count)s - 1) AS i
              JOIN bench_terms t ON t.position = i %% 10
             CROSS JOIN LATERAL (
                   SELECT %(today)s - ((i * 7919) %% 400)::int AS sold,
                          %(today)s - ((i * 7919) %% 400)::int
                          + CASE WHEN t.kind IN ('service_package', 'prepaid', 'kitty_party') THEN 180 ELSE 365 END
                          AS expires) d
            """,
            {"first": first_customer, "customers": customers, "branch": branch_id, "today": today, "count": assignments},
        )
        cursor.execute(
            f"""
            INSERT INTO package_usage (
                assignment_id, branch_id, home_branch_id, package_type, kind, event, business_day,
                item_name, note, invoice_number, quantity, created_at, value, value_currency,
                value_delta, value_delta_currency, sessions_delta, sessions_before, sessions_after,
                credit_delta, credit_delta_currency, credit_before, credit_before_currency,
                credit_after, credit_after_currency, value_after, value_after_currency,
                holders_delta, sessions_held_delta, credit_held_delta, credit_held_delta_currency, line_from, line_end)
            SELECT a.id, a.branch_id, a.branch_id, a.package_type, 'sale', 'sale', a.assigned_on,
                   a.package_name, 'Package sold', '', 0, now(), 0, 'INR', a.sale_value, 'INR',
                   a.total_sessions, 0, a.total_sessions, a.credit_amount, 'INR', 0, 'INR', a.credit_amount, 'INR',
                   a.sale_value, 'INR', CASE WHEN a.sale_value > 0 THEN 1 ELSE 0 END,
                   CASE WHEN a.sale_value > 0 THEN a.total_sessions ELSE 0 END,
                   CASE WHEN a.sale_value > 0 THEN a.credit_amount ELSE 0 END, 'INR',
                   CASE WHEN a.package_type IN {TIME_KINDS!r} THEN a.assigned_on END,
                   CASE WHEN a.package_type IN {TIME_KINDS!r} THEN a.expires_on END
              FROM service_package_assignment a
            """
        )
        cursor.execute("SELECT setval(pg_get_serial_sequence('customers_customer', 'id'), max(id)) FROM customers_customer")
    log(f"  {customers:,} customers, {assignments:,} assignments and their sale rows in {time.perf_counter() - started:.1f} s")
    from django.contrib.auth import get_user_model

    cashier, _ = get_user_model().objects.get_or_create(username="bench-cashier")
    return Dataset(customers=customers, assignments=assignments, trackers=0, services=[s.pk for s in services],
                   products=[p.pk for p in products], cashier_id=cashier.pk)


def fill(*, log=print) -> int:
    """Give the dataset's sale rows their journal columns and add the rest; return the journal's row count."""
    if connection.vendor != "postgresql":
        raise SystemExit("--journal needs PostgreSQL (--postgres): it loads with generate_series.")
    started = time.perf_counter()
    extra = ROWS_PER_ASSIGNMENT - 1
    with connection.cursor() as cursor:
        indexes = _secondary_indexes(cursor)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # Row k (1..9) of each assignment: a redemption on day assigned_on + k x (days to today) / 10,
        # the last one of an expired package its expiry the day after it expired.
        cursor.execute(
            f"""
            INSERT INTO package_usage (
                assignment_id, branch_id, home_branch_id, package_type, kind, event, business_day,
                item_name, note, invoice_number, quantity, created_at,
                value, value_currency, value_delta, value_delta_currency,
                sessions_delta, sessions_before, sessions_after,
                credit_delta, credit_delta_currency, credit_before, credit_before_currency,
                credit_after, credit_after_currency, value_after, value_after_currency,
                holders_delta, sessions_held_delta, credit_held_delta, credit_held_delta_currency, line_from, line_end)
            SELECT a.id, a.branch_id, a.branch_id, a.package_type,
                   CASE WHEN last THEN 'adjustment' ELSE 'redeem' END,
                   CASE WHEN last THEN 'expiry' ELSE 'redemption' END,
                   CASE WHEN last THEN a.expires_on + 1
                        ELSE a.assigned_on + (k * (CURRENT_DATE - a.assigned_on) / {ROWS_PER_ASSIGNMENT}) END,
                   'Bench', '', '', 1, now(),
                   0, 'INR',
                   CASE WHEN last THEN -(a.sale_value - CASE WHEN timed THEN 0 ELSE {extra - 1} * share END)
                        WHEN timed THEN 0 ELSE -share END, 'INR',
                   0, 0, 0, 0, 'INR', 0, 'INR', 0, 'INR',
                   CASE WHEN last THEN 0 WHEN timed THEN a.sale_value ELSE a.sale_value - k * share END, 'INR',
                   CASE WHEN last AND a.sale_value - CASE WHEN timed THEN 0 ELSE {extra - 1} * share END > 0
                        THEN -1 ELSE 0 END,
                   CASE WHEN last THEN -a.total_sessions ELSE 0 END,
                   CASE WHEN last THEN -a.credit_amount ELSE 0 END, 'INR',
                   CASE WHEN last AND timed THEN a.expires_on + 1 END,
                   CASE WHEN last AND timed THEN a.expires_on END
              FROM (SELECT a.*, round(a.sale_value * 0.05, 2) AS share,
                           a.package_type IN {TIME_KINDS!r} AS timed
                      FROM service_package_assignment a) a
             CROSS JOIN generate_series(1, {extra}) AS k
             CROSS JOIN LATERAL (SELECT k = {extra} AND a.status = 'expired' AND a.expires_on IS NOT NULL AS last) l
            """
        )
        log(f"  journal: {extra} rows more per assignment in {time.perf_counter() - started:.1f} s")
        cursor.execute(
            """
            UPDATE service_package_assignment a SET value_held = s.held
              FROM (SELECT assignment_id, sum(value_delta) AS held FROM package_usage GROUP BY assignment_id) s
             WHERE s.assignment_id = a.id
            """
        )
        for _, definition in indexes:
            cursor.execute(definition)
        # VACUUM sets the visibility map, so the sums can read the indexes alone, as on a live shop.
        cursor.execute("VACUUM ANALYZE package_usage")
        cursor.execute("ANALYZE service_package_assignment")
        cursor.execute("SELECT count(*) FROM package_usage")
        rows = cursor.fetchone()[0]
    log(f"  journal: {rows:,} rows, value_held summed, indexes rebuilt, in {time.perf_counter() - started:.1f} s")
    from datetime import timedelta

    from packages.journal_summary import journal_fold

    folding = time.perf_counter()
    # The nightly job folds rows written at least five minutes ago; the bench's are all settled.
    fold = journal_fold(settle=timedelta(0))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE package_journal_day")
    log(f"  journal folded into {fold.groups:,} summary rows in {time.perf_counter() - folding:.1f} s")
    return rows


JOURNAL_RUNS = 3


def time_journal_reports() -> list[tuple[str, float, int]]:
    """Time the journal's reports (reports.selectors): best of three, with the query count."""
    from datetime import timedelta

    from dateutil.relativedelta import relativedelta
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from reports import selectors

    today = timezone.localdate()
    month_start = today.replace(day=1)
    reports = {
        "liability (today)": lambda: selectors.liability(as_of=today),
        "liability (90 days ago)": lambda: selectors.liability(as_of=today - timedelta(days=90)),
        "liability-rollforward (this month)": lambda: selectors.liability_rollforward(
            date_from=month_start, date_to=today
        ),
        "liability-rollforward (last quarter)": lambda: selectors.liability_rollforward(
            date_from=month_start - relativedelta(months=3), date_to=month_start - timedelta(days=1)
        ),
        "liability-rollforward (a year)": lambda: selectors.liability_rollforward(
            date_from=today - timedelta(days=364), date_to=today
        ),
    }
    results = []
    for name, report in reports.items():
        times = []
        for _ in range(JOURNAL_RUNS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                report()
                times.append(time.perf_counter() - started)
        results.append((name, min(times), len(queries)))
        print(f"report {name:38} {min(times) * 1000:8.1f} ms  {len(queries)} queries")
    return results
