"""Refusals raised by billing services."""
from core.exceptions import DomainError


class BillingError(DomainError):
    default_message = "The bill was refused."


class PaymentMismatch(BillingError):
    default_message = "The payments do not match the amount payable."


class InvoiceAlreadyVoid(BillingError):
    default_message = "This invoice is already cancelled."


class InvalidCart(BillingError):
    default_message = "The bill has errors; nothing was written."


class UnknownCustomer(InvalidCart):
    default_message = "No such customer."


class InsufficientStock(BillingError):
    default_message = "Not enough stock for a product on the bill."


class InvoiceNotVoidable(BillingError):
    default_message = "This invoice cannot be voided here."


class IdempotencyKeyReused(BillingError):
    """An Idempotency-Key already used by another user, or for another bill: a conflict."""

    default_message = "This Idempotency-Key was already used for another request; send a new key."
    status_code = 409


class InvalidIdempotencyKey(BillingError):
    """An Idempotency-Key the column cannot hold: a wrong field (400), not a conflict."""

    default_message = "The idempotency key is not valid."


class TotalsChanged(BillingError):
    """The grand total the cashier saw is not the one the bill comes to now: a conflict, nothing written."""

    default_message = "The totals changed; check and press again."
    status_code = 409


class BuyerDetailsMissing(BillingError):
    """GST Rule 46: a large invoice to a customer without a GSTIN needs their address and state."""

    default_message = "The customer's address and state are needed on this invoice (GST Rule 46)."


class CashLimitExceeded(BillingError):
    """Income-tax s.269ST: cash of the daily limit or more from one person in one day is refused."""

    default_message = "This much cash cannot be taken from one person in one day (Income-tax s.269ST)."
