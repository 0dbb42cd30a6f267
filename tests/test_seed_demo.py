"""seed_demo: the demo shop, loaded twice, is the same shop."""
import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Min
from django.utils import timezone

from billing.models import Invoice, Payment
from billing.numbering import financial_year, financial_year_label
from catalog.models import Product, Service
from customers.models import Customer
from packages.models import (
    KittyParty,
    Membership,
    PackageAssignment,
    PackageBenefitTracker,
    PackageUsage,
    PrepaidPackage,
    ServicePackage,
    StudentOffer,
    YearlyMembership,
)
from receipts.models import Receipt

pytestmark = pytest.mark.django_db

COUNTED = (
    Service, Product, Customer, PrepaidPackage, ServicePackage, Membership, StudentOffer, YearlyMembership, KittyParty,
    PackageAssignment, PackageBenefitTracker, PackageUsage, Invoice, Payment, Receipt, get_user_model(),
)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_twice_gives_the_same_data():
    seed()
    first = counts()

    seed()

    assert counts() == first
    assert first["PackageAssignment"] >= 6


def test_seed_demo_holds_one_template_of_every_kind_with_the_seed_figures():
    seed()

    assert ServicePackage.objects.get(name="3+1 Facial Package").free_sessions == 1
    prepaid = PrepaidPackage.objects.get()
    assert (prepaid.actual_price.amount, prepaid.after_value.amount) == (Decimal("15000"), Decimal("17500"))
    gold = Membership.objects.get()
    assert gold.price.amount == Decimal("50000") and gold.validity_months == 12
    assert {s.name for s in gold.services_included.all()} == {"Hydrating Facial", "Swedish Massage", "Haircut"}
    student = StudentOffer.objects.get()
    assert (student.discount_percentage, student.valid_days) == (Decimal("20"), "Mon-Fri")
    yearly = YearlyMembership.objects.get()
    assert (yearly.price.amount, yearly.discount_percent) == (Decimal("100000"), Decimal("15"))
    assert "birthday" in yearly.extra_benefits
    kitty = KittyParty.objects.get()
    assert (kitty.price.amount, kitty.after_value.amount, kitty.min_guests) == (Decimal("20000"), Decimal("25000"), 10)


def test_seed_demo_prices_services_and_products_at_todays_gst_rates():
    seed()

    facial = Service.objects.get(name="Hydrating Facial")
    assert (facial.price.amount, facial.gst_rate, facial.sac_code) == (Decimal("1200"), Decimal("5"), "999722")
    assert Service.objects.get(name="Swedish Massage").sac_code == "999723"
    assert not Service.objects.exclude(gst_rate=Decimal("5")).exists()
    cream = Product.objects.get(hsn_code="3304", name__icontains="face cream")
    assert cream.gst_rate == Decimal("18") and cream.stock_quantity == 50 - 1  # one sold in the history


def test_seed_demo_customers_hold_packages_sold_with_receipts():
    seed()

    priya = Customer.objects.get(name="Priya Sharma")
    package = priya.assignments.get()
    assert (package.package_name, package.remaining_sessions) == ("3+1 Facial Package – Hydrating Facial", 4)
    # One receipt per package sold, per bill and per top-up, one credit note per void; after the
    # sale a refund's credit note, a transfer's new package (no receipt: no money moved).
    bills = Invoice.objects.filter(kind="sale")
    sold = PackageAssignment.objects.filter(transferred_from__isnull=True)
    top_ups = PackageUsage.objects.filter(kind="top_up")
    assert Receipt.objects.exclude(kind="credit_note").count() == sold.count() + bills.count() + top_ups.count()
    refund_notes = Receipt.objects.filter(kind="credit_note", snapshot__has_key="refund")
    assert Receipt.objects.filter(kind="credit_note").count() == bills.filter(status="cancelled").count() + refund_notes.count()
    assert (refund_notes.count(), top_ups.count(), PackageAssignment.objects.filter(status="transferred").count()) == (1, 1, 1)
    assert Customer.objects.exclude(phone__startswith="+91").count() == 0


def test_seed_demo_creates_staff_logins_and_prints_them(monkeypatch):
    monkeypatch.setenv("DEMO_CASHIER_PASSWORD", "counter-2026")

    output = seed()

    manager = get_user_model().objects.get(username="manager")
    cashier = get_user_model().objects.get(username="cashier")
    assert manager.is_staff and manager.groups.filter(name="Manager").exists()
    assert not cashier.is_staff and cashier.groups.filter(name="Cashier").exists()
    assert manager.check_password("manager123")
    assert cashier.check_password("counter-2026")
    tail = output.strip().splitlines()[-4:]
    assert "manager123" in "\n".join(tail) and "counter-2026" in "\n".join(tail)


def test_the_demo_cashier_is_sent_to_the_admin_login_and_the_manager_opens_the_admin(client):
    seed()
    User = get_user_model()

    client.force_login(User.objects.get(username="cashier"))
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    client.force_login(User.objects.get(username="manager"))
    assert client.get("/admin/").status_code == 200


def test_a_second_run_keeps_a_changed_password_and_does_not_print_a_wrong_one():
    seed()
    manager = get_user_model().objects.get(username="manager")
    manager.set_password("a-better-secret")
    manager.save()

    output = seed()

    manager.refresh_from_db()
    assert manager.check_password("a-better-secret")
    assert "manager123" not in output
    assert "cashier123" in output


def test_seed_demo_has_months_of_history_for_the_reports():
    seed()

    today = timezone.localdate()
    oldest = PackageAssignment.objects.aggregate(first=Min("assigned_on"))["first"]
    assert oldest <= today - timedelta(days=120)
    sale_months = {d.strftime("%Y-%m") for d in PackageAssignment.objects.values_list("assigned_on", flat=True)}
    assert len(sale_months) >= 4
    assert Invoice.objects.filter(kind="sale", bill_date__lt=today - timedelta(days=90)).exists()
    assert Invoice.objects.filter(status="cancelled").count() == 2
    expired = PackageAssignment.objects.filter(status="expired")
    assert expired.count() >= 3 and all(a.expires_on < today for a in expired)
    assert PackageAssignment.objects.filter(status="active", expires_on__lte=today + timedelta(days=30)).count() >= 3
    assert PackageUsage.objects.filter(kind="redeem", created_at__date__lt=today - timedelta(days=60)).exists()


def test_seed_demo_history_leaves_every_balance_explained_by_its_ledger():
    seed()
    seed()

    out = StringIO()
    call_command("reconcile_packages", stdout=out)

    assert out.getvalue().strip().endswith(f"{PackageAssignment.objects.count()} assignment(s) checked, 0 difference(s).")


def documents_by_series() -> dict[str, list[tuple[int, date]]]:
    """Each series ("26-27/" invoices, "26-27R" receipts, ...) of the demo: its counts and their days, in count order."""
    dated = [(number, bill_date) for number, bill_date in Invoice.objects.values_list("number", "bill_date")]
    dated += [(receipt.number, timezone.localdate(receipt.issued_at)) for receipt in Receipt.objects.all()]
    series = defaultdict(list)
    for number, day in dated:
        year, kind, count = re.fullmatch(r"MAIN/(\d\d-\d\d)([/RCV])(\d{5})", number).groups()
        assert year == financial_year_label(financial_year(day)), f"{number} is dated {day}"
        series[year + kind].append((int(count), day))
    return {name: sorted(documents) for name, documents in series.items()}


def assert_numbered_in_date_order(series: dict[str, list[tuple[int, date]]]) -> None:
    for name, documents in series.items():
        assert [count for count, _ in documents] == list(range(1, len(documents) + 1)), name
        days = [day for _, day in documents]
        assert days == sorted(days), f"{name} is not numbered in date order: {days}"


def test_seed_demo_history_is_numbered_by_its_own_days_in_date_order():
    with time_machine.travel(datetime(2026, 12, 7, 12, 0, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=False):
        seed()

    series = documents_by_series()
    assert_numbered_in_date_order(series)
    assert series["26-27/"][0] == (1, date(2026, 7, 10))  # the July sale: the year's first invoice, not 7 December's
    assert series["26-27/"][-1][1] == date(2026, 12, 7)  # today's demo sales come last


def test_seed_demo_history_across_1_april_numbers_each_financial_year_from_1():
    with time_machine.travel(datetime(2027, 5, 10, 12, 0, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=False):
        seed()

    series = documents_by_series()
    assert_numbered_in_date_order(series)
    assert series["26-27/"][-1][1] <= date(2027, 3, 31) < date(2027, 4, 1) <= series["27-28/"][0][1]
    assert {"26-27/", "26-27R", "26-27C", "27-28/", "27-28R", "27-28C"} <= set(series)
