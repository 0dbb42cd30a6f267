"""Cashiers racing for the same package: threads against the real database (PostgreSQL and SQLite).

PostgreSQL proves the row locks (SELECT ... FOR UPDATE in primary-key order); on
SQLite the IMMEDIATE transactions make the writers queue, and every invoice must
still be right.
"""
import re
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction

from billing.numbering import next_number
from billing.services import PaymentIn, invoice_create
from packages.models import PackageAssignment, PackageUsage
from tests.billing.conftest import service_item
from tests.factories import PrepaidPackageFactory, ServiceFactory, ServicePackageFactory, inr

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
WORKERS = 10


def run_in_threads(work, count=WORKERS):
    """Start `count` threads together; return their results and any errors."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def runner(index):
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker is stuck (deadlock?)"
    return results, errors


def sequence_numbers(numbers):
    """The counts the numbers end with (MAIN/26-27/00007: 7)."""
    return sorted(int(re.search(r"\d+$", number).group()) for number in numbers)


def test_ten_cashiers_billing_one_session_each_against_four_sessions(customer, cashier, facial, sell):
    package = sell(customer, ServicePackageFactory(), facial)

    results, errors = run_in_threads(
        lambda index: invoice_create(
            customer=customer, items=[service_item(facial)], cashier=cashier, payments=[PaymentIn("cash")]
        )
    )

    assert errors == []
    lines = [result.computation.lines[0] for result in results]
    assert sum(1 for line in lines if line.package_applied) == 4
    assert sum(1 for line in lines if line.package_applied is None) == 6
    assert all(line.total == Decimal("1260.00") for line in lines if line.package_applied is None)
    assert all(line.package_note == f'"{package.package_name}" has no sessions left.' for line in lines if not line.package_applied)
    numbers = sequence_numbers(result.invoice.number for result in results)
    assert numbers == list(range(numbers[0], numbers[0] + WORKERS))
    package.refresh_from_db()
    assert (package.used_sessions, package.remaining_sessions, package.status) == (4, 0, "completed")
    assert PackageUsage.objects.filter(assignment=package, kind="redeem").count() == 4


def test_ten_cashiers_spending_credit_never_overdraw_it(customer, cashier, sell):
    service = ServiceFactory(price=inr("300.00"))  # 315.00 with GST
    prepaid = sell(customer, PrepaidPackageFactory(actual_price=inr("1000.00"), after_value=inr("1260.00")))

    results, errors = run_in_threads(
        lambda index: invoice_create(
            customer=customer, items=[service_item(service)], cashier=cashier, use_credit=True,
            payments=[PaymentIn("upi")],
        )
    )

    assert errors == []
    credit = sorted(result.invoice.credit_applied.amount for result in results)
    assert credit == [Decimal("0.00")] * 6 + [Decimal("315.00")] * 4
    assert all(result.invoice.payments.exists() for result in results)
    prepaid.refresh_from_db()
    assert (prepaid.credit_remaining.amount, prepaid.status) == (Decimal("0.00"), "completed")
    assert len({result.invoice.number for result in results}) == WORKERS


def test_numbers_are_distinct_and_consecutive_under_concurrency(db):
    day = date(2031, 1, 6)

    def take(index):
        with transaction.atomic():
            return next_number("INV", day=day)

    results, errors = run_in_threads(take)

    assert errors == []
    assert sorted(results) == [f"MAIN/30-31/{seq:05d}" for seq in range(1, WORKERS + 1)]


def test_the_package_is_not_left_locked_after_the_race(customer, cashier, facial, sell):
    package = sell(customer, ServicePackageFactory(), facial)
    run_in_threads(
        lambda index: invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier), count=2
    )

    with transaction.atomic():
        locked = PackageAssignment.objects.select_for_update(nowait=connection.vendor == "postgresql").get(pk=package.pk)

    assert locked.remaining_sessions == 2


def test_ten_cashiers_selling_the_last_four_jars_sell_exactly_four(customer, cashier):
    from billing.exceptions import InsufficientStock
    from tests.factories import ProductFactory

    jar = ProductFactory(stock_quantity=4)

    results, errors = run_in_threads(
        lambda index: invoice_create(
            customer=customer, items=[{"type": "product", "id": jar.pk, "quantity": 1}], cashier=cashier,
            payments=[PaymentIn("card")],
        )
    )

    assert sum(result is not None for result in results) == 4
    assert len(errors) == 6 and all(isinstance(error, InsufficientStock) for error in errors)
    jar.refresh_from_db()
    assert jar.stock_quantity == 0


def test_a_double_submitted_bill_makes_one_invoice(customer, cashier, facial, sell):
    package = sell(customer, ServicePackageFactory(), facial)

    results, errors = run_in_threads(
        lambda index: invoice_create(
            customer=customer, items=[service_item(facial)], cashier=cashier, idempotency_key="double-click-1"
        ),
        count=5,
    )

    assert errors == []
    assert len({result.invoice.pk for result in results}) == 1
    assert sorted(result.created for result in results) == [False, False, False, False, True]
    package.refresh_from_db()
    assert package.remaining_sessions == 3


def test_one_key_raced_with_different_bills_makes_one_invoice_and_refuses_the_others(customer, cashier, facial, sell):
    from billing.exceptions import IdempotencyKeyReused

    package = sell(customer, ServicePackageFactory(), facial)

    results, errors = run_in_threads(
        lambda index: invoice_create(
            customer=customer, items=[service_item(facial, 1 + index % 2)], cashier=cashier, idempotency_key="tab-9"
        ),
        count=4,
    )

    winner = next(result for result in results if result is not None and result.created)
    quantity = winner.invoice.lines.get().quantity
    # The twins of the winning bill get its invoice; the others are refused.
    assert len(errors) == 2 and all(isinstance(error, IdempotencyKeyReused) for error in errors)
    assert {result.invoice.pk for result in results if result is not None} == {winner.invoice.pk}
    package.refresh_from_db()
    assert package.remaining_sessions == 4 - quantity


def test_four_counters_taking_cash_from_one_customer_at_once_take_it_once(customer, cashier, settings):
    """The cash limit (docs/money.md): the day's cash is counted with the customer's row locked, so
    four bills of ₹1,50,000 in cash at once make one invoice and three refusals, never ₹6,00,000."""
    from billing.exceptions import CashLimitExceeded
    from billing.models import Payment

    service = ServiceFactory(price=inr("150000.00"), gst_rate=Decimal("0.00"))

    results, errors = run_in_threads(
        lambda index: invoice_create(
            customer=customer, items=[service_item(service)], cashier=cashier, payments=[PaymentIn("cash")]
        ),
        count=4,
    )

    assert len([result for result in results if result is not None]) == 1
    assert len(errors) == 3 and all(isinstance(error, CashLimitExceeded) for error in errors)
    assert Payment.objects.filter(customer=customer, method="cash").count() == 1
