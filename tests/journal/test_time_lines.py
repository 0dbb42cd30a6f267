"""A time kind's line in the journal, and the liability's counts as sums of rows (issue 22; docs/journal.md).

Through the service functions on a controlled clock, read back through the report selectors.
"""
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create
from packages.ledger import Line
from packages.models import PackageUsage, UsageKind
from packages.services import assignment_pause, assignment_resume
from reports.selectors import liability, liability_rollforward, redemptions
from tests.factories import CustomerFactory, MembershipFactory, ServicePackageFactory, inr
from tests.journal.conftest import START, noon

pytestmark = pytest.mark.django_db
D = Decimal




def held(day: date, kind: str) -> dict:
    return {row["package_type"]: row for row in liability(as_of=day)["by_kind"]}[kind]


@pytest.fixture
def membership(clock, manager, facial):
    """₹36,500 (5 % GST inside: ₹34,761.90 of value) for 365 days from 1 October."""
    return assignment_sell(
        customer=CustomerFactory(), template=MembershipFactory(price=inr("36500.00"), services_included=[facial]),
        user=manager, price_paid=D("36500.00"), payment=PaymentIn("cash"), expires_on=START + timedelta(days=365),
    ).assignment


def test_the_liability_follows_the_line_the_sale_set_day_by_day(membership):
    line = Line(start=START, end=START + timedelta(days=365), held=membership.value_held.amount)

    for days in (0, 1, 100, 364, 365, 400):
        day = START + timedelta(days=days)
        assert held(day, "membership")["value"] == line.value_on(day), day
    assert held(START + timedelta(days=364), "membership")["packages"] == 1
    assert held(START + timedelta(days=366), "membership")["packages"] == 0


def test_a_pause_stops_the_line_and_a_resume_starts_it_again_without_moving_past_days(clock, membership, manager):
    clock.move_to(noon(START + timedelta(days=10)))
    assignment_pause(assignment=membership, user=manager)
    catch_up, pause = PackageUsage.objects.filter(assignment=membership).order_by("pk")[1:]
    assert (catch_up.kind, catch_up.value_delta.amount) == (UsageKind.TIME_RELEASE, D("-952.38"))  # 34,761.90 x 10 / 365
    assert (pause.kind, pause.value_after.amount, pause.line_end) == (UsageKind.PAUSE, D("33809.52"), None)

    clock.move_to(noon(START + timedelta(days=30)))
    paused = [held(START + timedelta(days=days), "membership")["value"] for days in (10, 20, 30)]
    assert paused == [D("33809.52")] * 3  # nothing released while paused
    assignment_resume(assignment=membership, user=manager)

    assert [held(START + timedelta(days=days), "membership")["value"] for days in (10, 20, 30)] == paused
    resume = PackageUsage.objects.filter(assignment=membership).latest("pk")
    assert (resume.kind, resume.line_from, resume.line_end) == (
        UsageKind.RESUME, START + timedelta(days=30), START + timedelta(days=385),  # the expiry pushed back 20 days
    )
    assert held(START + timedelta(days=31), "membership")["value"] == D("33809.52") - D("95.24")  # a day of 355 again


def test_a_time_kinds_redemptions_are_what_its_line_released_as_the_rollforward_says(clock, membership, cashier, facial):
    invoice_create(
        customer=membership.customer, items=[CartItem(type="service", id=facial.pk, quantity=1)], cashier=cashier,
        payments=[PaymentIn("cash")],
    )  # a bill on a membership releases nothing by itself
    clock.move_to(noon(START + timedelta(days=40)))
    period = {"date_from": START + timedelta(days=1), "date_to": START + timedelta(days=30)}

    redeemed = {row["package_type"]: row for row in redemptions(**period)["rows"]}["membership"]
    rolled = {row["package_type"]: row for row in liability_rollforward(**period)["rows"]}["membership"]

    assert redeemed["value_redeemed"] == rolled["redeemed"] == D("2857.14")  # 34,761.90 x 30 / 365


def test_an_expiry_takes_back_the_sessions_the_package_still_counted(clock, manager, facial):
    sold = assignment_sell(
        customer=CustomerFactory(), template=ServicePackageFactory(), service=facial, user=manager,
        price_paid=D("3600.00"), payment=PaymentIn("cash"), expires_on=START + timedelta(days=5),
    ).assignment
    assert (held(START, "service_package")["packages"], held(START, "service_package")["sessions_left"]) == (1, 4)

    clock.move_to(noon(START + timedelta(days=6)))
    call_command("expire_packages", stdout=StringIO())
    expiry = PackageUsage.objects.filter(assignment=sold).latest("pk")

    assert (expiry.sessions_after, expiry.holders_delta, expiry.sessions_held_delta) == (4, -1, -4)
    today = held(START + timedelta(days=6), "service_package")
    assert (today["packages"], today["sessions_left"], today["value"]) == (0, 0, D("0.00"))
    assert held(START + timedelta(days=5), "service_package")["sessions_left"] == 4  # the day before, as it was
