"""assignment_create: every kind gets its tracker rows and its sale ledger row in the same transaction."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from packages.exceptions import InvalidAssignment
from packages.models import (
    BenefitType,
    PackageAssignment,
    PackageBenefitTracker,
    PackageUsage,
    UsageKind,
    latest_expiry,
)
from packages.services import assignment_create
from tests.factories import (
    KittyPartyFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ServiceFactory,
    ServicePackageFactory,
    StudentOfferFactory,
    YearlyMembershipFactory,
)

pytestmark = pytest.mark.django_db


def trackers(assignment):
    return list(PackageBenefitTracker.objects.filter(assignment=assignment).order_by("pk"))


def test_a_service_package_gets_one_free_session_tracker_for_the_chosen_service(customer, facial):
    assignment = assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)

    [tracker] = trackers(assignment)
    assert (tracker.benefit_type, tracker.service_id) == (BenefitType.FREE, facial.pk)
    assert (tracker.total_count, tracker.used_count, tracker.remaining_count) == (4, 0, 4)
    assert (assignment.total_sessions, assignment.remaining_sessions) == (4, 4)
    assert tracker.customer_id == customer.pk
    assert tracker.valid_until == assignment.expires_on


def test_a_prepaid_package_gets_one_credit_tracker_for_any_service(customer):
    assignment = assignment_create(customer=customer, template=PrepaidPackageFactory())

    [tracker] = trackers(assignment)
    assert (tracker.benefit_type, tracker.service_id) == (BenefitType.PREPAID, None)
    assert tracker.balance_remaining.amount == Decimal("17500.00")
    assert assignment.credit_remaining.amount == Decimal("17500.00")


def test_a_membership_gets_one_unlimited_tracker_per_included_service(customer, facial):
    massage, haircut = ServiceFactory(name="Swedish Massage"), ServiceFactory(name="Haircut")
    template = MembershipFactory(services_included=[facial, massage, haircut])

    assignment = assignment_create(customer=customer, template=template)

    rows = trackers(assignment)
    assert {row.service_id for row in rows} == {facial.pk, massage.pk, haircut.pk}
    assert {row.benefit_type for row in rows} == {BenefitType.UNLIMITED}


def test_a_student_offer_gets_one_discount_tracker_at_its_percentage(customer):
    assignment = assignment_create(customer=customer, template=StudentOfferFactory())

    [tracker] = trackers(assignment)
    assert (tracker.benefit_type, tracker.discount_percent) == (BenefitType.DISCOUNT, Decimal("20.00"))
    assert assignment.expires_on == assignment.template.valid_to


def test_a_yearly_membership_gets_one_discount_tracker_and_a_year_of_validity(customer):
    assignment = assignment_create(customer=customer, template=YearlyMembershipFactory())

    [tracker] = trackers(assignment)
    assert (tracker.benefit_type, tracker.discount_percent) == (BenefitType.DISCOUNT, Decimal("15.00"))
    assert assignment.expires_on == timezone.localdate() + relativedelta(months=12)


def test_a_kitty_party_gets_one_credit_tracker_worth_its_after_value(customer, facial):
    assignment = assignment_create(customer=customer, template=KittyPartyFactory(services_included=[facial]))

    [tracker] = trackers(assignment)
    assert (tracker.benefit_type, tracker.balance_total.amount) == (BenefitType.PREPAID, Decimal("25000.00"))


def test_every_assignment_starts_its_ledger_with_one_sale_row(customer, facial):
    assignment = assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)

    [row] = PackageUsage.objects.filter(assignment=assignment)
    assert (row.kind, row.sessions_delta, row.sessions_before, row.sessions_after) == (UsageKind.SALE, 4, 0, 4)


def test_a_refused_assignment_leaves_no_tracker_and_no_ledger_row(customer):
    with pytest.raises(InvalidAssignment):
        assignment_create(
            customer=customer, template=PrepaidPackageFactory(), expires_on=timezone.localdate() - timedelta(days=1)
        )

    assert not PackageAssignment.objects.exists()
    assert not PackageBenefitTracker.objects.exists()
    assert not PackageUsage.objects.exists()


@pytest.mark.parametrize(
    "expires_on", [lambda: date(9999, 12, 31), lambda: latest_expiry() + timedelta(days=1)], ids=["9999-12-31", "a day late"]
)
def test_assignment_create_refuses_an_expiry_more_than_50_years_ahead(customer, expires_on):
    expires_on = expires_on()  # when the test runs, not at import
    with pytest.raises(InvalidAssignment) as excinfo:
        assignment_create(customer=customer, template=PrepaidPackageFactory(), expires_on=expires_on)

    assert "at most 50 years ahead" in excinfo.value.errors["expires_on"][0]
    assert "50 years" in excinfo.value.message
    assert not PackageAssignment.objects.exists()


def test_assignment_create_takes_an_expiry_exactly_50_years_ahead(customer):
    assignment = assignment_create(customer=customer, template=PrepaidPackageFactory(), expires_on=latest_expiry())

    assert assignment.expires_on == timezone.localdate() + relativedelta(months=600)


@pytest.mark.parametrize(
    ("assigned_on", "months", "expires_on"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # no 31 Feb: the month's last day
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # a leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 3, 31), 6, date(2025, 9, 30)),
        (date(2025, 8, 15), 6, date(2026, 2, 15)),
    ],
    ids=str,
)
def test_the_default_expiry_adds_whole_months_and_keeps_to_the_month_end(assigned_on, months, expires_on):
    # assignment_create refuses a past expiry, so the template's own default is asked for these dates.
    template = PrepaidPackageFactory.build(validity_months=months)

    assert template.default_expiry(assigned_on) == expires_on


def test_the_latest_expiry_is_50_years_on_even_from_29_february():
    assert latest_expiry(date(2024, 2, 29)) == date(2074, 2, 28)
