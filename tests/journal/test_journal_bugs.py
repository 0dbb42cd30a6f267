"""Bugs the journal state machine found (test_journal_properties.py), each as its smallest example.

A bug still open is a strict xfail here with its name in KNOWN_BUGS there (the machine steps
around it); once fixed, its test passes as written and the machine checks that path again.
"""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from billing.services import CartItem, PaymentIn, assignment_sell, assignment_top_up, invoice_create
from packages.services import assignment_adjust, assignment_extend, assignment_pause, assignment_resume
from packages.valuation import assignment_value
from reports.selectors import liability
from tests.factories import (
    CustomerFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ServiceFactory,
    ServicePackageFactory,
    inr,
)
from tests.journal.conftest import noon

pytestmark = pytest.mark.django_db
D = Decimal




def test_an_adjustment_leaves_valuation_and_journal_apart(clock, manager, facial):
    sold = assignment_sell(
        customer=CustomerFactory(), template=ServicePackageFactory(), service=facial, user=manager,
        price_paid=D("3600.00"), payment=PaymentIn("cash"),
    ).assignment  # 3,428.57 of value in four sessions

    adjusted = assignment_adjust(assignment_id=sold.pk, user=manager, reason="Booked twice", sessions=-1)
    adjusted.refresh_from_db()

    # The journal released 3,428.57 x 1 / 4; the valuation says 3 x 3,428.57 / 3 (the total fell with the balance).
    assert adjusted.value_held.amount == D("2571.43")
    assert assignment_value(adjusted, date(2026, 10, 1)) == adjusted.value_held.amount


def test_a_top_up_after_use_leaves_valuation_and_journal_apart(clock, manager, cashier):
    massage = ServiceFactory(name="Swedish Massage", price=inr("2000.00"), gst_rate=D("18.00"))
    customer = CustomerFactory()
    sold = assignment_sell(
        customer=customer, template=PrepaidPackageFactory(), user=manager, payment=PaymentIn("cash"),
    ).assignment  # 17,500 of credit for 15,000
    invoice_create(customer=customer, items=[CartItem(type="service", id=massage.pk, quantity=1)], cashier=cashier, use_credit=True)
    assignment_top_up(
        assignment_id=sold.pk, user=manager, credit=D("5000.00"), price_paid=D("4500.00"), payment=PaymentIn("cash"),
    )
    sold.refresh_from_db()

    # 2,360 of credit spent released 15,000 x 2,360 / 17,500 = 2,022.86; the top-up added 4,500:
    # 17,477.14 held. The valuation says 20,140 x 19,500 / 22,500 = 17,454.67.
    assert sold.value_held.amount == D("17477.14")
    assert assignment_value(sold, date(2026, 10, 1)) == sold.value_held.amount


def test_an_extension_moves_a_past_days_liability(clock, manager, facial):
    sold = assignment_sell(
        customer=CustomerFactory(), template=MembershipFactory(price=inr("36500.00"), services_included=[facial]),
        user=manager, price_paid=D("36500.00"), payment=PaymentIn("cash"),
    ).assignment
    clock.move_to(noon(date(2026, 10, 11)))
    tenth = liability(as_of=date(2026, 10, 10))

    assignment_extend(assignment_id=sold.pk, expires_on=sold.expires_on + timedelta(days=30), user=manager, reason="Goodwill")

    assert liability(as_of=date(2026, 10, 10)) == tenth


def test_a_resume_moves_a_past_days_liability(clock, manager, facial):
    sold = assignment_sell(
        customer=CustomerFactory(), template=MembershipFactory(price=inr("36500.00"), services_included=[facial]),
        user=manager, price_paid=D("36500.00"), payment=PaymentIn("cash"),
    ).assignment
    clock.move_to(noon(date(2026, 10, 11)))
    assignment_pause(assignment=sold, user=manager)
    clock.move_to(noon(date(2026, 10, 21)))
    tenth = liability(as_of=date(2026, 10, 10))

    assignment_resume(assignment=sold, user=manager)  # the expiry moves ten days on

    assert liability(as_of=date(2026, 10, 10)) == tenth
