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


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter a mobile number, e.g. 98450 12345."),
        ("98450-1234", "98450-1234 has 9 digits; a mobile number has 10."),
        ("+91 98450 123456", "+91 98450 123456 has 11 digits; a mobile number has 10."),
        ("442079460958", "442079460958 has 12 digits; a mobile number has 10."),  # a foreign number needs its "+"
        ("5845012345", "5845012345 is not an Indian phone number: a mobile number starts with 6, 7, 8 or 9."),
        ("+44 20 7946", "+44 20 7946 is not a phone number of +44: check the digits after the country code."),
    ],
    ids=["empty", "nine-digits", "eleven-after-91", "foreign-without-plus", "no-indian-range", "short-foreign"],
)
def test_normalise_phone_says_what_is_wrong_with_the_number(raw, message):
    with pytest.raises(ValidationError) as excinfo:
        normalise_phone(raw)

    assert excinfo.value.messages == [message]
    assert excinfo.value.code == "invalid_phone"


def test_normalise_phone_takes_a_business_landline_with_its_city_code():
    assert normalise_phone("080 4123 4567") == "+918041234567"


def test_normalise_phone_takes_a_foreign_mobile_with_its_country_code():
    assert normalise_phone("+44 7911 123456") == "+447911123456"
    assert normalise_phone("0044 7911 123456") == "+447911123456"  # the international prefix dialled from India


def test_validate_gstin_accepts_the_spas_own_gstin():
    validate_gstin("29ABCFE1234F1ZS")


def test_validate_gstin_accepts_any_gstin_whose_check_digit_is_computed():
    first14 = "27AAPFU0939F1Z"

    validate_gstin(first14 + gstin_check_digit(first14))


def test_gstin_check_digit_of_a_published_gstin():
    assert gstin_check_digit("27AAPFU0939F1Z") == "V"


def test_validate_gstin_accepts_a_ladakh_gstin_which_python_stdnum_does_not_list():
    first14 = "38ABCFE1234F1Z"

    validate_gstin(first14 + gstin_check_digit(first14))
    with pytest.raises(ValidationError, match="check digit is wrong"):
        validate_gstin(first14 + ("A" if gstin_check_digit(first14) != "A" else "B"))


def test_validate_gstin_refuses_a_wrong_check_digit():
    with pytest.raises(ValidationError, match="check digit"):
        validate_gstin("29ABCFE1234F1ZX")


@pytest.mark.parametrize("value", ["29ABCFE1234F1Z", "29abcfe1234f1zs", "2XABCFE1234F1ZW", "29ABCFE 234F1ZS"])
def test_validate_gstin_refuses_a_malformed_gstin(value):
    with pytest.raises(ValidationError, match="15-character"):
        validate_gstin(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("29ABCFE1234F1Z", "Enter a valid 15-character GSTIN, e.g. 29ABCFE1234F1ZS; this one has 14 characters."),
        ("45ABCFE1234F1ZS", "A GSTIN starts with its state's code (01 to 38, or 97); 45 is not one."),
        (
            "29ABCDE1234F1ZW",
            "The PAN in this GSTIN (ABCDE1234F) is not valid: its fourth letter says who holds it "
            "(A, B, C, F, G, H, J, K, L, P, T), not D.",
        ),
        ("29ABCFE1234F0ZW", "The 13th character of a GSTIN (the registration number) is 1 to 9 or a letter, not 0."),
        ("29ABCFE1234F1YS", 'The 14th character of a GSTIN is "Z", not "Y".'),
        ("29ABCFE1234F1ZX", "This GSTIN's check digit is wrong: compare it with the GST certificate."),
    ],
    ids=["length", "state", "pan-holder", "registration-zero", "no-z", "check-digit"],
)
def test_validate_gstin_says_which_part_is_wrong(value, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_gstin(value)

    assert excinfo.value.messages == [message]


def test_validate_gstin_lets_an_empty_gstin_pass_for_unregistered_customers():
    validate_gstin("")
