"""After the sale without money: transfer, extend and adjust a package (services)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from packages.exceptions import AfterSaleRefused
from packages.models import PackageAssignment, PackageBenefitTracker, PackageUsage
from packages.services import (
    AssignmentNotFound,
    assignment_adjust,
    assignment_create,
    assignment_extend,
    assignment_pause,
    assignment_transfer,
    assignments_expire,
)
from packages.valuation import assignment_value
from tests.billing.conftest import ledger_stays_reconciled  # noqa: F401  (autouse: reconcile after each test)
from tests.factories import CustomerFactory, MembershipFactory, PrepaidPackageFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db
D = Decimal


def today():
    """Read when a test runs, not at import: a run that crosses midnight (IST) stays right."""
    return timezone.localdate()


def written() -> tuple:
    return PackageUsage.objects.count(), PackageAssignment.objects.count(), PackageBenefitTracker.objects.count()


@pytest.fixture
def package(customer, facial):
    """A 3+1 facial: 3,600 taxable value, 4 sessions."""
    return assignment_create(
        customer=customer, template=ServicePackageFactory(), service=facial, price_paid=D("3780"), sale_value=D("3600")
    )


@pytest.fixture
def sister(db):
    return CustomerFactory(name="Sister")


# --- transfer -------------------------------------------------------------------------------


def test_transfer_moves_the_balance_to_a_new_assignment_of_the_other_customer(package, sister, manager):
    value = assignment_value(package, today())

    result = assignment_transfer(assignment_id=package.pk, to_customer_id=sister.pk, user=manager, reason="Gift")

    old, new = PackageAssignment.objects.get(pk=package.pk), PackageAssignment.objects.get(pk=result.new.pk)
    assert (old.status, old.remaining_sessions, old.closed_on) == ("transferred", 0, today())
    assert (new.customer, new.status, new.service, new.expires_on) == (sister, "active", old.service, old.expires_on)
    assert (new.template_id, new.package_type, new.transferred_from) == (old.template_id, old.package_type, old)
    assert (new.total_sessions, new.remaining_sessions, new.sale_value.amount) == (4, 4, value)
    assert assignment_value(new, today()) == value == D("3600.00")
    tracker = PackageBenefitTracker.objects.get(assignment=new)
    assert (tracker.customer, tracker.remaining_count, tracker.is_active) == (sister, 4, True)
    assert not PackageBenefitTracker.objects.get(assignment=old).is_active
    out, came_in = PackageUsage.objects.get(assignment=old, kind="transfer_out"), PackageUsage.objects.get(assignment=new)
    assert (out.sessions_delta, out.note, out.created_by) == (-4, "Gift", manager)
    assert (came_in.kind, came_in.sessions_delta) == ("transfer_in", 4)


def test_transfer_of_credit_keeps_the_credit_and_its_value(customer, sister, manager):
    prepaid = assignment_create(customer=customer, template=PrepaidPackageFactory())

    new = assignment_transfer(assignment_id=prepaid.pk, to_customer_id=sister.pk, user=manager, reason="Family").new

    assert (new.credit_amount.amount, new.credit_remaining.amount, new.sale_value.amount) == (
        D("17500.00"), D("17500.00"), D("15000.00"),
    )


@pytest.mark.parametrize(
    ("case", "field"),
    [("same", "to_customer_id"), ("unknown", "to_customer_id"), ("garbage", "to_customer_id"),
     ("no_reason", "reason"), ("expired", "status"), ("transferred", "status")],
)
def test_transfer_refusals_write_nothing(package, sister, manager, case, field):
    to, reason = sister.pk, "Gift"
    if case == "same":
        to = package.customer_id
    elif case == "unknown":
        to = 999999
    elif case == "garbage":
        to = "abc"
    elif case == "no_reason":
        reason = ""
    elif case == "expired":
        PackageAssignment.objects.filter(pk=package.pk).update(expires_on=today() - timedelta(days=1))
        assignments_expire()
    else:
        assignment_transfer(assignment_id=package.pk, to_customer_id=sister.pk, user=manager, reason="First")
    before = written()

    with pytest.raises(AfterSaleRefused) as refused:
        assignment_transfer(assignment_id=package.pk, to_customer_id=to, user=manager, reason=reason)

    assert field in refused.value.errors
    assert written() == before


def test_an_unknown_package_is_not_found(manager, sister):
    with pytest.raises(AssignmentNotFound):
        assignment_transfer(assignment_id=424242, to_customer_id=sister.pk, user=manager, reason="x")


# --- extend ---------------------------------------------------------------------------------


def test_extend_sets_a_later_expiry_on_the_package_and_its_trackers(package, manager):
    later = package.expires_on + timedelta(days=30)

    assignment_extend(assignment_id=package.pk, expires_on=later, user=manager, reason="Goodwill")

    package.refresh_from_db()
    assert package.expires_on == later
    assert PackageBenefitTracker.objects.get(assignment=package).valid_until == later
    row = PackageUsage.objects.filter(assignment=package).last()
    assert (row.kind, row.note, row.created_by, row.sessions_delta) == ("extension", "Goodwill", manager, 0)


def test_extend_brings_an_expired_package_back_to_active(package, manager, status_news, django_capture_on_commit_callbacks):
    PackageAssignment.objects.filter(pk=package.pk).update(expires_on=today() - timedelta(days=1))
    assignments_expire()

    with django_capture_on_commit_callbacks(execute=True):
        assignment_extend(assignment_id=package.pk, expires_on=today() + timedelta(days=10), user=manager, reason="Ill")

    package.refresh_from_db()
    assert package.status == "active"
    assert PackageBenefitTracker.objects.get(assignment=package).is_active
    assert status_news[-1] == (package.pk, "expired", "active", "extended", manager)


@pytest.mark.parametrize(
    ("expires_on", "field"),
    [("earlier", "expires_on"), ("same", "expires_on"), ("not-a-date", "expires_on"), ("far", "expires_on")],
)
def test_extend_refusals_write_nothing(package, manager, expires_on, field):
    dates = {
        "earlier": package.expires_on - timedelta(days=1),
        "same": package.expires_on,
        "not-a-date": "31/12/2026",
        "far": today() + timedelta(days=365 * 60),
    }
    before = written()

    with pytest.raises(AfterSaleRefused) as refused:
        assignment_extend(assignment_id=package.pk, expires_on=dates[expires_on], user=manager, reason="x")

    assert field in refused.value.errors
    assert written() == before


# --- adjust ---------------------------------------------------------------------------------


def test_adjust_adds_and_takes_sessions_with_an_adjustment_row(package, manager):
    assignment_adjust(assignment_id=package.pk, user=manager, reason="Counted twice", sessions=1)
    assignment_adjust(assignment_id=package.pk, user=manager, reason="Wrong entry", sessions=-5)

    package.refresh_from_db()
    assert (package.total_sessions, package.remaining_sessions, package.status) == (0, 0, "completed")
    rows = list(PackageUsage.objects.filter(assignment=package, kind="adjustment").values_list("sessions_delta", "note"))
    assert rows == [(1, "Counted twice"), (-5, "Wrong entry")]

    assignment_adjust(assignment_id=package.pk, user=manager, reason="Found it", sessions=2)
    package.refresh_from_db()
    assert (package.remaining_sessions, package.status) == (2, "active")


def test_adjust_corrects_credit(customer, manager):
    prepaid = assignment_create(customer=customer, template=PrepaidPackageFactory())

    assignment_adjust(assignment_id=prepaid.pk, user=manager, reason="Typo", credit="-500.50")

    prepaid.refresh_from_db()
    assert prepaid.credit_remaining.amount == D("16999.50")
    assert PackageBenefitTracker.objects.get(assignment=prepaid).balance_remaining.amount == D("16999.50")


def test_adjust_keeps_a_paused_package_paused(package, manager):
    assignment_pause(assignment=package, user=manager)
    assignment_adjust(assignment_id=package.pk, user=manager, reason="x", sessions=-1)
    package.refresh_from_db()
    assert (package.status, package.remaining_sessions) == ("paused", 3)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"sessions": -5}, "sessions"),
        ({"sessions": 0}, "sessions"),
        ({"sessions": 1, "credit": "5"}, "sessions"),
        ({"credit": "10"}, "credit"),
        ({"sessions": "two"}, "sessions"),
        ({"sessions": 1, "reason": ""}, "reason"),
    ],
)
def test_adjust_refusals_write_nothing(package, manager, kwargs, field):
    before = written()
    with pytest.raises(AfterSaleRefused) as refused:
        assignment_adjust(**{"assignment_id": package.pk, "user": manager, "reason": "Fix", **kwargs})
    assert field in refused.value.errors
    assert written() == before


def test_a_membership_has_no_sessions_to_adjust(customer, manager):
    membership = assignment_create(customer=customer, template=MembershipFactory())
    with pytest.raises(AfterSaleRefused, match="no sessions"):
        assignment_adjust(assignment_id=membership.pk, user=manager, reason="x", sessions=1)
