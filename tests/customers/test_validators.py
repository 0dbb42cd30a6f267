"""Phone numbers are stored as +91XXXXXXXXXX; a GSTIN must have the right shape and check digit."""
import pytest
from django.core.exceptions import ValidationError

from customers.validators import gstin_check_digit, normalise_phone, validate_gstin


@pytest.mark.parametrize(
    "raw",
    ["9845012345", "98450 12345", "098450-12345", "+91 98450 12345", "91 9845012345", " 98450.12345 "],
)
def test_normalise_phone_turns_every_indian_mobile_spelling_into_plus_91(raw):
    assert normalise_phone(raw) == "+919845012345"


@pytest.mark.parametrize(
    "raw",
    [
        "٩٨٤٥٠١٢٣٤٥",  # Arabic-Indic
        "۹۸۴۵۰۱۲۳۴۵",  # Extended Arabic-Indic (Persian, Urdu)
        "९८४५०१२३४५",  # Devanagari
        "９８４５０１２３４５",  # full-width
        "＋９１ ９８４５０ １２３４５",  # full-width, with the full-width plus
        "98450 ١٢٣٤٥",  # mixed scripts
    ],
    ids=["arabic-indic", "extended-arabic-indic", "devanagari", "full-width", "full-width-plus", "mixed"],
)
def test_normalise_phone_stores_digits_of_any_script_as_ascii(raw):
    assert normalise_phone(raw) == "+919845012345"


def test_normalise_phone_keeps_a_foreign_number_with_its_country_code():
    assert normalise_phone("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize("raw", ["", "12345", "abc", "+1 234"])
def test_normalise_phone_refuses_numbers_too_short_to_be_real(raw):
    with pytest.raises(ValidationError):
        normalise_phone(raw)


def test_validate_gstin_accepts_the_spas_own_gstin():
    validate_gstin("29ABCDE1234F1ZW")


def test_validate_gstin_accepts_any_gstin_whose_check_digit_is_computed():
    first14 = "27AAPFU0939F1Z"

    validate_gstin(first14 + gstin_check_digit(first14))


def test_validate_gstin_refuses_a_wrong_check_digit():
    with pytest.raises(ValidationError, match="check digit"):
        validate_gstin("29ABCDE1234F1ZX")


@pytest.mark.parametrize("value", ["29ABCDE1234F1Z", "29abcde1234f1zw", "2XABCDE1234F1ZW", "29ABCDE1234F0ZW"])
def test_validate_gstin_refuses_a_malformed_gstin(value):
    with pytest.raises(ValidationError, match="15-character"):
        validate_gstin(value)


def test_validate_gstin_lets_an_empty_gstin_pass_for_unregistered_customers():
    validate_gstin("")
