"""Each branch counts its own numbers: gapless per branch, and two branches never wait on each other's row."""
import threading
from datetime import date

import pytest
from django.core.checks import Error
from django.db import OperationalError, connection, transaction
from django.test import override_settings

from billing.numbering import next_number
from billing.services import PaymentIn, invoice_create
from branches.checks import NUMBER_FORMAT_SETTINGS, check_number_formats_name_the_branch
from tests.billing.conftest import service_item
from tests.billing.test_concurrency import run_in_threads
from tests.factories import CustomerFactory

DAY = date(2031, 1, 6)


def checks(databases=("default",)):
    return check_number_formats_name_the_branch(databases=list(databases))


@pytest.mark.django_db
def test_each_branch_numbers_from_one_with_its_code(indiranagar, koramangala):
    with transaction.atomic():
        taken = [
            next_number("INV", branch=indiranagar, day=DAY),
            next_number("INV", branch=koramangala, day=DAY),
            next_number("INV", branch=indiranagar, day=DAY),
            next_number("REC", branch=koramangala, day=DAY),
        ]

    assert taken == ["IND/30-31/00001", "KOR/30-31/00001", "IND/30-31/00002", "KOR/30-31R00001"]


@pytest.mark.django_db
def test_a_single_shop_keeps_its_numbers():
    with transaction.atomic():
        assert next_number("INV", day=DAY) == "MAIN/30-31/00001"


@pytest.mark.django_db
@override_settings(**dict.fromkeys(NUMBER_FORMAT_SETTINGS, "DOC/{fy}/{seq:05d}"))
def test_a_chain_whose_formats_lack_the_branch_is_refused_by_a_system_check(indiranagar, koramangala):
    errors = checks()

    assert {error.id for error in errors} == {"branches.E001"}
    assert all(isinstance(error, Error) for error in errors)
    assert len(errors) == 4  # invoice, receipt, credit note, refund voucher


@pytest.mark.django_db
def test_a_chain_with_the_branch_in_every_format_passes_the_check(indiranagar, koramangala):
    assert checks() == []


@pytest.mark.django_db
def test_a_single_shop_passes_the_check_with_the_default_formats(indiranagar):
    assert checks() == []


def test_the_check_asks_no_database_unless_told():
    assert checks(databases=()) == []


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_cashiers_at_two_branches_at_once_get_gapless_numbers_per_branch(
    indiranagar, koramangala, cashier, facial
):
    customers = [CustomerFactory() for _ in range(10)]
    branches = [indiranagar, koramangala]

    def bill(index):
        return invoice_create(
            customer=customers[index], items=[service_item(facial)], cashier=cashier,
            payments=[PaymentIn("cash")], branch=branches[index % 2],
        ).invoice.number

    results, errors = run_in_threads(bill)

    assert errors == []
    year = results[0].split("/")[1]
    assert sorted(results) == sorted(
        [f"IND/{year}/{seq:05d}" for seq in range(1, 6)] + [f"KOR/{year}/{seq:05d}" for seq in range(1, 6)]
    )


@pytest.mark.postgres
@pytest.mark.concurrency
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite locks the whole database, not a row")
@pytest.mark.django_db(transaction=True)
def test_a_branch_takes_its_number_while_another_branch_holds_its_row(indiranagar, koramangala):
    held, release = threading.Event(), threading.Event()
    taken_while_held = []

    def cashier_at_indiranagar():
        try:
            with transaction.atomic():
                taken_while_held.append(next_number("INV", branch=indiranagar, day=DAY))
                held.set()
                release.wait(timeout=30)  # the row stays locked until this transaction ends
        finally:
            connection.close()

    thread = threading.Thread(target=cashier_at_indiranagar)
    thread.start()
    try:
        assert held.wait(timeout=30)
        # Waiting on a lock at all fails at once: Koramangala must not wait for Indiranagar.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '50ms'")
            koramangala_number = next_number("INV", branch=koramangala, day=DAY)
        # The same test has teeth: Indiranagar's own next number does wait, and times out.
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '50ms'")
            next_number("INV", branch=indiranagar, day=DAY)
    finally:
        release.set()
        thread.join(timeout=30)

    assert taken_while_held == ["IND/30-31/00001"]
    assert koramangala_number == "KOR/30-31/00001"
    with transaction.atomic():
        assert next_number("INV", branch=indiranagar, day=DAY) == "IND/30-31/00002"  # the timed-out one gave it back

