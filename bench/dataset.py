"""Bulk-create a realistic spa: catalogue, customers, assignments of every kind, trackers and sale ledger rows.

The catalogue and templates go through the ORM; the big tables go in with plain
`executemany` batches, so 50,000 assignments take seconds. The rows are what the
services would have written (the tracker rows of `tracker_rows_for`, one sale ledger
row each), and the bench runs reconcile_packages on the result to prove it.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from djmoney.money import Money

from branches.selectors import default_branch
from catalog.models import Product, Service
from customers.links import new_page_key
from customers.models import Customer
from packages.kinds import kind_for
from packages.ledger import releases_by_time
from packages.models import (
    AssignmentStatus,
    KittyParty,
    Membership,
    PackageAssignment,
    PackageBenefitTracker,
    PackageType,
    PackageUsage,
    PrepaidPackage,
    ServicePackage,
    StudentOffer,
    UsageKind,
    YearlyMembership,
)

BATCH = 2000
# Share of each kind among the assignments: service packages are what spas sell most.
KIND_WEIGHTS = {
    PackageType.SERVICE_PACKAGE: 40,
    PackageType.PREPAID: 20,
    PackageType.MEMBERSHIP: 10,
    PackageType.YEARLY_MEMBERSHIP: 10,
    PackageType.STUDENT_OFFER: 10,
    PackageType.KITTY_PARTY: 10,
}


def inr(amount) -> Money:
    return Money(Decimal(amount), "INR")


@dataclass(frozen=True)
class Dataset:
    customers: int
    assignments: int
    trackers: int
    services: list[int]
    products: list[int]
    cashier_id: int


def _catalogue(rng: random.Random) -> tuple[list[Service], list[Product]]:
    services = Service.objects.bulk_create(
        Service(
            name=f"Bench service {index:02d}",
            category="Bench",
            price=inr(rng.choice(["499.00", "799.00", "1200.00", "1249.00", "2000.00", "3500.00"])),
            gst_rate=Decimal("5.00"),
            sac_code=rng.choice(["999721", "999722", "999723"]),
        )
        for index in range(20)
    )
    products = Product.objects.bulk_create(
        Product(
            name=f"Bench product {index:02d}",
            sku=f"BENCH-{index:04d}",
            price=inr(rng.choice(["349.00", "599.00", "899.00"])),
            gst_rate=rng.choice([Decimal("5.00"), Decimal("18.00")]),
            hsn_code="3304",
            stock_quantity=1_000_000,
        )
        for index in range(10)
    )
    return services, products


def _templates(services: list[Service]) -> dict[str, list]:
    today = timezone.localdate()
    templates = {
        PackageType.SERVICE_PACKAGE: [
            ServicePackage.objects.create(name="3+1", pay_for=3, total_services=4, validity_months=6),
            ServicePackage.objects.create(name="5+2", pay_for=5, total_services=7, validity_months=12),
        ],
        PackageType.PREPAID: [
            PrepaidPackage.objects.create(name="Gold 17,500", actual_price=inr(15000), after_value=inr(17500)),
            PrepaidPackage.objects.create(name="Silver 5,750", actual_price=inr(5000), after_value=inr(5750)),
        ],
        PackageType.MEMBERSHIP: [Membership.objects.create(name="Glow membership", price=inr(50000))],
        PackageType.YEARLY_MEMBERSHIP: [
            YearlyMembership.objects.create(name="Yearly 15%", price=inr(10000), discount_percent=Decimal("15"))
        ],
        PackageType.STUDENT_OFFER: [
            StudentOffer.objects.create(
                name="Student 20%",
                discount_percentage=Decimal("20"),
                valid_from=today - timedelta(days=60),
                valid_to=today + timedelta(days=300),
                valid_days="Mon-Fri",
            )
        ],
        PackageType.KITTY_PARTY: [
            KittyParty.objects.create(name="Kitty 25,000", price=inr(20000), after_value=inr(25000), min_guests=8)
        ],
    }
    templates[PackageType.MEMBERSHIP][0].services_included.set(services[:5])
    templates[PackageType.KITTY_PARTY][0].services_included.set(services[5:10])
    # Re-read with the included services prefetched: tracker_rows_for reads them once per template.
    templates[PackageType.MEMBERSHIP] = list(Membership.objects.prefetch_related("services_included"))
    templates[PackageType.KITTY_PARTY] = list(KittyParty.objects.prefetch_related("services_included"))
    return templates


class _Inserter:
    """Insert plain rows (COPY on PostgreSQL, executemany elsewhere): the ORM would take minutes."""

    def __init__(self, model, *, with_ids: bool = False):
        self.model = model
        self.fields = [field for field in model._meta.concrete_fields if with_ids or not field.primary_key]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.defaults = {}
        for field in self.fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.defaults[field.attname] = now
            else:
                self.defaults[field.attname] = _plain(field.get_default())
        columns = ", ".join(connection.ops.quote_name(field.column) for field in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        table = connection.ops.quote_name(model._meta.db_table)
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        self.rows: list[tuple] = []

    def add(self, **values) -> None:
        merged = {**self.defaults, **{key: _plain(value) for key, value in values.items()}}
        self.rows.append(tuple(merged[field.attname] for field in self.fields))

    def flush(self) -> int:
        count = len(self.rows)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # COPY is PostgreSQL's bulk path
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                for start in range(0, count, 5000):
                    cursor.executemany(self.sql, self.rows[start : start + 5000])
        self.rows = []
        return count

    def next_id(self) -> int:
        return (self.model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _plain(value):
    if isinstance(value, Money):
        return value.amount
    if hasattr(value, "value") and isinstance(value, str):  # TextChoices members
        return value.value
    return value


def _money(prefix: str, amount) -> dict:
    return {prefix: Decimal(amount), f"{prefix}_currency": "INR"}


def _tracker_rows(inserter: _Inserter, a: dict, template) -> int:
    """Add the tracker rows the kind grants at a sale (`Kind.tracker_rows`; reconcile checks them)."""
    assignment = PackageAssignment(
        id=a["id"], customer_id=a["customer_id"], package_type=a["kind"], service_id=a["service_id"],
        total_sessions=a["sessions"], used_sessions=0, remaining_sessions=a["sessions"],
        credit_amount=Money(a["credit"], "INR"), credit_used=Money(0, "INR"), credit_remaining=Money(a["credit"], "INR"),
        status=a["status"], assigned_on=a["assigned_on"], expires_on=a["expires_on"],
    )
    rows = kind_for(a["kind"]).tracker_rows(assignment, template)
    for row in rows:
        inserter.add(**{
            field.attname: getattr(row, field.attname)
            for field in inserter.fields
            if not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
        })
    return len(rows)


@transaction.atomic
def build(*, customers: int = 10_000, assignments: int = 50_000, seed: int = 7, log=print) -> Dataset:
    """Create the dataset in the current database (expected empty) and return what was made."""
    rng = random.Random(seed)
    today = timezone.localdate()
    cashier, _ = get_user_model().objects.get_or_create(username="bench-cashier")
    services, products = _catalogue(rng)
    templates = _templates(services)
    branch_id = default_branch().pk  # sold at the first branch; packages are used at any
    content_types = {kind: ContentType.objects.get_for_model(type(choices[0])).pk for kind, choices in templates.items()}

    people = _Inserter(Customer, with_ids=True)
    first_customer = people.next_id()
    customer_ids = list(range(first_customer, first_customer + customers))
    for offset, pk in enumerate(customer_ids):
        people.add(id=pk, name=f"Bench customer {offset}", phone=f"+9170{offset:08d}", state_code="29", page_key=new_page_key())
    people.flush()
    log(f"  {customers:,} customers")

    holdings = _Inserter(PackageAssignment, with_ids=True)
    trackers, ledger = _Inserter(PackageBenefitTracker), _Inserter(PackageUsage)
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    first_assignment = holdings.next_id()
    tracker_count = 0
    for index in range(assignments):
        # Every customer gets at least one package; the rest are spread at random.
        customer_id = customer_ids[index] if index < customers else rng.choice(customer_ids)
        kind = rng.choices(kinds, weights)[0]
        template = rng.choice(templates[kind])
        service = rng.choice(services) if kind_for(kind).service_chosen_at_sale else None
        assigned_on = today - timedelta(days=rng.randint(0, 200))
        expires_on = template.default_expiry(assigned_on)
        name = template.name if service is None else f"{template.name} – {service.name}"
        a = {
            "id": first_assignment + index,
            "customer_id": customer_id,
            "kind": kind,
            "service_id": service.pk if service else None,
            "sessions": kind_for(kind).sessions_granted(template),
            "credit": kind_for(kind).credit_granted(template),
            "status": AssignmentStatus.EXPIRED if expires_on and expires_on < today else AssignmentStatus.ACTIVE,
            "assigned_on": assigned_on,
            "expires_on": expires_on,
        }
        holdings.add(
            id=a["id"], customer_id=customer_id, branch_id=branch_id, package_type=kind, template_type_id=content_types[kind],
            template_id=template.pk, package_name=name, service_id=a["service_id"],
            total_sessions=a["sessions"], used_sessions=0, remaining_sessions=a["sessions"],
            **_money("credit_amount", a["credit"]), **_money("credit_used", 0), **_money("credit_remaining", a["credit"]),
            status=a["status"], assigned_on=assigned_on, expires_on=expires_on,
            # As sold without a sale invoice: no GST, so the sale value is the price paid.
            **_money("price_paid", template.list_price(service).amount),
            **_money("sale_value", template.list_price(service).amount), notes="",
            **_money("value_held", template.list_price(service).amount),
        )
        tracker_count += _tracker_rows(trackers, a, template)
        ledger.add(
            assignment_id=a["id"], branch_id=branch_id, kind=UsageKind.SALE, item_name=name, note="Package sold",
            sessions_delta=a["sessions"], sessions_before=0, sessions_after=a["sessions"],
            **_money("credit_delta", a["credit"]), **_money("credit_before", 0), **_money("credit_after", a["credit"]),
            # Its journal columns, as the one writer writes a sale (docs/journal.md).
            event="sale", business_day=assigned_on, package_type=kind, home_branch_id=branch_id,
            **_money("value_delta", template.list_price(service).amount),
            # What the liability counts (docs/journal.md "The snapshot"), and a time kind's line.
            **_money("value_after", template.list_price(service).amount),
            holders_delta=int(template.list_price(service).amount > 0),
            sessions_held_delta=a["sessions"] if template.list_price(service).amount > 0 else 0,
            **_money("credit_held_delta", a["credit"] if template.list_price(service).amount > 0 else 0),
            line_from=assigned_on if releases_by_time(kind) else None,
            line_end=expires_on if releases_by_time(kind) else None,
        )
    holdings.flush()
    trackers.flush()
    ledger.flush()
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Customer, PackageAssignment]):
            cursor.execute(statement)
        # A shop's tables have statistics (autovacuum keeps them); fresh COPYs have none yet.
        cursor.execute("ANALYZE")
    log(f"  {assignments:,} assignments, {tracker_count:,} tracker rows, {assignments:,} sale ledger rows")
    return Dataset(
        customers=customers,
        assignments=assignments,
        trackers=tracker_count,
        services=[service.pk for service in services],
        products=[product.pk for product in products],
        cashier_id=cashier.pk,
    )
