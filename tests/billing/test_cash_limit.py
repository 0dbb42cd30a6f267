"""The cash limit (Income-tax s.269ST, issue 23): cash of CASH_LIMIT_PER_DAY (₹2,00,000) or more from
one customer in one IST day is refused, counting the cash already taken from them that day on
invoices, package sales and top-ups not voided. Only the cash part of a split payment counts.

Through the services every path calls; nothing is written on a refusal.
"""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.exceptions import CashLimitExceeded
from billing.models import Invoice, Payment
from billing.services import CartItem, PaymentIn, assignment_sell, assignment_top_up, invoice_create, invoice_void
from packages.models import PackageAssignment
from receipts.models import Receipt
from tests.factories import CustomerFactory, MembershipFactory, PrepaidPackageFactory, ServiceFactory, inr

pytestmark = pytest.mark.django_db

MESSAGE_TAIL = "cash from one person in one day must stay under ₹2,00,000 (Income-tax s.269ST)."


@pytest.fixture(autouse=True)
def paise_kept(settings):
    """Bills to the paisa: ₹1,99,999.99 stays ₹1,99,999.99."""
    settings.ROUND_OFF_TO_RUPEE = False


@pytest.fixture
def payer(db):
    return CustomerFactory(name="Meera Iyer")


def service(price: str):
    """A service without GST: the bill's total is its price."""
    return ServiceFactory(price=inr(price), gst_rate=Decimal("0.00"))


def bill(customer, cashier, price: str, payments):
    return invoice_create(
        customer=customer, items=[CartItem(type="service", id=service(price).pk, quantity=1)], cashier=cashier,
        payments=payments,
    )


def counts() -> tuple[int, int, int, int]:
    return Invoice.objects.count(), Payment.objects.count(), Receipt.objects.count(), PackageAssignment.objects.count()


def test_cash_of_1_99_999_99_is_taken(payer, cashier):
    result = bill(payer, cashier, "199999.99", [PaymentIn("cash")])

    assert [(p.method, p.amount.amount) for p in result.invoice.payments.all()] == [("cash", Decimal("199999.99"))]


def test_cash_of_2_00_000_is_refused_offering_the_other_methods_and_nothing_is_written(payer, cashier):
    with pytest.raises(CashLimitExceeded) as refused:
        bill(payer, cashier, "200000.00", [PaymentIn("cash")])

    assert refused.value.message == f"Take ₹1.00 by card, UPI or bank transfer; {MESSAGE_TAIL}"
    assert refused.value.errors == {"payments": [refused.value.message]}
    assert counts() == (0, 0, 0, 0)


def test_a_yearly_membership_of_2_50_000_in_cash_is_told_to_take_50_001_otherwise(payer, cashier):
    with pytest.raises(CashLimitExceeded) as refused:
        bill(payer, cashier, "250000.00", [PaymentIn("cash")])

    assert refused.value.message.startswith("Take ₹50,001.00 by card, UPI or bank transfer;")


def test_only_the_cash_part_of_a_split_payment_counts(payer, cashier):
    result = bill(payer, cashier, "250000.00", [PaymentIn("card", Decimal("50001.00")), PaymentIn("cash")])

    cash = result.invoice.payments.get(method="cash")
    assert cash.amount.amount == Decimal("199999.00")


def test_earlier_cash_the_same_day_pushes_a_second_bill_over_the_limit(payer, cashier):
    bill(payer, cashier, "150000.00", [PaymentIn("cash")])
    before = counts()

    with pytest.raises(CashLimitExceeded) as refused:
        bill(payer, cashier, "50000.00", [PaymentIn("cash")])

    assert refused.value.message == (
        f"Take ₹1.00 by card, UPI or bank transfer; {MESSAGE_TAIL} "
        "₹1,50,000.00 was already taken in cash from Meera Iyer today."
    )
    assert counts() == before
    # What stays under the limit is taken.
    bill(payer, cashier, "49999.99", [PaymentIn("cash")])


def test_the_cash_of_a_package_sale_counts_for_a_later_bill(payer, cashier):
    assignment_sell(customer=payer, template=MembershipFactory(price=inr("150000.00")), user=cashier, payment=PaymentIn("cash"))

    with pytest.raises(CashLimitExceeded):
        bill(payer, cashier, "60000.00", [PaymentIn("cash")])


def test_cash_taken_on_another_day_or_from_another_customer_does_not_count(payer, cashier):
    bill(payer, cashier, "150000.00", [PaymentIn("cash")])
    Payment.objects.update(received_at=timezone.now() - timedelta(days=1))
    bill(CustomerFactory(), cashier, "150000.00", [PaymentIn("cash")])

    bill(payer, cashier, "150000.00", [PaymentIn("cash")])

    assert Payment.objects.filter(customer=payer).count() == 2


def test_a_voided_invoice_gave_its_cash_back_and_no_longer_counts(payer, cashier, manager):
    first = bill(payer, cashier, "150000.00", [PaymentIn("cash")])
    invoice_void(invoice=first.invoice, reason="Billed to the wrong customer", user=manager)

    bill(payer, cashier, "150000.00", [PaymentIn("cash")])


def test_a_package_sale_in_cash_of_2_00_000_is_refused_on_its_method_and_nothing_is_written(payer, cashier):
    with pytest.raises(CashLimitExceeded) as refused:
        assignment_sell(
            customer=payer, template=PrepaidPackageFactory(actual_price=inr("200000.00"), after_value=inr("220000.00")),
            user=cashier, payment=PaymentIn("cash"),
        )

    assert list(refused.value.errors) == ["method"]
    assert counts() == (0, 0, 0, 0)


def test_a_top_up_in_cash_counts_the_earlier_cash_and_writes_nothing_when_refused(payer, cashier, manager):
    sale = assignment_sell(
        customer=payer, template=PrepaidPackageFactory(actual_price=inr("150000.00"), after_value=inr("160000.00")),
        user=cashier, payment=PaymentIn("cash"),
    )
    before = counts()

    with pytest.raises(CashLimitExceeded) as refused:
        assignment_top_up(
            assignment_id=sale.assignment.pk, user=manager, credit=Decimal("60000"), price_paid=Decimal("50000"),
            payment=PaymentIn("cash"),
        )

    assert list(refused.value.errors) == ["payment.method"]
    assert counts() == before
    sale.assignment.refresh_from_db()
    assert sale.assignment.credit_amount.amount == Decimal("160000.00")
    # By UPI the same top-up goes through.
    assignment_top_up(
        assignment_id=sale.assignment.pk, user=manager, credit=Decimal("60000"), price_paid=Decimal("50000"),
        payment=PaymentIn("upi"),
    )


def test_the_limit_is_a_setting(payer, cashier, settings):
    settings.CASH_LIMIT_PER_DAY = "10000"

    with pytest.raises(CashLimitExceeded) as refused:
        bill(payer, cashier, "10000.00", [PaymentIn("cash")])

    assert "must stay under ₹10,000 (Income-tax s.269ST)" in refused.value.message
