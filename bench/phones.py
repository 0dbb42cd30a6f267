"""Benchmark reading and showing phones, and the counter's customer search, on a throwaway database.

    python -m bench.phones                    # SQLite file under /tmp
    python -m bench.phones --postgres         # PostgreSQL database spa_pkg_phones_bench (created, then dropped)

It times, best of three: `normalise_phone` on the ways a cashier types a number,
`format_phone` on stored numbers (an Indian mobile, as nearly every customer's; a foreign
one), and the customer picker's search (`GET customers/search?q=`, the page the counter
types into, as a logged-in cashier through Django's test client) by digits and by name.
It prints the figures; docs/benchmarks.md "Kept libraries" quotes them.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from bench.run import drop_database, start_django

TYPED = ["98450 12345", "+91 98450 12345", "098450-12345", "9845012345", "91 98450 12345", "٩٨٤٥٠١٢٣٤٥"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "spa_pkg_phones_bench"))
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=20_000, help="Calls per function timing.")
    parser.add_argument("--searches", type=int, default=300, help="Searches per search timing.")
    return parser.parse_args(argv)


def per_call_us(function, values, calls: int) -> float:
    """Best of three: microseconds per call of `function` over `values`, round and round."""
    values = (values * (calls // len(values) + 1))[:calls]
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for value in values:
            function(value)
        best = min(best, time.perf_counter() - started)
    return best / calls * 1e6


def search_ms(client, url: str, terms: list[str], count: int) -> tuple[float, float]:
    """Best of three runs of `count` searches: (p50, mean) in milliseconds per search."""
    best = None
    for _ in range(3):
        timings = []
        for index in range(count):
            started = time.perf_counter()
            response = client.get(url, {"q": terms[index % len(terms)]})
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        run = (statistics.median(timings), statistics.fmean(timings))
        best = run if best is None or run[1] < best[1] else best
    return best


def main(argv=None) -> int:
    args = parse_args(argv)
    start_django(args)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from bench.dataset import build
    from core.phones import format_phone
    from customers.validators import normalise_phone

    try:
        call_command("migrate", verbosity=0)
        call_command("createcachetable")
        dataset = build(customers=args.customers, assignments=args.customers, seed=7)
        stored = [f"+9170{offset:08d}" for offset in range(0, args.customers, 7)]
        print(f"normalise_phone, as typed        {per_call_us(normalise_phone, TYPED, args.calls):7.1f} µs a call")
        print(f"format_phone, an Indian mobile   {per_call_us(format_phone, stored, args.calls):7.1f} µs a call")
        print(f"format_phone, a foreign number   {per_call_us(format_phone, ['+442079460958'], args.calls // 10):7.1f} µs a call")

        cashier = get_user_model().objects.get(pk=dataset.cashier_id)
        cashier.groups.add(Group.objects.get(name="Cashier"))
        client = Client(SERVER_NAME="localhost")
        client.force_login(cashier)
        url = reverse("customer-search")
        client.get(url, {"q": "70000"})  # warm the caches
        digits = [f"{offset:08d}"[-5:] for offset in range(1, args.customers, 97)]
        for label, terms in (("by digits", digits), ("by name", ["Bench customer 12", "Bench customer 4"])):
            p50, mean = search_ms(client, url, terms, args.searches)
            print(f"customer search, {label:15} p50 {p50:6.2f} ms  mean {mean:6.2f} ms")
        return 0
    finally:
        drop_database(args)


if __name__ == "__main__":
    sys.exit(main())
