"""The usage history shows each event's own money (issue 22): a top-up never rewrites what the sale shows.

A prepaid sold in October for ₹15,000, topped up ₹5,000 today: the sale row says 15,000.00 and
the top-up row 5,000.00, though the package's price paid is now 20,000.00.
"""
from datetime import date
from decimal import Decimal

import pytest

from billing.services import PaymentIn, assignment_sell
from packages.models import PackageAssignment
from tests.billing.conftest import ledger_stays_reconciled  # noqa: F401  (autouse: reconcile)
from tests.factories import CustomerFactory, KittyPartyFactory, PrepaidPackageFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db
D = Decimal


def history(client, assignment):
    response = client.get(f"/integrated-billing/package-usage/{assignment.pk}")
    assert response.status_code == 200, response.content
    return [(row["kind"], row["amount"]) for row in response.json()["usage"]]


def test_the_sale_row_keeps_its_own_money_after_a_top_up(manager_client, customer, manager):
    prepaid = assignment_sell(
        customer=customer, template=PrepaidPackageFactory(), user=manager, payment=PaymentIn("cash"),
        bill_date=date(2026, 10, 12),
    ).assignment

    topped = manager_client.post(
        f"/api/assignments/{prepaid.pk}/top-up",
        {"credit": "5500.00", "price_paid": "5000.00", "payment": {"method": "upi"}}, format="json",
    )

    assert topped.status_code == 200, topped.content
    prepaid.refresh_from_db()
    assert prepaid.price_paid.amount == D("20000.00")
    assert history(manager_client, prepaid) == [("sale", "15000.00"), ("top_up", "5000.00")]
    # Each row stores its own money, so the history reads it and never works it out again.
    assert sorted(prepaid.usages.values_list("kind", "value")) == [("sale", D("15000.00")), ("top_up", D("5000.00"))]


def test_two_top_ups_each_show_their_own_money(manager_client, customer, manager):
    kitty = assignment_sell(customer=customer, template=KittyPartyFactory(), user=manager, payment=PaymentIn("cash")).assignment

    for price in ("1000.00", "2500.00"):
        manager_client.post(
            f"/api/assignments/{kitty.pk}/top-up",
            {"credit": price, "price_paid": price, "payment": {"method": "cash"}}, format="json",
        )

    assert history(manager_client, kitty) == [("sale", "20000.00"), ("top_up", "1000.00"), ("top_up", "2500.00")]


def test_a_transfer_shows_the_value_it_moved_on_both_sides(manager_client, customer, manager, facial):
    package = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=manager,
        price_paid=D("3600.00"), payment=PaymentIn("cash"),
    ).assignment  # 3,428.57 of value, GST excluded
    sister = CustomerFactory()

    moved = manager_client.post(
        f"/api/assignments/{package.pk}/transfer", {"to_customer_id": sister.pk, "reason": "A gift"}, format="json",
    )

    assert moved.status_code == 200, moved.content
    given = PackageAssignment.objects.get(customer=sister)
    assert history(manager_client, package)[-1] == ("transfer_out", "3428.57")
    assert history(manager_client, given) == [("transfer_in", "3428.57")]
