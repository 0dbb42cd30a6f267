"""An eighth kind, added by a test app (tests/kindapp) alone, is sold, billed and shown.

Nothing outside tests/kindapp names `product_card`: the sale, the invoice, the
customer's packages, the counter page and the admin find it through the registry.
"""
from decimal import Decimal

import pytest
from djmoney.money import Money
from rest_framework.test import APIClient

from billing.services import PaymentIn, assignment_sell
from packages.kinds import all_kinds, registered
from packages.models import PackageAssignment
from packages.valuation import assignment_value
from tests.factories import CustomerFactory, ProductFactory, ServicePackageFactory, UserFactory
from tests.kindapp.kinds import KIND
from tests.kindapp.models import ProductCard

pytestmark = pytest.mark.django_db


@pytest.fixture
def product_card_kind():
    with registered(KIND):
        yield KIND


@pytest.fixture
def card(product_card_kind):
    return ProductCard.objects.create(
        name="Shampoo Club", price=Money("1000.00", "INR"), discount_percent=Decimal("10"), validity_months=12
    )


@pytest.fixture
def api(cashier):
    client = APIClient()
    client.force_login(cashier)
    return client


def sell(api, customer, card) -> dict:
    response = api.post(
        "/packages/api/assign-and-pay",
        {
            "assignment": {"customer_id": customer.pk, "package_type": "product_card", "package_id": card.pk},
            "payment": {"collect": True, "method": "cash"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_eighth_kind_is_registered_after_the_six(product_card_kind):
    assert all_kinds()[-1] is product_card_kind
    assert len(all_kinds()) == 7


def test_the_eighth_kind_is_sold_with_a_tax_invoice_and_its_own_tracker(api, customer, card):
    body = sell(api, customer, card)

    assignment = PackageAssignment.objects.get(pk=body["assignment_id"])
    assert assignment.package_type == "product_card"
    assert body["invoice_number"]  # taxed at sale, as the kind's default says
    assert assignment.sale_value.amount == Decimal("1000.00")
    assert assignment.price_paid.amount == Decimal("1050.00")  # 5% GST on a package without a service
    assert [(t.benefit_type, t.discount_percent) for t in assignment.trackers.all()] == [("discount", Decimal("10.00"))]
    assert assignment_value(assignment, assignment.assigned_on) == Decimal("1000.00")


def test_the_eighth_kind_is_billed_with_its_own_rule(api, customer, card, facial):
    sold = sell(api, customer, card)
    shampoo = ProductFactory(name="Herbal Shampoo", price=Money("500.00", "INR"))

    response = api.post(
        "/integrated-billing/invoices",
        {
            "customer_id": customer.pk,
            "items": [{"type": "product", "id": shampoo.pk, "quantity": 2}, {"type": "service", "id": facial.pk}],
            "payments": [{"method": "cash"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    product_line, service_line = response.json()["lines"]
    assert product_line["package_applied"]["assignment_id"] == sold["assignment_id"]
    assert product_line["package_applied"]["benefit_type"] == "discount"
    assert product_line["discount"] == "100.00"  # 10% of 2 x 500
    assert service_line["package_applied"] is None
    assert "products only" in service_line["package_note"]


def test_the_eighth_kind_is_shown_to_the_api_the_counter_and_the_admin(api, customer, card):
    sold = sell(api, customer, card)

    packages = api.get(f"/integrated-billing/customer-packages/{customer.pk}").json()["packages"]
    assert [(p["assignment_id"], p["package_type"]) for p in packages] == [(sold["assignment_id"], "product_card")]

    page = api.get(f"/integrated-billing?customer_id={customer.pk}").content.decode()
    row = page.split(f'data-assignment-id="{sold["assignment_id"]}"')[1].split("</tr>")[0]
    assert "Product card" in row and "Discount on products" in row

    admin = APIClient()
    admin.force_login(UserFactory(username="kind-admin", is_staff=True, groups=["Manager"]))
    listing = admin.get("/admin/packages/packageassignment/").content.decode()
    assert "Shampoo Club" in listing and "Discount on products" in listing


def test_a_kind_without_an_sql_valuation_is_valued_in_python_in_the_reports(api, customer, card, facial):
    from reports import selectors

    assert KIND.value_left_sql is None
    sell(api, customer, card)
    manager = UserFactory(groups=["Manager"])
    # Two groups of figures for the kind: the second sold for 630 with 5 % GST inside, 600 of value.
    assignment_sell(customer=CustomerFactory(), template=card, user=manager, payment=PaymentIn("cash"),
                 price_paid=Decimal("630.00"))
    package = ServicePackageFactory(pay_for=3, total_services=4)
    sale = assignment_sell(customer=customer, template=package, service=facial, user=manager,
                        payment=PaymentIn("cash"), price_paid=Decimal("3000.00"))
    today = sale.assignment.assigned_on

    report = selectors.liability(as_of=today)

    by_kind = {row["package_type"]: row for row in report["by_kind"]}
    assert by_kind["product_card"]["packages"] == 2
    assert by_kind["product_card"]["value"] == Decimal("1600.00")
    assert by_kind["service_package"]["value"] == sale.assignment.sale_value.amount
    assert report["total"] == sum(
        (assignment_value(assignment, today) for assignment in PackageAssignment.objects.all()), Decimal("0.00")
    )
    # The look-ahead reports value today's packages: the kind's own `value_left`, in Python.
    expiring = selectors.expiring(within_days=400, today=today)["packages"]
    assert sorted(row["value"] for row in expiring if row["package_type"] == "product_card") == [
        Decimal("600.00"), Decimal("1000.00")
    ]
