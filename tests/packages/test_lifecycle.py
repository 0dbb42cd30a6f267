"""Pause, resume and expiry of assignments, through the services and the management command."""
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from packages.exceptions import PackageNotActive
from packages.models import PackageAssignment, PackageBenefitTracker, latest_expiry
from packages.services import assignment_create, assignment_pause, assignment_resume
from tests.factories import PrepaidPackageFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_pausing_stops_the_package_and_resuming_extends_its_expiry_by_the_pause(customer, manager, facial):
    package = assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)
    expiry = package.expires_on

    paused = assignment_pause(assignment=package, user=manager, on_date=TODAY())
    assert (paused.status, paused.paused_on) == ("paused", TODAY())
    assert not PackageBenefitTracker.objects.get(assignment=package).is_active

    resumed = assignment_resume(assignment=package, user=manager, on_date=TODAY() + timedelta(days=10))

    package.refresh_from_db()
    assert resumed.status == package.status == "active"
    assert package.expires_on == expiry + timedelta(days=10)
    assert package.paused_on is None
    tracker = PackageBenefitTracker.objects.get(assignment=package)
    assert (tracker.is_active, tracker.valid_until) == (True, expiry + timedelta(days=10))
    assert "paused by manager-test" in package.notes


def test_only_an_active_package_can_be_paused_and_only_a_paused_one_resumed(customer, manager, facial):
    package = assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)

    with pytest.raises(PackageNotActive):
        assignment_resume(assignment=package, user=manager)
    assignment_pause(assignment=package, user=manager)
    with pytest.raises(PackageNotActive) as refused:
        assignment_pause(assignment=package, user=manager)

    assert refused.value.errors == {"status": ["The package is paused."]}


def expire(*args) -> str:
    out = StringIO()
    call_command("expire_packages", *args, stdout=out)
    return out.getvalue().strip()


def test_expire_packages_marks_what_is_past_its_date_and_is_idempotent(customer, manager, facial):
    old = assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)
    current = assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)
    resting = assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)
    assignment_pause(assignment=resting, user=manager)
    yesterday = TODAY() - timedelta(days=1)
    PackageAssignment.objects.filter(pk__in=[old.pk, resting.pk]).update(expires_on=yesterday)

    first, second = expire(), expire()

    assert (first, second) == ("1 package(s) marked expired.", "0 package(s) marked expired.")
    statuses = dict(PackageAssignment.objects.values_list("pk", "status"))
    assert statuses == {old.pk: "expired", current.pk: "active", resting.pk: "paused"}
    assert not PackageBenefitTracker.objects.get(assignment=old).is_active


def test_expire_packages_can_be_told_the_day(customer, facial):
    package = assignment_create(customer=customer, template=ServicePackageFactory(validity_months=1), service=facial)

    message = expire("--date", (package.expires_on + timedelta(days=1)).isoformat())

    package.refresh_from_db()
    assert (message, package.status) == ("1 package(s) marked expired.", "expired")


def test_resuming_a_package_that_expires_on_the_last_day_of_the_calendar_does_not_overflow(customer, manager):
    # Given a package stored with the last expiry a date can hold (sold before expiries were bounded)
    package = assignment_create(customer=customer, template=PrepaidPackageFactory())
    PackageAssignment.objects.filter(pk=package.pk).update(expires_on=date(9999, 12, 31))
    assignment_pause(assignment=package, user=manager, on_date=TODAY())

    resumed = assignment_resume(assignment=package, user=manager, on_date=TODAY() + timedelta(days=30))

    package.refresh_from_db()
    assert resumed.status == package.status == "active"
    assert package.expires_on == date(9999, 12, 31)
    assert PackageBenefitTracker.objects.get(assignment=package).valid_until == date(9999, 12, 31)


def test_resuming_extends_the_expiry_no_further_than_50_years_ahead(customer, manager):
    horizon = latest_expiry(TODAY())
    package = assignment_create(customer=customer, template=PrepaidPackageFactory(), expires_on=horizon)
    assignment_pause(assignment=package, user=manager, on_date=TODAY())

    assignment_resume(assignment=package, user=manager, on_date=TODAY() + timedelta(days=10))

    package.refresh_from_db()
    assert package.expires_on == latest_expiry(TODAY() + timedelta(days=10))
