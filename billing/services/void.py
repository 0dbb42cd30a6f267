"""Void an invoice: give back what it took, keep its number, issue a credit note that cites it."""
from collections import defaultdict

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from catalog.models import Product
from packages.locks import lock_assignments
from packages.models import PackageAssignment, PackageUsage, UsageKind
from packages.services import usages_reverse
from receipts.models import ReceiptKind
from receipts.services import receipt_issue

from ..documents import credit_note_snapshot
from ..exceptions import InvoiceAlreadyVoid, InvoiceNotVoidable
from ..locks import lock_invoice, lock_products
from ..models import Invoice, InvoiceKind, InvoiceStatus, LineType
from ..numbering import next_number
from .invoice import stored_computation


@transaction.atomic
def invoice_void(*, invoice: Invoice, reason: str, user) -> list[PackageAssignment]:
    """Cancel the invoice and give back every session, rupee of credit and product it took."""
    reason = (reason or "").strip()
    if not reason:
        raise InvoiceNotVoidable("Say why the invoice is voided.", errors={"reason": ["A reason is required."]})
    locked = lock_invoice(invoice.pk)
    if locked.status == InvoiceStatus.CANCELLED:
        message = f"Invoice {locked.number} was already cancelled (credit note {locked.credit_note_number})."
        raise InvoiceAlreadyVoid(message, errors={"invoice": [message]})
    if locked.kind == InvoiceKind.PACKAGE_SALE:
        message = f"Invoice {locked.number} sold a package; a package sale is not voided from the billing counter."
        raise InvoiceNotVoidable(message, errors={"invoice": [message]})

    # The same lock order as invoice_create: assignments, products, then the number sequence.
    taken = PackageUsage.objects.filter(invoice_number=locked.number, kind=UsageKind.REDEEM)
    lock_assignments(taken.values_list("assignment_id", flat=True))
    returned = defaultdict(int)
    for product_id, quantity in locked.lines.filter(line_type=LineType.PRODUCT).values_list("product_id", "quantity"):
        returned[product_id] += quantity
    lock_products(returned)
    for product_id, quantity in sorted(returned.items()):
        Product.objects.filter(pk=product_id).update(stock_quantity=F("stock_quantity") + quantity)
    number = next_number("CN", day=timezone.localdate())
    given_back = usages_reverse(invoice_number=locked.number, reversal_number=number, user=user)

    computation = stored_computation(locked)
    original_lines = (locked.receipt.snapshot.get("lines") if locked.receipt_id else None) or [
        line.as_json() for line in computation.lines
    ]
    credit_note = receipt_issue(
        number=number,
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
    invoice.refresh_from_db()
    return given_back
