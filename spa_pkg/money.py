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


def format_inr(value, *, symbol: bool = True) -> str:
    """Format an amount the Indian way: ₹1,17,500.00 (lakh grouping)."""
    if value is None or value == "":
        value = ZERO
    amount = quantize_money(value if isinstance(value, Decimal | Money) else Decimal(str(value)))
    sign = "-" if amount < 0 else ""
    rupees, paise = f"{abs(amount):.2f}".split(".")
    if len(rupees) > 3:
        head, tail = rupees[:-3], rupees[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        rupees = ",".join([*groups, tail])
    return f"{sign}{'₹' if symbol else ''}{rupees}.{paise}"
