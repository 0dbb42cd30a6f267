"""Phone, GSTIN and date-of-birth rules for Indian customers."""
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.gstin import gstin_check_digit, validate_gstin

__all__ = [
    "ascii_digits", "gstin_check_digit", "normalise_phone", "phone_digits",
    "validate_date_of_birth", "validate_gstin",
]


def ascii_digits(text: str) -> str:
    """Write every decimal digit of any script (Arabic-Indic, Devanagari, full-width...) in ASCII.

    NFKC first turns full-width forms (digits and "+") into ASCII; the digits of other
    scripts it leaves alone, so each is then replaced by its value.
    """
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)


def phone_digits(text: str) -> str:
    """Return only the digits of a phone number as typed, in ASCII ("٩٨٤٥٠ 12345" -> "9845012345")."""
    return re.sub(r"[^0-9]", "", ascii_digits(text))


def normalise_phone(raw: str) -> str:
    """Return a phone number as +91XXXXXXXXXX (Indian mobiles) or +<digits>, in ASCII digits."""
    text = ascii_digits(raw).strip()
    digits = phone_digits(text)
    if text.startswith("+"):
        normalised = "+" + digits
    elif len(digits) == 10:
        normalised = "+91" + digits
    elif len(digits) == 11 and digits.startswith("0"):
        normalised = "+91" + digits[1:]
    elif len(digits) == 12 and digits.startswith("91"):
        normalised = "+" + digits
    else:
        normalised = "+" + digits if digits else ""
    if not 8 <= len(normalised) - 1 <= 15:
        raise ValidationError("Enter a valid phone number, e.g. 98450 12345.", code="invalid_phone")
    return normalised


def validate_date_of_birth(value) -> None:
    """Refuse a date of birth that is not in the past."""
    if value is not None and value >= timezone.localdate():
        raise ValidationError("The date of birth must be in the past.", code="future_date_of_birth")
