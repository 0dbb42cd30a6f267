"""Writes on billing. Import from here: `from billing.services import invoice_create`."""
from ..engine import BillComputation
from .aftersale import (
    RefundQuote,
    RefundResult,
    TopUpResult,
    assignment_refund,
    assignment_refund_quote,
    assignment_top_up,
    sale_invoice_line,
)
from .cart import PaymentIn
from .invoice import (
    CartItem,
    InvoiceResult,
    invoice_create,
    invoice_packages,
    invoice_preview,
    payments_check,
    stored_computation,
)
from .rules import (
    BuyerDetails,
    buyer_details_missing,
    cash_in,
    cash_limit_refusal,
    rule46_applies,
    rule46_message,
    rule46_threshold,
)
from .sale import SaleQuote, SaleResult, assignment_sell, sale_quote
from .void import invoice_void

__all__ = [
    "RefundQuote",
    "RefundResult",
    "TopUpResult",
    "assignment_refund",
    "assignment_refund_quote",
    "assignment_top_up",
    "sale_invoice_line",
    "BillComputation",
    "BuyerDetails",
    "buyer_details_missing",
    "cash_in",
    "cash_limit_refusal",
    "rule46_applies",
    "rule46_message",
    "rule46_threshold",
    "CartItem",
    "InvoiceResult",
    "PaymentIn",
    "SaleQuote",
    "SaleResult",
    "sale_quote",
    "invoice_create",
    "invoice_packages",
    "invoice_preview",
    "invoice_void",
    "assignment_sell",
    "payments_check",
    "stored_computation",
]
