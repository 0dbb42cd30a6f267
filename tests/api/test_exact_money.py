"""Exact money (issue 22 item 3): a refund gives back what was paid for what is left, to the paisa.

A 3+1 facial sold for ₹3,600 with its 5% GST inside (taxable 3,428.57): unused it refunds
₹3,600.00, as its void does; with 3 of 4 sessions left ₹2,700.00, split like the sale
(taxable 2,571.43, CGST 64.29, SGST 64.29, round off -0.01). Over HTTP and the service.
"""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import Refund
from billing.services import PaymentIn, assignment_refund, assignment_refund_quote, assignment_sell, invoice_create
from receipts.models import Receipt
from tests.billing.conftest import ledger_stays_reconciled, service_item  # noqa: F401  (autouse: reconcile)
from tests.factories import MembershipFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db
D = Decimal


def sell_for_3600(customer, facial, manager):
    """The 3+1 facial sold at ₹3,600 with the GST inside (a manager's price)."""
    return assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=manager, price_paid=D("3600"),
        tax_rate=D("5"), payment=PaymentIn("upi"),
    ).assignment


@pytest.fixture
def package(customer, facial, manager):
    assignment = sell_for_3600(customer, facial, manager)
    assert (assignment.price_paid.amount, assignment.sale_value.amount) == (D("3600.00"), D("3428.57"))
    return assignment


def refund(client, assignment, **body):
    return client.post(
        f"/api/assignments/{assignment.pk}/refund", {"reason": "Moving abroad", "method": "upi", **body}, format="json"
    )


def test_an_unused_package_refunds_what_was_paid_over_http(manager_client, package):
    response = refund(manager_client, package)

    assert response.status_code == 200, response.content
    assert response.json()["refund_amount"] == "3600.00"
    note = Receipt.objects.get(number=response.json()["document_number"])
    assert note.amount.amount == D("3600.00") == Refund.objects.get().amount.amount
    summary = note.snapshot["summary"]
    assert (summary["subtotal"], summary["cgst"], summary["sgst"], summary["round_off"], summary["grand_total"]) == (
        "3428.57", "85.71", "85.71", "0.01", "3600.00",
    )


def test_three_of_four_sessions_left_refund_2700_over_http(manager_client, package, customer, facial, cashier):
    invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier)

    response = refund(manager_client, package)

    assert response.status_code == 200, response.content
    assert response.json()["refund_amount"] == "2700.00"
    note = Receipt.objects.get(number=response.json()["document_number"])
    line = note.snapshot["lines"][0]
    assert (line["taxable_value"], line["cgst"], line["sgst"], line["total"]) == ("2571.43", "64.29", "64.29", "2700.01")
    summary = note.snapshot["summary"]
    assert (summary["round_off"], summary["grand_total"]) == ("-0.01", "2700.00")
    assert note.snapshot["amount_in_words"] == "Rupees Two Thousand Seven Hundred Only"
    # The document shows the round-off line, so its figures add up to the amount paid back.
    page = manager_client.get(f"/receipts/{note.pk}").content.decode()
    assert "Round off" in page and "-₹0.01" in page


def test_the_refund_cannot_be_more_than_what_was_paid_for_what_is_left(manager_client, package, customer, facial, cashier):
    invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier)

    response = refund(manager_client, package, amount="2700.01")

    assert response.status_code == 400
    assert "₹2,700.00" in response.json()["errors"]["amount"][0]
    assert not Refund.objects.exists()


def test_the_service_refunds_the_same_figures_as_its_quote(package, customer, facial, cashier, manager):
    invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier)
    package.refresh_from_db()
    quote = assignment_refund_quote(package)

    result = assignment_refund(assignment_id=package.pk, user=manager, reason="Moving abroad", method="upi")

    assert quote.as_json() | {"on_date": None, "sale_invoice_number": None} == {
        "assignment_id": package.pk, "on_date": None, "value_left": "2571.43", "gst_rate": "5.00",
        "cgst": "64.29", "sgst": "64.29", "igst": "0.00", "gst": "128.58", "round_off": "-0.01",
        "refundable": "2700.00", "document_kind": "credit_note", "sale_invoice_number": None, "note": "",
        "refusal": None,
    }
    assert result.refund_amount == D("2700.00")


def test_an_unused_refund_and_a_void_of_the_same_sale_give_back_the_same(manager_client, customer, facial, manager):
    refunded = sell_for_3600(customer, facial, manager)
    voided = sell_for_3600(customer, facial, manager)
    sale = voided.payments.get().invoice or voided.invoice_lines.get().invoice

    refund(manager_client, refunded)
    manager_client.post(f"/integrated-billing/invoices/{sale.pk}/void", {"reason": "Wrong customer"}, format="json")

    assert sorted(Refund.objects.values_list("amount", flat=True)) == [D("3600.00"), D("3600.00")]


def test_an_unused_membership_refunds_its_price_exactly(customer, manager):
    membership = assignment_sell(
        customer=customer, template=MembershipFactory(), user=manager, price_paid=D("3600"),
        expires_on=timezone.localdate() + timedelta(days=365), payment=PaymentIn("card"),
    ).assignment

    result = assignment_refund(assignment_id=membership.pk, user=manager, reason="Unhappy", method="card")

    assert result.refund_amount == D("3600.00")
    summary = result.document.snapshot["summary"]
    assert D(summary["subtotal"]) + D(summary["cgst"]) + D(summary["sgst"]) + D(summary["round_off"]) == D("3600.00")
