"""assignment_sell: one transaction makes the assignment, payment, invoice and receipt."""
import re
from decimal import Decimal

import pytest

from billing.models import Invoice, Payment
from billing.services import PaymentIn, assignment_sell
from packages.exceptions import InvalidAssignment
from packages.models import PackageAssignment, PackageBenefitTracker, PackageUsage
from receipts.models import Receipt
from tests.factories import PrepaidPackageFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db


def test_package_sell_service_package_charges_gst_on_the_sale(customer, cashier, facial):
    template = ServicePackageFactory(name="3+1 Facial Package")

    result = assignment_sell(
        customer=customer, template=template, service=facial, user=cashier, payment=PaymentIn(method="upi")
    )

    assignment = result.assignment
    assert (assignment.total_sessions, assignment.remaining_sessions) == (4, 4)
    # Left out, price_paid is the list price plus GST: what the customer actually paid.
    assert assignment.price_paid.amount == Decimal("3780.00")
    assert assignment.sale_value.amount == Decimal("3600.00")
    assert result.invoice.cgst.amount == Decimal("90.00")
    assert result.invoice.grand_total.amount == Decimal("3780.00")
    assert result.payment.amount.amount == Decimal("3780.00")
    assert re.fullmatch(r"MAIN/\d\d-\d\dR\d{5}", result.receipt.number)
    assert re.fullmatch(r"MAIN/\d\d-\d\d/\d{5}", result.invoice.number)
    assert PackageBenefitTracker.objects.get(assignment=assignment).remaining_count == 4
    assert PackageUsage.objects.get(assignment=assignment).sessions_after == 4


def test_package_sell_prepaid_is_an_advance_receipt_without_gst(customer, cashier):
    template = PrepaidPackageFactory()

    result = assignment_sell(customer=customer, template=template, user=cashier, payment=PaymentIn(method="cash"))

    assert result.invoice is None
    assert result.assignment.credit_remaining.amount == Decimal("17500.00")
    assert result.payment.amount.amount == Decimal("15000.00")
    assert result.receipt.kind == "advance_receipt"
    # No GST at sale: the sale value is the price paid.
    assert result.assignment.price_paid.amount == result.assignment.sale_value.amount == Decimal("15000.00")


def test_package_sell_without_service_for_a_service_package_writes_nothing(customer, cashier):
    template = ServicePackageFactory()

    with pytest.raises(InvalidAssignment) as excinfo:
        assignment_sell(customer=customer, template=template, user=cashier, payment=PaymentIn(method="cash"))

    assert "service_id" in excinfo.value.errors
    assert not PackageAssignment.objects.exists()
    assert not (Invoice.objects.exists() or Payment.objects.exists() or Receipt.objects.exists())


def test_package_sell_takes_the_gst_out_of_a_price_paid_the_seller_enters(customer, manager, facial):
    """The seed's example: price_paid 1200 at 18% is 1,016.95 + 91.53 + 91.53, round off -0.01 (docs/gst.md)."""
    facial.gst_rate = Decimal("18.00")  # the rate is the service's; a price of its own is a manager's
    facial.save()
    result = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=manager,
        price_paid=Decimal("1200"), tax_rate=Decimal("18"), payment=PaymentIn(method="cash", amount=Decimal("1200")),
    )

    invoice = result.invoice
    line = invoice.lines.get()
    # The rate and gross are before GST, as the taxable value is (issue 25 item 14): 1,200 is the total paid.
    assert (line.unit_price.amount, line.gross.amount, line.taxable_value.amount, line.gst_rate) == (
        Decimal("1016.95"), Decimal("1016.95"), Decimal("1016.95"), Decimal("18.00")
    )
    assert (line.cgst.amount, line.sgst.amount, line.total.amount) == (
        Decimal("91.53"), Decimal("91.53"), Decimal("1200.01")
    )
    assert (invoice.subtotal.amount, invoice.cgst.amount, invoice.sgst.amount, invoice.round_off.amount) == (
        Decimal("1016.95"), Decimal("91.53"), Decimal("91.53"), Decimal("-0.01")
    )
    assert invoice.grand_total.amount == invoice.amount_payable.amount == Decimal("1200.00")
    assert result.payment.amount.amount == Decimal("1200.00")
    assert (result.assignment.price_paid.amount, result.assignment.sale_value.amount) == (
        Decimal("1200.00"), Decimal("1016.95")
    )
    assert result.receipt.amount.amount == Decimal("1200.00")


def test_a_price_paid_with_paise_is_the_invoice_total_to_the_paisa(customer, manager, facial):
    facial.gst_rate = Decimal("18.00")
    facial.save()
    result = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=manager,
        price_paid=Decimal("1200.50"), tax_rate=Decimal("18"), payment=PaymentIn(method="cash"),
    )

    # taxable round(1200.50 / 1.18) = 1,017.37, CGST = SGST = 91.56: the paisa left over is the round-off.
    assert result.invoice.subtotal.amount == Decimal("1017.37")
    assert result.invoice.round_off.amount == Decimal("0.01")
    assert result.invoice.grand_total.amount == result.payment.amount.amount == Decimal("1200.50")
    assert result.assignment.price_paid.amount == Decimal("1200.50")


def test_a_prepaid_credit_sold_at_another_price_keeps_that_price_as_its_sale_value(customer, manager):
    result = assignment_sell(
        customer=customer, template=PrepaidPackageFactory(), user=manager, price_paid=Decimal("14000"),
        payment=PaymentIn(method="cash", amount=Decimal("14000")),
    )

    assert result.invoice is None
    assert (result.assignment.price_paid.amount, result.assignment.sale_value.amount) == (
        Decimal("14000.00"), Decimal("14000.00")
    )


def test_a_taxed_kind_sold_without_an_invoice_charges_no_gst_and_keeps_the_price_as_its_value(customer, manager, facial):
    result = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=manager, price_paid=Decimal("3000"),
        create_invoice=False, payment=PaymentIn(method="cash", amount=Decimal("3000")),
    )

    assert result.invoice is None
    assert (result.assignment.price_paid.amount, result.assignment.sale_value.amount) == (
        Decimal("3000.00"), Decimal("3000.00")
    )
