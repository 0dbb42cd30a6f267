"""Receipts carry QR codes, read back from the rendered A4 and 80 mm PDFs (pypdfium2 draws, zxing-cpp reads)."""

from decimal import Decimal

import pypdfium2
import pytest
import zxingcpp

from customers.links import customer_for_token
from receipts.pdf import render_receipt_pdf
from receipts.services import receipt_issue

pytestmark = pytest.mark.django_db


def decoded(pdf: bytes) -> list[str]:
    """Every QR code on every page of `pdf`, rendered at 300 dpi."""
    document = pypdfium2.PdfDocument(pdf)
    found = []
    for page in document:
        image = page.render(scale=300 / 72).to_pil()
        found += [
            result.text for result in zxingcpp.read_barcodes(image) if result.format == zxingcpp.BarcodeFormat.QRCode
        ]
    return found


def page_of(url: str):
    """The customer whose page `url` opens (the token's timestamp is the second the PDF was drawn)."""
    prefix = "https://spa.example.in/my/"
    assert url.startswith(prefix)
    return customer_for_token(url.removeprefix(prefix))


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://spa.example.in"


@pytest.mark.parametrize("paper", ["a4", "thermal"])
def test_a_paid_receipt_carries_the_customers_page_and_no_payment_code(receipt, paper):
    branch = receipt.branch
    branch.upi_vpa = "lotusspa@okicici"
    branch.save()
    (url,) = decoded(render_receipt_pdf(receipt, paper=paper))
    assert page_of(url) == receipt.customer


@pytest.fixture
def unpaid(customer):
    """A tax invoice of ₹1,180.00 payable of which ₹180.00 was paid: ₹1,000.00 is due."""
    snapshot = {
        "title": "Tax invoice",
        "invoice_number": "MAIN/26-27/00042",
        "seller": {"name": "Lotus Day Spa", "gstin": "29ABCFE1234F1ZS", "state_code": "29"},
        "customer": {"name": customer.name, "phone": customer.phone},
        "lines": [
            {
                "name": "Hydrating Facial",
                "quantity": 1,
                "unit_price": "1000.00",
                "gross": "1000.00",
                "taxable_value": "1000.00",
                "gst_rate": "18",
                "cgst": "90.00",
                "sgst": "90.00",
                "total": "1180.00",
            }
        ],
        "summary": {
            "subtotal": "1000.00",
            "cgst": "90.00",
            "sgst": "90.00",
            "grand_total": "1180.00",
            "amount_payable": "1180.00",
        },
        "payments": [{"method": "cash", "method_label": "Cash", "amount": "180.00"}],
        "total": "1180.00",
    }
    return receipt_issue(number="MAIN/26-27R00042", customer=customer, amount=Decimal("1180.00"), snapshot=snapshot)


@pytest.mark.parametrize("paper", ["a4", "thermal"])
def test_an_amount_due_adds_a_upi_code_for_exactly_that_amount(unpaid, paper):
    branch = unpaid.branch
    branch.name, branch.upi_vpa = "Lotus Day Spa", "lotusspa@okicici"
    branch.save()
    page, upi = decoded(render_receipt_pdf(unpaid, paper=paper))
    assert page_of(page) == unpaid.customer
    assert upi == ("upi://pay?pa=lotusspa@okicici&pn=Lotus%20Day%20Spa&am=1000.00&tn=MAIN/26-27/00042&cu=INR")


def test_no_upi_code_without_the_branchs_vpa(unpaid):
    (url,) = decoded(render_receipt_pdf(unpaid))
    assert page_of(url) == unpaid.customer
