"""Money helpers shared by every app: one place rounds, one place makes rupees."""
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal
from djmoney.money import Money

CURRENCY = "INR"
LOCALE = "en_IN"
# en_IN's own number pattern drops trailing zeros; amounts always show the paise.
INDIAN_GROUPING = "#,##,##0.00"
ZERO = Decimal("0.00")
PAISA = Decimal("0.01")
RUPEE = Decimal("1")
# The default of a money column that starts at nothing (invoice totals, payments).
ZERO_RUPEES = Money(0, CURRENCY)


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


def format_inr(value, *, symbol: bool = True, trim_paise: bool = False) -> str:
    """Format an amount the Indian way with Babel's en_IN locale: ₹1,05,400.00 (lakh grouping).

    `symbol=False` leaves out the rupee sign (table cells under an "Amount (₹)" heading);
    `trim_paise=True` writes a whole amount without ".00" (₹15,000 in a one-line description).
    """
    if value is None or value == "":
        value = ZERO
    amount = quantize_money(value if isinstance(value, Decimal | Money) else Decimal(str(value)))
    amount = amount or ZERO  # no "-₹0.00" for an amount that rounds to nothing
    if symbol:
        text = format_currency(amount, CURRENCY, locale=LOCALE)
    else:
        text = format_decimal(amount, format=INDIAN_GROUPING, locale=LOCALE)
    return text.removesuffix(".00") if trim_paise else text


# An amount as a person types it: an optional sign and rupee sign, the whole rupees plain (105400),
# in Indian groups (1,05,400) or in thousands (105,400), then the paise.
_TYPED_AMOUNT = re.compile(
    r"(?P<sign>[-+]?)\s*₹?\s*"
    r"(?P<whole>\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})*,\d{3}|\d+)?"
    r"(?P<paise>\.\d*)?"
)


def parse_rupees(text) -> Decimal:
    """Read an amount typed on a page: "1,000", "1,05,400.50", "105,400", "₹ 2,332", "-500".

    Every screen prints amounts with Indian grouping, so a form takes them back that way (and
    in thousands, and plain). Commas anywhere else ("1,0,00") are refused: ValueError, as for
    anything that is not an amount. Not rounded: the form's field checks the paise. The JSON
    API does not use this: it keeps strict decimal strings.
    """
    match = _TYPED_AMOUNT.fullmatch(str(text).strip())
    if match is None or not (match["whole"] or (match["paise"] or ".")[1:]):
        raise ValueError(f"not an amount: {text!r}")
    try:
        return Decimal(f"{match['sign']}{(match['whole'] or '0').replace(',', '')}{match['paise'] or ''}")
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only digits
        raise ValueError(f"not an amount: {text!r}") from error
