"""Read receipts and turn their frozen snapshot into what the documents print."""
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from branches.selectors import documents_readable_by
from core.money import format_inr

from .models import Receipt, ReceiptKind

# GST state codes, for the place of supply printed on a tax invoice.
GST_STATES = {
    "01": "Jammu and Kashmir", "02": "Himachal Pradesh", "03": "Punjab", "04": "Chandigarh",
    "05": "Uttarakhand", "06": "Haryana", "07": "Delhi", "08": "Rajasthan", "09": "Uttar Pradesh",
    "10": "Bihar", "11": "Sikkim", "12": "Arunachal Pradesh", "13": "Nagaland", "14": "Manipur",
    "15": "Mizoram", "16": "Tripura", "17": "Meghalaya", "18": "Assam", "19": "West Bengal",
    "20": "Jharkhand", "21": "Odisha", "22": "Chhattisgarh", "23": "Madhya Pradesh", "24": "Gujarat",
    "26": "Dadra and Nagar Haveli and Daman and Diu", "27": "Maharashtra", "29": "Karnataka", "30": "Goa",
    "31": "Lakshadweep", "32": "Kerala", "33": "Tamil Nadu", "34": "Puducherry",
    "35": "Andaman and Nicobar Islands", "36": "Telangana", "37": "Andhra Pradesh", "38": "Ladakh",
}

# Services and products add up to the subtotal; what packages covered is part of it, so it
# follows as "of which", never above the subtotal as if it were added in.
SUMMARY_LABELS = (
    ("services_subtotal", "Services"),
    ("products_subtotal", "Products"),
    ("subtotal", "Subtotal"),
    ("package_subtotal", "of which covered by packages"),
    ("discount", "Discount"),
    ("cgst", "CGST"),
    ("sgst", "SGST"),
    ("igst", "IGST"),
    ("round_off", "Round off"),
)
TAIL_LABELS = (
    ("credit_applied", "Paid from prepaid credit"),
    ("amount_payable", "Amount payable"),
)


def receipt_get(*, receipt_id: int, user) -> Receipt:
    """Return the receipt with its customer if `user` may read it; raise Receipt.DoesNotExist otherwise.

    The rule of every document (branches.selectors.documents_readable_by): issued at a branch the
    user works at. Another branch's receipt is "not found", never 403.
    """
    receipts = documents_readable_by(Receipt.objects.select_related("customer"), user)
    return receipts.get(pk=receipt_id)


def to_decimal(value) -> Decimal:
    try:
        return Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        return Decimal("0")


def format_rate(value) -> str:
    """Print a rate without useless zeros: 5, 2.5, 18."""
    rate = to_decimal(value).normalize()
    return f"{rate:f}"


def tax_head_label(head: str, rates) -> str:
    """Name a tax head with the rates it was charged at: "CGST 2.5%", or "CGST 2.5% and 9%" on a mixed bill."""
    shown = sorted({to_decimal(rate) for rate in rates})
    return f"{head} {' and '.join(f'{format_rate(rate)}%' for rate in shown)}" if shown else head


def tax_head_labels(lines) -> dict[str, str]:
    """The summary's CGST, SGST and IGST labels with their rates, from the lines that paid each (dicts of amounts)."""
    def rates(head: str, share: Decimal) -> list[Decimal]:
        return [to_decimal(line.get("gst_rate")) * share for line in lines if to_decimal(line.get(head)) != 0]

    half = Decimal("0.5")
    return {
        "cgst": tax_head_label("CGST", rates("cgst", half)),
        "sgst": tax_head_label("SGST", rates("sgst", half)),
        "igst": tax_head_label("IGST", rates("igst", Decimal("1"))),
    }


def state_label(code) -> str:
    """Return "29 (Karnataka)" for a GST state code."""
    code = str(code or "").strip()
    name = GST_STATES.get(code)
    return f"{code} ({name})" if name else code


def _parse_date(value) -> date | None:
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value)).date()
    except ValueError:
        return None


def _line(line: dict) -> dict:
    rate = to_decimal(line.get("gst_rate"))
    igst = to_decimal(line.get("igst"))
    # An invoice line carries the contract's package_applied dict; older shapes a name.
    applied = line.get("package_applied") if isinstance(line.get("package_applied"), dict) else None
    package = line.get("package")
    if applied:
        package_name, covered = applied.get("name") or "", applied.get("quantity_covered")
    elif isinstance(package, dict):
        package_name, covered = package.get("name") or "", package.get("quantity_covered")
    else:
        package_name, covered = (str(package) if package else ""), None
    return {
        "name": line.get("name", ""),
        "hsn_sac": line.get("hsn_sac") or "",
        "quantity": line.get("quantity", 1),
        "unit_price": format_inr(line.get("unit_price"), symbol=False),
        "gross": format_inr(line.get("gross"), symbol=False),
        "discount": format_inr(line.get("discount"), symbol=False),
        "has_discount": to_decimal(line.get("discount")) != 0,
        "taxable_value": format_inr(line.get("taxable_value"), symbol=False),
        "gst_rate": format_rate(rate),
        "half_rate": format_rate(rate / 2),
        "cgst": format_inr(line.get("cgst"), symbol=False),
        "sgst": format_inr(line.get("sgst"), symbol=False),
        "igst": format_inr(igst, symbol=False),
        "is_igst": igst != 0,
        "total": format_inr(line.get("total"), symbol=False),
        "package_name": package_name,
        "quantity_covered": covered,
        "package_note": line.get("package_note") or "",
        "tax_note": line.get("tax_note") or "",
    }


def _cancellation(receipt: Receipt, snapshot: dict) -> dict | None:
    """Return the cancellation details when the document was voided, else None.

    A void issues a credit note citing the original invoice number; the original
    document itself stays as issued, so it is found through that credit note.
    """
    cancelled = snapshot.get("cancelled") or snapshot.get("status") == "cancelled"
    details = cancelled if isinstance(cancelled, dict) else {}
    if not cancelled and receipt.kind == ReceiptKind.TAX_INVOICE and snapshot.get("invoice_number"):
        credit_note = (
            Receipt.objects.filter(
                kind=ReceiptKind.CREDIT_NOTE, snapshot__original_invoice__number=snapshot["invoice_number"]
            )
            # A package refund's credit note cites the sale invoice too, but leaves it standing.
            .exclude(snapshot__has_key="refund")
            .order_by("pk")
            .first()
        )
        if credit_note is not None:
            cancelled = True
            details = {
                "credit_note_number": credit_note.number,
                "cancelled_at": timezone.localtime(credit_note.issued_at).date(),
                "reason": credit_note.snapshot.get("reason", ""),
                "credit_note_id": credit_note.pk,
            }
    if not cancelled:
        return None

    def pick(*names):
        for name in names:
            value = details.get(name) or snapshot.get(name)
            if value:
                return value
        return ""

    return {
        "credit_note_number": pick("credit_note_number", "credit_note"),
        "credit_note_id": details.get("credit_note_id"),
        "date": _parse_date(pick("cancelled_at", "date", "cancelled_on")),
        "reason": pick("cancel_reason", "reason"),
    }


def _refund(refund) -> dict | None:
    """Return how money was paid back, when the document records a refund."""
    if not isinstance(refund, dict):
        return None
    return {
        "method": refund.get("method_label") or refund.get("method", ""),
        "amount": format_inr(refund.get("amount")),
        "reference": refund.get("reference") or "",
    }


# What a package did to a line: covered it (its tax paid when the package was sold), or took a discount off it.
COVERING_BENEFITS = ("free", "unlimited")
DISCOUNT_BENEFIT = "discount"


def _applied(line: dict) -> dict:
    applied = line.get("package_applied")
    return applied if isinstance(applied, dict) else {}


def covered_by_packages(lines: list[dict]) -> Decimal:
    """What the sessions packages paid for were worth (rate x sessions covered); a discount package covers none."""
    return sum(
        (
            to_decimal(line.get("unit_price")) * int(_applied(line).get("quantity_covered") or 0)
            for line in lines
            if _applied(line).get("benefit_type") in COVERING_BENEFITS
        ),
        Decimal("0"),
    )


def discount_label(lines: list[dict], label: str = "Discount") -> str:
    """The Discount row names the discount packages that gave one: "Discount (incl. Student 20%)"."""
    names = sorted({_applied(line).get("name", "") for line in lines if _applied(line).get("benefit_type") == DISCOUNT_BENEFIT})
    return f"{label} (incl. {', '.join(names)})" if names else label


def _summary_rows(summary: dict, labels, lines: list[dict]) -> list[dict]:
    """The totals printed under the lines: taxes with their rates, a package's discount named as a discount.

    "of which covered by packages" counts only the sessions packages paid for; a discount package
    (a student offer, a yearly membership) gives a discount, so its name goes on the Discount row.
    """
    amounts = dict(summary)
    names = dict(labels) | tax_head_labels(lines) | {"discount": discount_label(lines)}
    if names.get("package_subtotal") not in (None, "Packages"):
        amounts["package_subtotal"] = covered_by_packages(lines)
    return [
        {"label": names[key], "amount": format_inr(amounts.get(key))}
        for key, _ in labels
        if key == "subtotal" or to_decimal(amounts.get(key)) != 0
    ]


def _customer(receipt: Receipt, snapshot: dict) -> dict:
    """The buyer as the document snapshot holds them, with the state named: "29 (Karnataka)"."""
    customer = dict(snapshot.get("customer") or {"name": receipt.customer.name, "phone": receipt.customer.phone})
    customer["state"] = state_label(customer.get("state_code"))
    return customer


NUMBER_LABELS = {
    ReceiptKind.TAX_INVOICE: ("Receipt No.", "Invoice No."),
    ReceiptKind.ADVANCE_RECEIPT: ("Voucher No.", "Invoice No."),
    ReceiptKind.CREDIT_NOTE: ("Credit note No.", "Against invoice"),
    ReceiptKind.REFUND_VOUCHER: ("Voucher No.", "Sale invoice"),
}
# Documents without tax columns: a receipt for an advance, money paid back for unused credit.
UNTAXED_KINDS = (ReceiptKind.ADVANCE_RECEIPT, ReceiptKind.REFUND_VOUCHER)


def _kind_context(receipt: Receipt, snapshot: dict) -> dict:
    """The document's title, what kind it is and how its numbers are labelled."""
    kind_label = dict(ReceiptKind.choices).get(receipt.kind, receipt.kind)
    number_label, invoice_label = NUMBER_LABELS.get(receipt.kind, NUMBER_LABELS[ReceiptKind.TAX_INVOICE])
    return {
        "receipt": receipt,
        "title": snapshot.get("title") or kind_label,
        "kind": receipt.kind,
        "is_tax_invoice": receipt.kind == ReceiptKind.TAX_INVOICE,
        "is_advance": receipt.kind in UNTAXED_KINDS,
        "is_credit_note": receipt.kind == ReceiptKind.CREDIT_NOTE,
        "is_refund_voucher": receipt.kind == ReceiptKind.REFUND_VOUCHER,
        "refund": _refund(snapshot.get("refund")),
        "number_label": number_label,
        "invoice_label": invoice_label,
    }


def _parties_context(receipt: Receipt, snapshot: dict) -> dict:
    """Where and when it was supplied, its numbers, the seller and the buyer."""
    seller = snapshot.get("seller") or {}
    return {
        "place_of_supply": state_label(snapshot.get("place_of_supply") or seller.get("state_code")),
        "original_invoice_date": _parse_date((snapshot.get("original_invoice") or {}).get("date")),
        "number": receipt.number,
        "issued_at": timezone.localtime(receipt.issued_at) if receipt.issued_at else None,
        "invoice_number": snapshot.get("invoice_number") or "",
        "seller": seller,
        "customer": _customer(receipt, snapshot),
    }


def _summary_labels(summary: dict):
    """The summary's labels; a package sale's package lines are the subtotal itself, not something packages covered."""
    if any(to_decimal(summary.get(key)) for key in ("services_subtotal", "products_subtotal")):
        return SUMMARY_LABELS
    return (("package_subtotal", "Packages"), *(row for row in SUMMARY_LABELS if row[0] != "package_subtotal"))


def _totals_context(receipt: Receipt, snapshot: dict, lines: list[dict]) -> dict:
    """The lines and the totals under them: the summary, the grand total and (credit spent) the tail."""
    summary = snapshot.get("summary") or {}
    credit_spent = to_decimal(summary.get("credit_applied")) != 0
    return {
        "lines": lines,
        "igst_used": any(line["is_igst"] for line in lines) or to_decimal(summary.get("igst")) != 0,
        "summary_rows": _summary_rows(summary, _summary_labels(summary), snapshot.get("lines") or []),
        "grand_total": format_inr(summary.get("grand_total", snapshot.get("total", receipt.amount.amount))),
        "tail_rows": [
            {"label": label, "amount": format_inr(summary.get(key))}
            for key, label in TAIL_LABELS
            if key in summary and credit_spent
        ],
        "amount_in_words": snapshot.get("amount_in_words") or "",
    }


def _payment_row(payment: dict) -> dict:
    return {
        "method": payment.get("method_label") or payment.get("method", ""),
        "amount": format_inr(payment.get("amount")),
        "reference": payment.get("reference") or "",
    }


def _package_row(package: dict) -> dict:
    return {
        "name": package.get("name", ""),
        "balance": package.get("balance", ""),
        "status": (package.get("status") or "").title(),
        "expires_on": _parse_date(package.get("expires_on")),
    }


def receipt_document(receipt: Receipt) -> dict:
    """Return the template context of a receipt document (HTML and PDF alike)."""
    snapshot = receipt.snapshot or {}
    lines = [_line(line) for line in snapshot.get("lines") or []]
    return {
        **_kind_context(receipt, snapshot),
        **_parties_context(receipt, snapshot),
        **_totals_context(receipt, snapshot, lines),
        "payments": [_payment_row(payment) for payment in snapshot.get("payments") or []],
        "packages": [_package_row(package) for package in snapshot.get("packages") or []],
        "notes": snapshot.get("notes") or "",
        "price_note": snapshot.get("price_note") or "",
        "cancelled": _cancellation(receipt, snapshot),
    }
