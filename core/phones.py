"""Phones, in one place: read as typed, stored as E.164 (+919845012345), shown as +91 98450 12345.

Reading, checking and showing go through the phonenumbers library (libphonenumber's data:
which lengths and ranges each country gives out, how each writes its numbers). A number
typed without a country code is Indian; a foreign one is typed with its "+". Either must
be a number its country gives out (a mobile, or a business's landline: 080 4123 4567). Digits of any script are read (ascii_digits).
"""
import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from phonenumbers import PhoneNumberFormat

INDIA = "IN"
EXAMPLE = "98450 12345"
# The ten digits of an Indian mobile, as the library's data for India describes them.
_INDIAN_MOBILE_DIGITS = re.compile(phonenumbers.PhoneMetadata.metadata_for_region(INDIA).mobile.national_number_pattern)


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


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_phone")


def normalise_phone(raw: str) -> str:
    """Return a phone number as stored: E.164 (+919845012345), in ASCII digits.

    Refused, with the reason: no digits, an Indian number of other than ten digits, ten
    digits India does not give out, a foreign number its country does not give out. Each
    message starts with the number as typed (the import puts "phone " before it).
    """
    shown = (raw or "").strip()
    text = ascii_digits(shown)
    if not phone_digits(text):
        raise _refuse(f"Enter a mobile number, e.g. {EXAMPLE}.")
    try:
        number = phonenumbers.parse(text, INDIA)
    except phonenumbers.NumberParseException:
        raise _refuse(
            f"{shown} is not a phone number: write an Indian mobile as {EXAMPLE}, a foreign number with its + and country code."
        ) from None
    if number.country_code == 91:
        national = phonenumbers.national_significant_number(number)
        if len(national) != 10:
            raise _refuse(f"{shown} has {len(national)} digits; a mobile number has 10.")
        if not phonenumbers.is_valid_number(number):
            raise _refuse(f"{shown} is not an Indian phone number: a mobile number starts with 6, 7, 8 or 9.")
    elif not phonenumbers.is_valid_number(number):
        raise _refuse(f"{shown} is not a phone number of +{number.country_code}: check the digits after the country code.")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def format_phone(phone: str | None) -> str:
    """Write a stored phone number as people read it: +91 98450 12345, +44 20 7946 0958; one the library does not know, as stored.

    Kept our own for the stored Indian mobile (nearly every customer), recognised by the
    library's own pattern: the library's parse and format cost 70 to 125 µs a number where
    this costs 2 to 5, and the picker formats up to eight phones a keystroke, a download one
    a row (docs/benchmarks.md, "Kept libraries"). It also keeps the way India writes a mobile,
    five and five digits, where the library groups about 1 in 1,000 mobile numbers like a
    landline (+91 6295 220 511).
    """
    if not phone:
        return ""
    if len(phone) == 13 and phone.startswith("+91") and _INDIAN_MOBILE_DIGITS.fullmatch(phone[3:]):
        return f"+91 {phone[3:8]} {phone[8:]}"
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone
    if not phonenumbers.is_valid_number(number):
        return phone
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
