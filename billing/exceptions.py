"""Refusals raised by billing services."""
from spa_pkg.exceptions import DomainError


class BillingError(DomainError):
    default_message = "The bill was refused."


class PaymentMismatch(BillingError):
    default_message = "The payments do not match the amount payable."


class InvoiceAlreadyVoid(BillingError):
    default_message = "This invoice is already cancelled."
