"""The ways a customer pays: one list, that the models, forms, API, schema and pages derive from.

It lives here, below the apps, because the package sale page (packages) offers the same
methods that billing records, and packages may not import billing.
"""
from django.db import models

from .money import format_inr


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CARD = "card", "Card"
    UPI = "upi", "UPI"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    PREPAID_CREDIT = "prepaid_credit", "Prepaid credit"


# Money the customer hands over. Prepaid credit is spent from a package (`use_credit`),
# never tendered, and cannot buy a package.
TENDER_METHODS = tuple(method for method in PaymentMethod if method != PaymentMethod.PREPAID_CREDIT)
TENDER_CHOICES = [(method.value, method.label) for method in TENDER_METHODS]
# The most payment rows one bill may be split into (API, counter and the invoice service alike).
MAX_PAYMENTS = 10

TENDER_NAMES = ", ".join(method.value for method in TENDER_METHODS[:-1]) + f" or {TENDER_METHODS[-1].value}"


def method_words(method: str) -> str:
    """Name a method inside a sentence: "card", "bank transfer", "UPI"."""
    label = str(PaymentMethod(method).label)
    return label if label.isupper() else label.lower()


def money_back_text(money_back, *, to_whom: str = " to the customer") -> str:
    """Tell the cashier what to hand back: "Return ₹366.00 to the customer by card." ("" when nothing).

    `money_back` is (method, amount) pairs, one per method.
    """
    parts = [f"{format_inr(amount)} by {method_words(method)}" for method, amount in money_back if amount]
    if not parts:
        return ""
    first, *others = parts
    if to_whom:
        first = first.replace(" by ", f"{to_whom} by ", 1)
    return "Return " + (first if not others else ", ".join([first, *others[:-1]]) + " and " + others[-1]) + "."
