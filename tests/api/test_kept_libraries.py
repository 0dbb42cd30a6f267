"""The kept libraries through the public paths: python-stdnum's GSTIN check and phonenumbers' phones.

A customer created by the API (the admin: tests/admin/test_admin_permissions.py; the import:
tests/imports/test_import_command.py) is refused with the library's reason
in our words, and nothing is written; stored numbers are shown as people read them on pages.
"""
import phonenumbers
import pytest

from core.phones import format_phone
from customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PAN_HOLDER = (
    "The PAN in this GSTIN (ABCDE1234F) is not valid: its fourth letter says who holds it "
    "(A, B, C, F, G, H, J, K, L, P, T), not D."
)


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"phone": "98450-1234"}, "phone", "98450-1234 has 9 digits; a mobile number has 10."),
        ({"phone": "5845012345"}, "phone", "5845012345 is not an Indian phone number: a mobile number starts with 6, 7, 8 or 9."),
        ({"phone": "+44 20 7946"}, "phone", "+44 20 7946 is not a phone number of +44: check the digits after the country code."),
        ({"phone": "9845000001", "gstin": "29ABCDE1234F1ZW"}, "gstin", PAN_HOLDER),
        ({"phone": "9845000001", "gstin": "29ABCFE1234F1ZX"}, "gstin", "This GSTIN's check digit is wrong: compare it with the GST certificate."),
        ({"phone": "9845000001", "gstin": "45ABCFE1234F1ZS"}, "gstin", "A GSTIN starts with its state's code (01 to 38, or 97); 45 is not one."),
    ],
    ids=["nine-digits", "no-indian-range", "short-foreign", "pan-holder", "check-digit", "state"],
)
def test_the_api_refuses_a_bad_phone_or_gstin_with_the_reason_and_writes_nothing(cashier_client, payload, field, message):
    response = cashier_client.post("/api/customers", {"name": "Meera Iyer", **payload}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]
    assert not Customer.objects.exists()


def test_the_api_stores_a_foreign_mobile_a_landline_and_a_gstin_as_the_libraries_read_them(cashier_client):
    tourist = cashier_client.post("/api/customers", {"name": "Jane Hill", "phone": "+44 7911 123456"}, format="json")
    firm = cashier_client.post(
        "/api/customers",
        {"name": "Blossom Events LLP", "phone": "080 4123 4567", "gstin": "29abcfe1234f1zs", "state_code": "29"},
        format="json",
    )

    assert tourist.status_code == firm.status_code == 201, (tourist.json(), firm.json())
    assert (tourist.json()["phone"], firm.json()["phone"], firm.json()["gstin"]) == (
        "+447911123456", "+918041234567", "29ABCFE1234F1ZS",
    )


def test_a_ladakh_gstin_is_taken_though_python_stdnum_does_not_list_state_38(cashier_client):
    response = cashier_client.post(
        "/api/customers",
        {"name": "Leh Retreats", "phone": "9845000001", "gstin": "38ABCFE1234F1ZT", "state_code": "38"},
        format="json",
    )

    assert response.status_code == 201, response.json()


def test_pages_show_each_stored_phone_as_people_read_it(client, cashier):
    CustomerFactory(name="Priya Sharma", phone="+919845012345")
    CustomerFactory(name="Priya Hill", phone="+442079460958")
    CustomerFactory(name="Priya Events", phone="+918041234567")
    client.force_login(cashier)

    html = client.get("/customers/search", {"q": "priya"}, **HTMX).content.decode()

    assert "+91 98450 12345" in html  # five and five, the way India writes a mobile
    assert "+44 20 7946 0958" in html  # the library's grouping for London
    assert "+91 80 4123 4567" in html  # a Bengaluru landline: its city code apart


@pytest.mark.parametrize("national", ["9845012345", "7000001234", "6000000000", "8123456789", "9999999999"])
def test_the_fast_path_for_a_stored_indian_mobile_writes_what_the_library_writes(national):
    # Five and five digits, as the library writes nearly every mobile (core.phones.format_phone says where not).
    number = phonenumbers.parse("+91" + national)

    assert format_phone("+91" + national) == phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
