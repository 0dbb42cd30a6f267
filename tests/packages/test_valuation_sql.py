"""The valuation in SQL (each kind's `value_left_sql`) gives `assignment_value` to the paisa, row by row.

Reports sum the SQL figure; refunds and transfers call the Python one. The rows here are
random, with the edges the formulas have: half a paisa to round, a day before the sale, no
expiry, an expiry on the day of sale, nothing left, everything left.
"""
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import F

from packages.models import PackageAssignment
from packages.services import assignment_create
from packages.valuation import assignment_value, assignment_value_sql, sql_valued_kinds
from tests.factories import (
    TEMPLATE_FACTORIES,
    CustomerFactory,
    ServiceFactory,
    ServicePackageFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def quarter_paise(rng, low, high) -> Decimal:
    # Multiples of 0.25 are exact in binary too, so SQLite's "adds up" check holds for them.
    return Decimal(rng.randint(low * 4, high * 4)) / 4


# The figures of the shares, not `value_held`: the SQL gives the shares (rows set here by hand have no journal).
SHARE_FIELDS = (
    "pk", "paise", "package_type", "status", "assigned_on", "expires_on", "sale_value", "total_sessions",
    "remaining_sessions", "credit_amount", "credit_remaining",
)


def random_assignments(rng: random.Random, count: int) -> None:
    service = ServiceFactory()
    templates = [factory() for factory in TEMPLATE_FACTORIES]
    for _ in range(count):
        template = rng.choice(templates)
        assignment = assignment_create(
            customer=CustomerFactory(), template=template,
            service=service if template.package_type == "service_package" else None,
        )
        assigned_on = TODAY - timedelta(days=rng.randint(-30, 400))
        changes = {
            "assigned_on": assigned_on,
            "expires_on": rng.choice([None, assigned_on, assigned_on + timedelta(days=rng.randint(1, 800))]),
            # Odd paise make halves of a paisa to round: 3 x 3,050.85 / 4, 1,000.02 x 3 / 4.
            "sale_value": Decimal(rng.randint(1, 9_000_000)) / 100,
        }
        if assignment.total_sessions:
            remaining = rng.randint(0, assignment.total_sessions)
            changes.update(remaining_sessions=remaining, used_sessions=assignment.total_sessions - remaining)
        if assignment.credit_amount.amount:
            remaining = min(quarter_paise(rng, 0, int(assignment.credit_amount.amount)), assignment.credit_amount.amount)
            changes.update(credit_remaining=remaining, credit_used=assignment.credit_amount.amount - remaining)
        PackageAssignment.objects.filter(pk=assignment.pk).update(**changes)


@pytest.mark.parametrize("seed", [3, 11])
def test_the_sql_valuation_gives_the_python_one_for_every_row(seed):
    random_assignments(random.Random(seed), 60)
    on_days = [TODAY, TODAY - timedelta(days=200), TODAY + timedelta(days=90)]

    for day in on_days:
        rows = PackageAssignment.objects.annotate(paise=assignment_value_sql(day)).values(*SHARE_FIELDS)
        for row in rows:
            # Which rows hold value is the caller's filter; the SQL values the ones that do.
            if row["status"] == "active" and (row["expires_on"] is None or row["expires_on"] >= day):
                assert Decimal(row["paise"]) / 100 == assignment_value(row, day), (day, row)

    # Valued on each one's own last day, as the forecast and breakage do.
    for row in PackageAssignment.objects.exclude(expires_on=None).annotate(paise=assignment_value_sql(F("expires_on"))).values(*SHARE_FIELDS):
        assert Decimal(row["paise"]) / 100 == assignment_value(row, row["expires_on"]), row


def test_the_six_kinds_are_all_valued_in_sql():
    assert sorted(sql_valued_kinds()) == sorted(
        ["prepaid", "service_package", "membership", "student_offer", "yearly_membership", "kitty_party"]
    )


def test_half_a_paisa_rounds_up_in_sql_as_in_python():
    # 3 x 1,000.02 / 4 = 750.015 -> 750.02; a 3+1 with 3 left.
    assignment = assignment_create(customer=CustomerFactory(), template=ServicePackageFactory(pay_for=3, total_services=4),
                                   service=ServiceFactory())
    PackageAssignment.objects.filter(pk=assignment.pk).update(sale_value=Decimal("1000.02"), remaining_sessions=3, used_sessions=1)

    row = PackageAssignment.objects.annotate(paise=assignment_value_sql(TODAY)).values(*SHARE_FIELDS).get(pk=assignment.pk)

    assert Decimal(row["paise"]) == Decimal("75002")
    assert assignment_value(row, TODAY) == Decimal("750.02")
