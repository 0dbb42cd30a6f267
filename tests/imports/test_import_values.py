"""Imported packages in the value journal, at the counter and in the liability (docs/going-live.md)."""
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from billing.models import Invoice
from billing.services import CartItem, PaymentIn, invoice_create
from core.money import quantize_money
from packages.models import JournalEvent, PackageAssignment, PackageUsage, UsageKind
from packages.services import balances_reconcile
from reports.selectors import liability, liability_rollforward
from tests.imports.conftest import day, row

pytestmark = pytest.mark.django_db


def bring_in(path: str) -> None:
    err = StringIO()
    try:
        call_command("import_packages", path, stdout=StringIO(), stderr=err)
    except CommandError as refusal:
        raise AssertionError(err.getvalue()) from refusal


def held(reference: str) -> Decimal:
    return PackageAssignment.objects.get(import_reference=reference).value_held.amount


def one_of_every_kind() -> list[dict]:
    no_balance = {"service": "", "sessions left": ""}
    return [
        row(reference="SVC"),
        row(kind="Prepaid credit", package="Prepaid 15,000", reference="PRE", **no_balance,
            **{"credit left": "12,400", "price paid": "15000"}),
        row(kind="Membership", package="Gold Membership", reference="MEM", **no_balance,
            **{"price paid": "50000", "sold on": day(-100), "expires on": day(265)}),
        row(kind="Student offer", package="Student 20%", reference="STU", **no_balance,
            **{"price paid": "1000", "expires on": ""}),
        row(kind="Yearly membership", package="15%", reference="YRL", **no_balance,
            **{"price paid": "100000", "value left": "40,000", "sold on": day(-200), "expires on": day(165)}),
        row(kind="kitty_party", package="pay 20,000 get 25,000", reference="KIT", **no_balance,
            **{"credit left": "10000", "price paid": "20000", "expires on": day(30)}),
    ]


def test_each_import_is_one_import_event_holding_price_paid_times_left_over_total(shop, write_file):
    bring_in(write_file(one_of_every_kind()))

    rows = PackageUsage.objects.order_by("assignment__import_reference")
    assert [(r.event, r.kind) for r in rows] == [(JournalEvent.IMPORT, UsageKind.IMPORT)] * 6
    assert held("SVC") == Decimal("2700.00")  # 3,600 x 3 / 4
    assert held("PRE") == Decimal("10628.57")  # 15,000 x 12,400 / 17,500
    assert held("KIT") == Decimal("8000.00")  # 20,000 x 10,000 / 25,000
    assert held("MEM") == quantize_money(Decimal(50000) * 265 / 365)  # days left / days
    for assignment in PackageAssignment.objects.all():
        (opening,) = assignment.usages.all()
        assert opening.value_delta == assignment.value_held
        assert opening.business_day == date.today()
        assert opening.sessions_after == assignment.remaining_sessions
        assert opening.credit_after == assignment.credit_remaining


def test_the_value_the_spa_states_is_the_value_held(shop, write_file):
    bring_in(write_file([row(**{"value left": "2,000"}), *one_of_every_kind()[4:5]]))

    assert held("OLD-1") == Decimal("2000.00")
    assert held("YRL") == Decimal("40000.00")
    # A membership falls by the day from the spa's figure: the liability reads 40,000.00 today too.
    assert liability(as_of=date.today())["total"] == Decimal("42000.00")
    assert balances_reconcile().differences == []


def test_an_import_issues_no_invoice_of_ours(shop, write_file):
    bring_in(write_file(one_of_every_kind()))

    assert not Invoice.objects.exists()
    assert set(PackageUsage.objects.values_list("invoice_number", flat=True)) == {""}


def test_liability_and_reconcile_agree_with_the_journal_after_an_import(shop, write_file):
    bring_in(write_file(one_of_every_kind()))
    today = date.today()

    report = liability(as_of=today)
    journal = PackageAssignment.objects.aggregate(total=Sum("value_held"))["total"]

    assert report["total"] == journal
    assert {r["package_type"]: r["packages"] for r in report["by_kind"]} == dict.fromkeys(
        ["prepaid", "service_package", "membership", "student_offer", "yearly_membership", "kitty_party"], 1
    )
    assert balances_reconcile().differences == []
    # A time kind falls by the day from what it was brought in at: next month, still no difference.
    assert balances_reconcile(on_date=today + timedelta(days=30)).differences == []
    roll = liability_rollforward(date_from=today, date_to=today)["totals"]
    assert roll["imported"] == journal == roll["closing"]
    assert roll["sold"] == 0


def test_a_session_of_an_imported_package_is_billed_free_at_the_counter(shop, write_file, cashier):
    bring_in(write_file([row()]))
    assignment = PackageAssignment.objects.get()

    invoice = invoice_create(
        customer=assignment.customer, items=[CartItem(type="service", id=shop["facial"].pk, quantity=1)],
        cashier=cashier, payments=[PaymentIn("cash")],
    )

    (line,) = invoice.invoice.lines.all()
    assert line.assignment_id == assignment.pk
    assignment.refresh_from_db()
    assert (assignment.remaining_sessions, assignment.value_held.amount) == (2, Decimal("1800.00"))
    assert liability(as_of=date.today())["total"] == Decimal("1800.00")
    assert balances_reconcile().differences == []


def test_the_counter_lists_an_imported_package_as_active(shop, write_file, cashier, client):
    bring_in(write_file([row()]))
    assignment = PackageAssignment.objects.get()
    client.force_login(cashier)

    body = client.get(f"/integrated-billing/customer-packages/{assignment.customer_id}").json()

    (package,) = body["packages"]
    assert (package["assignment_id"], package["status"], package["sessions"]) == (
        assignment.pk, "active", {"total": 4, "used": 1, "remaining": 3},
    )
