"""Writes on billing. Import from here: `from billing.services import package_sell`."""
from .sale import PaymentIn, SaleResult, package_sell

__all__ = ["PaymentIn", "SaleResult", "package_sell"]
