"""GST arithmetic per docs/gst.md: per line, half-up to the paisa, then a round-off."""
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from core.money import ZERO, quantize_money, round_to_rupee


@dataclass(frozen=True)
class LineTax:
    taxable_value: Decimal
    cgst: Decimal
    sgst: Decimal
    igst: Decimal

    @property
    def tax(self) -> Decimal:
        return self.cgst + self.sgst + self.igst

    @property
    def total(self) -> Decimal:
        return self.taxable_value + self.tax


def taxable_from(amount: Decimal, rate: Decimal, *, prices_include_tax: bool | None = None) -> Decimal:
    """Return the taxable value of `amount` (after discounts): itself, or its tax-exclusive part."""
    if prices_include_tax is None:
        prices_include_tax = settings.PRICES_INCLUDE_TAX
    if prices_include_tax:
        return quantize_money(Decimal(amount) * 100 / (100 + Decimal(rate)))
    return quantize_money(amount)


def line_tax(taxable_value: Decimal, rate: Decimal, *, inter_state: bool = False) -> LineTax:
    """Compute the tax heads of one line: CGST + SGST at half the rate each, or IGST."""
    taxable_value = quantize_money(taxable_value)
    rate = Decimal(rate)
    if inter_state:
        return LineTax(taxable_value, ZERO, ZERO, quantize_money(taxable_value * rate / 100))
    half = quantize_money(taxable_value * rate / 200)
    return LineTax(taxable_value, half, half, ZERO)


def round_off(total: Decimal, *, enabled: bool | None = None) -> Decimal:
    """Return the adjustment that takes `total` to the rupee (zero when the setting is off)."""
    if enabled is None:
        enabled = settings.ROUND_OFF_TO_RUPEE
    if not enabled:
        return ZERO
    return round_to_rupee(total) - quantize_money(total)


def is_inter_state(place_of_supply: str | None, *, home_state: str | None = None) -> bool:
    """Tell whether goods go to another state than the supplying branch's (then IGST, docs/gst.md "Which tax").

    The supply is where it happens: `home_state` is the state code of the branch that bills.
    """
    return bool(place_of_supply) and place_of_supply != (home_state or settings.SPA_STATE_CODE)
