"""Reads on billing that span relations, with their joins inside."""
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from branches.selectors import documents_readable_by
from core.money import ZERO, money_str
from core.payments import PaymentMethod
from packages.models import PackageUsage, UsageKind

from .models import Invoice, InvoiceKind, InvoiceLine, LineType, Refund


def _balance_after(usage: PackageUsage):
    assignment = usage.assignment
    if assignment.has_sessions:
        return usage.sessions_after
    if assignment.is_credit:
        return money_str(usage.credit_after.amount)
    return None


# After-sale rows carry the rupees that moved (refunded, transferred, paid for a top-up) as `value`.
VALUE_KINDS = frozenset({UsageKind.REFUND, UsageKind.TRANSFER_OUT, UsageKind.TRANSFER_IN, UsageKind.TOP_UP, UsageKind.CANCEL})


def _amount(usage: PackageUsage, *, topped_up):
    if usage.kind in VALUE_KINDS:
        return usage.value.amount
    if usage.kind == UsageKind.SALE:
        # Its own money, never the price paid since (which grows with every top-up). A sale row
        # written before it stored its money: the price paid less the top-ups, its own rows.
        return usage.value.amount or usage.assignment.price_paid.amount - topped_up
    if usage.credit_delta.amount:
        return abs(usage.credit_delta.amount)
    return usage.value.amount


def package_usage(*, assignment_id: int) -> list[dict]:
    """Return an assignment's usage history (its ledger), oldest first, in one query.

    `balance_after` is the sessions left (an integer) for a service package, the credit
    left (a decimal string) for prepaid and kitty credit, and null for the kinds
    without a balance (memberships and discounts). Each row also says who (`by`), when
    (`at`), why (`reason`, the manager's reason of an after-sale change) and where (`branch`,
    the code of the branch it was sold or used at: a package is used at any branch).
    """
    invoice_dates = Invoice.objects.filter(number=OuterRef("invoice_number")).values("bill_date")[:1]
    credit_note_dates = Invoice.objects.filter(credit_note_number=OuterRef("invoice_number")).values("cancelled_at")[:1]
    # The sale row is written before its invoice is numbered: it names the invoice through the package line.
    sale_numbers = (
        InvoiceLine._base_manager.filter(line_type=LineType.PACKAGE, assignment_id=OuterRef("assignment_id"))
        .order_by("pk")
        .values("invoice__number")[:1]
    )
    usages = (
        PackageUsage.objects.filter(assignment_id=assignment_id)
        .select_related("assignment", "created_by", "branch")
        .annotate(
            bill_date=Subquery(invoice_dates),
            credited_at=Subquery(credit_note_dates),
            sale_number=Subquery(sale_numbers),
        )
        .order_by("created_at", "pk")
    )
    usages = list(usages)
    topped_up = sum((usage.value.amount for usage in usages if usage.kind == UsageKind.TOP_UP), ZERO)
    rows = []
    for usage in usages:
        if usage.bill_date is not None:
            day = usage.bill_date
        else:
            day = timezone.localdate(usage.credited_at or usage.created_at)
        rows.append(
            {
                "invoice_number": usage.invoice_number
                or (usage.sale_number if usage.kind == UsageKind.SALE else None)
                or None,
                "date": day.isoformat(),
                "kind": usage.kind,
                "item_name": usage.item_name,
                "quantity": usage.quantity or abs(usage.sessions_delta),
                "amount": money_str(_amount(usage, topped_up=topped_up)),
                "balance_after": _balance_after(usage),
                "reason": usage.note or None,
                "by": usage.created_by.get_username() if usage.created_by_id else None,
                "at": timezone.localtime(usage.created_at).isoformat(),
                "branch": usage.branch.code if usage.branch_id else None,
            }
        )
    return rows


def invoices_readable_by(user) -> QuerySet[Invoice]:
    """Return the invoices `user` may read: at the branches they work at, and their own unless they may view reports.

    The API's list and detail and the counter's recent bills all read through this; the
    receipts apply the same rule (branches.selectors.documents_readable_by).
    """
    return documents_readable_by(Invoice.objects.all(), user, issued_by="cashier")


def recent_invoices(*, cashier, branch, day: date | None = None, limit: int = 8) -> list[Invoice]:
    """Return the bills `cashier` issued at `branch` on `day` (today), newest first, for the counter's reprint list."""
    return list(
        invoices_readable_by(cashier)
        .filter(cashier=cashier, branch=branch, kind=InvoiceKind.SALE, bill_date=day or timezone.localdate())
        .select_related("customer", "receipt")
        .order_by("-issued_at", "-pk")[:limit]
    )


def invoice_money_back(invoice: Invoice) -> list[tuple[str, Decimal]]:
    """Return the money a voided invoice paid back, per method in the order paid: [("card", 366.00)].

    The refunds on its credit note; credit a void gives back to a prepaid or kitty package is
    no money in hand and is left out. Empty for an invoice not voided.
    """
    if not invoice.credit_note_receipt_id:
        return []
    refunds = (
        Refund.objects.filter(invoice=invoice, document_id=invoice.credit_note_receipt_id)
        .exclude(method=PaymentMethod.PREPAID_CREDIT)
        .order_by("pk")
    )
    totals: dict[str, Decimal] = {}
    for refund in refunds:
        totals[refund.method] = totals.get(refund.method, ZERO) + refund.amount.amount
    return [(method, amount) for method, amount in totals.items() if amount]


def invoice_money_to_return(invoice: Invoice) -> list[tuple[str, Decimal]]:
    """What voiding `invoice` would hand back, per method in the order paid: [("card", 366.00)].

    A void refunds every payment of the invoice (billing.services.void); credit spent goes back to
    its package, no money in hand, and is left out, as `invoice_money_back` leaves it out after.
    """
    totals: dict[str, Decimal] = {}
    for method, amount in (
        invoice.payments.exclude(method=PaymentMethod.PREPAID_CREDIT).order_by("pk").values_list("method", "amount")
    ):
        totals[method] = totals.get(method, ZERO) + amount
    return [(method, amount) for method, amount in totals.items() if amount]


def money_back_json(money_back: list[tuple[str, Decimal]]) -> dict:
    """The API's words for `invoice_money_back`: {"money_back": [{"method", "amount"}], "total_money_back"}."""
    return {
        "money_back": [{"method": method, "amount": money_str(amount)} for method, amount in money_back],
        "total_money_back": money_str(sum((amount for _, amount in money_back), ZERO)),
    }
