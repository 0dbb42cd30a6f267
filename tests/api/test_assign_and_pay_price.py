"""Who may set a package's sale price, and its GST rate, through POST /packages/api/assign-and-pay."""
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from billing.models import Invoice
from packages.models import PackageAssignment
from tests.factories import PrepaidPackageFactory, ServicePackageFactory

from .test_assign_and_pay import URL, nothing_written, sale

pytestmark = pytest.mark.django_db
PERMISSION = "packages.override_package_price"


@pytest.fixture
def cashier_token_client(cashier):
    """The attack's own caller: a cashier's API token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=cashier).key}")
    return client


@pytest.mark.parametrize(
    "assignment",
    [{"price_paid": "1"}, {"discount": "14999"}, {"price_paid": "0"}, {"price_paid": "20000"}],
    ids=["price-1", "discount-14999", "price-0", "above-list"],
)
def test_a_cashier_cannot_sell_a_prepaid_at_another_price_403_and_nothing_written(
    cashier_token_client, customer, assignment
):
    template = PrepaidPackageFactory(actual_price="15000.00", after_value="17500.00")

    response = cashier_token_client.post(
        URL, sale(customer, template, assignment=assignment, payment={"method": "cash"}), format="json"
    )

    body = response.json()
    assert response.status_code == 403, body
    assert body["success"] is False
    assert "Only a manager may sell this package at another price" in body["error"]
    assert PERMISSION in body["error"]
    assert list(body["errors"]) == [f"assignment.{next(iter(assignment))}"]
    assert nothing_written()


def test_a_cashier_cannot_sell_a_service_package_for_nothing(cashier_token_client, customer, facial):
    response = cashier_token_client.post(
        URL, sale(customer, ServicePackageFactory(), facial, assignment={"price_paid": "0"}), format="json"
    )

    assert response.status_code == 403
    assert response.json()["errors"] == {"assignment.price_paid": [response.json()["error"]]}
    assert nothing_written()


def test_a_cashier_sells_at_the_list_price_and_may_name_it(cashier_token_client, customer, facial):
    # 3 x 1,200 + 5% GST = 3,780: naming the list total is no override.
    response = cashier_token_client.post(
        URL, sale(customer, ServicePackageFactory(), facial, assignment={"price_paid": "3780.00"}), format="json"
    )

    assert response.status_code == 201, response.json()
    assert PackageAssignment.objects.get().price_note == ""


def test_a_manager_sells_at_another_price_and_the_receipt_and_usage_say_who(manager_client, customer, facial):
    template = ServicePackageFactory(name="3+1 Facial Package")

    response = manager_client.post(
        URL, sale(customer, template, facial, assignment={"price_paid": "1200.00"}), format="json"
    )

    answer = response.json()
    assert response.status_code == 201, answer
    said = "Price set to ₹1,200.00 by manager-test (list ₹3,600.00 + GST)"
    assert PackageAssignment.objects.get().price_note == said
    receipt = manager_client.get(answer["receipt_url"]).content.decode()
    assert said in receipt
    usage = manager_client.get(f"/integrated-billing/package-usage/{answer['assignment_id']}").json()["usage"]
    assert [(row["kind"], row["by"], row["reason"]) for row in usage] == [
        ("sale", "manager-test", f"Package sold. {said}")
    ]


def test_a_cashier_may_give_the_configured_discount_and_no_more(cashier_client, customer, settings):
    settings.CASHIER_MAX_DISCOUNT_PERCENT = "10"
    template = PrepaidPackageFactory(actual_price="15000.00", after_value="17500.00")

    within = cashier_client.post(URL, sale(customer, template, assignment={"discount": "1500.00"}), format="json")
    beyond = cashier_client.post(URL, sale(customer, template, assignment={"discount": "1500.01"}), format="json")

    assert within.status_code == 201, within.json()
    assert beyond.status_code == 403
    assert "at most 10%" in beyond.json()["error"]
    sold = PackageAssignment.objects.get()
    assert sold.price_paid.amount == Decimal("13500.00")
    assert sold.price_note == "Discount ₹1,500.00 by cashier-test (list ₹15,000.00)"


def test_with_the_default_setting_a_cashier_gives_no_discount(cashier_client, customer, facial):
    response = cashier_client.post(
        URL, sale(customer, ServicePackageFactory(), facial, assignment={"discount": "0.01"}), format="json"
    )

    assert response.status_code == 403
    assert "no discount may be given" in response.json()["error"]
    assert nothing_written()


# --- the GST rate -----------------------------------------------------------------------------


@pytest.mark.parametrize("rate", ["0", "7.3", "18"])
def test_a_tax_rate_other_than_the_packages_own_is_refused_on_the_field(cashier_client, customer, facial, rate):
    response = cashier_client.post(
        URL, sale(customer, ServicePackageFactory(), facial, invoice={"tax_rate": rate}), format="json"
    )

    body = response.json()
    assert response.status_code == 400, body
    assert list(body["errors"]) == ["invoice.tax_rate"]
    assert "The GST rate of this package is 5%" in body["errors"]["invoice.tax_rate"][0]
    assert nothing_written()


def test_the_packages_own_rate_may_be_named(cashier_client, customer, facial):
    response = cashier_client.post(
        URL, sale(customer, ServicePackageFactory(), facial, invoice={"tax_rate": "5.00"}), format="json"
    )

    assert response.status_code == 201, response.json()
    invoice = Invoice.objects.get()
    assert (invoice.cgst.amount, invoice.sgst.amount) == (Decimal("90.00"), Decimal("90.00"))


def test_a_kind_without_a_service_takes_its_configured_rate(manager_client, customer, settings):
    from tests.factories import MembershipFactory

    settings.PACKAGE_GST_RATES = {"membership": "18"}
    template = MembershipFactory(price="10000.00")

    refused = manager_client.post(URL, sale(customer, template, invoice={"tax_rate": "5"}), format="json")
    sold = manager_client.post(URL, sale(customer, template), format="json")

    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["invoice.tax_rate"]
    assert sold.status_code == 201, sold.json()
    line = Invoice.objects.get().lines.get()
    assert (line.gst_rate, line.cgst.amount, line.sgst.amount) == (Decimal("18.00"), Decimal("900.00"), Decimal("900.00"))


def test_a_cashier_cannot_drop_the_gst_by_selling_without_a_tax_invoice(cashier_client, manager_client, customer, facial):
    body = sale(customer, ServicePackageFactory(), facial, invoice={"create": False})

    refused = cashier_client.post(URL, body, format="json")

    assert refused.status_code == 403
    assert list(refused.json()["errors"]) == ["invoice.create"]
    assert nothing_written()
    sold = manager_client.post(URL, body, format="json")
    assert sold.status_code == 201, sold.json()
    assert PackageAssignment.objects.get().price_note == "Sold without a tax invoice by manager-test"
