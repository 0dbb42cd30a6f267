"""The template side of the one phone formatter: `{% load phones %}{{ customer.phone|phone }}`."""
from django import template

from core.phones import format_phone

register = template.Library()


@register.filter
def phone(value) -> str:
    """Write a stored phone number the way people read it: +91 98450 12345."""
    return format_phone(value)
