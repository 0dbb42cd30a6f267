"""Status news through the public paths: billing to completion, a void reopening, pause and resume."""
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from billing.services import invoice_create, invoice_void
from packages.models import PackageAssignment
from tests.factories import ServicePackageFactory, UserFactory

from .conftest import service_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def package(customer, facial, sell):
    """A 3+1 facial package, sold at the counter: 4 sessions."""
    return sell(customer, ServicePackageFactory(), facial)


def bill(customer, facial, cashier, quantity):
    return invoice_create(customer=customer, items=[service_item(facial, quantity)], cashier=cashier).invoice


def test_billing_the_last_session_completes_the_package_and_says_so(
    customer, facial, cashier, package, status_news, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bill(customer, facial, cashier, 3)
    heard_while_sessions_remain = list(status_news)
    with django_capture_on_commit_callbacks(execute=True):
        bill(customer, facial, cashier, 1)

    assert heard_while_sessions_remain == []
    assert status_news == [(package.pk, "active", "completed", "exhausted", cashier)]
    assert PackageAssignment.objects.get(pk=package.pk).status == "completed"


def test_a_void_gives_the_session_back_and_reopens_the_package(
    customer, facial, cashier, manager, package, status_news, django_capture_on_commit_callbacks
):
    invoice = bill(customer, facial, cashier, 4)  # its news is never committed: the test's transaction

    with django_capture_on_commit_callbacks(execute=True):
        invoice_void(invoice=invoice, reason="Billed twice", user=manager)

    assert status_news == [(package.pk, "completed", "active", "given_back", manager)]
    assert PackageAssignment.objects.get(pk=package.pk).status == "active"


def test_a_void_after_the_date_has_passed_gives_back_into_an_expired_package(
    customer, facial, cashier, manager, package, status_news, django_capture_on_commit_callbacks
):
    invoice = bill(customer, facial, cashier, 4)
    PackageAssignment.objects.filter(pk=package.pk).update(expires_on=timezone.localdate() - timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        invoice_void(invoice=invoice, reason="Wrong customer", user=manager)

    assert status_news == [(package.pk, "completed", "expired", "given_back", manager)]


def test_a_completing_bill_rolled_back_by_its_caller_sends_no_news(
    customer, facial, cashier, package, status_news, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        bill(customer, facial, cashier, 4)
        completed_inside = PackageAssignment.objects.get(pk=package.pk).status
        raise RuntimeError("the caller's transaction fails after the bill")

    assert completed_inside == "completed"
    assert (callbacks, status_news) == ([], [])
    assert PackageAssignment.objects.get(pk=package.pk).status == "active"


def test_pause_and_resume_through_the_api_are_announced_with_who_did_it(
    manager, package, status_news, django_capture_on_commit_callbacks
):
    client = APIClient()
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        paused = client.post(f"/api/assignments/{package.pk}/pause")
    with django_capture_on_commit_callbacks(execute=True):
        resumed = client.post(f"/api/assignments/{package.pk}/resume")
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(f"/api/assignments/{package.pk}/resume")

    assert (paused.status_code, resumed.status_code, refused.status_code) == (200, 200, 400)
    assert status_news == [
        (package.pk, "active", "paused", "paused", manager),
        (package.pk, "paused", "active", "resumed", manager),
    ]


def test_pause_and_resume_in_the_admin_are_announced(client, package, status_news, django_capture_on_commit_callbacks):
    staff = UserFactory(username="admin-status", is_staff=True, groups=["Manager"])
    client.force_login(staff)
    changelist = "/admin/packages/packageassignment/"

    for action in ("pause_packages", "resume_packages"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(changelist, {"action": action, "_selected_action": [package.pk]})

    assert status_news == [
        (package.pk, "active", "paused", "paused", staff),
        (package.pk, "paused", "active", "resumed", staff),
    ]


def test_a_resume_after_the_date_has_passed_is_announced_as_expired(
    manager, package, status_news, django_capture_on_commit_callbacks
):
    from packages.services import assignment_pause, assignment_resume

    assignment_pause(assignment=package, user=manager)
    PackageAssignment.objects.filter(pk=package.pk).update(expires_on=timezone.localdate() - timedelta(days=400))
    status_news.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assignment_resume(assignment=package, user=manager)

    assert status_news == [(package.pk, "paused", "expired", "resumed", manager)]
