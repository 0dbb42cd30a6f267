"""The template side of the one money formatter: `{% load money %}{{ invoice.grand_total|rupees }}`."""
from django import template

from core.money import format_inr

register = template.Library()


@register.filter
def rupees(value) -> str:
    """Write an amount (Money, Decimal or decimal string) the Indian way: ₹1,05,400.00."""
    return format_inr(value)


@register.filter
def rupees_short(value, arg: str = "") -> str:
    """Write an amount without ".00" when whole (₹15,750; ₹4,248.50); `|rupees_short:"abs"` drops the sign."""
    if arg == "abs" and value is not None:
        value = abs(value)
    return format_inr(value, trim_paise=True)
