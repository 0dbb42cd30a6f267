"""package_sell: one transaction makes the assignment, payment, invoice and receipt."""
from decimal import Decimal

import pytest

from billing.models import Invoice, Payment
from billing.services import PaymentIn, package_sell
from packages.exceptions import InvalidAssignment
from packages.models import PackageAssignment, PackageBenefitTracker, PackageUsage
from receipts.models import Receipt
from tests.factories import PrepaidPackageFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db


def test_package_sell_service_package_charges_gst_on_the_sale(customer, cashier, facial):
    template = ServicePackageFactory(name="3+1 Facial Package")

    result = package_sell(
        customer=customer, template=template, service=facial, user=cashier, payment=PaymentIn(method="upi")
    )

    assignment = result.assignment
    assert (assignment.total_sessions, assignment.remaining_sessions) == (4, 4)
    assert assignment.price_paid.amount == Decimal("3600.00")
    assert result.invoice.cgst.amount == Decimal("90.00")
    assert result.invoice.grand_total.amount == Decimal("3780.00")
    assert result.payment.amount.amount == Decimal("3780.00")
    assert result.receipt.number.startswith("REC-")
    assert result.invoice.number.startswith("INV-")
    assert PackageBenefitTracker.objects.get(assignment=assignment).remaining_count == 4
    assert PackageUsage.objects.get(assignment=assignment).sessions_after == 4


def test_package_sell_prepaid_is_an_advance_receipt_without_gst(customer, cashier):
    template = PrepaidPackageFactory()

    result = package_sell(customer=customer, template=template, user=cashier, payment=PaymentIn(method="cash"))

    assert result.invoice is None
    assert result.assignment.credit_remaining.amount == Decimal("17500.00")
    assert result.payment.amount.amount == Decimal("15000.00")
    assert result.receipt.kind == "advance_receipt"


def test_package_sell_without_service_for_a_service_package_writes_nothing(customer, cashier):
    template = ServicePackageFactory()

    with pytest.raises(InvalidAssignment) as excinfo:
        package_sell(customer=customer, template=template, user=cashier, payment=PaymentIn(method="cash"))

    assert "service_id" in excinfo.value.errors
    assert not PackageAssignment.objects.exists()
    assert not (Invoice.objects.exists() or Payment.objects.exists() or Receipt.objects.exists())
