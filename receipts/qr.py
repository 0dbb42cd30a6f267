"""The QR codes a receipt carries: the customer's own page, and a UPI payment when something is due.

Drawn with segno as PNG data URIs, which xhtml2pdf places like any image (no file, no network),
in the A4 and the 80 mm PDFs alike. tests/receipts/test_receipt_qr.py reads them back from the
rendered PDFs.
"""

from decimal import Decimal
from urllib.parse import quote

import segno

from customers.links import page_url

from .models import Receipt
from .selectors import to_decimal

# Payments that are not money coming in now: a package's prepaid credit paid its part already.
NOT_MONEY = ("prepaid_credit",)


def amount_due(receipt: Receipt) -> Decimal:
    """What the document asks to be paid and its payments do not cover (0 for a document paid in full)."""
    snapshot = receipt.snapshot or {}
    summary = snapshot.get("summary") or {}
    if "amount_payable" not in summary:
        return Decimal("0")
    paid = sum(
        (
            to_decimal(payment.get("amount"))
            for payment in snapshot.get("payments") or []
            if payment.get("method") not in NOT_MONEY
        ),
        Decimal("0"),
    )
    return max(to_decimal(summary.get("amount_payable")) - paid, Decimal("0"))


def upi_url(*, vpa: str, name: str, amount: Decimal, note: str) -> str:
    """A UPI payment link (NPCI's deep-link form): payee's VPA and name, amount in rupees, note, INR."""

    def part(value: str) -> str:
        return quote(value, safe="@/-._")

    return f"upi://pay?pa={part(vpa)}&pn={part(name)}&am={amount:.2f}&tn={part(note)}&cu=INR"


def qr_data_uri(text: str) -> str:
    """The QR code of `text` as a PNG data URI (error correction M, the 4-module quiet zone)."""
    return segno.make(text, error="m", micro=False).png_data_uri(scale=6, border=4)


def receipt_qr_codes(receipt: Receipt) -> list[dict]:
    """The codes to print on `receipt`: always the customer's page; UPI when an amount is due and the branch has a VPA."""
    url = page_url(receipt.customer)
    codes = [{"name": "page", "label": "Your packages", "text": url, "uri": qr_data_uri(url)}]
    due = amount_due(receipt)
    vpa = (receipt.branch.upi_vpa or "").strip()
    if due > 0 and vpa:
        snapshot = receipt.snapshot or {}
        number = snapshot.get("invoice_number") or receipt.number
        text = upi_url(vpa=vpa, name=receipt.branch.name, amount=due, note=number)
        codes.append({"name": "upi", "label": "Pay by UPI", "text": text, "uri": qr_data_uri(text)})
    return codes
