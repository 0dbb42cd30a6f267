"""Profile the counter's calls in process with cProfile, on a throwaway bench database.

    python -m bench.profile --postgres                    # 200 invoice_create, then 200 invoice_preview
    python -m bench.profile --postgres --calls 300 --top 30 --database spa_pkg_profile_me

Prints, for each call, the time per call and the functions with the most cumulative time
(our code and the ORM's), which is what docs/benchmarks.md "Profiles" summarises.
"""
from __future__ import annotations

import cProfile
import io
import os
import pstats
import random
import sys
import time

from bench.run import _cart_items, make_carts, parse_args, start_django

# Our modules, not Django's or the libraries' (pstats restrictions are regular expressions).
OUR_CODE = r"^(?!.*(site-packages|lib/python3)).*/(billing|packages|receipts|spa_pkg|catalog|customers)/"


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    calls, top = 200, 25
    for flag in ("--calls", "--top"):
        if flag in argv:
            index = argv.index(flag)
            value = int(argv[index + 1])
            del argv[index : index + 2]
            calls, top = (value, top) if flag == "--calls" else (calls, value)
    args = parse_args(["--database", os.environ.get("BENCH_DATABASE", "spa_pkg_profile"), "--customers", "2000", "--assignments", "10000", *argv])
    start_django(args)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from bench.dataset import build
    from bench.run import drop_database
    from billing.services import PaymentIn, invoice_create, invoice_preview

    try:
        call_command("migrate", verbosity=0)
        dataset = build(customers=args.customers, assignments=args.assignments, seed=args.seed, log=lambda _: None)
        cashier = get_user_model().objects.get(pk=dataset.cashier_id)
        carts = make_carts(dataset, calls * 2 + 20, random.Random(args.seed))
        create = lambda cart: invoice_create(  # noqa: E731
            customer=cart[0], items=_cart_items(cart[1]), cashier=cashier, use_credit=True,
            payments=[PaymentIn("cash")],
        )
        preview = lambda cart: invoice_preview(customer=cart[0], items=_cart_items(cart[1]), use_credit=True)  # noqa: E731
        for cart in carts[:10]:  # warm up
            preview(cart)
        for cart in carts[10:20]:
            create(cart)
        for name, call, share in (("invoice_create", create, carts[20 : 20 + calls]),
                                  ("invoice_preview", preview, carts[20 + calls :])):
            # Wall and CPU time first, without the profiler: CPU time is what a busy machine inflates least.
            timed, profiled = share[: len(share) // 2], share[len(share) // 2 :]
            wall, cpu = time.perf_counter(), time.process_time()
            for cart in timed:
                call(cart)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(
                f"\n== {name}: {len(timed)} calls, {wall / len(timed) * 1000:.2f} ms per call, "
                f"of which {cpu / len(timed) * 1000:.2f} ms CPU in this process (load {os.getloadavg()[0]:.1f})"
            )
            profiler = cProfile.Profile()
            profiler.enable()
            for cart in profiled:
                call(cart)
            profiler.disable()
            stats = pstats.Stats(profiler, stream=io.StringIO())
            total = stats.total_tt
            for title, sort, restriction in (
                ("our code, by cumulative time", "cumulative", OUR_CODE),
                ("everything, by own time", "tottime", None),
            ):
                out = io.StringIO()
                stats.stream = out
                stats.sort_stats(sort).print_stats(*([restriction] if restriction else []), top)
                print(f"-- {title} (profiled total {total / len(profiled) * 1000:.1f} ms per call)")
                print(out.getvalue().split("ncalls", 1)[-1].rstrip())
        return 0
    finally:
        drop_database(args)


if __name__ == "__main__":
    sys.exit(main())
