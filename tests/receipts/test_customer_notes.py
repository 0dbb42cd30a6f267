"""Receipts print only what a customer should read (issue 10, item 7).

The counter keeps its why-not reasons (the preview's `package_note`, in the API as the
contract says); the tax invoice, on screen, printed or as PDF, says what a package paid for
and where its tax was paid, and nothing of the rules that kept a package off a line.
"""
import json
from io import BytesIO

import pytest
from pypdf import PdfReader

from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create
from core.money import format_inr
from receipts.pdf import render_receipt_pdf
from receipts.selectors import receipt_document
from tests.factories import (
    CustomerFactory,
    KittyPartyFactory,
    ProductFactory,
    ServiceFactory,
    ServicePackageFactory,
    UserFactory,
    YearlyMembershipFactory,
    inr,
)

pytestmark = pytest.mark.django_db

GUEST_RULE = "needs at least 10 guests"


@pytest.fixture
def bill(cashier, facial):
    """A facial from a 3+1 package and a massage a kitty party cannot pay (no guests on the bill)."""
    customer = CustomerFactory(name="Asha Rao", phone="+919845012345")
    massage = ServiceFactory(name="Swedish Massage")
    sale = assignment_sell(
        customer=customer, template=ServicePackageFactory(name="3+1 Facial Package"), service=facial, user=cashier,
        payment=PaymentIn("cash"),
    )
    assignment_sell(
        customer=customer, template=KittyPartyFactory(name="Kitty Party 20,000", services_included=[massage]),
        user=cashier, payment=PaymentIn("cash"),
    )
    items = [CartItem(type="service", id=facial.pk, quantity=1), CartItem(type="service", id=massage.pk, quantity=1)]
    result = invoice_create(customer=customer, items=items, cashier=cashier, payments=[PaymentIn("upi")])
    return {"result": result, "sale": sale, "customer": customer, "massage": massage, "facial": facial}


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_the_counter_still_hears_why_the_kitty_party_did_not_apply(client, cashier, bill):
    client.force_login(cashier)
    body = {
        "customer_id": bill["customer"].pk,
        "items": [{"type": "service", "id": bill["massage"].pk, "quantity": 1}],
        "payments": [{"method": "cash"}],
    }

    response = client.post("/integrated-billing/preview", json.dumps(body), content_type="application/json")

    assert GUEST_RULE in response.json()["lines"][0]["package_note"]


def test_the_tax_invoice_page_leaves_out_the_counters_reasons(client, cashier, bill):
    client.force_login(cashier)
    receipt = bill["result"].receipt

    for paper in ("", "?format=a4", "?format=thermal"):
        html = client.get(f"/receipts/{receipt.pk}{paper}").content.decode()
        assert GUEST_RULE not in html
        assert "this bill has" not in html


@pytest.mark.parametrize("paper", ["a4", "thermal"])
def test_the_pdf_says_what_the_package_paid_for_in_the_customers_words(bill, paper):
    receipt = bill["result"].receipt
    sold_on = bill["sale"].invoice.number

    text = " ".join(pdf_text(render_receipt_pdf(receipt, paper=paper)).split())

    assert f"Hydrating Facial, session 1 of 4 from 3+1 Facial Package; tax paid on {sold_on}" in text
    assert GUEST_RULE not in text
    assert "covered)" not in text  # one customer line per redeemed session, not a second "Package: ..." line


def test_an_old_receipt_with_a_reason_in_its_snapshot_prints_without_it(client, cashier, bill):
    # Receipts are immutable: one issued before this change keeps the reason in its snapshot.
    receipt = bill["result"].receipt
    snapshot = receipt.snapshot
    snapshot["lines"][1]["package_note"] = '"Kitty Party 20,000" needs at least 10 guests; this bill has 0.'
    receipt.snapshot = snapshot
    receipt.save(allow_update=True)
    client.force_login(cashier)

    html = client.get(f"/receipts/{receipt.pk}").content.decode()

    assert GUEST_RULE not in html
    assert GUEST_RULE not in pdf_text(render_receipt_pdf(receipt))


def test_the_grand_total_is_printed_at_the_top_of_the_document_too(client, cashier, bill):
    client.force_login(cashier)
    receipt = bill["result"].receipt

    html = client.get(f"/receipts/{receipt.pk}").content.decode()

    top = html.index('data-testid="top-total"')
    assert top < html.index("Billed to") < html.index("class=\"lines\"")
    assert "Packages in admin" not in html


@pytest.mark.django_db
def test_a_package_sale_receipt_lists_the_package_before_the_subtotal_not_as_covered_by_packages():
    sale = assignment_sell(
        customer=CustomerFactory(), template=ServicePackageFactory(pay_for=3, total_services=4),
        service=ServiceFactory(), user=UserFactory(), payment=PaymentIn(method="upi"),
    )
    rows = [row["label"] for row in receipt_document(sale.receipt)["summary_rows"]]
    assert rows[:2] == ["Packages", "Subtotal"]
    assert "of which covered by packages" not in rows


def test_a_package_discount_is_named_as_a_discount_and_taxes_print_their_rates(cashier, facial):
    """Issue 25 item 6: a discount package is not "covered by packages"; CGST and SGST say their rates."""
    customer = CustomerFactory()
    assignment_sell(customer=customer, template=YearlyMembershipFactory(name="Gold 15%"), user=cashier, payment=PaymentIn("cash"))
    serum = ProductFactory(name="Vitamin C Serum", price=inr("850.00"))
    items = [CartItem(type="service", id=facial.pk, quantity=1), CartItem(type="product", id=serum.pk, quantity=1)]
    result = invoice_create(customer=customer, items=items, cashier=cashier, payments=[PaymentIn("upi")])

    rows = {row["label"]: row["amount"] for row in receipt_document(result.receipt)["summary_rows"]}

    assert "of which covered by packages" not in rows
    assert rows["Discount (incl. Gold 15%)"] == format_inr(result.invoice.discount.amount)
    assert rows["CGST 2.5% and 9%"] == format_inr(result.invoice.cgst.amount)
    assert rows["SGST 2.5% and 9%"] == format_inr(result.invoice.sgst.amount)


def test_sessions_a_package_paid_for_are_still_covered_by_packages(bill):
    rows = {row["label"]: row["amount"] for row in receipt_document(bill["result"].receipt)["summary_rows"]}

    assert rows["of which covered by packages"] == "₹1,200.00"
    assert rows["CGST 2.5%"] == format_inr(bill["result"].invoice.cgst.amount)
