"""After the sale, where money moves (docs/design.md "Lifecycle"): refund a package, top up its credit.

Both lock the assignment first (`packages.locks`, the order every billing transaction
uses: invoice, assignments, products, number sequences), check it again, and write the
balance, its ledger row, the money row and the numbered document in one transaction.
A refusal raises a domain error and writes nothing.

A refund pays back what the customer paid for what is left, to the paisa (docs/money.md):
price paid x left / total (sessions, credit, or days for the time kinds), GST inside. A kind
taxed at sale is refunded on a credit note (CN series) citing the sale invoice, the amount
split like the sale into taxable value and GST at the sale's rate, the paisa the heads miss
on a round-off line; credit (prepaid, kitty party) on a refund voucher (RV series) without
tax lines. After 30 November following the financial year of the sale no credit note may be
issued: the refund then goes on a refund voucher for the value left, GST not reversed.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from branches.models import Branch
from core.formats import format_date
from core.money import ZERO, format_inr, inr, money_str, quantize_money
from core.payments import TENDER_NAMES, PaymentMethod
from packages.exceptions import AfterSaleRefused
from packages.models import AssignmentStatus, PackageAssignment, UsageKind
from packages.services import (
    assignment_close,
    assignment_credit_add,
    clean_reason,
    lock_assignment,
    refuse,
    refuse_closed,
    refuse_unless_holding,
)
from packages.valuation import assignment_money_left
from receipts.models import Receipt, ReceiptKind
from receipts.services import receipt_issue

from ..documents import ADVANCE_NOTE, document_snapshot, receipt_line
from ..engine import SUMMARY_FIELDS
from ..models import Invoice, InvoiceKind, InvoiceLine, LineType, Payment, Refund
from ..numbering import next_number
from ..tax import LineTax, line_tax, taxable_from
from .cart import PaymentIn
from .rules import cash_limit_check
from .sale import DEFAULT_PACKAGE_SAC

CREDIT_NOTE, REFUND_VOUCHER = ReceiptKind.CREDIT_NOTE.value, ReceiptKind.REFUND_VOUCHER.value


def sale_invoice_line(assignment: PackageAssignment) -> InvoiceLine | None:
    """Return the package line of the tax invoice that sold `assignment` (through any transfers), or None."""
    root = assignment
    while root.transferred_from_id:
        root = root.transferred_from
    return (
        InvoiceLine.objects.filter(
            assignment_id=root.pk, line_type=LineType.PACKAGE, invoice__kind=InvoiceKind.PACKAGE_SALE
        )
        .select_related("invoice")
        .order_by("pk")
        .first()
    )


def credit_note_deadline(sale_date: date) -> date:
    """Return the last day a credit note may reverse a sale of `sale_date`: 30 November after its financial year."""
    year_end = sale_date.year + 1 if sale_date.month >= 4 else sale_date.year
    return date(year_end, 11, 30)


@dataclass(frozen=True)
class RefundQuote:
    """What refunding a package would pay back on a day, as the confirmation page shows it."""

    assignment_id: int
    on_date: date
    value_left: Decimal  # the taxable value refunded (the value held, or the taxable part of the money left)
    document_kind: str  # "credit_note" or "refund_voucher"
    gst_rate: Decimal = ZERO
    tax: LineTax | None = None  # the GST reversed on the value left (credit note only)
    round_off: Decimal = ZERO  # the paisa the taxable value and GST heads miss of the money left
    sale_invoice: Invoice | None = None
    note: str = ""  # why no GST is reversed, when a taxed sale is refunded on a voucher
    refusal: str | None = None  # why the package cannot be refunded, or None

    @property
    def gst(self) -> Decimal:
        return self.tax.tax if self.tax else ZERO

    @property
    def refundable(self) -> Decimal:
        """The most that may be refunded: what was paid for what is left (taxable value, GST, round-off)."""
        return self.value_left + self.gst + self.round_off

    def as_json(self) -> dict:
        tax = self.tax or LineTax(self.value_left, ZERO, ZERO, ZERO)
        return {
            "assignment_id": self.assignment_id,
            "on_date": self.on_date.isoformat(),
            "value_left": money_str(self.value_left),
            "gst_rate": money_str(self.gst_rate),
            "cgst": money_str(tax.cgst),
            "sgst": money_str(tax.sgst),
            "igst": money_str(tax.igst),
            "gst": money_str(self.gst),
            "round_off": money_str(self.round_off),
            "refundable": money_str(self.refundable),
            "document_kind": self.document_kind,
            "sale_invoice_number": self.sale_invoice.number if self.sale_invoice else None,
            "note": self.note,
            "refusal": self.refusal,
        }


def assignment_refund_quote(assignment: PackageAssignment, on_date: date | None = None) -> RefundQuote:
    """Return the figures of refunding `assignment` on `on_date` (value left, GST on it, total, document).

    Nothing is written; `refusal` says why a refund would be refused. `assignment_refund`
    refunds exactly these figures, worked out again on the locked row.
    """
    on_date = on_date or timezone.localdate()
    refusal, value = None, ZERO
    try:
        value = refuse_unless_holding(assignment, on_date, action="refunded")
    except AfterSaleRefused as exc:
        refusal = exc.message
    line = sale_invoice_line(assignment) if assignment.kind.taxed_at_sale else None
    if line is None or not line.gst_rate or line.invoice.status != "issued":
        return RefundQuote(assignment.pk, on_date, value, REFUND_VOUCHER, refusal=refusal)
    invoice = line.invoice
    deadline = credit_note_deadline(invoice.bill_date)
    if on_date > deadline:
        note = (
            f"No credit note after {format_date(deadline)} for invoice {invoice.number} of {format_date(invoice.bill_date)}: "
            "refunded without reversing GST."
        )
        return RefundQuote(assignment.pk, on_date, value, REFUND_VOUCHER, sale_invoice=invoice, note=note, refusal=refusal)
    money = assignment_money_left(assignment, on_date, paid=_paid(assignment, line.gst_rate)) if refusal is None else ZERO
    tax, rounding = gst_inside(money, line.gst_rate, inter_state=bool(line.igst.amount))
    return RefundQuote(
        assignment.pk, on_date, tax.taxable_value, CREDIT_NOTE, gst_rate=line.gst_rate, tax=tax, round_off=rounding,
        sale_invoice=invoice, refusal=refusal,
    )


def _paid(assignment: PackageAssignment, rate: Decimal) -> Decimal:
    """Return the money paid for `assignment`, GST included; a transferred one (nothing paid) by its value and the GST."""
    if assignment.price_paid.amount or not assignment.transferred_from_id:
        return assignment.price_paid.amount
    return quantize_money(assignment.sale_value.amount * (100 + rate) / 100)


def gst_inside(amount: Decimal, rate: Decimal, *, inter_state: bool = False) -> tuple[LineTax, Decimal]:
    """Split a GST-inclusive `amount` like a sale: taxable value and GST heads, and the paisa they miss (round-off).

    ₹2,700.00 at 5%: taxable 2,571.43, CGST 64.29, SGST 64.29 (2,700.01), round-off -0.01.
    """
    amount = quantize_money(amount)
    tax = line_tax(taxable_from(amount, rate, prices_include_tax=True), rate, inter_state=inter_state)
    return tax, amount - tax.total


@dataclass(frozen=True)
class RefundResult:
    assignment: PackageAssignment  # now `refunded`, nothing left
    refund_amount: Decimal
    document: Receipt  # the credit note or the refund voucher
    refund: Refund  # the money paid back
    quote: RefundQuote = field(repr=False)


def _method(method: str, field_name: str = "method") -> str:
    if method not in PaymentMethod.values or method == PaymentMethod.PREPAID_CREDIT:
        refuse(field_name, f'"{method}" is not a way to pay money back; use {TENDER_NAMES}.')
    return method


def _what_is_left(assignment: PackageAssignment) -> str:
    if assignment.has_sessions:
        return f"{assignment.remaining_sessions} of {assignment.total_sessions} sessions unused"
    if assignment.is_credit:
        return f"{format_inr(assignment.credit_remaining.amount)} of credit unused"
    if assignment.expires_on:
        return f"unused until {format_date(assignment.expires_on)}"
    return "unused"


def _summary(*, taxable: Decimal, tax: LineTax, round_off: Decimal, total: Decimal) -> dict:
    summary = dict.fromkeys(SUMMARY_FIELDS, money_str(ZERO))
    summary.update(
        package_subtotal=money_str(taxable),
        subtotal=money_str(taxable),
        cgst=money_str(tax.cgst),
        sgst=money_str(tax.sgst),
        igst=money_str(tax.igst),
        round_off=money_str(round_off),
        grand_total=money_str(total),
        amount_payable=money_str(total),
    )
    return summary


def _refund_amount(quote: RefundQuote, amount) -> Decimal:
    if amount is None:
        return quote.refundable
    amount = quantize_money(amount)
    if amount <= 0:
        refuse("amount", "The refund must be more than zero.")
    if amount > quote.refundable:
        what = "the value left with its GST" if quote.gst else "the value left"
        refuse("amount", f"The refund cannot be more than {what}, {format_inr(quote.refundable)}.")
    return amount


@dataclass(frozen=True)
class _RefundDocument:
    """The document a refund issues: a credit note against the sale invoice, or a refund voucher."""

    invoice: Invoice | None  # the sale invoice a credit note is against
    branch: Branch  # whose GSTIN and number series it carries
    number: str
    kind: str
    title: str
    lines: list
    summary: dict
    notes: str


def _credit_note(
    locked: PackageAssignment, quote: RefundQuote, *, refund_amount: Decimal, whole: bool, name: str, reason: str,
    on_date: date,
) -> _RefundDocument:
    """A credit note reversing the GST of the sale (`whole`: all that is refundable, else a smaller amount)."""
    invoice = quote.sale_invoice
    # Under the sale invoice's GSTIN: the branch that sold the package.
    number = next_number("CN", branch=invoice.branch, day=on_date)
    if whole:
        tax, rounding = quote.tax, quote.round_off
    else:  # a smaller amount is GST-inclusive too: its taxable part and tax, the paisa left in the round-off
        tax, rounding = gst_inside(refund_amount, quote.gst_rate, inter_state=bool(quote.tax.igst))
    hsn_sac = locked.service.sac_code if locked.service_id else DEFAULT_PACKAGE_SAC
    return _RefundDocument(
        invoice=invoice,
        branch=invoice.branch,
        number=number,
        kind=ReceiptKind.CREDIT_NOTE,
        title="Credit note",
        lines=[receipt_line(name, hsn_sac=hsn_sac, rate=quote.gst_rate, tax=tax, total=tax.total)],
        summary=_summary(taxable=tax.taxable_value, tax=tax, round_off=rounding, total=refund_amount),
        notes=(
            f"Refund against tax invoice {invoice.number} dated {format_date(invoice.bill_date)}, GST reversed. "
            f"Reason: {reason}"
        ),
    )


def _refund_voucher(
    locked: PackageAssignment, quote: RefundQuote, *, refund_amount: Decimal, name: str, reason: str, on_date: date
) -> _RefundDocument:
    """A refund voucher for an advance (credit): no GST was charged, none is reversed."""
    untaxed = LineTax(refund_amount, ZERO, ZERO, ZERO)
    note = quote.note or "Refund of an advance: no GST was charged when it was sold."
    return _RefundDocument(
        invoice=None,
        branch=locked.branch,
        number=next_number("RV", branch=locked.branch, day=on_date),
        kind=ReceiptKind.REFUND_VOUCHER,
        title="Refund voucher",
        lines=[receipt_line(name, tax=untaxed, total=refund_amount, note=note)],
        summary=_summary(taxable=refund_amount, tax=untaxed, round_off=ZERO, total=refund_amount),
        notes=f"Reason: {reason}",
    )


def _refund_snapshot(
    document: _RefundDocument, locked: PackageAssignment, *, refund_amount: Decimal, reason: str, method: str,
    reference: str,
) -> dict:
    """What the refund's document prints: the refund and, on a credit note, the invoice it is against."""
    invoice = document.invoice
    snapshot = document_snapshot(
        title=document.title,
        customer=locked.customer,
        total=refund_amount,
        lines=document.lines,
        summary=document.summary,
        payments=[],
        packages=[locked],
        invoice_number=invoice.number if invoice else None,
        notes=document.notes,
        branch=document.branch,
    )
    snapshot.update(
        reason=reason,
        refund={
            "assignment_id": locked.pk,
            "amount": money_str(refund_amount),
            "method": method,
            "method_label": PaymentMethod(method).label,
            "reference": reference,
        },
    )
    if invoice is not None:
        snapshot.update(
            credit_note_number=document.number,
            original_invoice={"number": invoice.number, "date": invoice.bill_date.isoformat()},
        )
    return snapshot


@transaction.atomic
def assignment_refund(
    *,
    assignment_id: int,
    user,
    reason: str,
    method: str,
    amount: Decimal | None = None,
    reference: str = "",
    on_date: date | None = None,
) -> RefundResult:
    """Refund a package: pay back its value left (plus the GST on it when taxed at sale) or a smaller `amount`.

    Issues a credit note against the sale invoice (taxed kinds) or a refund voucher
    (credit), records the money paid back by `method`, and leaves the package `refunded`
    with nothing left. Refused, writing nothing: an unknown package, nothing left, a
    package already refunded, transferred, cancelled or expired, an amount above the
    refundable total, no reason, or a method that is not a tender.
    """
    on_date = on_date or timezone.localdate()
    reason = clean_reason(reason)
    method = _method(method)
    locked = lock_assignment(assignment_id)
    quote = assignment_refund_quote(locked, on_date)
    if quote.refusal:
        refuse("status", quote.refusal)
    refund_amount = _refund_amount(quote, amount)
    name = f"Refund: {locked.package_name} ({_what_is_left(locked)})"
    money = {"refund_amount": refund_amount, "name": name, "reason": reason, "on_date": on_date}
    if quote.document_kind == CREDIT_NOTE:
        document = _credit_note(locked, quote, whole=amount is None, **money)
    else:
        document = _refund_voucher(locked, quote, **money)
    label = PaymentMethod(method).label
    assignment_close(
        assignment=locked,
        status=AssignmentStatus.REFUNDED,
        kind=UsageKind.REFUND,
        reason=reason,
        user=user,
        item_name=f"Refund {format_inr(refund_amount)} by {label} ({document.number})",
        value=refund_amount,
        number=document.number,
        on_date=on_date,
        branch_id=document.branch.pk,  # the journal row: where the refund happened
    )
    snapshot = _refund_snapshot(document, locked, refund_amount=refund_amount, reason=reason, method=method, reference=reference)
    receipt = receipt_issue(
        number=document.number, kind=document.kind, customer=locked.customer, amount=refund_amount,
        snapshot=snapshot, created_by=user, branch=document.branch,
    )
    refund = Refund.objects.create(
        customer=locked.customer, assignment=locked, invoice=document.invoice, document=receipt, method=method,
        amount=inr(refund_amount), reference=(reference or "")[:80], reason=reason, refunded_by=user,
    )
    return RefundResult(assignment=locked, refund_amount=refund_amount, document=receipt, refund=refund, quote=quote)


@dataclass(frozen=True)
class TopUpResult:
    assignment: PackageAssignment
    payment: Payment
    receipt: Receipt  # the receipt voucher (advance), REC series


def _check_top_up(locked: PackageAssignment, *, on_date: date, credit, price_paid) -> tuple[Decimal, Decimal]:
    """Refuse a package that takes no top-up today, or a credit or price that is not a sale; return both checked."""
    if not locked.is_credit:
        refuse("assignment", f'"{locked.package_name}" has no credit: only prepaid and kitty-party credit is topped up.')
    refuse_closed(locked)
    if locked.status == AssignmentStatus.EXPIRED or locked.is_expired_on(on_date):
        refuse("status", f'"{locked.package_name}" has expired; extend it before topping it up.')
    credit, price_paid = quantize_money(credit), quantize_money(price_paid)
    if credit <= 0:
        refuse("credit", "The credit added must be more than zero.")
    if price_paid <= 0:
        refuse("price_paid", "The price paid must be more than zero.")
    if price_paid > credit:
        refuse("price_paid", "The price paid cannot be more than the credit it buys.")
    return credit, price_paid


def _check_top_up_payment(locked: PackageAssignment, payment: PaymentIn, *, price_paid: Decimal, on_date: date) -> str:
    """Refuse a payment that is not a tender, does not match the price, or brings the day's cash to the limit."""
    method = _method(payment.method, "payment.method")
    paid = price_paid if payment.amount is None else quantize_money(payment.amount)
    if paid != price_paid:
        refuse("payment.amount", f"The payment of {format_inr(paid)} does not match the price, {format_inr(price_paid)}.")
    if method == PaymentMethod.CASH:  # the cash limit of the day (billing.services.rules)
        cash_limit_check(customer=locked.customer, cash=paid, day=on_date, field="payment.method")
    return method


def _top_up_voucher(
    locked: PackageAssignment, payment_row: Payment, *, credit: Decimal, price_paid: Decimal, branch: Branch
) -> dict:
    """The receipt voucher's snapshot: the credit bought for `price_paid`, an advance with no GST."""
    untaxed = LineTax(price_paid, ZERO, ZERO, ZERO)
    line = receipt_line(
        f"{locked.package_name}: top-up of {format_inr(credit)} credit", tax=untaxed, total=price_paid, note=ADVANCE_NOTE
    )
    return document_snapshot(
        title="Receipt voucher (advance)",
        customer=locked.customer,
        total=price_paid,
        lines=[line],
        summary=_summary(taxable=price_paid, tax=untaxed, round_off=ZERO, total=price_paid),
        payments=[payment_row],
        packages=[locked],
        branch=branch,
    )


@transaction.atomic
def assignment_top_up(
    *,
    assignment_id: int,
    user,
    credit: Decimal,
    price_paid: Decimal,
    payment: PaymentIn,
    on_date: date | None = None,
    branch: Branch | None = None,
) -> TopUpResult:
    """Add `credit` to a prepaid or kitty-party package for `price_paid`, with the payment and a receipt voucher.

    The credit and the sale value grow on the same assignment (credit carries no GST at
    sale, so the sale value grows by the price paid); a completed package is active again.
    Refused, writing nothing: a kind without credit, a package expired, refunded,
    transferred or cancelled, a credit or price not above zero, a price above the
    credit, a payment that is not a tender or does not match the price, cash that brings the
    customer's cash of the day to the limit (billing.services.rules). `branch`: where the
    money is taken (the branch that sold the package if none).
    """
    on_date = on_date or timezone.localdate()
    locked = lock_assignment(assignment_id)
    credit, price_paid = _check_top_up(locked, on_date=on_date, credit=credit, price_paid=price_paid)
    method = _check_top_up_payment(locked, payment, price_paid=price_paid, on_date=on_date)
    branch = branch or locked.branch
    number = next_number("REC", branch=branch, day=on_date)
    assignment_credit_add(
        assignment=locked, credit=credit, price_paid=price_paid, user=user, number=number,
        note=f"Top-up paid by {PaymentMethod(method).label}",
        on_date=on_date, branch_id=branch.pk,  # the journal row: its business day and branch
    )
    payment_row = Payment.objects.create(
        customer=locked.customer,
        assignment=locked,
        method=method,
        amount=inr(price_paid),
        reference=(payment.reference or "")[:80],
        received_by=user,
    )
    receipt = receipt_issue(
        number=number,
        kind=ReceiptKind.ADVANCE_RECEIPT,
        customer=locked.customer,
        amount=price_paid,
        snapshot=_top_up_voucher(locked, payment_row, credit=credit, price_paid=price_paid, branch=branch),
        created_by=user,
        branch=branch,
    )
    payment_row.receipt = receipt
    payment_row.save(update_fields=["receipt"])
    return TopUpResult(assignment=locked, payment=payment_row, receipt=receipt)
