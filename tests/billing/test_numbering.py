"""Document numbers: consecutive per day and series, never shared, even when cashiers bill at once."""
import threading
from datetime import date

import pytest
from django.db import connection, transaction
from django.test import override_settings

from billing.numbering import format_number, next_number

DAY = date(2026, 1, 15)


@pytest.mark.django_db
def test_numbers_follow_the_configured_pattern_per_series_and_day():
    with transaction.atomic():
        first = next_number("INV", day=DAY)
        second = next_number("INV", day=DAY)
        receipt = next_number("REC", day=DAY)
        next_day = next_number("INV", day=date(2026, 1, 16))

    assert (first, second) == ("INV-20260115-0001", "INV-20260115-0002")
    assert receipt == "REC-20260115-0001"
    assert next_day == "INV-20260116-0001"


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_number_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number("INV", day=DAY)
        raise RuntimeError("the invoice failed")

    with transaction.atomic():
        assert next_number("INV", day=DAY) == "INV-20260115-0001"


@pytest.mark.django_db(transaction=True)
def test_next_number_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        next_number("INV", day=DAY)


@override_settings(INVOICE_NUMBER_FORMAT="INV/{date:%y%m%d}/{seq:05d}")
def test_a_shop_can_choose_a_shorter_gst_friendly_pattern():
    assert format_number("INV", day=DAY, seq=7) == "INV/260115/00007"


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_concurrent_cashiers_get_distinct_consecutive_numbers():
    threads_count, per_thread = 6, 5
    start = threading.Barrier(threads_count)
    numbers, errors = [], []
    lock = threading.Lock()

    def cashier():
        try:
            start.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    number = next_number("INV", day=DAY)
                with lock:
                    numbers.append(number)
        except Exception as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=cashier) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    expected = [f"INV-20260115-{seq:04d}" for seq in range(1, threads_count * per_thread + 1)]
    assert sorted(numbers) == expected
