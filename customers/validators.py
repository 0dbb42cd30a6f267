"""Phone, GSTIN and date-of-birth rules for Indian customers.

The phone and GSTIN rules live on the ground floor (core.phones: phonenumbers; core.gstin:
python-stdnum), shared with the branches, the import and the notifications; they are named
here too, where the customer's fields look for them.
"""
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.gstin import gstin_check_digit, validate_gstin
from core.phones import ascii_digits, normalise_phone, phone_digits

__all__ = [
    "ascii_digits", "gstin_check_digit", "normalise_phone", "phone_digits",
    "validate_date_of_birth", "validate_gstin",
]


def validate_date_of_birth(value) -> None:
    """Refuse a date of birth that is not in the past."""
    if value is not None and value >= timezone.localdate():
        raise ValidationError("The date of birth must be in the past.", code="future_date_of_birth")
