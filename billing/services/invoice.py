"""Bill a cart: preview it (nothing written) or issue the invoice in one transaction.

Both paths check the input the same way and call `billing.engine.compute_bill` on
the customer's holdings. The invoice locks the customer's packages first and computes
once, on the locked rows, then writes exactly what that computation says.
"""
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import OuterRef, Q, Subquery

from branches.models import Branch
from catalog.models import Product
from core.compiled_writes import insert_all, pipelined
from core.money import ZERO, format_inr, inr
from core.payments import MAX_PAYMENTS
from packages.locks import holdings_lock, lock_customer_holdings
from packages.models import PackageAssignment
from packages.presenters import updated_package
from packages.selectors import billing_holdings
from packages.services import BenefitUse, benefits_take
from receipts.models import Receipt, ReceiptKind
from receipts.services import receipt_build

from ..documents import invoice_line_details, invoice_snapshot, redemption_note
from ..engine import (
    NO_PACKAGE,
    SUMMARY_FIELDS,
    BillComputation,
    LineInput,
    LineResult,
    PackageApplied,
    Summary,
    compute_bill,
)
from ..exceptions import InsufficientStock, PaymentMismatch, TotalsChanged
from ..idempotency import idempotency_key_clean, idempotency_key_refuse, idempotent_write
from ..models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, LineType, Payment, PaymentMethod
from ..numbering import next_numbers
from ..tax import is_inter_state
from .cart import CartItem, CheckedBill, PaymentIn, bill_fingerprint, cart_lines, check_bill, summary_message
from .rules import BuyerDetails, cash_in, cash_limit_check, rule46_check


@dataclass(frozen=True)
class InvoiceResult:
    invoice: Invoice
    computation: BillComputation
    updated_packages: list[PackageAssignment]
    receipt: Receipt | None
    created: bool = True

    def as_json(self) -> dict:
        """Return the invoice response body without the receipt URLs (the API adds those)."""
        return {
            **self.computation.as_json(),
            "invoice_id": self.invoice.pk,
            "invoice_number": self.invoice.number,
            "updated_packages": [updated_package(assignment) for assignment in self.updated_packages],
            "receipt_id": self.receipt.pk if self.receipt else None,
            "receipt_number": self.receipt.number if self.receipt else None,
        }


# -- computation ------------------------------------------------------------------------------


def _compute(bill: CheckedBill, lines: list[LineInput], holdings) -> BillComputation:
    return compute_bill(
        lines=lines,
        holdings=holdings,
        bill_date=bill.bill_date,
        discount=bill.discount,
        use_credit=bill.use_credit,
        guests=bill.guests,
        inter_state_goods=is_inter_state(bill.place_of_supply, home_state=bill.branch.state_code),
        place_of_supply=bill.place_of_supply,
        prices_include_tax=settings.PRICES_INCLUDE_TAX,
        round_off_to_rupee=settings.ROUND_OFF_TO_RUPEE,
        branch_code=bill.branch.code,
    )


def payments_check(payments: Sequence[PaymentIn], computation: BillComputation) -> None:
    """Refuse more than MAX_PAYMENTS rows, payments that leave part of the amount payable unpaid, or pay more."""
    if len(payments) > MAX_PAYMENTS:
        message = f"A bill takes at most {MAX_PAYMENTS} payments."
        raise PaymentMismatch(message, errors={"payments": [message]})
    payable = computation.summary.amount_payable
    given = sum((payment.amount for payment in payments if payment.amount is not None), ZERO)
    open_ended = [payment for payment in payments if payment.amount is None]
    if given > payable:
        message = f"The payments ({format_inr(given)}) are more than the amount payable, {format_inr(payable)}."
        raise PaymentMismatch(message, errors={"payments": [message]})
    if not open_ended and given < payable:
        message = f"The payments ({format_inr(given)}) leave {format_inr(payable - given)} unpaid of {format_inr(payable)}."
        raise PaymentMismatch(message, errors={"payments": [message]})


def _payment_rows(bill: CheckedBill, computation: BillComputation, *, invoice, cashier) -> list[Payment]:
    """Return the (unsaved) payments: credit first, then the given methods, adding up exactly (`payments_check`)."""
    payable = computation.summary.amount_payable
    given = sum((payment.amount for payment in bill.payments if payment.amount is not None), ZERO)
    common = {"customer": bill.customer, "invoice": invoice, "received_by": cashier}
    rows = [
        Payment(method=PaymentMethod.PREPAID_CREDIT, amount=inr(amount), assignment_id=assignment_id, **common)
        for assignment_id, amount in computation.credit_by_assignment().items()
        if amount > 0
    ]
    for payment in bill.payments:
        amount = payable - given if payment.amount is None else payment.amount
        if amount > 0:
            rows.append(Payment(method=payment.method, amount=inr(amount), reference=payment.reference, **common))
    return rows


# -- preview ----------------------------------------------------------------------------------


def invoice_preview(
    *,
    customer,
    items: Sequence[CartItem],
    discount: Decimal = ZERO,
    use_credit: bool = False,
    guests: int | None = None,
    place_of_supply: str = "",
    payments: Iterable[PaymentIn] = (),
    bill_date: date | None = None,
    branch: Branch | None = None,
) -> BillComputation:
    """Compute the bill as the invoice at `branch` would, writing nothing (payment totals are not checked yet)."""
    bill = check_bill(
        customer=customer, discount=discount, use_credit=use_credit, guests=guests,
        place_of_supply=place_of_supply, payments=payments, bill_date=bill_date, branch=branch,
    )
    lines = cart_lines(items)
    return _compute(bill, lines, billing_holdings(customer_id=bill.customer.pk))


# -- create -----------------------------------------------------------------------------------


def invoice_create(
    *,
    customer,
    items: Sequence[CartItem],
    cashier,
    discount: Decimal = ZERO,
    use_credit: bool = False,
    guests: int | None = None,
    place_of_supply: str = "",
    payments: Iterable[PaymentIn] = (),
    idempotency_key: str | None = None,
    bill_date: date | None = None,
    branch: Branch | None = None,
    expected_grand_total: Decimal | None = None,
    buyer: BuyerDetails | None = None,
) -> InvoiceResult:
    """Issue the invoice at `branch` (the first branch if none): lock, compute, write lines, payments, ledger, number.

    With `expected_grand_total` (the total the cashier was shown), a bill that now comes to
    another total is refused with `TotalsChanged` (409) and nothing is written. `buyer`: the
    customer's address and state typed with the bill, kept on the customer when GST Rule 46
    needs them; the rules of billing.services.rules (Rule 46, the cash limit) refuse the bill
    otherwise, writing nothing.
    """
    key = idempotency_key_clean(idempotency_key)
    bill = check_bill(
        customer=customer, discount=discount, use_credit=use_credit, guests=guests,
        place_of_supply=place_of_supply, payments=payments, bill_date=bill_date, branch=branch,
    )
    fingerprint = bill_fingerprint(bill, items) if key is not None else ""
    # No look-up of the key before the bill: the unique key on the invoice row is the check.
    # A retry meets it at the INSERT (or fails earlier, its packages or stock spent by the
    # first submission); either way the transaction rolls back and the first invoice answers.
    return idempotent_write(
        key,
        write=lambda: _create(
            bill, items, cashier=cashier, key=key, fingerprint=fingerprint, expected=expected_grand_total, buyer=buyer
        ),
        earlier=_issued_with,
        replay=lambda invoice: _replay(invoice, bill, cashier=cashier, fingerprint=fingerprint),
    )


def _issued_with(key: str) -> Invoice | None:
    return Invoice._base_manager.filter(idempotency_key=key).select_related("customer", "receipt").first()


def invoice_insert(invoice: Invoice) -> Invoice:
    """INSERT a new invoice and give it its id: the one way an invoice row is made (a bill here, a package sale too).

    The compiled statement the counter's bill is timed with (docs/benchmarks.md); no signals are
    sent (no code listens for an invoice's save) and the database checks every constraint.
    """
    (invoice,) = insert_all([invoice])
    return invoice


def _sale_invoice_number():
    """The number of the invoice that sold a package (redeemed sessions cite it), read with the lock."""
    return Subquery(
        InvoiceLine._base_manager.filter(line_type=LineType.PACKAGE, assignment_id=OuterRef("pk"))
        .exclude(invoice__status=InvoiceStatus.CANCELLED)
        .order_by()
        .values("invoice__number")[:1]
    )


# The customer's packages locked with, for each, the number of the invoice that sold it.
_HOLDINGS_LOCK = holdings_lock(lambda: {"sale_invoice_number": _sale_invoice_number()})


def _create(
    bill: CheckedBill,
    items,
    *,
    cashier,
    key: str | None,
    fingerprint: str,
    expected: Decimal | None = None,
    buyer: BuyerDetails | None = None,
) -> InvoiceResult:
    # Lock order, shared with invoice_void: assignments and trackers, products, then the number
    # sequences; each in primary-key order. The sequence rows serialise every invoice of the day,
    # so the numbers are taken once everything that can refuse the bill (totals, payments, stock,
    # balances) has passed, with only the writes left; the invoice is written with its number
    # and receipt at once.
    lines = cart_lines(items)
    holdings, locked = lock_customer_holdings(bill.customer.pk, lock=_HOLDINGS_LOCK)
    computation = _compute(bill, lines, holdings)
    summary = computation.summary
    if expected is not None and summary.grand_total != expected:
        raise TotalsChanged(errors={"expected_grand_total": [
            f"The totals changed: the bill now comes to {format_inr(summary.grand_total)}, "
            f"not {format_inr(expected)}; check and press again."
        ]})
    payments_check(bill.payments, computation)
    _rules_check(bill, computation, buyer)
    _take_stock(computation)
    # The balances are checked again and taken in memory, so the receipt can print what is left.
    taken = benefits_take(assignments=locked, uses=_uses(computation))
    touched = [locked[pk] for pk in sorted(computation.spent_assignment_ids)]
    numbers = next_numbers("INV", "REC", branch=bill.branch, day=bill.bill_date)
    invoice = Invoice(
        number=numbers["INV"],
        kind=InvoiceKind.SALE,
        customer=bill.customer,
        branch=bill.branch,
        bill_date=bill.bill_date,
        cashier=cashier,
        guests=bill.guests,
        place_of_supply=bill.place_of_supply,
        idempotency_key=key,
        request_fingerprint=fingerprint,
        **{name: inr(getattr(summary, name)) for name in SUMMARY_FIELDS},
    )
    payments = _payment_rows(bill, computation, invoice=invoice, cashier=cashier)
    (invoice.receipt,) = insert_all([receipt_build(
        number=numbers["REC"],
        branch=bill.branch,
        kind=ReceiptKind.TAX_INVOICE,
        customer=bill.customer,
        amount=summary.grand_total,
        snapshot=invoice_snapshot(
            invoice=invoice, lines=_document_lines(computation, locked), summary=summary.as_json(), payments=payments,
            packages=touched,
        ),
        created_by=cashier,
    )])
    invoice_insert(invoice)
    line_rows = insert_all([_line_row(invoice, result) for result in computation.lines])
    for payment in payments:
        payment.receipt = invoice.receipt
    # Nothing below is read back: balances, journal rows and payments go in one round trip.
    with pipelined():
        taken.write(
            user=cashier, branch_id=bill.branch.pk, invoice_number=invoice.number,
            line_ids={row.position: row.pk for row in line_rows}, returning=False, day=bill.bill_date,
        )
        insert_all(payments, returning=False)
    return InvoiceResult(invoice=invoice, computation=computation, updated_packages=touched, receipt=invoice.receipt)


def _rules_check(bill: CheckedBill, computation: BillComputation, buyer: BuyerDetails | None) -> None:
    """Refuse a bill that breaks GST Rule 46 or the cash limit (billing.services.rules), before anything is written."""
    summary = computation.summary
    rule46_check(customer=bill.customer, total=summary.grand_total, buyer=buyer)
    cash = cash_in(bill.payments, summary.amount_payable)
    cash_limit_check(customer=bill.customer, cash=cash, day=bill.bill_date, field="payments")


def _take_stock_sql() -> str:
    """`UPDATE product SET stock = stock - q WHERE id = p AND stock >= q`: the check and the take in one statement."""
    quote, table = connection.ops.quote_name, Product._meta.db_table
    stock = quote(Product._meta.get_field("stock_quantity").column)
    return f"UPDATE {quote(table)} SET {stock} = {stock} - %s WHERE {quote('id')} = %s AND {stock} >= %s"


def _take_stock(computation: BillComputation) -> None:
    """Take the products sold, in id order, each with one UPDATE that checks the stock on the locked row."""
    sold: dict[int, int] = defaultdict(int)
    for result in computation.lines:
        if result.line.item_type == "product":
            sold[result.line.item_id] += result.line.quantity
    short = []
    for product_id, quantity in sorted(sold.items()):
        with connection.cursor() as cursor:
            cursor.execute(_take_stock_sql(), [quantity, product_id, quantity])
            taken = cursor.rowcount
        if not taken:
            name, stock = Product._base_manager.values_list("name", "stock_quantity").get(pk=product_id)
            short.append(f"{name}: {quantity} wanted, {stock} in stock.")
    if short:
        raise InsufficientStock(summary_message({"items": short}), errors={"items": short})


def _line_row(invoice: Invoice, result: LineResult) -> InvoiceLine:
    line, applied = result.line, result.package_applied
    return InvoiceLine(
        invoice=invoice,
        position=line.position,
        line_type=LineType.SERVICE if line.item_type == "service" else LineType.PRODUCT,
        service_id=line.item_id if line.item_type == "service" else None,
        product_id=line.item_id if line.item_type == "product" else None,
        name=line.name,
        hsn_sac=line.hsn_sac,
        quantity=line.quantity,
        unit_price=inr(line.unit_price),
        gross=inr(result.gross),
        discount=inr(result.discount),
        benefit_discount=inr(result.benefit_discount),
        taxable_value=inr(result.taxable_value),
        gst_rate=line.gst_rate,
        cgst=inr(result.cgst),
        sgst=inr(result.sgst),
        igst=inr(result.igst),
        total=inr(result.total),
        staff_id=line.staff_id,
        assignment_id=applied.assignment_id if applied else None,
        benefit_type=applied.benefit_type if applied else "",
        quantity_covered=applied.quantity_covered if applied else 0,
        package_note=(result.package_note or "")[:255],
    )


def _uses(computation: BillComputation) -> list[BenefitUse]:
    """Return one ledger use per package per line: the line benefit, then credit paid (line ids come at writing)."""
    uses = []
    by_position = {result.line.position: result for result in computation.lines}
    for result in computation.lines:
        if result.benefit is not None:
            uses.append(
                BenefitUse(
                    assignment_id=result.benefit.assignment_id,
                    quantity=result.benefit.quantity_covered,
                    sessions=result.benefit.sessions_used,
                    value=result.benefit.discount,
                    item_name=result.line.name,
                    line_position=result.line.position,
                )
            )
    for use in computation.credit_uses:
        line = by_position[use.position].line
        uses.append(
            BenefitUse(
                assignment_id=use.assignment_id,
                quantity=line.quantity,
                credit=use.amount,
                value=use.amount,
                item_name=line.name,
                line_position=use.position,
            )
        )
    return uses


def _document_lines(computation: BillComputation, locked) -> list[dict]:
    """Return the receipt's lines; a redeemed session says so in the customer's words and cites the invoice that taxed it."""
    lines = []
    used = {}  # assignment id -> sessions used so far, this bill's earlier lines included
    for result in computation.lines:
        tax_note = None
        if result.is_redeemed:
            assignment_id = result.benefit.assignment_id
            row = locked.row(assignment_id)
            before = used.setdefault(assignment_id, row["used_sessions"])
            used[assignment_id] = before + result.benefit.sessions_used
            tax_note = redemption_note(
                item=result.line.name,
                package=result.benefit.name,
                sessions=result.benefit.sessions_used,
                total_sessions=row["total_sessions"],
                sale_invoice=row["sale_invoice_number"],
                first=before + 1,
            )
        lines.append(invoice_line_details(result.as_json(), hsn_sac=result.line.hsn_sac, tax_note=tax_note))
    return lines


# -- idempotent replay ------------------------------------------------------------------------


def stored_computation(invoice: Invoice) -> BillComputation:
    """Rebuild an issued invoice's computation from its stored lines (for a retried submission)."""
    results = []
    for row in invoice.lines.select_related("assignment").order_by("position", "pk"):
        applied = None
        if row.assignment_id and row.benefit_type:
            applied = PackageApplied(
                row.assignment_id, row.assignment.package_name, row.benefit_type, row.quantity_covered
            )
        line = LineInput(
            position=row.position,
            item_type=row.line_type,
            item_id=row.service_id or row.product_id,
            name=row.name,
            hsn_sac=row.hsn_sac,
            unit_price=row.unit_price.amount,
            gst_rate=row.gst_rate,
            quantity=row.quantity,
            staff_id=row.staff_id,
        )
        results.append(
            LineResult(
                line=line,
                gross=row.gross.amount,
                benefit_discount=row.benefit_discount.amount,
                bill_discount=row.discount.amount - row.benefit_discount.amount,
                taxable_value=row.taxable_value.amount,
                cgst=row.cgst.amount,
                sgst=row.sgst.amount,
                igst=row.igst.amount,
                total=row.total.amount,
                benefit=None,
                package_applied=applied,
                package_note=row.package_note or None,
            )
        )
    summary = Summary(**{name: getattr(invoice, name).amount for name in SUMMARY_FIELDS})
    return BillComputation(
        lines=tuple(results),
        summary=summary,
        credit_uses=(),
        bill_date=invoice.bill_date,
        guests=invoice.guests,
        place_of_supply=invoice.place_of_supply,
    )


def invoice_packages(invoice: Invoice) -> list[PackageAssignment]:
    """Return the assignments an invoice used (line benefits and credit), as they stand now."""
    return list(
        PackageAssignment.objects.filter(Q(invoice_lines__invoice=invoice) | Q(payments__invoice=invoice))
        .distinct()
        .order_by("pk")
    )


def _replay(invoice: Invoice, bill: CheckedBill, *, cashier, fingerprint: str) -> InvoiceResult:
    """Answer a retried submission with its invoice; refuse a key reused by another user, at another branch or for another bill.

    The key is bound to the user, the branch and the body: a change of any of them is another
    request, refused (409) as a changed body is, without naming a document of the other one.
    """
    if invoice.cashier_id != getattr(cashier, "pk", None):
        idempotency_key_refuse("This Idempotency-Key was already used by another user; send a new key for this bill.")
    if invoice.branch_id != bill.branch.pk:
        idempotency_key_refuse("This Idempotency-Key was already used at another branch; send a new key for this bill.")
    # Invoices issued before fingerprints were kept are matched on the customer alone.
    same_bill = (
        invoice.request_fingerprint == fingerprint
        if invoice.request_fingerprint
        else invoice.customer_id == bill.customer.pk
    )
    if not same_bill:
        idempotency_key_refuse(
            f"This Idempotency-Key was already used for a different bill ({invoice.number}); "
            "send a new key for a new bill."
        )
    return InvoiceResult(
        invoice=invoice,
        computation=stored_computation(invoice),
        updated_packages=invoice_packages(invoice),
        receipt=invoice.receipt,
        created=False,
    )


__all__ = [
    "CartItem",
    "invoice_insert",
    "InvoiceResult",
    "NO_PACKAGE",
    "invoice_create",
    "invoice_packages",
    "invoice_preview",
    "payments_check",
    "stored_computation",
]
