"""Benchmark the billing counter: invoice_preview and invoice_create on a throwaway database.

    python -m bench.run                       # SQLite file under /tmp, 10,000 customers, 50,000 assignments
    python -m bench.run --postgres            # PostgreSQL database spa_pkg_bench (created, then dropped)
    python -m bench.run --large               # 100,000 customers, 500,000 assignments
    make bench BENCH_ARGS="--postgres --invoices 500"
    python -m bench.run --reports-only       # the dataset and the report timings only
    python -m bench.run --postgres --branches 4   # 4 workers at one branch, then at 4 branches at once
    python -m bench.run --reminders-only     # the dataset and send_reminders only
    python -m bench.run --postgres --journal --large   # 5,000,000 journal rows: liability and roll-forward
    python -m bench.run --database mine_bench   # beside another run (or BENCH_DATABASE)

It prints invoices per second and p50/p95 latency, sequentially and with concurrent
worker processes, and writes the figures with the machine they came from into
docs/benchmarks.md (one section per database, replaced on every run).
"""
from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import re
import sqlite3
import statistics
import sys
import time
from contextlib import suppress
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
PG_DATABASE = "spa_pkg_bench"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", action="store_true", help="Run on PostgreSQL (database spa_pkg_bench).")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="A PostgreSQL URL whose user may create databases (the bench database is created next to it).",
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE", PG_DATABASE),
        help="Name of the throwaway database (PostgreSQL, or /tmp/NAME.sqlite3), created, then dropped.",
    )
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--assignments", type=int, default=50_000)
    parser.add_argument("--large", action="store_true", help="100,000 customers and 500,000 assignments.")
    parser.add_argument("--invoices", type=int, default=300, help="Bills per sequential measurement.")
    parser.add_argument("--workers", type=int, default=4, help="Concurrent worker processes.")
    parser.add_argument("--per-worker", type=int, default=100, help="Invoices each concurrent worker issues.")
    parser.add_argument("--cashiers", type=int, default=4, help="Concurrent cashiers in the HTTP phase.")
    parser.add_argument("--http-bills", type=int, default=100, help="Bills each cashier issues over HTTP.")
    parser.add_argument("--no-http", action="store_true", help="Skip the HTTP phase (gunicorn; PostgreSQL only).")
    parser.add_argument("--keep", action="store_true", help="Keep the bench database afterwards.")
    parser.add_argument("--no-doc", action="store_true", help="Do not write docs/benchmarks.md.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--branches", type=int, default=1,
        help="With 2 or more: only the chain run, the workers billing at one branch, then each at its own branch.",
    )
    parser.add_argument(
        "--reports-only", action="store_true", help="Build the dataset and time the reports only (no bills)."
    )
    parser.add_argument(
        "--journal", action="store_true",
        help="PostgreSQL: ten journal rows per assignment (bench/journal.py), then time the liability and roll-forward only.",
    )
    parser.add_argument(
        "--reminders-only", action="store_true", help="Build the dataset and time send_reminders only (no bills)."
    )
    args = parser.parse_args(argv)
    if args.large:
        args.customers, args.assignments = 100_000, 500_000
    return args


# -- database ---------------------------------------------------------------------------------


def _pg_admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)


def sqlite_path(args) -> Path:
    """The SQLite bench file, named like the PostgreSQL database (/tmp/spa_pkg_bench.sqlite3 by default)."""
    return Path(f"/tmp/{args.database}.sqlite3")


def prepare_database(args) -> str:
    """Create an empty throwaway database and return its URL."""
    if args.postgres:
        _pg_admin(args.postgres_url, f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
        _pg_admin(args.postgres_url, f"CREATE DATABASE {args.database}")
        return re.sub(r"/[^/]*$", f"/{args.database}", args.postgres_url)
    for suffix in ("", "-journal", "-wal", "-shm"):
        with suppress(FileNotFoundError):
            Path(f"{sqlite_path(args)}{suffix}").unlink()
    return f"sqlite:///{sqlite_path(args)}"


def start_django(args) -> None:
    """Create the throwaway database and set Django up on it, DEBUG off, as production runs."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = prepare_database(args)
    os.environ["DJANGO_SETTINGS_MODULE"] = "spa_pkg.settings"
    os.environ["DEBUG"] = "false"
    # The reminders' figures measure sending: a run inside quiet hours (21:00-09:00 IST) would only defer.
    os.environ.setdefault("QUIET_HOURS_START", "")
    os.environ.setdefault("QUIET_HOURS_END", "")
    # DEBUG off needs a SECRET_KEY; the bench database is thrown away, so any key will do.
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-3b9e51c7d2a84f60")
    import django

    django.setup()


def drop_database(args) -> None:
    from django.db import connections

    connections.close_all()
    if args.postgres:
        _pg_admin(args.postgres_url, f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
    else:
        with suppress(FileNotFoundError):
            sqlite_path(args).unlink()


# -- workload ---------------------------------------------------------------------------------


def make_carts(dataset, count: int, rng: random.Random) -> list[tuple[int, list[tuple]]]:
    """Return (customer id, items) carts: a service a package covers, another service and a product."""
    from packages.models import AssignmentStatus, PackageAssignment, PackageType

    holders = list(
        PackageAssignment.objects.filter(
            package_type=PackageType.SERVICE_PACKAGE, status=AssignmentStatus.ACTIVE
        ).values_list("customer_id", "service_id")[: count * 4]
    )
    rng.shuffle(holders)
    carts = []
    for customer_id, service_id in holders[:count]:
        other = rng.choice([pk for pk in dataset.services if pk != service_id])
        items = [("service", service_id, 1), ("service", other, 1), ("product", rng.choice(dataset.products), 1)]
        carts.append((customer_id, items))
    return carts


def _cart_items(items):
    from billing.services import CartItem

    return [CartItem(type=kind, id=pk, quantity=quantity) for kind, pk, quantity in items]


_RAW: dict = {}


def _raw_connection():
    """Return this process's own psycopg connection for the baseline (a forked worker opens its own)."""
    from bench import baseline

    if _RAW.get("pid") != os.getpid():
        _RAW.update(pid=os.getpid(), connection=baseline.connect(os.environ["DATABASE_URL"]), tables=baseline.tables())
    return _RAW["connection"], _RAW["tables"]


def _close_raw() -> None:
    if _RAW.get("pid") == os.getpid():
        _RAW.pop("connection").close()
        _RAW.clear()


def bill(cart, cashier, *, mode: str, branch=None) -> float:
    """Preview or issue one bill (mode "preview", "create" or "baseline") at `branch`; return its latency in seconds."""
    from django.utils import timezone

    from billing.services import PaymentIn, invoice_create, invoice_preview

    customer_id, items = cart
    if mode == "baseline":
        from bench.baseline import raw_bill
        from branches.selectors import default_branch

        connection, tables = _raw_connection()
        branch = branch or default_branch()
        return raw_bill(connection, tables, cart, cashier.pk, timezone.localdate(), branch=(branch.pk, branch.code))
    started = time.perf_counter()
    if mode == "preview":
        invoice_preview(customer=customer_id, items=_cart_items(items), use_credit=True, branch=branch)
    else:
        invoice_create(
            customer=customer_id, items=_cart_items(items), cashier=cashier, use_credit=True,
            payments=[PaymentIn("cash")], branch=branch,
        )
    return time.perf_counter() - started


def sequential(carts, cashier, *, mode: str) -> tuple[list[float], float]:
    started = time.perf_counter()
    latencies = [bill(cart, cashier, mode=mode) for cart in carts]
    return latencies, time.perf_counter() - started


def _worker(payload) -> list[float]:
    """Issue a worker's share of invoices in its own process (its own database connection)."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    from branches.models import Branch

    connections.close_all()  # never share the parent's connection
    carts, cashier_id, mode, branch_id = payload
    cashier = get_user_model().objects.get(pk=cashier_id)
    branch = Branch.objects.get(pk=branch_id) if branch_id else None
    try:
        return [bill(cart, cashier, mode=mode, branch=branch) for cart in carts]
    finally:
        connections.close_all()
        if mode == "baseline":
            _close_raw()


def concurrent(carts, cashier_id: int, workers: int, *, mode: str, branch_ids=()) -> tuple[list[float], float]:
    """Bill with `workers` processes at once; with `branch_ids`, worker i bills at branch i (else all at the first)."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    shares = [
        (carts[index::workers], cashier_id, mode, branch_ids[index] if branch_ids else None) for index in range(workers)
    ]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.map(_worker, shares)
    elapsed = time.perf_counter() - started
    return [latency for result in results for latency in result], elapsed


def statements_per_call(dataset, cashier, rng) -> dict[str, int]:
    """Count the statements of a preview and an invoice (three lines, and one line on a free session)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from billing.services import PaymentIn, invoice_create, invoice_preview

    three, one = make_carts(dataset, 2, rng)
    one = (one[0], one[1][:1])
    calls = {
        "invoice_preview, 3 lines": lambda: invoice_preview(customer=three[0], items=_cart_items(three[1]), use_credit=True),
        "invoice_create, 3 lines": lambda: invoice_create(
            customer=three[0], items=_cart_items(three[1]), cashier=cashier, use_credit=True, payments=[PaymentIn("cash")]
        ),
        "invoice_create, 1 line (a free session)": lambda: invoice_create(
            customer=one[0], items=_cart_items(one[1]), cashier=cashier, use_credit=True, payments=[PaymentIn("cash")]
        ),
    }
    counts = {}
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as queries:
            call()
        counts[name] = statement_count(queries)
    return counts


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def statement_count(queries) -> int:
    """Count the statements a call sent, leaving out BEGIN and COMMIT (Django logs them on PostgreSQL)."""
    return sum(1 for query in queries if not query["sql"].startswith(TRANSACTION_CONTROL))


def figures(latencies: list[float], elapsed: float) -> dict:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "count": len(latencies),
        "per_second": len(latencies) / elapsed,
        "p50_ms": cuts[49] * 1000,
        "p95_ms": cuts[94] * 1000,
        "load": os.getloadavg()[0],  # the 1-minute load average when the measurement ended
    }


# -- machine and report -----------------------------------------------------------------------


def _cpu_model() -> str:
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory() -> str:
    with suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def machine(postgres: bool) -> dict:
    import django
    from django.db import connection

    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        database = f"SQLite {sqlite3.sqlite_version} (IMMEDIATE transactions)"
    return {
        "cpus": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory": _memory(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database,
        "os": f"{platform.system()} {platform.release()}",
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "load": " ".join(f"{value:.1f}" for value in os.getloadavg()),
        "busy": os.getloadavg()[0] > (os.cpu_count() or 1),
    }


def render(
    args, host: dict, dataset, build_seconds: float, results: dict, reconcile: tuple[int, int, float],
    ratios: dict, statements: dict, http_rows: dict,
) -> str:
    name = "PostgreSQL" if args.postgres else "SQLite"
    lines = [
        f"### {name}",
        "",
        f"Measured {host['date']} on {host['cpus']} CPUs ({host['cpu']}), {host['memory']} RAM, {host['os']}; "
        f"Python {host['python']}, Django {host['django']}, {host['database']}. "
        f"Load average (1, 5, 15 min) when the run ended: {host['load']}"
        + (" (the machine was busy with other work)." if host["busy"] else "."),
        "",
        f"Dataset: {dataset.customers:,} customers, {dataset.assignments:,} assignments, "
        f"{dataset.trackers:,} tracker rows, {dataset.assignments:,} sale ledger rows, built in {build_seconds:.1f} s "
        f"({'COPY' if args.postgres else 'executemany'} batches).",
        "",
        "| measurement | bills | bills/second | p50 latency | p95 latency | load |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, row in results.items():
        lines.append(
            f"| {label} | {row['count']:,} | {row['per_second']:.1f} | {row['p50_ms']:.1f} ms | {row['p95_ms']:.1f} ms "
            f"| {row['load']:.1f} |"
        )
    if ratios:
        lines += ["", "invoice_create ÷ raw-SQL baseline (bills per second): " + ", ".join(
            f"{workers} worker{'s' if workers > 1 else ''} **{ratio:.2f}**" for workers, ratio in ratios.items()
        ) + "."]
    lines += ["", "Statements per call (BEGIN and COMMIT not counted): " + ", ".join(f"{name} **{count}**" for name, count in statements.items()) + "."]
    if http_rows:
        lines += [
            "",
            "Over HTTP: gunicorn with `gunicorn.conf.py` (docs/operations.md \"Production\"), DEBUG off, `DB_CONN_MAX_AGE=60` "
            "with health checks, API token; each cashier runs customer-packages, preview and invoices per bill "
            "on customers of their own. Bills/second counts whole bills (all three calls).",
            "",
            "| call | calls | bills/second | p50 latency | p95 latency | statements per call | load |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for label, row in http_rows.items():
            lines.append(
                f"| {label} | {row['count']:,} | {row['per_second']:.1f} | {row['p50_ms']:.1f} ms "
                f"| {row['p95_ms']:.1f} ms | {row['queries']} | {row['load']:.1f} |"
            )
        single, several = (row for label, row in http_rows.items() if label.startswith("invoices, "))
        cpus = os.cpu_count() or 1
        lines += ["", f"Over HTTP, {args.cashiers} cashiers issue **{several['per_second'] / single['per_second']:.1f}x** "
                  f"the invoices per second of one. One cashier's calls run one after another (the client waits "
                  f"for gunicorn, gunicorn for PostgreSQL), so one cashier keeps at most one core busy: the whole "
                  f"machine kept {single['cores_busy']:.2f} of its {cpus} cores busy for one cashier and "
                  f"{several['cores_busy']:.2f} for {args.cashiers}. On {cpus} cores, {args.cashiers} cashiers can "
                  f"therefore reach at most {cpus / single['cores_busy']:.1f}x one cashier's rate "
                  f"({cpus} / {single['cores_busy']:.2f})."]
    checked, differences, seconds = reconcile
    lines += [
        "",
        f"Afterwards `reconcile_packages` checked {checked:,} assignments in {seconds:.1f} s: "
        f"{differences} difference(s).",
        "",
        f"Command: `python -m bench.run{' --postgres' if args.postgres else ''} --customers {args.customers} "
        f"--assignments {args.assignments} --invoices {args.invoices} --workers {args.workers} "
        f"--per-worker {args.per_worker}"
        + (f" --cashiers {args.cashiers} --http-bills {args.http_bills}" if http_rows else "")
        + "`",
    ]
    return "\n".join(lines)


DOC_HEAD = """# Benchmarks

`make bench` (or `python -m bench.run`) builds a throwaway database with `bench/dataset.py`
(customers, assignments of every kind with their tracker rows and sale ledger rows, in
plain batches: COPY on PostgreSQL, executemany on SQLite), then times what the counter does:

- `invoice_preview`: the computation alone (reads only);
- `invoice_create`: the whole transaction (the customer's packages locked, the bill computed
  once on the locked rows, invoice, lines, ledger rows, balances, stock, payments, receipt
  snapshot, two numbers);
- on PostgreSQL, **the raw-SQL baseline** (`bench/baseline.py`), right after
  `invoice_create` in the same process and database: one psycopg transaction that writes
  what an invoice writes (catalogue prices read, the customer's service packages locked,
  the stock taken, both numbers in one upsert, receipt, invoice, lines, ledger row, payment,
  package and tracker balances) with no ORM and no rules. The figure to watch is
  **invoice_create ÷ baseline**, their bills per second, sequentially and with 4 workers:
  both run on the same machine a moment apart, so the ratio holds when the machine is busy
  and the absolute figures do not;
- on PostgreSQL, **the HTTP phase** (`bench/http.py`): gunicorn started with
  `gunicorn.conf.py`, exactly as docs/operations.md "Production" runs it (3 processes of 4 threads,
  `DB_CONN_MAX_AGE=60` with health checks, `DEBUG=false`), and cashiers with an API token
  each doing what the billing page does per bill: `GET customer-packages?active=true`,
  `POST preview`, `POST invoices` with a fresh `Idempotency-Key`, on customers of their own;
  one cashier, then four at once (`--cashiers`). The server is stopped, its whole process
  group, whatever happens, and every request has a timeout. Statements per call are counted
  in the same run with Django's test client on the same URLs (BEGIN and COMMIT not counted).

Each bill is a three-line cart for a customer who holds a service package: the service
the package covers (a free session), another service and a product, with `use_credit`
on (credit held by the customer pays first) and cash for the rest. Concurrent runs use
separate worker processes, each with its own database connection, on customers picked
at random (so they rarely wait for each other's packages), and no customer is billed twice.
Latency is per call, measured in the process that made it.

`python -m bench.profile --postgres` profiles 200 `invoice_create` and 200
`invoice_preview` calls with cProfile on a small throwaway database (see "Profiles").
`--database NAME` (or `BENCH_DATABASE`) names the throwaway PostgreSQL database, so two
people can bench one server at once.

The figures below are real runs; each database has its own section, replaced by the
next run on it. `pgbench -c 4 -j 2 -T 20` gives about 3,000 TPC-B transactions per
second on these machines, the ceiling one invoice transaction is up
against.
"""


REPORT_RUNS = 3


def time_reports() -> list[tuple[str, float, int]]:
    """Run each report (reports.selectors) on the bench dataset: best of three times, and its query count."""
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from reports import selectors

    today = timezone.localdate()
    reports = {
        "liability": lambda: selectors.liability(as_of=today),
        "liability-forecast (12 months)": lambda: selectors.liability_forecast(months=12, today=today),
        "package-sales (a year by month)": lambda: selectors.package_sales(
            date_from=today - timedelta(days=365), date_to=today, group="month"
        ),
        "package-sales (90 days by day)": lambda: selectors.package_sales(
            date_from=today - timedelta(days=89), date_to=today, group="day"
        ),
        "redemptions (a year)": lambda: selectors.redemptions(date_from=today - timedelta(days=365), date_to=today),
        "breakage (a year)": lambda: selectors.breakage(date_from=today - timedelta(days=365), date_to=today),
        "expiring (30 days)": lambda: selectors.expiring(within_days=30, today=today),
        "day-close (today)": lambda: selectors.day_close(day=today),
    }
    results = []
    for name, report in reports.items():
        times = []
        for _ in range(REPORT_RUNS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                report()
                times.append(time.perf_counter() - started)
        results.append((name, min(times), len(queries)))
        print(f"report {name:34} {min(times) * 1000:8.1f} ms  {len(queries)} queries")
    return results


def reports_section(args) -> str:
    """The docs section a report run replaces: one per database, and one more for `--large`."""
    return f"reports-{'postgresql' if args.postgres else 'sqlite'}{'-large' if args.large else ''}"


def render_reports(args, host: dict, dataset, timings: list[tuple[str, float, int]]) -> str:
    name = "PostgreSQL" if args.postgres else "SQLite"
    lines = [
        f"### Reports, {name}" + (f", the `--large` dataset ({dataset.assignments:,} assignments)" if args.large else ""),
        "",
        f"Measured {host['date']}, {host['database']}, load average {host['load']}; "
        f"{dataset.assignments:,} assignments of {dataset.customers:,} customers"
        + (" (no bills: `--reports-only`)." if args.reports_only else f", after the {name} billing run's bills."),
        "",
        "| report | time (best of 3) | queries |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {label} | {seconds * 1000:.1f} ms | {queries} |" for label, seconds, queries in timings]
    lines += [
        "",
        f"Command: `python -m bench.run{' --postgres' if args.postgres else ''}{' --reports-only' if args.reports_only else ''} "
        f"--customers {args.customers} --assignments {args.assignments}`",
    ]
    return "\n".join(lines)


def render_journal(args, host: dict, dataset, rows: int, timings: list[tuple[str, float, int]]) -> str:
    lines = [
        f"### The value journal, PostgreSQL: {dataset.assignments:,} assignments, {rows:,} journal rows",
        "",
        f"Measured {host['date']}, {host['database']}, {host['cpu']}, load average {host['load']}; "
        "ten journal rows per assignment (bench/journal.py), no bills.",
        "",
        "| report | time (best of 3) | queries |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {label} | {seconds * 1000:.1f} ms | {queries} |" for label, seconds, queries in timings]
    lines += [
        "",
        f"Command: `python -m bench.run --postgres --journal --customers {args.customers} --assignments {args.assignments}`",
    ]
    return "\n".join(lines)


CHAIN_FORMATS = {
    "INVOICE_NUMBER_FORMAT": "{branch}{date:%y%m%d}{seq:04d}",
    "RECEIPT_NUMBER_FORMAT": "{branch}-R{date:%y%m%d}{seq:04d}",
    "CREDIT_NOTE_NUMBER_FORMAT": "{branch}-C{date:%y%m%d}{seq:04d}",
    "REFUND_VOUCHER_NUMBER_FORMAT": "{branch}-V{date:%y%m%d}{seq:04d}",
}


def open_branches(count: int) -> list[int]:
    """Return the ids of `count` branches: the first one and new ones (a chain's GSTINs, check digits computed)."""
    from branches.models import Branch
    from branches.selectors import default_branch
    from core.gstin import gstin_check_digit

    ids = [default_branch().pk]
    for number in range(2, count + 1):
        gstin14 = f"29ABCFE{number:04d}F1Z"
        branch, _ = Branch.objects.get_or_create(
            code=f"BR{number}",
            defaults={"name": f"Branch {number}", "address": "Bengaluru", "state_code": "29",
                      "gstin": gstin14 + gstin_check_digit(gstin14)},
        )
        ids.append(branch.pk)
    return ids


def chain_run(args, dataset, take) -> dict[str, dict]:
    """The same workers billing at one branch (one shared number row), then each at its own branch."""
    branch_ids = open_branches(args.branches)
    workers = args.branches
    share = workers * args.per_worker
    results = {}
    for mode, label in (("create", "invoice_create"), ("baseline", "raw-SQL baseline")):
        if mode == "baseline" and not args.postgres:
            continue
        results[f"{label}, {workers} workers at 1 branch"] = figures(
            *concurrent(take(share), dataset.cashier_id, workers, mode=mode, branch_ids=[branch_ids[0]] * workers)
        )
        results[f"{label}, {workers} workers at {workers} branches"] = figures(
            *concurrent(take(share), dataset.cashier_id, workers, mode=mode, branch_ids=branch_ids)
        )
    for label, row in results.items():
        print(f"{label:44} {row['count']:5} bills  {row['per_second']:7.1f}/s  p50 {row['p50_ms']:6.1f} ms  "
              f"p95 {row['p95_ms']:6.1f} ms")
    return results


def render_chain(args, host: dict, results: dict[str, dict]) -> str:
    lines = [
        f"### A chain: {args.branches} workers at one branch, then at {args.branches} branches at once ({host['database']})",
        "",
        f"Measured {host['date']} on {host['cpu']} ({host['cpus']} CPUs, {host['memory']}), load average "
        f"{host['load']}; {args.customers:,} customers, {args.assignments:,} assignments, "
        f"{args.per_worker} bills per worker, formats with `{{branch}}`.",
        "",
        "| run | bills | bills/s | p50 | p95 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {label} | {row['count']} | {row['per_second']:.1f} | {row['p50_ms']:.1f} ms | {row['p95_ms']:.1f} ms |"
        for label, row in results.items()
    ]
    lines += [
        "",
        f"Command: `python -m bench.run{' --postgres' if args.postgres else ''} --branches {args.branches} "
        f"--customers {args.customers} --assignments {args.assignments} --per-worker {args.per_worker}`",
    ]
    return "\n".join(lines)


def time_reminders() -> dict:
    """Run the daily reminder job (`send_reminders`: write the due rows, send on the console backend) twice.

    The first run writes and sends everything due today; the second finds nothing new (at
    most once). The console backends' output goes to /dev/null, so the terminal is not the
    bottleneck being measured.
    """
    import contextlib
    import logging

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from notifications.models import Notification
    from notifications.services import reminders_run

    settings.SMS_BACKEND = settings.WHATSAPP_BACKEND = "console"
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    logger = logging.getLogger("notifications")
    with open(os.devnull, "w") as sink:
        handler = logging.StreamHandler(sink)
        logger.addHandler(handler)
        logger.propagate = False
        runs = []
        try:
            for _ in range(2):
                # Counted, not logged: the query log keeps only the last 9,000 statements.
                statements = [0]

                def count(execute, sql, params, many, context, statements=statements):
                    statements[0] += 1
                    return execute(sql, params, many, context)

                with contextlib.redirect_stdout(sink), connection.execute_wrapper(count):
                    started = time.perf_counter()
                    run = reminders_run(on_date=timezone.localdate())
                    runs.append((time.perf_counter() - started, statements[0], run))
        finally:
            logger.removeHandler(handler)
            logger.propagate = True
    counts = dict(Notification.objects.order_by().values_list("status").annotate(n=Count("pk")))
    for seconds, queries, run in runs:
        print(
            f"send_reminders: {run.written:,} rows written, {len(run.report.sent):,} sent "
            f"in {seconds:.2f} s, {queries} queries"
        )
    return {"runs": runs, "counts": counts}


def render_reminders(args, host: dict, dataset, timing: dict) -> str:
    name = "PostgreSQL" if args.postgres else "SQLite"
    (first_s, first_q, first), (second_s, second_q, second) = timing["runs"]
    counts = timing["counts"]
    lines = [
        f"### Reminders (`send_reminders`), {name}",
        "",
        f"Measured {host['date']}, {host['database']}, load average {host['load']}; "
        f"{dataset.assignments:,} assignments of {dataset.customers:,} customers; channels e-mail and SMS, "
        "console backends (output to /dev/null). The bench customers have no e-mail address, so each "
        "e-mail reminder is written as skipped with that reason and each SMS is sent.",
        "",
        "| run | rows written | sent | time | queries |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| first (everything due today) | {first.written:,} | {len(first.report.sent):,} | {first_s:.2f} s | {first_q:,} |",
        f"| second (nothing new: at most once) | {second.written:,} | {len(second.report.sent):,} | "
        f"{second_s:.2f} s | {second_q:,} |",
        "",
        "Rows by status afterwards: " + ", ".join(f"{status} {count:,}" for status, count in sorted(counts.items())) + ".",
        "The due packages are selected in SQL (one query per threshold), rows are inserted 1,000 at a time, "
        "and each send leases, loads and marks one message (three statements and one commit a message, so a killed run "
        "leaves only the message in flight leased; docs/notifications.md): the query count grows with the "
        "messages sent, never with the packages on file.",
        "",
        f"Command: `python -m bench.run{' --postgres' if args.postgres else ''} --reminders-only "
        f"--customers {args.customers} --assignments {args.assignments}`",
    ]
    return "\n".join(lines)


def write_doc(section_name: str, body: str) -> None:
    text = DOC.read_text() if DOC.exists() else DOC_HEAD
    start, end = f"<!-- bench:{section_name} -->", f"<!-- /bench:{section_name} -->"
    block = f"{start}\n{body}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text)


# -- main -------------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.branches > 1:  # a chain numbers per branch (branches.checks)
        os.environ.update(CHAIN_FORMATS)
    start_django(args)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from bench.dataset import build
    from packages.services import balances_reconcile

    try:
        print(f"Database: {os.environ['DATABASE_URL']}")
        call_command("migrate", verbosity=0)
        call_command("createcachetable")
        started = time.perf_counter()
        print(f"Building {args.customers:,} customers and {args.assignments:,} assignments...")
        if args.journal:
            from bench.journal import build as build_in_sql

            build = build_in_sql  # noqa: F811 - the journal bench's shop, all in SQL
        dataset = build(customers=args.customers, assignments=args.assignments, **({} if args.journal else {"seed": args.seed}))
        build_seconds = time.perf_counter() - started
        print(f"  built in {build_seconds:.1f} s")

        if args.journal:
            from bench.journal import fill, time_journal_reports

            rows = fill()
            timings = time_journal_reports()
            if not args.no_doc:
                write_doc("journal-postgresql", render_journal(args, machine(args.postgres), dataset, rows, timings))
                print(f"Wrote {DOC.relative_to(ROOT)}")
            return 0

        if args.reminders_only:
            timing = time_reminders()
            if not args.no_doc:
                body = render_reminders(args, machine(args.postgres), dataset, timing)
                write_doc(f"reminders-{'postgresql' if args.postgres else 'sqlite'}", body)
                print(f"Wrote {DOC.relative_to(ROOT)}")
            return 0

        if args.reports_only:
            timings = time_reports()
            if not args.no_doc:
                body = render_reports(args, machine(args.postgres), dataset, timings)
                write_doc(reports_section(args), body)
                print(f"Wrote {DOC.relative_to(ROOT)}")
            return 0

        rng = random.Random(args.seed)
        cashier = get_user_model().objects.get(pk=dataset.cashier_id)
        if args.branches > 1:
            # Each run gets fresh carts while they last; then carts come round again (those bills pay in full).
            chain_carts = itertools.cycle(make_carts(dataset, 4 * args.branches * args.per_worker + 1, rng))
            bill(next(chain_carts), cashier, mode="preview")  # warm the caches
            results = chain_run(args, dataset, lambda count: [next(chain_carts) for _ in range(count)])
            if not args.no_doc:
                body = render_chain(args, machine(args.postgres), results)
                write_doc(f"branches-{'postgresql' if args.postgres else 'sqlite'}", body)
                print(f"Wrote {DOC.relative_to(ROOT)}")
            return 0
        share = args.workers * args.per_worker if args.workers > 1 else 0
        baseline = args.postgres
        # Every bill gets a cart of its own: a customer never billed twice (their free session is spent).
        wanted = args.invoices * (3 if baseline else 2) + share * (3 if baseline else 2)
        carts = iter(make_carts(dataset, wanted, rng))

        def take(count):
            return [next(carts) for _ in range(count)]

        results, ratios = {}, {}
        bill(make_carts(dataset, 1, rng)[0], cashier, mode="preview")  # warm the caches (content types, query compilation)
        results["invoice_preview, sequential"] = figures(*sequential(take(args.invoices), cashier, mode="preview"))
        results["invoice_create, sequential"] = figures(*sequential(take(args.invoices), cashier, mode="create"))
        if baseline:
            results["raw-SQL baseline, sequential"] = figures(*sequential(take(args.invoices), cashier, mode="baseline"))
            _close_raw()
            ratios[1] = results["invoice_create, sequential"]["per_second"] / results["raw-SQL baseline, sequential"]["per_second"]
        if args.workers > 1:
            results[f"invoice_preview, {args.workers} workers"] = figures(
                *concurrent(take(share), dataset.cashier_id, args.workers, mode="preview")
            )
            created = results[f"invoice_create, {args.workers} workers"] = figures(
                *concurrent(take(share), dataset.cashier_id, args.workers, mode="create")
            )
            if baseline:
                raw = results[f"raw-SQL baseline, {args.workers} workers"] = figures(
                    *concurrent(take(share), dataset.cashier_id, args.workers, mode="baseline")
                )
                ratios[args.workers] = created["per_second"] / raw["per_second"]
        for label, row in results.items():
            print(
                f"{label:32} {row['count']:5} bills  {row['per_second']:7.1f}/s  "
                f"p50 {row['p50_ms']:6.1f} ms  p95 {row['p95_ms']:6.1f} ms"
            )
        for workers, ratio in ratios.items():
            print(f"invoice_create / raw-SQL baseline, {workers} worker(s): {ratio:.2f} (bills per second)")
        statements = statements_per_call(dataset, cashier, rng)
        print("statements per call: " + ", ".join(f"{name} {count}" for name, count in statements.items()))
        http_rows = {}
        if args.postgres and not args.no_http:
            from bench.http import http_phase

            http_carts = make_carts(dataset, 1 + args.cashiers * (args.http_bills + 1) + args.http_bills, rng)
            http_rows = http_phase(
                database_url=os.environ["DATABASE_URL"], carts=http_carts, counters=args.cashiers,
                per_counter=args.http_bills, figures=figures,
            )
            for label, row in http_rows.items():
                print(
                    f"HTTP {label:34} {row['count']:5} calls  {row['per_second']:7.1f} bills/s  "
                    f"p50 {row['p50_ms']:6.1f} ms  p95 {row['p95_ms']:6.1f} ms  {row['queries']} queries  "
                    f"{row['cores_busy']:.2f} cores busy"
                )

        started = time.perf_counter()
        report = balances_reconcile()
        reconcile = (report.checked, len(report.differences), time.perf_counter() - started)
        print(f"reconcile: {reconcile[0]:,} assignments, {reconcile[1]} differences, {reconcile[2]:.1f} s")

        timings = time_reports()
        reminders = time_reminders()
        host = machine(args.postgres)
        body = render(args, host, dataset, build_seconds, results, reconcile, ratios, statements, http_rows)
        if not args.no_doc:
            write_doc("postgresql" if args.postgres else "sqlite", body)
            write_doc(reports_section(args), render_reports(args, host, dataset, timings))
            write_doc(
                f"reminders-{'postgresql' if args.postgres else 'sqlite'}", render_reminders(args, host, dataset, reminders)
            )
            print(f"Wrote {DOC.relative_to(ROOT)}")
        return 0 if not report.differences else 1
    finally:
        if not args.keep:
            drop_database(args)


if __name__ == "__main__":
    sys.exit(main())
