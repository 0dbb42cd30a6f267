"""The documents of a refund: a credit note (taxed kinds) and a refund voucher (credit), HTML and PDF."""
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.services import PaymentIn, assignment_refund, assignment_sell, assignment_top_up, invoice_void
from core.formats import format_date
from receipts.pdf import render_receipt_pdf
from tests.factories import PrepaidPackageFactory, ServicePackageFactory
from tests.receipts.test_receipt_document import pdf_text

pytestmark = pytest.mark.django_db


def today():
    """Read when a test runs, not at import: a run that crosses midnight (IST) stays right."""
    return timezone.localdate()


def test_the_credit_note_of_a_refund_prints_the_gst_reversed_in_html_and_pdf(client, cashier, manager, sale):
    refund = assignment_refund(
        assignment_id=sale.assignment.pk, user=manager, reason="Moving abroad", method="upi", reference="UPI-9"
    )
    client.force_login(cashier)

    html = client.get(f"/receipts/{refund.document.pk}").content.decode()
    pdf = render_receipt_pdf(refund.document)

    for expected in (
        "CREDIT NOTE",
        refund.document.number,
        sale.invoice.number,  # against the sale invoice
        "3,600.00",  # taxable value refunded: nothing used yet
        "@2.5%",
        "₹3,780.00",
        "Rupees Three Thousand Seven Hundred Eighty Only",
        "Moving abroad",
        "UPI-9",
        f"REFUNDED on {format_date(today())}",
    ):
        assert expected in html, expected
    text = pdf_text(pdf)
    assert b"DejaVuSans" in pdf
    assert "₹3,780.00" in text and "CREDIT NOTE" in text and "REFUNDED on" in text
    # The sale invoice stays as issued: a refund is not a cancellation.
    assert "CANCELLED" not in client.get(f"/receipts/{sale.receipt.pk}").content.decode()


def test_the_refund_voucher_of_prepaid_credit_has_no_tax_columns(client, cashier, manager, customer):
    prepaid = assignment_sell(customer=customer, template=PrepaidPackageFactory(), user=cashier, payment=PaymentIn("cash"))
    refund = assignment_refund(
        assignment_id=prepaid.assignment.pk, user=manager, reason="Closing", method="cash", amount=Decimal("1000")
    )
    client.force_login(cashier)

    html = client.get(f"/receipts/{refund.document.pk}").content.decode()
    text = pdf_text(render_receipt_pdf(refund.document))

    assert "REFUND VOUCHER" in html and refund.document.number in html
    assert "₹1,000.00" in html and "Rupees One Thousand Only" in html
    assert "CGST 2.5%" not in html and "Taxable" not in html
    assert "no GST was charged" in html
    assert "₹1,000.00" in text and "REFUND VOUCHER" in text


def test_a_voided_package_sale_prints_refunded_on_its_credit_note(client, cashier, manager, customer, facial):
    sale = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=cashier, payment=PaymentIn("cash")
    )
    invoice_void(invoice=sale.invoice, reason="Sold by mistake", user=manager)
    sale.invoice.refresh_from_db()
    client.force_login(cashier)

    note = client.get(f"/receipts/{sale.invoice.credit_note_receipt_id}").content.decode()

    assert "CREDIT NOTE" in note and f"REFUNDED on {format_date(today())}" in note
    assert "CANCELLED" in client.get(f"/receipts/{sale.receipt.pk}").content.decode()


def test_the_top_up_receipt_voucher_prints_the_credit_added(client, cashier, manager, customer):
    prepaid = assignment_sell(customer=customer, template=PrepaidPackageFactory(), user=cashier, payment=PaymentIn("cash"))
    result = assignment_top_up(
        assignment_id=prepaid.assignment.pk, user=manager, credit=Decimal("5500"), price_paid=Decimal("5000"),
        payment=PaymentIn("card"),
    )
    client.force_login(cashier)

    html = client.get(f"/receipts/{result.receipt.pk}").content.decode()

    assert "RECEIPT VOUCHER (ADVANCE)" in html
    assert "top-up of ₹5,500.00 credit" in html
    assert "₹23,000.00 of ₹23,000.00" in html
    assert "Rupees Five Thousand Only" in html
