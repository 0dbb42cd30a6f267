"""Voiding a package-sale invoice while the package is refunded or transferred: threads against the real database.

The void locks the invoice and then the package; the refund locks the package and then writes
a refund that cites the same invoice. On PostgreSQL those two must never wait on each other
(billing/locks.py states the order); on SQLite the IMMEDIATE transactions queue. Either way
exactly one of them wins, the other is refused in plain words, and the ledger agrees.
"""
from datetime import timedelta
from decimal import Decimal

import pytest

from billing.exceptions import InvoiceNotVoidable
from billing.models import Invoice, Refund
from billing.services import PaymentIn, assignment_refund, assignment_sell, invoice_void
from core.exceptions import DomainError
from packages.exceptions import AfterSaleRefused
from packages.models import PackageAssignment
from packages.services import assignment_adjust, assignment_extend, assignment_pause, assignment_transfer
from tests.billing.conftest import ledger_stays_reconciled  # noqa: F401  (autouse: reconcile)
from tests.billing.test_concurrency import run_in_threads
from tests.factories import CustomerFactory, ServicePackageFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = Decimal
ROUNDS = 6


def _sold(cashier, facial):
    """A fresh customer's service package sold on a tax invoice (4 sessions, 3,600 + 5% GST), paid in cash."""
    sale = assignment_sell(
        customer=CustomerFactory(), template=ServicePackageFactory(), service=facial, user=cashier,
        payment=PaymentIn("cash"),
    )
    return sale.assignment, sale.invoice


def _void(invoice, manager):
    return invoice_void(invoice=invoice, reason="Sold by mistake", user=manager)


def test_a_void_racing_a_refund_of_the_package_it_sold_lets_exactly_one_win(cashier, manager, facial):
    outcomes = []
    for _ in range(ROUNDS):
        package, invoice = _sold(cashier, facial)

        def work(index, package=package, invoice=invoice):
            if index == 0:
                return _void(invoice, manager)
            return assignment_refund(assignment_id=package.pk, user=manager, reason="Moving away", method="cash")

        (voided, refunded), errors = run_in_threads(work, count=2)

        assert len(errors) == 1, errors  # a refusal, never a database error (a deadlock answered 500)
        package.refresh_from_db()
        invoice = Invoice.objects.get(pk=invoice.pk)
        if refunded is None:  # the void won: the package is cancelled, its payment paid back on the credit note
            assert isinstance(errors[0], AfterSaleRefused) and "cancelled" in errors[0].message
            assert (package.status, invoice.status) == ("cancelled", "cancelled")
            assert [r.amount.amount for r in Refund.objects.filter(invoice=invoice)] == [D("3780.00")]
            outcomes.append("void")
        else:  # the refund won: the sale stands, its credit note cites it, and the void is refused
            assert voided is None and isinstance(errors[0], InvoiceNotVoidable) and "refunded" in errors[0].message
            assert (package.status, invoice.status) == ("refunded", "issued")
            assert refunded.refund_amount == D("3780.00")
            assert Refund.objects.get(invoice=invoice).document == refunded.document
            outcomes.append("refund")
        assert (package.remaining_sessions, Refund.objects.filter(assignment=package).count()) == (0, 1)
    assert outcomes  # which one wins each round is the scheduler's choice


def test_a_void_racing_a_transfer_of_the_package_it_sold_lets_exactly_one_win(cashier, manager, facial):
    outcomes = []
    for _ in range(ROUNDS):
        package, invoice = _sold(cashier, facial)
        friend = CustomerFactory()

        def work(index, package=package, invoice=invoice, friend=friend):
            if index == 0:
                return _void(invoice, manager)
            return assignment_transfer(assignment_id=package.pk, to_customer_id=friend.pk, user=manager, reason="Gift")

        (voided, transferred), errors = run_in_threads(work, count=2)

        assert len(errors) == 1, errors
        package.refresh_from_db()
        invoice = Invoice.objects.get(pk=invoice.pk)
        if transferred is None:  # the void won: nothing moved to the friend
            assert isinstance(errors[0], AfterSaleRefused) and "cancelled" in errors[0].message
            assert (package.status, invoice.status) == ("cancelled", "cancelled")
            assert not PackageAssignment.objects.filter(customer=friend).exists()
            outcomes.append("void")
        else:  # the transfer won: the friend holds the four sessions and the sale stands
            assert voided is None and isinstance(errors[0], InvoiceNotVoidable) and "transferred" in errors[0].message
            assert (package.status, invoice.status) == ("transferred", "issued")
            assert PackageAssignment.objects.get(customer=friend).remaining_sessions == 4
            outcomes.append("transfer")
        assert package.remaining_sessions == 0
    assert outcomes


# The after-sale operations a void of the sale leaves possible: the void always passes (nothing
# of the package is used), the other one either went first or is refused on the cancelled package.
BESIDE_A_VOID = {
    "extend": lambda package, user: assignment_extend(
        assignment_id=package.pk, expires_on=package.expires_on + timedelta(days=30), user=user, reason="Travel"
    ),
    "adjust": lambda package, user: assignment_adjust(assignment_id=package.pk, user=user, reason="Goodwill", sessions=1),
    "pause": lambda package, user: assignment_pause(assignment=package, user=user),
    "renewal": lambda package, user: assignment_sell(
        customer=package.customer, template=package.template, service=package.service, user=user,
        payment=PaymentIn("cash"), renews_assignment_id=package.pk,
    ),
}


@pytest.mark.parametrize("operation", sorted(BESIDE_A_VOID))
def test_a_void_racing_another_after_sale_change_of_its_package_never_fails_on_the_database(
    operation, cashier, manager, facial
):
    for _ in range(3):
        package, invoice = _sold(cashier, facial)

        def work(index, package=package, invoice=invoice):
            return _void(invoice, manager) if index == 0 else BESIDE_A_VOID[operation](package, manager)

        _, errors = run_in_threads(work, count=2)

        assert all(isinstance(error, DomainError) for error in errors), errors  # refusals only: no 500
        package.refresh_from_db()
        assert Invoice.objects.get(pk=invoice.pk).status == "cancelled"
        assert (package.status, package.remaining_sessions) == ("cancelled", 0)
