"""GSTIN shape and check digit (the standard mod-36 checksum), shared by customers and branches."""
import re

from django.core.exceptions import ValidationError

GSTIN_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# State code, PAN (5 letters, 4 digits, a letter), entity number, "Z", check character.
GSTIN_PATTERN = re.compile(r"^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")


def gstin_check_digit(first14: str) -> str:
    """Compute the GSTIN checksum character (mod 36, weights 1 and 2 alternating, digits of base 36 summed)."""
    total = 0
    for index, char in enumerate(first14):
        value = GSTIN_CHARSET.index(char) * (2 if index % 2 else 1)
        total += value // 36 + value % 36
    return GSTIN_CHARSET[(36 - total % 36) % 36]


def validate_gstin(value: str) -> None:
    """Refuse a GSTIN whose shape or check digit is wrong (an empty one passes: unregistered)."""
    if not value:
        return
    if not GSTIN_PATTERN.match(value):
        raise ValidationError("Enter a valid 15-character GSTIN, e.g. 29ABCDE1234F1ZW.", code="invalid_gstin")
    if gstin_check_digit(value[:14]) != value[14]:
        raise ValidationError("This GSTIN's check digit is wrong.", code="invalid_gstin")
