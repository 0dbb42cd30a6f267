"""A small known shop whose every report figure is worked out by hand in the tests."""
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create, invoice_void
from packages.models import PackageAssignment
from packages.services.status import assignments_expire
from tests.factories import (
    CustomerFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ServiceFactory,
    ServicePackageFactory,
    UserFactory,
)


@dataclass
class Shop:
    today: date
    manager: object
    cashier: object
    facial: object
    customer: object
    series: PackageAssignment
    prepaid: PackageAssignment
    membership: PackageAssignment
    lapsed: PackageAssignment
    kept_bill: object
    voided_bill: object
    credit_bill: object


def backdate(assignment: PackageAssignment, *, assigned_on: date, expires_on: date) -> PackageAssignment:
    """Move a sale into the past: the services always sell today."""
    PackageAssignment.objects.filter(pk=assignment.pk).update(assigned_on=assigned_on, expires_on=expires_on)
    assignment.refresh_from_db()
    return assignment


@pytest.fixture
def shop(db):
    """Sell a 3+1 facial package, prepaid credit and a membership today, plus a 3+1 that lapsed unused; bill and void.

    Facial: 1,200 + 5% GST. The 3+1 sells at 3,600 + 180 GST; the membership at 50,000 + 2,500;
    the prepaid at 15,000 for 17,500 of credit (no GST). The first bill takes a session
    (kept), the second another (voided: it comes back), the third, a massage at the same price,
    spends 1,260 of credit.
    """
    today = timezone.localdate()
    manager = UserFactory(username="reports-manager", groups=["Manager"])
    cashier = UserFactory(username="reports-cashier", groups=["Cashier"])
    facial = ServiceFactory(name="Facial", price="1200.00")
    customer = CustomerFactory(name="Asha Rao", phone="+919800000001")
    series = assignment_sell(
        customer=customer, template=ServicePackageFactory(name="Facial 3+1"), service=facial, user=manager,
        payment=PaymentIn("cash"),
    ).assignment
    prepaid = assignment_sell(
        customer=customer, template=PrepaidPackageFactory(name="Gold credit"), user=manager, payment=PaymentIn("upi")
    ).assignment
    membership = assignment_sell(
        customer=customer, template=MembershipFactory(name="Club"), user=manager, payment=PaymentIn("card")
    ).assignment
    lapsed = assignment_sell(
        customer=CustomerFactory(name="Bina", phone="+919800000002"), template=ServicePackageFactory(name="Old 3+1"),
        service=facial, user=manager, payment=PaymentIn("cash"), bill_date=today - timedelta(days=100),
    ).assignment
    lapsed = backdate(lapsed, assigned_on=today - timedelta(days=100), expires_on=today - timedelta(days=10))
    # The expire job ran the day after its last day: its expiry row takes all four sessions' 3,600.
    assignments_expire(on_date=today - timedelta(days=9))
    lapsed.refresh_from_db()
    facial_line = [CartItem(type="service", id=facial.pk, quantity=1, assignment_id=series.pk)]
    kept = invoice_create(customer=customer, items=facial_line, cashier=cashier).invoice
    voided = invoice_create(customer=customer, items=facial_line, cashier=cashier).invoice
    invoice_void(invoice=voided, reason="Wrong customer", user=manager)
    massage = ServiceFactory(name="Massage", price="1200.00")
    credit_bill = invoice_create(
        customer=customer, items=[CartItem(type="service", id=massage.pk, quantity=1)],
        use_credit=True, cashier=cashier,
    ).invoice
    for assignment in (series, prepaid, membership):
        assignment.refresh_from_db()
    return Shop(
        today=today, manager=manager, cashier=cashier, facial=facial, customer=customer, series=series,
        prepaid=prepaid, membership=membership, lapsed=lapsed, kept_bill=kept, voided_bill=voided,
        credit_bill=credit_bill,
    )
