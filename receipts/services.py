"""Issue receipt documents. The caller supplies the number and the snapshot."""
from decimal import Decimal

from branches.models import Branch
from branches.selectors import default_branch
from core.money import inr
from customers.models import Customer

from .models import Receipt, ReceiptKind


def receipt_build(
    *,
    number: str,
    kind: str = ReceiptKind.TAX_INVOICE,
    customer: Customer,
    amount: Decimal,
    snapshot: dict,
    created_by=None,
    branch: Branch | None = None,
) -> Receipt:
    """Return an unsaved receipt of `branch` (the first branch if none); `snapshot` is everything it prints.

    The invoice writer inserts it with the invoice's other rows (billing.services.invoice);
    everyone else calls `receipt_issue`.
    """
    return Receipt(
        number=number,
        branch=branch or default_branch(),
        kind=kind,
        customer=customer,
        amount=inr(amount),
        snapshot={**snapshot, "number": number, "kind": kind},
        created_by=created_by,
    )


def receipt_issue(
    *,
    number: str,
    kind: str = ReceiptKind.TAX_INVOICE,
    customer: Customer,
    amount: Decimal,
    snapshot: dict,
    created_by=None,
    branch: Branch | None = None,
) -> Receipt:
    """Store an immutable receipt of `branch` (the first branch if none); `snapshot` is everything it prints."""
    receipt = receipt_build(
        number=number, kind=kind, customer=customer, amount=amount, snapshot=snapshot, created_by=created_by,
        branch=branch,
    )
    receipt.save()
    return receipt
