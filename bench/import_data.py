"""Rows of packages a spa already holds, for the demo file and the import bench (docs/going-live.md).

    python -m bench.import_data docs/samples/demo-import.csv                # 500 customers, 800 packages
    python -m bench.import_data /tmp/10k.csv --customers 6000 --packages 10000

The rows name the demo shop's templates and services (`manage.py seed_demo`), across the six
kinds, each in force today: sessions or credit left, some with the spa's own value left.
Plain Python, no Django: the demo file is written once and committed.
"""
from __future__ import annotations

import argparse
import csv
import random
from datetime import date, timedelta
from pathlib import Path

HEADER = [
    "phone", "name", "email", "kind", "package", "service", "sessions left", "credit left",
    "price paid", "value left", "sold on", "expires on", "reference",
]
FIRST = [
    "Asha", "Priya", "Kavya", "Ananya", "Divya", "Meera", "Sneha", "Lakshmi", "Pooja", "Nisha", "Rahul", "Arjun",
    "Vikram", "Karthik", "Rohan", "Sanjay", "Farah", "Zoya", "Imran", "Neha", "Deepa", "Ritu", "Suresh", "Manoj",
]
LAST = [
    "Rao", "Shetty", "Iyer", "Nair", "Reddy", "Kulkarni", "Sharma", "Gowda", "Menon", "Pillai", "Hegde", "Khan",
    "Das", "Patil", "Joshi", "Bhat", "Naidu", "Kapoor", "Fernandes", "Prabhu",
]
# The demo shop's services (seed_demo) and their prices, for the service packages ("3+1": pay for 3).
SERVICES = {"Hydrating Facial": 1200, "Swedish Massage": 2500, "Haircut": 499, "Hair Spa": 1499, "Gold Facial": 1800}
# kind, template (by name or by terms), validity in days (None: the template's), weight
KINDS = [
    ("Service package", "3+1", 180, 40),
    ("Prepaid credit", "Prepaid 15,000", 365, 20),
    ("Membership", "Gold Membership", 365, 10),
    ("Student offer", "Student 20% (Mon-Fri)", None, 10),
    ("Yearly membership", "Yearly Membership", 365, 10),
    ("Kitty party", "pay 20,000 get 25,000", 90, 10),
]


def _day(value: date) -> str:
    return value.strftime("%d-%m-%Y")


def _row(index: int, person: tuple[str, str, str], rng: random.Random, today: date) -> list[str]:
    kind, package, validity, _ = rng.choices(KINDS, weights=[weight for *_, weight in KINDS])[0]
    phone, name, email = person
    # Sold lately, so the committed demo file stays in force for months after it was written.
    sold_on = today - timedelta(days=rng.randint(0, min(60, (validity or 90) - 60)))
    expires_on = _day(sold_on + timedelta(days=validity)) if validity else ""
    service = sessions = credit = value = ""
    if kind == "Service package":
        service = rng.choice(list(SERVICES))
        price = 3 * SERVICES[service]
        sessions = str(rng.randint(1, 4))
    elif kind == "Prepaid credit":
        price, credit = 15000, f"{rng.randint(10, 350) * 50:,}"
    elif kind == "Kitty party":
        price, credit = 20000, f"{rng.randint(20, 500) * 50:,}"
    else:
        price = {"Membership": 50000, "Student offer": 0, "Yearly membership": 100000}[kind]
    if price and rng.random() < 0.1:  # the spa's own figure for a few
        value = f"{rng.randint(1, 9) * price // 20:.2f}"
    return [
        phone, name, email, kind, package, service, sessions, credit, str(price), value, _day(sold_on),
        expires_on, f"OLD-{index:06d}",
    ]


def demo_rows(*, customers: int, packages: int, seed: int = 23, today: date | None = None) -> list[list[str]]:
    """Return `packages` rows for `customers` people (every one holds at least one), header first."""
    rng = random.Random(seed)
    today = today or date.today()
    people = []
    for index in range(customers):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first.lower()}.{last.lower()}{index}@example.com" if rng.random() < 0.6 else ""
        digits = f"{9845000000 + index * 37}"
        people.append((f"{digits[:5]} {digits[5:]}", f"{first} {last}", email))
    rows = [HEADER]
    for index in range(packages):
        person = people[index] if index < customers else rng.choice(people)
        rows.append(_row(index + 1, person, rng, today))
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--packages", type=int, default=800)
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="The day the rows are in force (YYYY-MM-DD).")
    args = parser.parse_args(argv)
    rows = demo_rows(customers=args.customers, packages=args.packages, seed=args.seed, today=args.today)
    write_csv(args.path, rows)
    print(f"Wrote {args.packages:,} packages of {args.customers:,} customers to {args.path}")


if __name__ == "__main__":
    main()
