"""What a customer still holds (docs/journal.md): worked examples to the paisa."""
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from packages.models import PackageAssignment
from packages.services import assignment_create
from packages.valuation import AssignmentValues, assignment_value
from tests.factories import MembershipFactory, PrepaidPackageFactory

D = date(2025, 4, 11)


def values(package_type, **figures) -> AssignmentValues:
    figures = {"status": "active", "assigned_on": date(2025, 1, 1), "expires_on": date(2025, 12, 31), **figures}
    return AssignmentValues(package_type=package_type, **figures)


def test_a_3_plus_1_with_3_sessions_left_holds_three_quarters_of_its_sale_value():
    # 3,600 paid GST included at 18%: sale value 3,050.85; 3 x 3,050.85 / 4 = 2,288.1375.
    held = values("service_package", sale_value=Decimal("3050.85"), total_sessions=4, remaining_sessions=3)

    assert assignment_value(held, D) == Decimal("2288.14")


def test_prepaid_15000_for_17500_with_16320_left_is_worth_13988_57(customer):
    today = timezone.localdate()
    assignment = assignment_create(customer=customer, template=PrepaidPackageFactory())
    row = PackageAssignment.objects.values().get(pk=assignment.pk)  # a report's row, as values() gives it
    row.update(credit_remaining=Decimal("16320.00"))
    del row["value_held"]  # the shares alone, without the journal's figure

    assert assignment_value(row, today) == Decimal("13988.57")
    assert assignment_value(assignment, today) == Decimal("15000.00")  # nothing spent yet: all of it


def test_a_12_month_membership_100_days_in_holds_the_days_left_on_a_straight_line(customer):
    today = timezone.localdate()
    # 12 months of 365 days (a year without 29 February), sold for 50,000.
    assignment = assignment_create(customer=customer, template=MembershipFactory(), expires_on=today + timedelta(days=365))

    # 50,000 x 265 / 365 = 36,301.3698...
    assert assignment_value(assignment, today + timedelta(days=100)) == Decimal("36301.37")
    assert assignment_value(assignment, today) == Decimal("50000.00")


def test_a_paused_package_still_holds_its_value():
    held = values("service_package", status="paused", sale_value=Decimal("3600.00"), total_sessions=4, remaining_sessions=2)

    assert assignment_value(held, D) == Decimal("1800.00")


def test_an_expired_package_holds_nothing():
    past = values("prepaid", expires_on=D - timedelta(days=1), sale_value=Decimal("15000"),
                  credit_total=Decimal("17500"), credit_remaining=Decimal("17500"))
    marked = values("membership", status="expired", sale_value=Decimal("50000"))
    completed = values("service_package", status="completed", sale_value=Decimal("3600"), total_sessions=4)

    assert assignment_value(past, D) == Decimal("0.00")
    assert assignment_value(marked, D) == Decimal("0.00")
    assert assignment_value(completed, D) == Decimal("0.00")


def test_a_membership_without_expiry_holds_its_whole_value_until_it_completes():
    held = values("yearly_membership", expires_on=None, sale_value=Decimal("84745.76"))

    assert assignment_value(held, D) == Decimal("84745.76")
    assert assignment_value(values("student_offer", sale_value=Decimal("1000"), expires_on=D), D) == Decimal("0.00")


def test_kitty_credit_is_valued_like_prepaid_credit():
    held = values("kitty_party", sale_value=Decimal("20000"), credit_total=Decimal("25000"), credit_remaining=Decimal("12345"))

    # 12,345 x 20,000 / 25,000 = 9,876.00
    assert assignment_value(held, D) == Decimal("9876.00")
