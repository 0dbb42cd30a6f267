"""GET /integrated-billing/customer-packages/<customer_id>."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from packages.models import AssignmentStatus, PackageAssignment
from packages.services import assignment_create
from tests.factories import CustomerFactory, PrepaidPackageFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db

ITEM_KEYS = {
    "id", "assignment_id", "name", "package_type", "service_id", "service_name", "status", "assigned_on",
    "expires_on", "sessions", "credit",
}


def url(customer_id):
    return f"/integrated-billing/customer-packages/{customer_id}"


def test_customer_packages_answers_the_seed_shape_soonest_expiry_first_and_never_cached(
    cashier_client, customer, facial
):
    today = timezone.localdate()
    later = assignment_create(customer=customer, template=PrepaidPackageFactory(), expires_on=today + timedelta(days=90))
    sooner = assignment_create(
        customer=customer, template=ServicePackageFactory(name="3+1 Facial"), service=facial,
        expires_on=today + timedelta(days=10),
    )

    response = cashier_client.get(url(customer.pk))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) == {"success", "packages"}
    assert [item["assignment_id"] for item in body["packages"]] == [sooner.pk, later.pk]
    first, second = body["packages"]
    assert set(first) == ITEM_KEYS
    assert first == {
        "id": sooner.pk,
        "assignment_id": sooner.pk,
        "name": "3+1 Facial – Hydrating Facial",
        "package_type": "service_package",
        "service_id": facial.pk,
        "service_name": "Hydrating Facial",
        "status": "active",
        "assigned_on": today.isoformat(),
        "expires_on": (today + timedelta(days=10)).isoformat(),
        "sessions": {"total": 4, "used": 0, "remaining": 4},
        "credit": {"total": "0.00", "remaining": "0.00"},
    }
    assert second["credit"] == {"total": "17500.00", "remaining": "17500.00"}
    assert second["service_id"] is None and second["service_name"] is None


def test_customer_packages_active_only_leaves_out_completed_packages(cashier_client, customer):
    kept = assignment_create(customer=customer, template=PrepaidPackageFactory())
    done = assignment_create(customer=customer, template=PrepaidPackageFactory())
    PackageAssignment.objects.filter(pk=done.pk).update(status=AssignmentStatus.COMPLETED)

    every = cashier_client.get(url(customer.pk)).json()["packages"]
    usable = cashier_client.get(url(customer.pk) + "?active=true").json()["packages"]

    assert {item["assignment_id"] for item in every} == {kept.pk, done.pk}
    assert [item["assignment_id"] for item in usable] == [kept.pk]


def test_customer_packages_of_an_unknown_customer_is_404(cashier_client):
    response = cashier_client.get(url(987654))

    assert response.status_code == 404
    assert response.json()["success"] is False


def test_customer_packages_of_a_customer_without_packages_is_an_empty_list(cashier_client, customer):
    assert cashier_client.get(url(customer.pk)).json() == {"success": True, "packages": []}


def test_customer_packages_takes_the_same_queries_for_one_package_or_thirty(cashier_client, facial):
    def holding(count):
        customer = CustomerFactory()
        for _ in range(count):
            assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)
        return customer

    one, thirty = holding(1), holding(30)
    counts = []
    for customer in (one, thirty):
        with CaptureQueriesContext(connection) as queries:
            response = cashier_client.get(url(customer.pk))
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert len(response.json()["packages"]) == 30


def test_customer_packages_stays_within_its_query_budget(cashier_client, customer, facial, django_assert_max_num_queries):
    for _ in range(5):
        assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)

    with django_assert_max_num_queries(5):
        cashier_client.get(url(customer.pk))
