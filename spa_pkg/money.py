"""Money helpers shared by every app: one place rounds, one place makes rupees."""
from decimal import ROUND_HALF_UP, Decimal

from djmoney.money import Money

CURRENCY = "INR"
ZERO = Decimal("0.00")
PAISA = Decimal("0.01")
RUPEE = Decimal("1")


def quantize_money(amount) -> Decimal:
    """Round an amount half-up to the paisa."""
    if isinstance(amount, Money):
        amount = amount.amount
    return Decimal(amount).quantize(PAISA, rounding=ROUND_HALF_UP)


def round_to_rupee(amount) -> Decimal:
    """Round an amount half-up to the whole rupee, kept with two places."""
    return Decimal(amount).quantize(RUPEE, rounding=ROUND_HALF_UP).quantize(PAISA)


def inr(amount) -> Money:
    """Return a Money in rupees, rounded to the paisa."""
    return Money(quantize_money(amount), CURRENCY)


def money_str(amount) -> str:
    """Format an amount as the API writes it: a decimal string with two places."""
    return str(quantize_money(amount))
