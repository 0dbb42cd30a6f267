"""customer_create: one place normalises the phone and the GSTIN and reports refusals per field."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from customers.models import Customer
from customers.services import InvalidCustomer, customer_create, customer_update

pytestmark = pytest.mark.django_db


def test_customer_create_stores_the_phone_as_plus_91_and_the_gstin_in_capitals():
    customer = customer_create(name="  Priya Sharma ", phone="098450 12345", gstin="29abcfe1234f1zs", state_code="29")

    customer.refresh_from_db()
    assert (customer.name, customer.phone, customer.gstin) == ("Priya Sharma", "+919845012345", "29ABCFE1234F1ZS")


def test_customer_create_refuses_a_phone_already_registered_in_another_spelling():
    customer_create(name="Priya Sharma", phone="9845012345")

    with pytest.raises(InvalidCustomer) as excinfo:
        customer_create(name="Priya S.", phone="+91 98450-12345")

    assert "phone" in excinfo.value.errors
    assert Customer.objects.count() == 1


def test_customer_create_reports_every_bad_field_on_its_own_name_and_saves_nothing():
    with pytest.raises(InvalidCustomer) as excinfo:
        customer_create(name="", phone="12", gstin="29ABCFE1234F1ZX", state_code="K")

    assert set(excinfo.value.errors) == {"name", "phone", "gstin", "state_code"}
    assert "__all__" not in excinfo.value.errors
    assert not Customer.objects.exists()


def test_customer_update_normalises_a_changed_phone():
    customer = customer_create(name="Rahul Verma", phone="9900123456")

    customer_update(customer=customer, phone="99001 65432", email="rahul@example.in")

    customer.refresh_from_db()
    assert (customer.phone, customer.email) == ("+919900165432", "rahul@example.in")


def test_customer_update_refuses_fields_that_are_not_details():
    customer = customer_create(name="Rahul Verma", phone="9900123456")

    with pytest.raises(InvalidCustomer) as excinfo:
        customer_update(customer=customer, created_at=None)

    assert "created_at" in excinfo.value.errors


@pytest.mark.parametrize("born", [lambda: date(9999, 12, 31), timezone.localdate], ids=["9999-12-31", "today"])
def test_customer_create_refuses_a_date_of_birth_not_in_the_past(born):
    born = born()  # when the test runs, not at import
    with pytest.raises(InvalidCustomer) as excinfo:
        customer_create(name="Priya Sharma", phone="9845012345", date_of_birth=born)

    assert excinfo.value.errors == {"date_of_birth": ["The date of birth must be in the past."]}
    assert not Customer.objects.exists()


def test_customer_create_and_update_take_a_date_of_birth_in_the_past():
    customer = customer_create(name="Priya Sharma", phone="9845012345", date_of_birth=date(1990, 5, 17))

    customer_update(customer=customer, date_of_birth=timezone.localdate() - timedelta(days=1))
    with pytest.raises(InvalidCustomer):
        customer_update(customer=customer, date_of_birth=date(9999, 12, 31))

    customer.refresh_from_db()
    assert customer.date_of_birth == timezone.localdate() - timedelta(days=1)


@pytest.mark.parametrize(
    "typed", ["٩٨٤٥٠١٢٣٤٥", "９８４５０１２３４５", "९८४५०१२३४५"], ids=["arabic-indic", "full-width", "devanagari"]
)
def test_customer_create_finds_the_same_number_typed_in_another_script(typed):
    customer_create(name="Priya Sharma", phone="9845012345")

    with pytest.raises(InvalidCustomer) as excinfo:
        customer_create(name="Priya S.", phone=typed)

    assert list(excinfo.value.errors) == ["phone"]
    assert list(Customer.objects.values_list("phone", flat=True)) == ["+919845012345"]
