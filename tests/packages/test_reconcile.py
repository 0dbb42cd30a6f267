"""reconcile_packages: balances against the ledger, tracker rows, status; --fix repairs."""
from io import StringIO

import pytest
from django.core.management import call_command

from billing.services import CartItem, PaymentIn, invoice_create, invoice_void, package_sell
from packages.models import PackageAssignment, PackageBenefitTracker
from tests.factories import MembershipFactory, PrepaidPackageFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db


def reconcile(*args) -> list[str]:
    out = StringIO()
    call_command("reconcile_packages", *args, stdout=out)
    return out.getvalue().strip().splitlines()


@pytest.fixture
def scenarios(customer, cashier, manager, facial):
    """Sell, bill, void and bill again, so the ledger has every kind of row."""
    sell = lambda template, **kw: package_sell(  # noqa: E731
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
