"""The API keeps GST Rule 46 and the cash limit (issue 23): a 400 in the contract's error shape
naming the field, and nothing written. The API takes no address with a sale: the error says to set
it on the customer first (PATCH /api/customers/<id>), after which the same request goes through.
"""
from decimal import Decimal

import pytest

from billing.models import Invoice, Payment
from billing.services import PaymentIn, assignment_sell
from packages.models import PackageAssignment
from receipts.models import Receipt
from tests.factories import CustomerFactory, MembershipFactory, PrepaidPackageFactory, ServiceFactory, inr

pytestmark = pytest.mark.django_db

INVOICES = "/integrated-billing/invoices"
ASSIGN = "/packages/api/assign-and-pay"
S269ST = "cash from one person in one day must stay under ₹2,00,000 (Income-tax s.269ST)."


def counts():
    return tuple(model.objects.count() for model in (Invoice, Payment, Receipt, PackageAssignment))


@pytest.fixture
def walk_in(db):
    return CustomerFactory(address="", state_code="")


def bill_body(customer, price: str, payments):
    service = ServiceFactory(price=inr(price), gst_rate=Decimal("0.00"))
    return {"customer_id": customer.pk, "items": [{"type": "service", "id": service.pk, "quantity": 1}], "payments": payments}


def sale_body(customer, template, method="upi"):
    return {
        "assignment": {"customer_id": customer.pk, "package_type": template.package_type, "package_id": template.pk},
        "payment": {"collect": True, "method": method, "reference": ""},
    }


def test_an_invoice_of_50000_without_the_address_answers_400_naming_the_fields(manager_token_client, walk_in):
    response = manager_token_client.post(INVOICES, bill_body(walk_in, "50000.00", [{"method": "upi"}]), format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False
    assert set(body["errors"]) == {"customer.address", "customer.state_code"}
    assert f"PATCH /api/customers/{walk_in.pk}" in body["error"]
    assert counts() == (0, 0, 0, 0)


def test_the_address_set_on_the_customer_lets_the_same_invoice_through(manager_token_client, walk_in):
    body = bill_body(walk_in, "50000.00", [{"method": "upi"}])
    assert manager_token_client.post(INVOICES, body, format="json").status_code == 400

    patched = manager_token_client.patch(
        f"/api/customers/{walk_in.pk}", {"address": "7 Church Street, Bengaluru 560001", "state_code": "29"}, format="json"
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["address"] == "7 Church Street, Bengaluru 560001"

    response = manager_token_client.post(INVOICES, body, format="json")
    assert response.status_code == 201, response.content
    receipt = Receipt.objects.get(pk=response.json()["receipt_id"])
    assert receipt.snapshot["customer"]["address"] == "7 Church Street, Bengaluru 560001"


def test_an_invoice_of_2_00_000_in_cash_answers_400_offering_the_other_methods(manager_token_client, customer, settings):
    settings.ROUND_OFF_TO_RUPEE = False
    response = manager_token_client.post(INVOICES, bill_body(customer, "200000.00", [{"method": "cash"}]), format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == f"Take ₹1.00 by card, UPI or bank transfer; {S269ST}"
    assert body["errors"] == {"payments": [body["error"]]}
    assert counts() == (0, 0, 0, 0)


def test_an_invoice_of_1_99_999_99_in_cash_goes_through(manager_token_client, customer, settings):
    settings.ROUND_OFF_TO_RUPEE = False
    response = manager_token_client.post(INVOICES, bill_body(customer, "199999.99", [{"method": "cash"}]), format="json")

    assert response.status_code == 201, response.content


def test_assign_and_pay_in_cash_over_the_day_limit_answers_400_on_payment_method(manager_token_client, customer, cashier):
    assignment_sell(customer=customer, template=MembershipFactory(price=inr("150000.00")), user=cashier, payment=PaymentIn("cash"))
    before = counts()

    response = manager_token_client.post(
        ASSIGN, sale_body(customer, PrepaidPackageFactory(actual_price=inr("50000.00"), after_value=inr("55000.00")), "cash"),
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["payment.method"]
    assert S269ST in body["error"] and "was already taken in cash" in body["error"]
    assert counts() == before


def test_assign_and_pay_of_a_large_taxed_package_without_the_address_answers_400(manager_token_client, walk_in):
    response = manager_token_client.post(ASSIGN, sale_body(walk_in, MembershipFactory(price=inr("60000.00"))), format="json")

    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"customer.address", "customer.state_code"}
    assert f"PATCH /api/customers/{walk_in.pk}" in body["error"]
    assert counts() == (0, 0, 0, 0)


def test_top_up_in_cash_over_the_day_limit_answers_400_on_payment_method(manager_token_client, customer, cashier):
    sale = assignment_sell(
        customer=customer, template=PrepaidPackageFactory(actual_price=inr("150000.00"), after_value=inr("160000.00")),
        user=cashier, payment=PaymentIn("cash"),
    )
    before = counts()

    response = manager_token_client.post(
        f"/api/assignments/{sale.assignment.pk}/top-up",
        {"credit": "60000.00", "price_paid": "50000.00", "payment": {"method": "cash"}},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and list(body["errors"]) == ["payment.method"]
    assert S269ST in body["error"]
    assert counts() == before
