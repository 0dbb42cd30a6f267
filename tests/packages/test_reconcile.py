"""reconcile_packages: balances against the ledger, tracker rows, status; --fix repairs."""
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create, invoice_void
from packages.models import PackageAssignment, PackageBenefitTracker, PackageUsage
from tests.factories import MembershipFactory, PrepaidPackageFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db


def reconcile(*args) -> list[str]:
    out = StringIO()
    call_command("reconcile_packages", *args, stdout=out)
    return out.getvalue().strip().splitlines()


@pytest.fixture
def scenarios(customer, cashier, manager, facial):
    """Sell, bill, void and bill again, so the ledger has every kind of row."""
    sell = lambda template, **kw: assignment_sell(  # noqa: E731
        customer=customer, template=template, user=cashier, payment=PaymentIn("cash"), **kw
    ).assignment
    package = sell(ServicePackageFactory(), service=facial)
    prepaid = sell(PrepaidPackageFactory())
    membership = sell(MembershipFactory(services_included=[facial]))
    item = CartItem("service", facial.pk, 2)
    bill = invoice_create(customer=customer, items=[item], cashier=cashier, use_credit=True)
    invoice_void(invoice=bill.invoice, reason="Test", user=manager)
    invoice_create(customer=customer, items=[item, CartItem("service", facial.pk, 3)], cashier=cashier, use_credit=True)
    return {"package": package, "prepaid": prepaid, "membership": membership}


def test_reconcile_finds_nothing_after_sales_bills_and_voids(scenarios):
    assert reconcile() == ["3 assignment(s) checked, 0 difference(s)."]


def test_reconcile_finds_a_balance_edited_behind_the_ledgers_back(scenarios):
    package = scenarios["package"]
    package.refresh_from_db()
    PackageAssignment.objects.filter(pk=package.pk).update(
        remaining_sessions=package.remaining_sessions + 1, used_sessions=package.used_sessions - 1
    )

    report = reconcile()

    assert f"DIFF assignment {package.pk} ({package.package_name}) has 1 sessions left, the ledger says 0" in report
    assert report[-1].endswith("difference(s).") and not report[-1].endswith(" 0 difference(s).")


def test_fix_recreates_missing_trackers_and_recomputes_status(scenarios):
    membership, prepaid = scenarios["membership"], scenarios["prepaid"]
    PackageBenefitTracker.objects.filter(assignment=membership).delete()
    PackageAssignment.objects.filter(pk=prepaid.pk).update(status="completed")

    found = reconcile()
    fixed = reconcile("--fix")
    after = reconcile()

    assert f"DIFF assignment {membership.pk} ({membership.package_name}) is missing 1 tracker row(s)" in found
    assert f"DIFF assignment {prepaid.pk} ({prepaid.package_name}) is completed but its balance says active" in found
    assert any(line.startswith(f"FIXED assignment {membership.pk}") for line in fixed)
    assert after == ["3 assignment(s) checked, 0 difference(s)."]
    assert PackageBenefitTracker.objects.filter(assignment=membership, is_active=True).count() == 1
    prepaid.refresh_from_db()
    assert prepaid.status == "active"


# --- the value journal: its sum, value_held and the valuation --------------------------------


def diffs(report: list[str], assignment) -> list[str]:
    prefix = f"DIFF assignment {assignment.pk} ({assignment.package_name}) "
    return [line.removeprefix(prefix) for line in report if line.startswith(prefix)]


def test_the_journal_of_every_kind_adds_up_to_value_held_and_the_valuation(scenarios, customer, cashier, manager):
    from tests.factories import KittyPartyFactory, StudentOfferFactory, YearlyMembershipFactory

    for template in (KittyPartyFactory(), StudentOfferFactory(), YearlyMembershipFactory()):
        assignment_sell(customer=customer, template=template, user=cashier, payment=PaymentIn("cash"))
    assert reconcile()[-1] == "6 assignment(s) checked, 0 difference(s)."
    for assignment in PackageAssignment.objects.all():
        assert sum(row.value_delta.amount for row in assignment.usages.all()) == assignment.value_held.amount


def test_value_held_edited_behind_the_journals_back_is_reported(scenarios):
    package = PackageAssignment.objects.get(pk=scenarios["package"].pk)
    held = package.value_held.amount
    PackageAssignment.objects.filter(pk=package.pk).update(value_held=held + 100)

    found = diffs(reconcile(), package)

    assert f"holds ₹{held + 100:,.2f} (value_held), but its journal rows add up to ₹{held:,.2f}" in found


def test_a_ledger_row_outside_the_journal_is_reported(scenarios):
    prepaid = scenarios["prepaid"]
    PackageUsage.objects.filter(assignment=prepaid, kind="sale").update(business_day=None)

    found = diffs(reconcile(), prepaid)

    assert found == [
        "has 1 ledger row(s) with no business day, outside the value journal "
        "(run manage.py migrate to build it from the history)"
    ]


def test_a_closed_package_still_holding_value_is_reported(scenarios):
    prepaid = PackageAssignment.objects.get(pk=scenarios["prepaid"].pk)
    PackageAssignment.objects.filter(pk=prepaid.pk).update(status="refunded")

    found = diffs(reconcile(), prepaid)

    assert f"is refunded but still holds ₹{prepaid.value_held.amount:,.2f} by its journal, not ₹0.00" in found


def test_a_journal_that_disagrees_with_the_valuation_is_reported(scenarios):
    prepaid = PackageAssignment.objects.get(pk=scenarios["prepaid"].pk)
    assert prepaid.value_held.amount > 0
    PackageAssignment.objects.filter(pk=prepaid.pk).update(sale_value=prepaid.sale_value.amount * 2)

    found = diffs(reconcile(), prepaid)

    worth = prepaid.credit_remaining.amount * prepaid.sale_value.amount * 2 / prepaid.credit_amount.amount
    assert found == [
        f"holds ₹{prepaid.value_held.amount:,.2f} by its journal, but its credit left is worth "
        f"₹{worth.quantize(Decimal('0.01')):,.2f} on {timezone.localdate():%d %b %Y} (packages.valuation)"
    ]


def test_a_membership_holding_more_than_it_was_sold_for_is_reported(scenarios):
    membership = PackageAssignment.objects.get(pk=scenarios["membership"].pk)
    PackageAssignment.objects.filter(pk=membership.pk).update(sale_value=membership.sale_value.amount - 1)

    found = diffs(reconcile(), membership)

    assert found == [
        f"holds ₹{membership.value_held.amount:,.2f} by its journal, more than its sale value "
        f"₹{membership.sale_value.amount - 1:,.2f}"
    ]


def test_a_row_that_miscounts_the_package_for_the_liability_is_reported(scenarios):
    prepaid = PackageAssignment.objects.get(pk=scenarios["prepaid"].pk)
    assert prepaid.value_held.amount > 0
    PackageUsage.objects.filter(assignment=prepaid, kind="sale").update(holders_delta=0)

    found = diffs(reconcile(), prepaid)

    credit = f"₹{prepaid.credit_remaining.amount:,.2f}"
    assert found == [f"is counted by its journal as 0 package(s) holding 0 session(s) and {credit} of credit, not 1, 0 and {credit}"]
