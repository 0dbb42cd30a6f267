"""GSTIN shape and check digit, shared by customers and branches: python-stdnum's `stdnum.in_.gstin`.

The library checks the length, the shape (state code, PAN, entity number, "Z", check
character), the state code, the PAN (its fourth letter says who holds it) and the check
character (Luhn mod 36). Here its refusals get words a cashier can act on.
"""
from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength
from stdnum.exceptions import ValidationError as NumberError
from stdnum.in_ import gstin as stdnum_gstin
from stdnum.in_ import pan as stdnum_pan

GSTIN_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
EXAMPLE = "29ABCFE1234F1ZS"
# GST state codes python-stdnum 2.2 does not list (its list stops at 37, Andhra Pradesh):
# Ladakh (since 2020) and "Other Territory". A GSTIN of theirs is checked like any other.
NEWER_STATE_CODES = {"38": "Ladakh", "97": "Other Territory"}
# PAN holder types (the PAN's fourth letter), as python-stdnum knows them.
PAN_HOLDER_TYPES = "".join(sorted(stdnum_pan._pan_holder_types))


def gstin_check_digit(first14: str) -> str:
    """Compute the GSTIN check character of its first 14 (Luhn mod 36, python-stdnum's)."""
    return luhn.calc_check_digit(first14, GSTIN_CHARSET)


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_gstin")


def _component_problem(value: str) -> str:
    """Say which part of a well-shaped GSTIN python-stdnum refused (state, PAN, entity number, the "Z")."""
    state, holder = value[:2], value[5]
    if state not in stdnum_gstin._STATE_CODES and state not in NEWER_STATE_CODES:
        return f"A GSTIN starts with its state's code (01 to 38, or 97); {state} is not one."
    if holder not in PAN_HOLDER_TYPES:
        return (
            f"The PAN in this GSTIN ({value[2:12]}) is not valid: its fourth letter says who holds it "
            f"({', '.join(PAN_HOLDER_TYPES)}), not {holder}."
        )
    if value[12] == "0":
        return "The 13th character of a GSTIN (the registration number) is 1 to 9 or a letter, not 0."
    if value[13] != "Z":
        return f'The 14th character of a GSTIN is "Z", not "{value[13]}".'
    return f"The PAN in this GSTIN ({value[2:12]}) is not valid: its four digits cannot be 0000."


def validate_gstin(value: str) -> None:
    """Refuse a GSTIN whose shape, parts or check digit are wrong (an empty one passes: unregistered).

    The value is checked as stored (upper case, no spaces): the services and forms write it so.
    """
    if not value:
        return
    shape = f"Enter a valid 15-character GSTIN, e.g. {EXAMPLE}"
    if len(value) != 15:
        raise _refuse(f"{shape}; this one has {len(value)} characters.")
    try:
        stdnum_gstin.validate(value)
    except InvalidChecksum:
        raise _refuse("This GSTIN's check digit is wrong: compare it with the GST certificate.") from None
    except InvalidComponent:
        if value[:2] in NEWER_STATE_CODES:
            _validate_newer_state(value)
            return
        raise _refuse(_component_problem(value)) from None
    except InvalidLength:  # compact() removed spaces or hyphens: the stored form has none
        raise _refuse(f"{shape}, without spaces or hyphens.") from None
    except NumberError:  # InvalidFormat: lower case, or a letter where a digit goes
        raise _refuse(
            f"{shape}: the state's two digits, the PAN (5 letters, 4 digits, a letter), "
            'the registration number, "Z" and the check character, in capitals.'
        ) from None
    if value != stdnum_gstin.compact(value):
        raise _refuse(f"{shape}, in capitals.")


def _validate_newer_state(value: str) -> None:
    """The checks python-stdnum makes, for a state code it does not list yet (38, 97)."""
    try:
        # Any listed state code lets the library check every other part; the check character
        # covers the real one, so it is checked on the value as written.
        stdnum_gstin.validate("29" + value[2:14] + gstin_check_digit("29" + value[2:14]))
    except NumberError:
        raise _refuse(_component_problem(value)) from None
    if not luhn.is_valid(value, GSTIN_CHARSET):
        raise _refuse("This GSTIN's check digit is wrong: compare it with the GST certificate.")
