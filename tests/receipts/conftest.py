"""A sold package with its receipt, and clients for each kind of caller."""
import pytest
from rest_framework.authtoken.models import Token

from billing.services import PaymentIn, assignment_sell
from tests.factories import CustomerFactory, PrepaidPackageFactory, ServicePackageFactory, UserFactory


@pytest.fixture
def sale(cashier, facial):
    customer = CustomerFactory(name="Priya Sharma", phone="+919845012345", gstin="29ABCFE1234F1ZS")
    return assignment_sell(
        customer=customer,
        template=ServicePackageFactory(name="3+1 Facial Package"),
        service=facial,
        user=cashier,
        payment=PaymentIn(method="upi", reference="UPI-123"),
    )


@pytest.fixture
def receipt(sale):
    return sale.receipt


@pytest.fixture
def advance_receipt(cashier, customer):
    return assignment_sell(
        customer=customer, template=PrepaidPackageFactory(name="Prepaid 15,000"), user=cashier, payment=PaymentIn("cash")
    ).receipt


@pytest.fixture
def cashier_token(cashier):
    return Token.objects.create(user=cashier).key


@pytest.fixture
def outsider(db):
    """Logged in, but neither a cashier nor a manager."""
    return UserFactory(username="outsider")
