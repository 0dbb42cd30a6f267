"""Staff users as the demo creates them, and a shop with one package of every kind sold."""
import pytest

from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create
from tests.factories import (
    CustomerFactory,
    KittyPartyFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ProductFactory,
    ServiceFactory,
    ServicePackageFactory,
    StudentOfferFactory,
    UserFactory,
    YearlyMembershipFactory,
)


@pytest.fixture
def staff_manager(db):
    return UserFactory(username="admin-manager", is_staff=True, groups=["Manager"])


@pytest.fixture
def staff_cashier(db):
    return UserFactory(username="admin-cashier", is_staff=True, groups=["Cashier"])


@pytest.fixture
def senior_cashier_client(client, senior_cashier):
    client.force_login(senior_cashier)
    return client


@pytest.fixture
def manager_client(client, staff_manager):
    client.force_login(staff_manager)
    return client


@pytest.fixture
def cashier_client(client, staff_cashier):
    client.force_login(staff_cashier)
    return client


@pytest.fixture
def busy_shop(staff_manager, facial):
    """Several customers holding every kind of package, and a few invoices."""
    massage = ServiceFactory(name="Swedish Massage")
    ProductFactory(name="Herbal Shampoo")
    templates = [
        (ServicePackageFactory(), facial),
        (PrepaidPackageFactory(), None),
        (MembershipFactory(services_included=[facial, massage]), None),
        (StudentOfferFactory(), None),
        (YearlyMembershipFactory(), None),
        (KittyPartyFactory(services_included=[massage]), None),
    ]
    customers = CustomerFactory.create_batch(4)
    for customer in customers:
        for template, service in templates:
            assignment_sell(
                customer=customer, template=template, service=service, user=staff_manager, payment=PaymentIn("cash")
            )
        invoice_create(
            customer=customer,
            items=[CartItem(type="service", id=massage.pk, quantity=1)],
            cashier=staff_manager,
            payments=[PaymentIn(method="upi")],
        )
    return customers
