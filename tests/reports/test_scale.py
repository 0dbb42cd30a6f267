"""The liability equals the one valuation summed, and every report's query count does not grow with the shop."""
import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.services import PaymentIn, assignment_sell
from packages.models import PackageAssignment
from packages.services.status import assignments_expire
from packages.valuation import assignment_value
from reports import selectors
from tests.factories import (
    TEMPLATE_FACTORIES,
    CustomerFactory,
    ServiceFactory,
    UserFactory,
)


def random_shop(rng: random.Random, count: int, today):
    """Sell `count` packages of random kinds, then move their dates and balances at random.

    The balances are set on the rows directly: the valuation reads only the stored figures,
    and billing each package down one bill at a time would make a slow test of a fast rule.
    """
    manager = UserFactory(groups=["Manager"])
    service = ServiceFactory(price="999.00")
    templates = [factory() for factory in TEMPLATE_FACTORIES]
    for _ in range(count):
        template = rng.choice(templates)
        sale = assignment_sell(
            customer=CustomerFactory(), template=template, user=manager, payment=PaymentIn("cash"),
            service=service if template.package_type == "service_package" else None,
            price_paid=Decimal(rng.randint(100, 90000)) + Decimal(rng.randint(0, 99)) / 100,
        )
        assignment = sale.assignment
        assigned_on = today - timedelta(days=rng.randint(0, 400))
        changes = {
            "assigned_on": assigned_on,
            "expires_on": rng.choice([None, assigned_on + timedelta(days=rng.randint(1, 800))]),
            "status": rng.choice(["active", "active", "active", "paused", "completed", "expired"]),
        }
        if assignment.total_sessions:
            remaining = rng.randint(0, assignment.total_sessions)
            changes.update(remaining_sessions=remaining, used_sessions=assignment.total_sessions - remaining)
        if assignment.credit_amount.amount:
            # Whole rupees: SQLite checks "adds up" in floating point.
            remaining = Decimal(rng.randint(0, int(assignment.credit_amount.amount)))
            changes.update(credit_remaining=remaining, credit_used=assignment.credit_amount.amount - remaining)
        PackageAssignment.objects.filter(pk=assignment.pk).update(**changes)


def journal_shop(rng: random.Random, count: int, today):
    """Sell `count` packages of random kinds and prices on random days of the last 400, then run the expire job.

    Everything goes through the services, so the journal holds what they wrote: each sale on
    its own day, and an expiry row for every package past its date.
    """
    manager = UserFactory(groups=["Manager"])
    service = ServiceFactory(price="999.00")
    templates = [factory() for factory in TEMPLATE_FACTORIES]
    for _ in range(count):
        template = rng.choice(templates)
        assignment_sell(
            customer=CustomerFactory(), template=template, user=manager, payment=PaymentIn("cash"),
            service=service if template.package_type == "service_package" else None,
            price_paid=Decimal(rng.randint(100, 90000)) + Decimal(rng.randint(0, 99)) / 100,
            bill_date=today - timedelta(days=rng.randint(0, 400)),
        )
    assignments_expire(on_date=today)


@pytest.mark.parametrize("seed", [7, 2026])
def test_the_journal_liability_is_the_valuation_summed_over_every_assignment(db, seed):
    today = timezone.localdate()
    journal_shop(random.Random(seed), 30, today)

    report = selectors.liability(as_of=today)

    expected = sum((assignment_value(assignment, today) for assignment in PackageAssignment.objects.all()), Decimal("0.00"))
    assert report["total"] == expected
    assert report["total"] == sum(row["value"] for row in report["by_kind"])
    assert expected > 0


def run_every_report(today, cashier):
    return {
        "liability": lambda: selectors.liability(as_of=today),
        "rollforward": lambda: selectors.liability_rollforward(date_from=today - timedelta(days=400), date_to=today),
        "inter_branch": lambda: selectors.inter_branch(date_from=today - timedelta(days=400), date_to=today),
        "liability_forecast": lambda: selectors.liability_forecast(months=12, today=today),
        "package_sales": lambda: selectors.package_sales(date_from=today - timedelta(days=400), date_to=today, group="month"),
        "redemptions": lambda: selectors.redemptions(date_from=today - timedelta(days=30), date_to=today),
        "breakage": lambda: selectors.breakage(date_from=today - timedelta(days=400), date_to=today),
        "expiring": lambda: selectors.expiring(within_days=365, today=today),
        "day_close": lambda: selectors.day_close(day=today),
        "day_close_cashier": lambda: selectors.day_close(day=today, cashier=cashier),
    }


def query_counts(today, cashier):
    counts = {}
    for name, report in run_every_report(today, cashier).items():
        with CaptureQueriesContext(connection) as queries:
            report()
        counts[name] = len(queries)
    return counts


def test_every_report_takes_the_same_queries_for_a_small_and_a_larger_shop(shop):
    small = query_counts(shop.today, shop.cashier)

    random_shop(random.Random(1), 25, shop.today)
    larger = query_counts(shop.today, shop.cashier)

    assert larger == small
    assert small == {
        "liability": 2, "rollforward": 5, "inter_branch": 1, "liability_forecast": 1, "package_sales": 3,
        "redemptions": 6, "breakage": 1, "expiring": 1, "day_close": 5, "day_close_cashier": 5,
    }
