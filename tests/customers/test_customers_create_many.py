"""customers_create_many: many customers at once, each checked as customer_create checks one; all or none."""
import pytest

from customers.models import Customer
from customers.services import InvalidCustomer, customers_create_many

pytestmark = pytest.mark.django_db


def test_many_customers_are_registered_at_once_with_their_ids():
    people = [Customer(name=f" Customer {n} ", phone=f"+9198450{n:05d}") for n in range(1200)]

    created = customers_create_many(people)

    assert all(customer.pk for customer in created)
    assert Customer.objects.count() == 1200
    assert Customer.objects.get(phone="+919845000007").name == "Customer 7"


def test_one_customer_that_fails_a_check_registers_none():
    people = [Customer(name="Asha", phone="+919845012345"), Customer(name="Meera", phone="+919845012346", email="no")]

    with pytest.raises(InvalidCustomer) as refusal:
        customers_create_many(people)

    assert "email" in refusal.value.errors
    assert not Customer.objects.exists()


def test_a_phone_registered_meanwhile_registers_none(customer):
    with pytest.raises(InvalidCustomer):
        customers_create_many([Customer(name="Asha", phone="+919845099999"), Customer(name="Twin", phone=customer.phone)])

    assert list(Customer.objects.all()) == [customer]
