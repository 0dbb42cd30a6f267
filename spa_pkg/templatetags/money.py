"""The template side of the one money formatter: `{% load money %}{{ invoice.grand_total|rupees }}`."""
from django import template

from spa_pkg.money import format_inr

register = template.Library()


@register.filter
def rupees(value) -> str:
    """Write an amount (Money, Decimal or decimal string) the Indian way: ₹1,05,400.00."""
    return format_inr(value)
