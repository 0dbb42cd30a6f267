"""The value journal (docs/journal.md): each event writes the right row, and value_held is always the sum of the rows.

Every scenario goes through a public path: assignment_sell, invoice_create, invoice_void, the
after-sale services and the expire_packages command.
"""
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone

from billing.services import PaymentIn, assignment_sell, invoice_create, invoice_void
from billing.services.aftersale import assignment_refund, assignment_top_up
from branches.selectors import default_branch
from packages.ledger import business_day
from packages.models import JournalEvent, PackageAssignment, PackageUsage, UsageKind
from packages.services import (
    assignment_adjust,
    assignment_create,
    assignment_extend,
    assignment_pause,
    assignment_resume,
    assignment_transfer,
)
from packages.valuation import assignment_value
from tests.billing.conftest import ledger_stays_reconciled, service_item  # noqa: F401  (autouse: reconcile)
from tests.factories import (
    BranchFactory,
    CustomerFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ServicePackageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal


def today():
    return timezone.localdate()


def rows(assignment) -> list[PackageUsage]:
    return list(PackageUsage.objects.filter(assignment=assignment).order_by("pk"))


def deltas(assignment) -> list[Decimal]:
    return [row.value_delta.amount for row in rows(assignment)]


def held(assignment) -> Decimal:
    """The value held as stored, after checking it is the sum of the journal's rows."""
    assignment = PackageAssignment.objects.get(pk=assignment.pk)
    total = PackageUsage.objects.filter(assignment=assignment).aggregate(total=Sum("value_delta"))["total"]
    assert assignment.value_held.amount == D(total or 0).quantize(D("0.01"))
    return assignment.value_held.amount


@pytest.fixture
def sold(customer, facial, manager):
    """A 3+1 facial sold for ₹3,600 with the 5 % GST inside: sale value 3,428.57."""
    return assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=manager,
        price_paid=D("3600"), payment=PaymentIn("cash"),
    ).assignment


def bill(customer, facial, cashier, **kwargs):
    return invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier, **kwargs)


def test_a_sale_writes_one_sale_row_holding_its_sale_value(sold):
    (row,) = rows(sold)

    assert sold.sale_value.amount == D("3428.57")
    assert (row.event, row.kind, row.business_day, row.value_delta.amount) == (
        JournalEvent.SALE, UsageKind.SALE, today(), D("3428.57"),
    )
    assert (row.package_type, row.home_branch_id, row.branch_id, row.reverses_id) == (
        "service_package", default_branch().pk, default_branch().pk, None,
    )
    assert (row.sessions_delta, row.sessions_after) == (4, 4)
    assert held(sold) == D("3428.57")


def test_four_sessions_release_the_sale_value_to_the_paisa_and_end_at_zero(sold, customer, facial, cashier):
    for _ in range(4):
        bill(customer, facial, cashier)

    redemptions = rows(sold)[1:]
    # held x 1 / left, half-up, each time: 3428.57/4, 2571.43/3, 1714.29/2 (857.145 -> .15), then all that is left.
    assert [row.value_delta.amount for row in redemptions] == [D("-857.14"), D("-857.14"), D("-857.15"), D("-857.14")]
    assert sum(row.value_delta.amount for row in redemptions) == D("-3428.57")
    assert {row.event for row in redemptions} == {JournalEvent.REDEMPTION}
    assert [row.sessions_after for row in redemptions] == [3, 2, 1, 0]
    assert held(sold) == 0
    assert PackageAssignment.objects.get(pk=sold.pk).status == "completed"


def test_a_redemption_at_another_branch_keeps_the_selling_branch_as_home(sold, customer, facial, cashier):
    other = BranchFactory(code="MG")
    bill(customer, facial, cashier, branch=other)

    row = rows(sold)[-1]
    assert (row.branch_id, row.home_branch_id, row.business_day) == (other.pk, default_branch().pk, today())
    assert row.invoice_number and row.invoice_line_id


def test_a_sale_dated_another_day_writes_its_row_on_that_day(customer, facial, cashier):
    yesterday = today() - timedelta(days=1)  # the demo's history passes its own days
    sold = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=cashier, payment=PaymentIn("cash"),
        bill_date=yesterday,
    ).assignment

    assert rows(sold)[0].business_day == yesterday


def test_a_void_of_a_bill_gives_back_the_exact_value_each_redemption_released(sold, customer, facial, cashier):
    bill(customer, facial, cashier)
    invoice = invoice_create(customer=customer, items=[service_item(facial, quantity=2)], cashier=cashier).invoice
    before_void = held(sold)
    taken = [row for row in rows(sold) if row.invoice_number == invoice.number]

    invoice_void(invoice=invoice, reason="Wrong customer", user=cashier)

    reversals = [row for row in rows(sold) if row.reverses_id]
    assert [row.reverses_id for row in reversals] == [row.pk for row in taken]
    assert [row.value_delta.amount for row in reversals] == [-row.value_delta.amount for row in taken]
    assert {row.event for row in reversals} == {JournalEvent.REDEMPTION}
    assert {row.kind for row in reversals} == {UsageKind.REVERSAL}
    assert held(sold) == before_void - sum(row.value_delta.amount for row in taken)
    assert held(sold) == D("2571.43")  # as after the first bill alone
    assert PackageAssignment.objects.get(pk=sold.pk).remaining_sessions == 3


def test_a_void_of_the_package_sale_reverses_the_sale_row(sold, manager):
    invoice = sold.invoice_lines.get().invoice
    sale = rows(sold)[0]

    invoice_void(invoice=invoice, reason="Sold by mistake", user=manager)

    reversal = rows(sold)[-1]
    assert (reversal.event, reversal.kind, reversal.reverses_id) == (JournalEvent.SALE, UsageKind.CANCEL, sale.pk)
    assert reversal.value_delta.amount == D("-3428.57")
    assert held(sold) == 0


def test_a_renewal_sale_is_a_renewal_event(sold, customer, facial, manager):
    renewal = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=manager,
        renews_assignment_id=sold.pk, payment=PaymentIn("cash"),
    ).assignment

    (row,) = rows(renewal)
    assert row.event == JournalEvent.RENEWAL
    assert row.value_delta.amount == renewal.sale_value.amount == held(renewal)


def test_a_refund_takes_all_that_is_held(sold, customer, facial, cashier, manager):
    bill(customer, facial, cashier)

    assignment_refund(assignment_id=sold.pk, user=manager, reason="Moving away", method="cash")

    row = rows(sold)[-1]
    assert (row.event, row.kind, row.value_delta.amount, row.business_day) == (
        JournalEvent.REFUND, UsageKind.REFUND, D("-2571.43"), today(),
    )
    assert held(sold) == 0


def test_a_transfer_moves_what_is_held_to_the_new_assignment(sold, customer, facial, cashier, manager):
    bill(customer, facial, cashier)
    sister = CustomerFactory(name="Sister")

    result = assignment_transfer(assignment_id=sold.pk, to_customer_id=sister.pk, user=manager, reason="Gift")

    out, into = rows(sold)[-1], rows(result.new)[0]
    assert (out.event, out.value_delta.amount) == (JournalEvent.TRANSFER_OUT, D("-2571.43"))
    assert (into.event, into.value_delta.amount) == (JournalEvent.TRANSFER_IN, D("2571.43"))
    assert result.new.sale_value.amount == D("2571.43")
    assert into.home_branch_id == sold.branch_id
    assert (held(sold), held(result.new)) == (0, D("2571.43"))
    assert PackageAssignment.objects.get(pk=result.new.pk).remaining_sessions == 3


def test_the_expire_job_writes_an_expiry_row_taking_all_that_is_held(sold, customer, facial, cashier):
    bill(customer, facial, cashier)
    PackageAssignment.objects.filter(pk=sold.pk).update(expires_on=today() - timedelta(days=1))

    call_command("expire_packages", stdout=StringIO())

    row = rows(sold)[-1]
    assert (row.event, row.kind, row.value_delta.amount, row.business_day) == (
        JournalEvent.EXPIRY, UsageKind.EXPIRY, D("-2571.43"), today(),
    )
    assert (row.home_branch_id, row.package_type, row.sessions_delta) == (sold.branch_id, "service_package", 0)
    assert held(sold) == 0
    assert PackageAssignment.objects.get(pk=sold.pk).status == "expired"


def test_an_extension_of_an_expired_package_gives_back_what_its_expiry_took(sold, manager):
    PackageAssignment.objects.filter(pk=sold.pk).update(expires_on=today() - timedelta(days=1))
    call_command("expire_packages", stdout=StringIO())
    expiry = rows(sold)[-1]

    assignment_extend(assignment_id=sold.pk, expires_on=today() + timedelta(days=30), user=manager, reason="Goodwill")

    given_back, note = rows(sold)[-2:]
    assert (given_back.event, given_back.reverses_id, given_back.value_delta.amount) == (
        JournalEvent.EXPIRY, expiry.pk, D("3428.57"),
    )
    assert (note.event, note.kind, note.value_delta.amount) == (JournalEvent.NOTE, UsageKind.EXTENSION, 0)
    assert held(sold) == D("3428.57")


def test_an_adjustment_releases_what_it_takes_away_and_adds_for_free(sold, manager):
    assignment_adjust(assignment_id=sold.pk, user=manager, reason="Session given in error", sessions=-1)
    assignment_adjust(assignment_id=sold.pk, user=manager, reason="Goodwill", sessions=2)

    taken, added = rows(sold)[-2:]
    assert (taken.event, taken.value_delta.amount) == (JournalEvent.ADJUSTMENT, D("-857.14"))
    assert (added.event, added.value_delta.amount) == (JournalEvent.ADJUSTMENT, 0)
    assert held(sold) == D("2571.43")


def test_pause_and_resume_write_no_rows_and_move_no_value(sold, manager):
    assignment_pause(assignment=sold, user=manager)
    assignment_resume(assignment=sold, user=manager)

    assert len(rows(sold)) == 1 and held(sold) == D("3428.57")


def test_a_resume_past_the_date_records_the_expiry(sold, manager):
    assignment_pause(assignment=sold, user=manager)
    PackageAssignment.objects.filter(pk=sold.pk).update(expires_on=today() - timedelta(days=1))

    assignment_resume(assignment=sold, user=manager)

    assert rows(sold)[-1].event == JournalEvent.EXPIRY and held(sold) == 0


def test_credit_releases_its_value_in_proportion_and_a_top_up_adds_the_price_paid(customer, facial, cashier, manager):
    credit = assignment_sell(
        customer=customer, template=PrepaidPackageFactory(), user=cashier, payment=PaymentIn("cash")
    ).assignment  # 17,500 of credit for 15,000, no GST
    bill(customer, facial, cashier, use_credit=True)  # 1,260 (1,200 + 5 %) paid from credit

    spent = rows(credit)[-1]
    assert spent.credit_delta.amount == D("-1260.00")
    assert spent.value_delta.amount == D("-1080.00")  # 15,000 x 1,260 / 17,500
    assert held(credit) == D("13920.00") == assignment_value(PackageAssignment.objects.get(pk=credit.pk), today())

    assignment_top_up(assignment_id=credit.pk, user=manager, credit=D("1200"), price_paid=D("1000"),
                      payment=PaymentIn("cash"))

    top_up = rows(credit)[-1]
    assert (top_up.event, top_up.value_delta.amount, top_up.credit_delta.amount) == (
        JournalEvent.TOP_UP, D("1000.00"), D("1200.00"),
    )
    assert held(credit) == D("14920.00")


def test_a_membership_bill_releases_nothing_and_a_refund_catches_up_its_time_first(customer, facial, cashier, manager):
    started = today() - timedelta(days=73)
    membership = assignment_create(
        customer=customer, template=MembershipFactory(services_included=[facial]), assigned_on=started,
        expires_on=started + timedelta(days=365), created_by=manager,
    )
    bill(customer, facial, cashier)
    assert rows(membership)[-1].event == JournalEvent.REDEMPTION
    assert rows(membership)[-1].value_delta.amount == 0

    assignment_refund(assignment_id=membership.pk, user=manager, reason="Moving away", method="cash")

    catch_up, refund = rows(membership)[-2:]
    # 50,000 x 292 days left / 365: 40,000.00 held on the day, 10,000.00 used up by time.
    assert (catch_up.event, catch_up.kind, catch_up.value_delta.amount) == (
        JournalEvent.REDEMPTION, UsageKind.TIME_RELEASE, D("-10000.00"),
    )
    assert (refund.event, refund.value_delta.amount) == (JournalEvent.REFUND, D("-40000.00"))
    assert held(membership) == 0


def test_an_expired_membership_was_used_up_by_time_not_broken(customer, facial, manager):
    membership = assignment_create(customer=customer, template=MembershipFactory(services_included=[facial]))
    PackageAssignment.objects.filter(pk=membership.pk).update(
        assigned_on=today() - timedelta(days=366), expires_on=today() - timedelta(days=1)
    )

    call_command("expire_packages", stdout=StringIO())

    catch_up, expiry = rows(membership)[-2:]
    assert (catch_up.event, catch_up.value_delta.amount) == (JournalEvent.REDEMPTION, D("-50000.00"))
    assert (expiry.event, expiry.value_delta.amount) == (JournalEvent.EXPIRY, 0)
    assert held(membership) == 0


def test_the_business_day_is_the_shops_day_in_its_time_zone():
    # 23:30 IST on 7 December is 18:00 UTC: still the 7th; 18:30 UTC is midnight IST, the 8th.
    assert business_day(datetime(2026, 12, 7, 18, 0, tzinfo=UTC)).isoformat() == "2026-12-07"
    assert business_day(datetime(2026, 12, 7, 18, 30, tzinfo=UTC)).isoformat() == "2026-12-08"
    assert business_day(datetime(2026, 12, 7, 0, 30, tzinfo=UTC)).isoformat() == "2026-12-07"


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])  # UTC+14 and UTC-11: never the same day
def test_a_sale_is_dated_by_the_shops_time_zone_not_utc(zone, customer, facial):
    with override_settings(TIME_ZONE=zone):
        assignment = assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)
        shop_day = timezone.localdate()

    assert rows(assignment)[0].business_day == shop_day


def test_the_sum_of_the_rows_is_what_every_assignment_holds_after_a_busy_day(sold, customer, facial, cashier, manager):
    other = CustomerFactory()
    bill(customer, facial, cashier)
    voided = bill(customer, facial, cashier).invoice
    invoice_void(invoice=voided, reason="Twice", user=cashier)
    assignment_adjust(assignment_id=sold.pk, user=manager, reason="Goodwill", sessions=1)
    moved = assignment_transfer(assignment_id=sold.pk, to_customer_id=other.pk, user=manager, reason="Gift").new
    invoice_create(customer=other, items=[service_item(facial)], cashier=UserFactory(groups=["Cashier"]))

    for assignment in PackageAssignment.objects.all():
        held(assignment)
    # The transfer moved 2,571.43 with 4 sessions (3 left and 1 added for free); one used releases 642.86.
    assert held(moved) == D("2571.43") - D("642.86")


def test_a_membership_transfer_moves_its_straight_line_value_of_the_day(customer, facial, manager):
    started = today() - timedelta(days=73)
    membership = assignment_create(
        customer=customer, template=MembershipFactory(services_included=[facial]), assigned_on=started,
        expires_on=started + timedelta(days=365), created_by=manager,
    )

    new = assignment_transfer(
        assignment_id=membership.pk, to_customer_id=CustomerFactory().pk, user=manager, reason="Gift"
    ).new

    catch_up, out = rows(membership)[-2:]
    assert (catch_up.event, catch_up.value_delta.amount) == (JournalEvent.REDEMPTION, D("-10000.00"))
    assert (out.event, out.value_delta.amount) == (JournalEvent.TRANSFER_OUT, D("-40000.00"))
    assert new.sale_value.amount == held(new) == D("40000.00")
    assert held(membership) == 0
