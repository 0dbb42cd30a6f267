"""Document numbers: per branch, series and financial year, restarting on 1 April, never shared under concurrency."""
import threading
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings

from billing.checks import GST_MAX_LENGTH
from billing.models import Invoice
from billing.numbering import financial_year, financial_year_label, format_number, next_number
from billing.services import PaymentIn, invoice_create
from tests.billing.conftest import service_item
from tests.factories import CustomerFactory

DAY = date(2026, 1, 15)  # financial year 2025-26


def at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=ZoneInfo(settings.TIME_ZONE))


def test_the_financial_year_runs_from_1_april_to_31_march():
    assert [financial_year(day) for day in (date(2026, 3, 31), date(2026, 4, 1), date(2027, 3, 31))] == [
        2025, 2026, 2026,
    ]
    assert [financial_year_label(year) for year in (2026, 2099)] == ["26-27", "99-00"]


@pytest.mark.django_db
def test_each_document_type_has_its_own_series_through_the_year():
    with transaction.atomic():
        first = next_number("INV", day=DAY)
        second = next_number("INV", day=DAY)
        next_day = next_number("INV", day=date(2026, 1, 16))
        others = [next_number(series, day=DAY) for series in ("REC", "CN", "RV")]

    assert (first, second, next_day) == ("MAIN/25-26/00001", "MAIN/25-26/00002", "MAIN/25-26/00003")
    assert others == ["MAIN/25-26R00001", "MAIN/25-26C00001", "MAIN/25-26V00001"]


@pytest.mark.django_db
def test_every_series_restarts_at_1_on_1_april_and_the_old_year_keeps_its_own():
    with transaction.atomic():
        march = [next_number("INV", day=date(2027, 3, 31)) for _ in range(2)]
        april = next_number("INV", day=date(2027, 4, 1))
        late_march = next_number("INV", day=date(2027, 3, 31))  # a document dated in the old year

    assert march == ["MAIN/26-27/00001", "MAIN/26-27/00002"]
    assert april == "MAIN/27-28/00001"
    assert late_march == "MAIN/26-27/00003"


def test_the_default_numbers_fit_gst_with_a_four_letter_code_in_a_busy_year():
    widest = [format_number(series, day=date(2099, 3, 31), seq=99_999, branch="MAIN") for series in
              ("INV", "REC", "CN", "RV")]

    assert widest == ["MAIN/98-99/99999", "MAIN/98-99R99999", "MAIN/98-99C99999", "MAIN/98-99V99999"]
    assert {len(number) for number in widest} == {GST_MAX_LENGTH}


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_number_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number("INV", day=DAY)
        raise RuntimeError("the invoice failed")

    with transaction.atomic():
        assert next_number("INV", day=DAY) == "MAIN/25-26/00001"


@pytest.mark.django_db(transaction=True)
def test_next_number_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        next_number("INV", day=DAY)


@pytest.mark.django_db
@override_settings(INVOICE_NUMBER_FORMAT="IN{date:%y%m%d}{seq:05d}")
def test_a_format_with_the_date_prints_it_and_still_counts_through_the_year():
    with transaction.atomic():
        taken = [next_number("INV", day=DAY), next_number("INV", day=date(2026, 1, 16))]

    assert taken == ["IN26011500001", "IN26011600002"]


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
    expected = [f"MAIN/25-26/{seq:05d}" for seq in range(1, threads_count * per_thread + 1)]
    assert sorted(numbers) == expected


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_counters_billing_across_midnight_of_31_march(cashier, facial):
    """Two counters bill at 23:59:59 on 31 March and at 00:00 on 1 April (IST), at once each time."""
    bills_each = 3
    customers = [CustomerFactory(), CustomerFactory()]
    midnight = threading.Barrier(3)  # the two counters and the clock
    issued, errors = [], []
    lock = threading.Lock()

    def bill(index):
        result = invoice_create(
            customer=customers[index], items=[service_item(facial)], cashier=cashier, payments=[PaymentIn("cash")]
        )
        with lock:
            issued.append(result.invoice.pk)

    def counter(index):
        try:
            for _ in range(bills_each):
                bill(index)
            midnight.wait(timeout=60)  # every bill of 31 March is in
            midnight.wait(timeout=60)  # the clock has struck midnight
            for _ in range(bills_each):
                bill(index)
        except Exception as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)
            midnight.abort()
        finally:
            connection.close()

    with time_machine.travel(at(date(2027, 3, 31), time(23, 59, 59)), tick=False) as clock:
        threads = [threading.Thread(target=counter, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        midnight.wait(timeout=60)
        clock.move_to(at(date(2027, 4, 1), time(0, 0)))
        midnight.wait(timeout=60)
        for thread in threads:
            thread.join(timeout=120)

    assert errors == []
    invoices = Invoice.objects.filter(pk__in=issued).select_related("receipt")
    by_day = {
        day: sorted((invoice.number, invoice.receipt.number) for invoice in invoices if invoice.bill_date == day)
        for day in (date(2027, 3, 31), date(2027, 4, 1))
    }
    count = 2 * bills_each
    assert by_day[date(2027, 3, 31)] == [(f"MAIN/26-27/{seq:05d}", f"MAIN/26-27R{seq:05d}") for seq in range(1, count + 1)]
    assert by_day[date(2027, 4, 1)] == [(f"MAIN/27-28/{seq:05d}", f"MAIN/27-28R{seq:05d}") for seq in range(1, count + 1)]
