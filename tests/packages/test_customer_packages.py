"""customer_packages and the presenters: soonest expiry first, one query, the contract's shape."""
from datetime import timedelta

import pytest
from django.utils import timezone

from packages.models import PackageAssignment
from packages.presenters import assignment_summary, updated_package
from packages.selectors import customer_packages
from packages.services import assignment_create
from tests.factories import MembershipFactory, PrepaidPackageFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db


def test_customer_packages_lists_soonest_expiry_first_and_never_expiring_last(customer, facial):
    late = assignment_create(customer=customer, template=MembershipFactory(validity_months=12))
    endless = assignment_create(customer=customer, template=PrepaidPackageFactory())
    PackageAssignment.objects.filter(pk=endless.pk).update(expires_on=None)
    soon = assignment_create(customer=customer, template=ServicePackageFactory(validity_months=2), service=facial)

    assert [a.pk for a in customer_packages(customer_id=customer.pk)] == [soon.pk, late.pk, endless.pk]


def test_customer_packages_on_a_date_leaves_out_what_is_used_up_or_expired(customer, facial):
    current = assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)
    done = assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)
    PackageAssignment.objects.filter(pk=done.pk).update(status="completed")
    old = assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)
    PackageAssignment.objects.filter(pk=old.pk).update(expires_on=timezone.localdate() - timedelta(days=1))

    usable = customer_packages(customer_id=customer.pk, on_date=timezone.localdate())

    assert [a.pk for a in usable] == [current.pk]


def test_customer_packages_takes_one_query_whatever_the_count(customer, facial, django_assert_num_queries):
    for _ in range(30):
        assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)

    with django_assert_num_queries(1):
        items = [assignment_summary(a) for a in customer_packages(customer_id=customer.pk)]

    assert len(items) == 30


def test_assignment_summary_has_exactly_the_contract_shape(customer, facial):
    package = assignment_create(customer=customer, template=ServicePackageFactory(name="3+1 Facial"), service=facial)
    row = customer_packages(customer_id=customer.pk).get()

    assert assignment_summary(row) == {
        "id": package.pk,
        "assignment_id": package.pk,
        "name": "3+1 Facial – Hydrating Facial",
        "package_type": "service_package",
        "service_id": facial.pk,
        "service_name": "Hydrating Facial",
        "status": "active",
        "assigned_on": package.assigned_on.isoformat(),
        "expires_on": package.expires_on.isoformat(),
        "sessions": {"total": 4, "used": 0, "remaining": 4},
        "credit": {"total": "0.00", "remaining": "0.00"},
    }


def test_presenters_show_credit_as_two_place_strings_and_a_lapsed_package_as_expired(customer):
    prepaid = assignment_create(customer=customer, template=PrepaidPackageFactory())
    PackageAssignment.objects.filter(pk=prepaid.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    prepaid.refresh_from_db()

    assert updated_package(prepaid) == {
        "assignment_id": prepaid.pk,
        "package_type": "prepaid",
        "sessions": {"total": 0, "used": 0, "remaining": 0},
        "credit": {"total": "17500.00", "remaining": "17500.00"},
        "status": "expired",
    }
