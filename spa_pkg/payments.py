"""The ways a customer pays: one list, that the models, forms, API, schema and pages derive from.

It lives here, below the apps, because the package sale page (packages) offers the same
methods that billing records, and packages may not import billing.
"""
from django.db import models


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
