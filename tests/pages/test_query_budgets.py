"""The billing counter stays fast with a real shop's data: a fixed number of queries."""
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from customers.models import Customer
from packages.models import AssignmentStatus, PackageAssignment, PackageType
from tests.factories import PrepaidPackageFactory, ProductFactory, ServiceFactory, ServicePackageFactory, inr

pytestmark = pytest.mark.django_db

CUSTOMERS = 1_000
ASSIGNMENTS = 10_000
# Session, user, their permissions (one query; the top bar asks the same cache), services,
# products, staff. One less than with group names, when the top bar read the groups again.
BILLING_PAGE_QUERIES = 6
# Session, user, their permissions, the customer's existence and one query for the packages.
CUSTOMER_PACKAGES_QUERIES = 5
# Session, user, their permissions, six template kinds, services (the top bar reuses the permissions).
TEMPLATE_PAGE_QUERIES = 10


@pytest.fixture
def busy_shop(db):
    """1,000 customers holding 10,000 assignments between them (bulk-created, no trackers needed to list)."""
    services = [ServiceFactory(name=f"Treatment {n}") for n in range(20)]
    for n in range(30):
        ProductFactory(name=f"Product {n}")
    session_template = ServicePackageFactory(name="3+1 Package")
    credit_template = PrepaidPackageFactory(name="Prepaid 15000")
    customers = Customer.objects.bulk_create(
        Customer(name=f"Customer {n:04d}", phone=f"+9190{n:08d}", state_code="29") for n in range(CUSTOMERS)
    )
    session_type = ContentType.objects.get_for_model(session_template)
    credit_type = ContentType.objects.get_for_model(credit_template)
    today = timezone.localdate()
    assignments = []
    for n in range(ASSIGNMENTS):
        customer = customers[n % CUSTOMERS]
        expires_on = today + timedelta(days=30 + n % 300)
        if n % 2:
            assignments.append(
                PackageAssignment(
                    customer=customer, package_type=PackageType.SERVICE_PACKAGE, template_type=session_type,
                    template_id=session_template.pk, package_name="3+1 Package", service=services[n % 20],
                    total_sessions=4, used_sessions=n % 4, remaining_sessions=4 - n % 4,
                    status=AssignmentStatus.ACTIVE, expires_on=expires_on, price_paid=inr("3600.00"),
                )
            )
        else:
            assignments.append(
                PackageAssignment(
                    customer=customer, package_type=PackageType.PREPAID, template_type=credit_type,
                    template_id=credit_template.pk, package_name="Prepaid 15000",
                    credit_amount=inr("17500.00"), credit_used=inr("500.00"), credit_remaining=inr("17000.00"),
                    status=AssignmentStatus.ACTIVE, expires_on=expires_on, price_paid=inr("15000.00"),
                )
            )
    PackageAssignment.objects.bulk_create(assignments, batch_size=2_000)
    # One customer holds many more packages than the rest: the budget must not grow with them.
    heavy = customers[0]
    PackageAssignment.objects.bulk_create(
        PackageAssignment(
            customer=heavy, package_type=PackageType.PREPAID, template_type=credit_type,
            template_id=credit_template.pk, package_name=f"Extra prepaid {n}",
            credit_amount=inr("1000.00"), credit_remaining=inr("1000.00"),
            status=AssignmentStatus.ACTIVE, expires_on=today + timedelta(days=n + 1),
        )
        for n in range(50)
    )
    return {"light": customers[1], "heavy": heavy}


def test_busy_shop_holds_the_data_the_budget_is_about(busy_shop):
    assert Customer.objects.count() == CUSTOMERS
    assert PackageAssignment.objects.count() == ASSIGNMENTS + 50


def test_billing_page_answers_in_a_fixed_number_of_queries(client, cashier, busy_shop, django_assert_max_num_queries):
    client.force_login(cashier)

    with django_assert_max_num_queries(BILLING_PAGE_QUERIES):
        response = client.get("/integrated-billing")

    assert response.status_code == 200


def test_billing_page_with_a_chosen_customer_adds_a_fixed_number_of_queries(client, cashier, busy_shop, django_assert_max_num_queries):
    client.force_login(cashier)

    # The customer, their packages and their last reminder, rendered with the page, and the cart saved
    # in the session (an UPDATE in a savepoint), and their consent (the card's reminder line and the
    # picker's consent taps, a query each): a fixed number, however many packages they hold.
    with django_assert_max_num_queries(BILLING_PAGE_QUERIES + 8):
        response = client.get("/integrated-billing", {"customer_id": busy_shop["heavy"].pk})

    assert response.status_code == 200


@pytest.mark.parametrize("holder", ["light", "heavy"])
def test_customer_packages_answers_in_a_fixed_number_of_queries_however_many_packages(
    client, cashier, busy_shop, holder, django_assert_max_num_queries
):
    customer = busy_shop[holder]
    client.force_login(cashier)

    with django_assert_max_num_queries(CUSTOMER_PACKAGES_QUERIES):
        response = client.get(f"/integrated-billing/customer-packages/{customer.pk}?active=true")

    assert response.status_code == 200
    expected = PackageAssignment.objects.filter(customer=customer).count()
    assert len(response.json()["packages"]) == expected
    assert expected == (60 if holder == "heavy" else 10)


def test_assign_and_packages_pages_do_not_grow_with_the_customers(client, cashier, busy_shop, django_assert_max_num_queries):
    client.force_login(cashier)

    with django_assert_max_num_queries(TEMPLATE_PAGE_QUERIES):
        assert client.get("/assign-packages").status_code == 200
    with django_assert_max_num_queries(TEMPLATE_PAGE_QUERIES):
        assert client.get("/packages").status_code == 200
