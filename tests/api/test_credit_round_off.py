"""Kitty and prepaid credit pay the round-off too: when credit covers the bill, nothing is payable (issue 22).

Ten ₹622 services at 18% for a kitty party of 10: 6,220.00 + 559.80 + 559.80 = 7,339.60, round
off +0.40, grand total 7,340.00. The kitty's credit pays all 7,340.00; the invoice needs no
payment method.
"""
import re
from decimal import Decimal

import pytest

from billing.models import Invoice
from billing.services import PaymentIn, assignment_sell
from tests.billing.conftest import ledger_stays_reconciled  # noqa: F401  (autouse: reconcile)
from tests.factories import KittyPartyFactory, PrepaidPackageFactory, ServiceFactory, inr

pytestmark = pytest.mark.django_db
D = Decimal
PREVIEW = "/integrated-billing/preview"
INVOICES = "/integrated-billing/invoices"


@pytest.fixture
def manicure(db):
    return ServiceFactory(name="Party manicure", price=inr("622.00"), gst_rate=D("18.00"))


@pytest.fixture
def kitty(customer, manicure, manager):
    return assignment_sell(
        customer=customer, template=KittyPartyFactory(min_guests=10, services_included=[manicure]), user=manager,
        payment=PaymentIn("cash"),
    ).assignment


def party_bill(customer, manicure, **extra):
    line = {"type": "service", "id": manicure.pk, "quantity": 10, "staff_id": None, "assignment_id": None}
    return {"customer_id": customer.pk, "items": [{**line, **extra.pop("line", {})}], "guests": 10, **extra}


def test_the_kitty_credit_pays_the_round_off_and_nothing_is_payable(cashier_client, customer, manicure, kitty):
    response = cashier_client.post(PREVIEW, party_bill(customer, manicure, use_credit=True), format="json")

    assert response.status_code == 200, response.content
    summary = response.json()["summary"]
    assert (summary["round_off"], summary["grand_total"]) == ("0.40", "7340.00")
    assert (summary["credit_applied"], summary["amount_payable"]) == ("7340.00", "0.00")


def test_the_invoice_paid_by_kitty_credit_needs_no_payment_method(cashier_client, customer, manicure, kitty):
    response = cashier_client.post(INVOICES, party_bill(customer, manicure, use_credit=True), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["summary"]["amount_payable"] == "0.00"
    invoice = Invoice.objects.get(pk=response.json()["invoice_id"])
    assert [(p.method, p.amount.amount) for p in invoice.payments.all()] == [("prepaid_credit", D("7340.00"))]
    kitty.refresh_from_db()
    assert kitty.credit_remaining.amount == D("25000.00") - D("7340.00")


def test_a_kitty_chosen_for_the_line_pays_the_round_off_too(cashier_client, customer, manicure, kitty):
    bill = party_bill(customer, manicure, line={"assignment_id": kitty.pk}, use_credit=False)

    response = cashier_client.post(INVOICES, bill, format="json")

    assert response.status_code == 201, response.content
    assert (response.json()["summary"]["credit_applied"], response.json()["summary"]["amount_payable"]) == (
        "7340.00", "0.00",
    )


def test_prepaid_credit_chosen_for_every_line_pays_the_round_off(cashier_client, customer, manicure, manager):
    prepaid = assignment_sell(customer=customer, template=PrepaidPackageFactory(), user=manager, payment=PaymentIn("cash"))
    bill = party_bill(customer, manicure, line={"assignment_id": prepaid.assignment.pk}, use_credit=False)

    response = cashier_client.post(PREVIEW, bill, format="json")

    assert response.json()["summary"]["amount_payable"] == "0.00"


def test_credit_short_of_the_round_off_leaves_only_what_it_cannot_pay(cashier_client, customer, manicure, manager):
    template = KittyPartyFactory(min_guests=10, services_included=[manicure], price=inr("7000.00"), after_value=inr("7339.70"))
    assignment_sell(customer=customer, template=template, user=manager, payment=PaymentIn("cash"))

    response = cashier_client.post(PREVIEW, party_bill(customer, manicure, use_credit=True), format="json")

    summary = response.json()["summary"]
    assert (summary["credit_applied"], summary["amount_payable"]) == ("7339.70", "0.30")


def test_the_counter_offers_generate_without_a_payment_method(client, cashier, customer, manicure, kitty):
    htmx = {"HTTP_HX_REQUEST": "true"}
    client.force_login(cashier)
    client.post("/integrated-billing/cart", {"action": "customer", "customer": str(customer.pk)}, **htmx)
    client.post("/integrated-billing/cart", {"action": "add-service", "add_service": str(manicure.pk)}, **htmx)
    uid = client.session["counter_cart"]["lines"][0]["uid"]

    html = client.post(
        "/integrated-billing/cart",
        {f"line-{uid}-quantity": "10", "guests": "10", "use_credit": "on", "pay-0-method": ""},
        **htmx,
    ).content.decode()

    assert 'data-summary="credit_applied" data-value="7340.00"' in html
    assert 'data-summary="amount_payable" data-value="0.00"' in html
    assert "Choose how the customer pays" not in html
    assert re.search(r'id="generate-invoice"[^>]*\sdisabled[\s>]', html) is None
