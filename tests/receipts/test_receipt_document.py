"""The printed document: a GST tax invoice or an advance receipt voucher, on A4 or an 80 mm roll."""
from decimal import Decimal
from io import BytesIO

import pytest
from django.template import Context, Template
from djmoney.money import Money
from pypdf import PdfReader

from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create, invoice_void
from billing.words import amount_in_words
from core.money import format_inr
from receipts.models import Receipt, ReceiptKind
from receipts.pdf import render_receipt_pdf
from receipts.selectors import receipt_document
from tests.factories import CustomerFactory, ServicePackageFactory, UserFactory

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    """Read the PDF's text back with pypdf (nothing from the system needed)."""
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_the_tax_invoice_page_prints_what_gst_rule_46_asks_for(client, cashier, sale, settings):
    client.force_login(cashier)

    html = client.get(f"/receipts/{sale.receipt.pk}").content.decode()

    for expected in (
        settings.SPA_NAME,
        settings.SPA_GSTIN,
        "TAX INVOICE",
        sale.invoice.number,
        sale.receipt.number,
        "Priya Sharma",
        "29ABCFE1234F1ZS",  # the customer's GSTIN
        "999722",  # SAC of the facial
        "3,600.00",  # taxable value
        "@2.5%",  # CGST and SGST rates
        "₹3,780.00",  # grand total
        "Rupees Three Thousand Seven Hundred Eighty Only",
        "UPI",
        "UPI-123",
        "4/4 sessions",  # balance left on the package
    ):
        assert expected in html, expected


def test_the_advance_receipt_says_no_gst_is_charged_on_prepaid_credit(client, cashier, advance_receipt):
    client.force_login(cashier)

    html = client.get(f"/receipts/{advance_receipt.pk}").content.decode()

    assert "RECEIPT VOUCHER (ADVANCE)" in html
    assert "GST is charged when it is redeemed" in html
    assert "₹15,000.00" in html
    assert "₹17,500.00 of ₹17,500.00" in html


def test_the_thermal_format_loads_the_80mm_stylesheet(client, cashier, receipt):
    client.force_login(cashier)

    a4 = client.get(f"/receipts/{receipt.pk}").content.decode()
    thermal = client.get(f"/receipts/{receipt.pk}?format=thermal").content.decode()

    assert "receipt-thermal.css" not in a4
    assert "receipt-thermal.css" in thermal


def test_the_pdf_embeds_dejavu_sans_and_its_text_gives_back_the_rupee_sign(client, cashier, receipt):
    client.force_login(cashier)

    response = client.get(f"/receipts/{receipt.pk}/download")

    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert b"DejaVuSans" in pdf
    text = pdf_text(pdf)
    assert "₹3,780.00" in text
    assert receipt.number in text
    assert f'filename="{receipt.number}.pdf"' in response["Content-Disposition"]


def test_the_thermal_pdf_is_80mm_wide_and_keeps_the_rupee_sign(receipt):
    pdf = render_receipt_pdf(receipt, paper="thermal")

    text = pdf_text(pdf)
    assert "₹" in text
    width_pt = float(PdfReader(BytesIO(pdf)).pages[0].mediabox.width)
    assert round(width_pt / 72 * 25.4) == 80


def test_a_voided_invoice_prints_cancelled_with_its_credit_note(client, cashier, manager, customer, facial):
    sale = invoice_create(
        customer=customer, items=[CartItem(type="service", id=facial.pk, quantity=1)], cashier=cashier,
        payments=[PaymentIn(method="cash")],
    )
    invoice_void(invoice=sale.invoice, reason="Billed to the wrong customer", user=manager)
    sale.invoice.refresh_from_db()
    client.force_login(cashier)

    original = client.get(f"/receipts/{sale.receipt.pk}").content.decode()
    credit_note = Receipt.objects.get(kind=ReceiptKind.CREDIT_NOTE)
    note_page = client.get(f"/receipts/{credit_note.pk}").content.decode()

    assert "CANCELLED" in original
    assert sale.invoice.credit_note_number in original
    assert "Billed to the wrong customer" in original
    assert "CREDIT NOTE" in note_page
    assert sale.invoice.number in note_page
    assert "CANCELLED" not in note_page
    assert "CANCELLED" in pdf_text(render_receipt_pdf(sale.receipt))


@pytest.mark.parametrize(
    ("amount", "printed"),
    [
        ("0", "₹0.00"),
        ("999.5", "₹999.50"),
        ("17500", "₹17,500.00"),
        ("105400", "₹1,05,400.00"),
        ("117500", "₹1,17,500.00"),
        ("12345678.9", "₹1,23,45,678.90"),
        ("123456789.50", "₹12,34,56,789.50"),
        ("-12.3", "-₹12.30"),
        ("-105400", "-₹1,05,400.00"),
        ("0.005", "₹0.01"),  # half-up to the paisa, as everywhere else
        ("-0.001", "₹0.00"),  # no minus sign on nothing
    ],
)
def test_amounts_are_grouped_the_indian_way(amount, printed):
    assert format_inr(Decimal(amount)) == printed


def test_the_template_filter_prints_money_and_decimal_strings_alike():
    rendered = Template("{% load money %}{{ price|rupees }} {{ total|rupees }} {{ missing|rupees }}").render(
        Context({"price": Money("105400", "INR"), "total": "123456789.50", "missing": None})
    )

    assert rendered == "₹1,05,400.00 ₹12,34,56,789.50 ₹0.00"


def test_table_cells_leave_out_the_sign_and_descriptions_the_whole_paise():
    assert format_inr(Decimal("105400"), symbol=False) == "1,05,400.00"
    assert format_inr(Decimal("-105400.5"), symbol=False) == "-1,05,400.50"
    assert format_inr(Decimal("105400"), trim_paise=True) == "₹1,05,400"
    assert format_inr(Decimal("105400.50"), trim_paise=True) == "₹1,05,400.50"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("3780", "Rupees Three Thousand Seven Hundred Eighty Only"),
        ("1888", "Rupees One Thousand Eight Hundred Eighty-Eight Only"),
        ("105400", "Rupees One Lakh Five Thousand Four Hundred Only"),
        (
            "123456789.50",
            "Rupees Twelve Crore Thirty-Four Lakh Fifty-Six Thousand Seven Hundred Eighty-Nine and Fifty Paise Only",
        ),
        ("9999999999.99", "Rupees Nine Hundred Ninety-Nine Crore Ninety-Nine Lakh Ninety-Nine Thousand Nine Hundred "
                          "Ninety-Nine and Ninety-Nine Paise Only"),  # the largest amount a money column holds
        ("0", "Rupees Zero Only"),
        ("0.75", "Rupees Zero and Seventy-Five Paise Only"),
        ("1000.01", "Rupees One Thousand and One Paise Only"),
        ("-12.30", "Minus Rupees Twelve and Thirty Paise Only"),
    ],
)
def test_amounts_in_words_count_in_lakh_and_crore(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_the_font_is_embedded_whatever_the_working_directory(receipt, monkeypatch, tmp_path):
    # gunicorn or a cron job may start elsewhere; xhtml2pdf must still be allowed to read the font.
    monkeypatch.chdir(tmp_path)

    pdf = render_receipt_pdf(receipt)

    assert b"DejaVuSans" in pdf
    assert "₹" in pdf_text(pdf)


@pytest.mark.parametrize("paper", ["a4", "thermal"])
def test_a_package_sold_at_a_price_with_gst_in_it_prints_its_rate_before_gst_like_its_taxable_value(facial, paper):
    """Issue 25 item 14: "Rate 3,600, Taxable 3,428.57" mixed a rate with GST and a taxable value without."""
    manager = UserFactory(groups=["Manager"])
    sale = assignment_sell(
        customer=CustomerFactory(), template=ServicePackageFactory(), service=facial, user=manager,
        payment=PaymentIn("upi"), price_paid=Decimal("3600.00"),
    )

    line = receipt_document(sale.receipt)["lines"][0]
    assert line["unit_price"] == line["taxable_value"] == "3,428.57"
    assert (line["cgst"], line["sgst"], line["total"]) == ("85.71", "85.71", "3,599.99")  # and 0.01 round-off
    text = " ".join(pdf_text(render_receipt_pdf(sale.receipt, paper=paper)).split())
    assert "3,600.00" in text  # the grand total: what the customer paid, GST included
    assert text.count("3,428.57") >= 2  # the rate and the taxable value, alike
    if paper == "thermal":
        assert "1 x 3,428.57" in text
