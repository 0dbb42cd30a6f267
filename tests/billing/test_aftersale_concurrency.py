"""A refund racing the counter, and refunds racing each other: threads against the real database.

On PostgreSQL the row locks decide (the refund and the invoice lock the assignment in
the same order); on SQLite the IMMEDIATE transactions queue. Either way a package is
never both spent and refunded for the same session, and never refunded twice.
"""
from decimal import Decimal

import pytest

from billing.models import Refund
from billing.services import PaymentIn, assignment_refund, invoice_create
from packages.exceptions import AfterSaleRefused
from packages.models import PackageAssignment
from tests.billing.conftest import ledger_stays_reconciled, service_item  # noqa: F401  (autouse: reconcile)
from tests.billing.test_concurrency import run_in_threads
from tests.factories import CustomerFactory, ServicePackageFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = Decimal
ROUNDS = 4


def test_a_refund_racing_a_bill_never_refunds_the_session_the_bill_took(cashier, manager, facial, sell):
    outcomes = set()
    for _ in range(ROUNDS):
        customer = CustomerFactory()
        package = sell(customer, ServicePackageFactory(), facial)  # 4 sessions, 3,600 + 5% GST

        def work(index, customer=customer, package=package):
            if index == 0:
                return invoice_create(
                    customer=customer, items=[service_item(facial)], cashier=cashier, payments=[PaymentIn("cash")]
                )
            return assignment_refund(assignment_id=package.pk, user=manager, reason="Race", method="cash")

        (bill, refund), errors = run_in_threads(work, count=2)

        assert errors == []
        line = bill.computation.lines[0]
        if line.package_applied:  # the bill took a session first: the refund is for the three left
            assert (refund.refund_amount, line.total) == (D("2835.00"), D("0.00"))
            outcomes.add("bill first")
        else:  # the refund won: the bill is charged in full
            assert (refund.refund_amount, line.total) == (D("3780.00"), D("1260.00"))
            assert "refunded" in line.package_note
            outcomes.add("refund first")
        package.refresh_from_db()
        assert (package.status, package.remaining_sessions) == ("refunded", 0)
    assert outcomes  # at least one outcome seen; which one is the scheduler's choice


def test_two_refunds_of_one_package_refund_once(manager, customer, facial, sell):
    package = sell(customer, ServicePackageFactory(), facial)

    results, errors = run_in_threads(
        lambda index: assignment_refund(assignment_id=package.pk, user=manager, reason=f"Try {index}", method="upi"),
        count=4,
    )

    refunded = [result for result in results if result is not None]
    assert len(refunded) == 1 and refunded[0].refund_amount == D("3780.00")
    assert len(errors) == 3 and all(isinstance(error, AfterSaleRefused) for error in errors)
    assert Refund.objects.filter(assignment=package).count() == 1
    assert PackageAssignment.objects.get(pk=package.pk).status == "refunded"
