"""Void an invoice: give back what it took, keep its number, issue a credit note that cites it."""
from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from catalog.models import Product
from packages.locks import lock_assignments
from packages.models import AssignmentStatus, PackageAssignment, PackageUsage, UsageKind
from packages.services import CLOSED, assignment_close, lock_assignment, usages_reverse
from receipts.models import ReceiptKind
from receipts.services import receipt_issue

from ..documents import credit_note_snapshot
from ..exceptions import InvoiceAlreadyVoid, InvoiceNotVoidable
from ..locks import lock_invoice, lock_products
from ..models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, LineType, Refund
from ..numbering import next_number
from .invoice import stored_computation


@transaction.atomic
def invoice_void(*, invoice: Invoice, reason: str, user, on_date: date | None = None) -> list[PackageAssignment]:
    """Cancel the invoice and give back every session, rupee of credit and product it took.

    `on_date` is the day the credit note is numbered and its journal rows dated: today at a
    counter; the demo's history voids on earlier days, in the financial year of that day.

    A package-sale invoice is voided only while nothing of the package was used: its
    package is then `cancelled` and its payments refunded (one `Refund` per payment, on
    the credit note); once used, the error points to the package refund instead. An
    invoice that used a package refunded or transferred since is not voided.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvoiceNotVoidable("Say why the invoice is voided.", errors={"reason": ["A reason is required."]})
    locked = lock_invoice(invoice.pk)
    if locked.status == InvoiceStatus.CANCELLED:
        message = f"Invoice {locked.number} was already cancelled (credit note {locked.credit_note_number})."
        raise InvoiceAlreadyVoid(message, errors={"invoice": [message]})
    if locked.kind == InvoiceKind.PACKAGE_SALE:
        sold = _package_sale_check(locked)
        number = next_number("CN", branch=locked.branch, day=on_date)
        given_back = [sold] if sold else []
        if sold:
            _package_sale_close(sold, invoice=locked, number=number, reason=reason, user=user)
    else:
        given_back, number = _bill_reverse(locked, user=user, on_date=on_date)

    computation = stored_computation(locked)
    original_lines = (locked.receipt.snapshot.get("lines") if locked.receipt_id else None) or [
        line.as_json() for line in computation.lines
    ]
    credit_note = receipt_issue(
        number=number,
        branch=locked.branch,
        kind=ReceiptKind.CREDIT_NOTE,
        customer=locked.customer,
        amount=locked.grand_total.amount,
        snapshot=credit_note_snapshot(
            invoice=locked,
            number=number,
            reason=reason,
            lines=original_lines,
            summary=computation.summary.as_json(),
            packages=given_back,
        ),
        created_by=user,
    )
    Invoice.objects.filter(pk=locked.pk).update(
        status=InvoiceStatus.CANCELLED,
        cancelled_at=timezone.now(),
        cancelled_by=user,
        cancel_reason=reason[:255],
        credit_note_number=number,
        credit_note_receipt=credit_note,
    )
    for payment in locked.payments.order_by("pk"):
        Refund.objects.create(
            customer=locked.customer,
            assignment=payment.assignment,
            invoice=locked,
            document=credit_note,
            method=payment.method,
            amount=payment.amount,
            reference=payment.reference,
            reason=reason[:255],
            refunded_by=user,
        )
    invoice.refresh_from_db()
    return given_back


def _bill_reverse(invoice: Invoice, *, user, on_date: date | None) -> tuple[list[PackageAssignment], str]:
    """Give back the sessions, credit and stock a bill took; return the packages given back and the credit note number."""
    # The same lock order as invoice_create: assignments, products, then the number sequence.
    taken = PackageUsage.objects.filter(invoice_number=invoice.number, kind=UsageKind.REDEEM)
    for assignment in lock_assignments(taken.values_list("assignment_id", flat=True)).values():
        if assignment.status in CLOSED:
            message = (
                f'Invoice {invoice.number} used "{assignment.package_name}", which was '
                f"{AssignmentStatus(assignment.status).label.lower()} since; it cannot be voided."
            )
            raise InvoiceNotVoidable(message, errors={"invoice": [message]})
    returned = defaultdict(int)
    for product_id, quantity in invoice.lines.filter(line_type=LineType.PRODUCT).values_list("product_id", "quantity"):
        returned[product_id] += quantity
    lock_products(returned)
    for product_id, quantity in sorted(returned.items()):
        Product.objects.filter(pk=product_id).update(stock_quantity=F("stock_quantity") + quantity)
    number = next_number("CN", branch=invoice.branch, day=on_date)
    given_back = usages_reverse(
        invoice_number=invoice.number, reversal_number=number, user=user, branch_id=invoice.branch_id,
        day=on_date or timezone.localdate(),
    )
    return given_back, number


def _package_sale_check(invoice: Invoice) -> PackageAssignment | None:
    """Lock and check the package a package-sale invoice sold: a void is refused once any of it was used."""
    assignment_id = (
        InvoiceLine.objects.filter(invoice=invoice, line_type=LineType.PACKAGE).values_list("assignment_id", flat=True).first()
    )
    if assignment_id is None:
        return None
    assignment = lock_assignment(assignment_id)
    refund_hint = f"refund the package instead (POST /api/assignments/{assignment.pk}/refund)"
    if assignment.status in CLOSED:
        message = (
            f'Invoice {invoice.number} sold "{assignment.package_name}", which was '
            f"{AssignmentStatus(assignment.status).label.lower()} since; it cannot be voided."
        )
        raise InvoiceNotVoidable(message, errors={"invoice": [message]})
    used_on_bills = (
        InvoiceLine.objects.filter(assignment_id=assignment.pk, invoice__status=InvoiceStatus.ISSUED)
        .exclude(invoice=invoice)
        .exists()
    )
    if used_on_bills or assignment.used_sessions or assignment.credit_used.amount:
        message = (
            f'"{assignment.package_name}" sold on invoice {invoice.number} has been used, so its sale cannot be '
            f"voided; {refund_hint}."
        )
        raise InvoiceNotVoidable(message, errors={"invoice": [message]})
    return assignment


def _package_sale_close(assignment: PackageAssignment, *, invoice: Invoice, number: str, reason: str, user) -> None:
    """Cancel the package a voided package-sale invoice sold: nothing left, status `cancelled`."""
    assignment_close(
        assignment=assignment,
        status=AssignmentStatus.CANCELLED,
        kind=UsageKind.CANCEL,
        reason=reason,
        user=user,
        item_name=f"Sale voided: invoice {invoice.number}, credit note {number}",
        value=invoice.grand_total.amount,
        number=number,
        branch_id=invoice.branch_id,
    )
