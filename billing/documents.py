"""Build the frozen snapshot a receipt document prints (see receipts.models.Receipt)."""
from decimal import Decimal

from django.utils import timezone

from branches.models import Branch
from core.formats import format_date
from core.money import ZERO, money_str
from packages.models import AssignmentStatus, PackageAssignment

from .tax import LineTax
from .words import amount_in_words

# What a receipt says of money taken for prepaid credit (a voucher): untaxed until spent.
ADVANCE_NOTE = "Advance for a prepaid voucher: GST is charged when it is redeemed."


def seller_details(branch: Branch) -> dict:
    """The seller a document prints: the branch that issues it, with its own GSTIN and state."""
    return {
        "name": branch.name,
        "address": branch.address,
        "gstin": branch.gstin,
        "state_code": branch.state_code,
        "phone": branch.phone,
        "branch": branch.code,
    }


def customer_details(customer) -> dict:
    """The buyer a document prints; the address and state are kept as they were (GST Rule 46, docs/gst.md)."""
    return {
        "id": customer.pk,
        "name": customer.name,
        "phone": customer.phone,
        "email": customer.email,
        "gstin": customer.gstin,
        "state_code": customer.state_code,
        "address": customer.address,
    }


# A refunded package, or one whose sale was voided (its money went back too), prints
# "REFUNDED on ..." on every later document that lists it; a transferred one says so.
CLOSED_LABELS = {
    AssignmentStatus.REFUNDED: "REFUNDED",
    AssignmentStatus.CANCELLED: "REFUNDED",
    AssignmentStatus.TRANSFERRED: "TRANSFERRED",
}


def balance_text(assignment: PackageAssignment) -> str:
    """Say what is left on an assignment, or how it ended: "3/4 sessions", "REFUNDED on 3 Nov 2026"."""
    label = CLOSED_LABELS.get(assignment.status)
    if label:
        when = timezone.localdate() if assignment.closed_on is None else assignment.closed_on
        return f"{label} on {format_date(when)}"
    return assignment.kind.balance_text(assignment)


def package_balance(assignment: PackageAssignment) -> dict:
    """Describe what is left on an assignment, as a receipt prints it."""
    return {
        "assignment_id": assignment.pk,
        "name": assignment.package_name,
        "balance": balance_text(assignment),
        "status": str(assignment.status),
        # A refunded, cancelled or transferred package is valid till nothing: no date beside "REFUNDED on".
        "expires_on": assignment.expires_on.isoformat()
        if assignment.expires_on and assignment.status not in CLOSED_LABELS
        else None,
    }


def payment_details(payment) -> dict:
    return {
        "method": str(payment.method),
        "method_label": payment.get_method_display(),
        "amount": money_str(payment.amount.amount),
        "reference": payment.reference,
    }


def document_snapshot(
    *,
    title: str,
    customer,
    total,
    lines: list[dict],
    summary: dict,
    payments: list,
    packages: list[PackageAssignment],
    invoice_number: str | None = None,
    notes: str = "",
    branch: Branch,
    price_note: str = "",
) -> dict:
    """Return everything a receipt issued at `branch` prints; amounts are two-place decimal strings."""
    now = timezone.localtime()
    return {
        "title": title,
        "date": now.date().isoformat(),
        "issued_at": now.isoformat(),
        "seller": seller_details(branch),
        "customer": customer_details(customer),
        "invoice_number": invoice_number,
        "lines": lines,
        "summary": summary,
        "payments": [payment_details(payment) for payment in payments],
        "packages": [package_balance(assignment) for assignment in packages],
        "total": money_str(total),
        "amount_in_words": amount_in_words(total),
        "notes": notes,
        # Who sold a package at another price than its list price, and what (billing.services.pricing).
        "price_note": price_note,
    }


def redemption_note(
    *, item: str, package: str, sessions: int, total_sessions: int, sale_invoice: str | None, first: int = 1
) -> str:
    """Say on the customer's invoice what a package paid for, and where its tax was paid.

    "Hydrating Facial, session 3 of 4 from 3+1 Facial Package; tax paid on MAIN/27-28/00001": the
    sessions used are named by their place in the package (`first` is the first of them).
    Only words a customer should read: the rules that kept a package off a line (the counter's
    why-not reasons, `package_note`) stay on screen and in the API, never on the document.
    """
    package = package.removesuffix(f" – {item}")  # "3+1 Facial Package – Hydrating Facial" names the item twice
    if sessions and total_sessions:
        which = f"session {first}" if sessions == 1 else f"sessions {first}–{first + sessions - 1}"
        used = f"{which} of {total_sessions} from {package}"
    else:
        used = f"included in {package}"
    where = f"tax paid on {sale_invoice}" if sale_invoice else "tax paid when the package was bought"
    return f"{item}, {used}; {where}"


def receipt_line(
    name: str,
    *,
    tax: LineTax,
    total: Decimal,
    hsn_sac: str = "",
    rate: Decimal = ZERO,
    note: str | None = None,
    price: Decimal | None = None,
) -> dict:
    """Return the one line of a sale, refund or top-up document, in the shape a cart line prints.

    `price` is the unit price (and gross) when it is not the taxable value: a package sold
    GST-inclusive, or prepaid credit whose advance is untaxed.
    """
    price = tax.taxable_value if price is None else price
    return {
        "name": name,
        "hsn_sac": hsn_sac,
        "quantity": 1,
        "unit_price": money_str(price),
        "gross": money_str(price),
        "discount": money_str(ZERO),
        "taxable_value": money_str(tax.taxable_value),
        "gst_rate": money_str(rate),
        "cgst": money_str(tax.cgst),
        "sgst": money_str(tax.sgst),
        "igst": money_str(tax.igst),
        "total": money_str(total),
        "package": None,
        "package_note": note,
    }


def invoice_line_details(line_json: dict, *, hsn_sac: str, tax_note: str | None) -> dict:
    """Return a cart line as a receipt prints it: the contract's line plus code, package and tax note."""
    applied = line_json.get("package_applied")
    return {
        **line_json,
        "hsn_sac": hsn_sac,
        "package": applied["name"] if applied else None,
        "tax_note": tax_note,
    }


def invoice_snapshot(*, invoice, lines: list[dict], summary: dict, payments: list, packages: list) -> dict:
    """Return the snapshot of a tax invoice for services and products (same shape as a package sale's)."""
    snapshot = document_snapshot(
        title="Tax invoice",
        customer=invoice.customer,
        total=invoice.grand_total.amount,
        lines=lines,
        summary=summary,
        payments=payments,
        packages=packages,
        invoice_number=invoice.number,
        notes=invoice.notes,
        branch=invoice.branch,
    )
    snapshot.update(
        date=invoice.bill_date.isoformat(),
        bill_date=invoice.bill_date.isoformat(),
        guests=invoice.guests,
        place_of_supply=invoice.place_of_supply or invoice.branch.state_code,
    )
    return snapshot


def credit_note_snapshot(*, invoice, number: str, reason: str, lines: list[dict], summary: dict, packages: list) -> dict:
    """Return the snapshot of the credit note (GST s.34) that reverses `invoice`, citing it."""
    snapshot = document_snapshot(
        title="Credit note",
        customer=invoice.customer,
        total=invoice.grand_total.amount,
        lines=lines,
        summary=summary,
        payments=[],
        packages=packages,
        invoice_number=invoice.number,
        notes=f"Reverses tax invoice {invoice.number} dated {format_date(invoice.bill_date)}. Reason: {reason}",
        branch=invoice.branch,
    )
    snapshot.update(
        credit_note_number=number,
        original_invoice={"number": invoice.number, "date": invoice.bill_date.isoformat()},
        reason=reason,
    )
    return snapshot
