"""invoice_void gives back sessions, credit and stock, reopens completed packages and issues a credit note."""
import re
from decimal import Decimal

import pytest

from billing.exceptions import InvoiceAlreadyVoid, InvoiceNotVoidable
from billing.models import Invoice
from billing.selectors import package_usage
from billing.services import PaymentIn, assignment_sell, invoice_create, invoice_void
from packages.models import PackageBenefitTracker
from packages.presenters import updated_package
from tests.billing.conftest import product_item, service_item
from tests.factories import PrepaidPackageFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_void_restores_sessions_credit_stock_and_status(customer, cashier, manager, facial, cream, sell):
    package = sell(customer, ServicePackageFactory(), facial)
    prepaid = sell(customer, PrepaidPackageFactory())
    result = invoice_create(
        customer=customer, items=[service_item(facial, 4), product_item(cream, 3)], cashier=cashier, use_credit=True
    )
    package.refresh_from_db()
    prepaid.refresh_from_db()
    cream.refresh_from_db()
    assert (package.status, package.remaining_sessions, cream.stock_quantity) == ("completed", 0, 7)
    spent = D("17500.00") - prepaid.credit_remaining.amount
    assert spent == result.invoice.grand_total.amount > 0

    given_back = invoice_void(invoice=result.invoice, reason="Customer charged twice", user=manager)

    package.refresh_from_db()
    prepaid.refresh_from_db()
    cream.refresh_from_db()
    assert (package.status, package.used_sessions, package.remaining_sessions) == ("active", 0, 4)
    assert prepaid.credit_remaining.amount == D("17500.00")
    assert cream.stock_quantity == 10
    assert PackageBenefitTracker.objects.get(assignment=package).is_active
    assert sorted(updated_package(a)["sessions"]["remaining"] for a in given_back) == [0, 4]
    assert {a.pk: a.status for a in given_back} == {package.pk: "active", prepaid.pk: "active"}
    invoice = Invoice.objects.get(pk=result.invoice.pk)
    assert invoice.status == "cancelled"
    assert invoice.number == result.invoice.number
    assert re.fullmatch(r"MAIN/\d\d-\d\dC\d{5}", invoice.credit_note_number)
    assert invoice.cancel_reason == "Customer charged twice"
    assert invoice.cancelled_by == manager
    note = invoice.credit_note_receipt
    assert (note.number, note.kind) == (invoice.credit_note_number, "credit_note")
    assert note.snapshot["original_invoice"] == {"number": invoice.number, "date": invoice.bill_date.isoformat()}
    history = package_usage(assignment_id=package.pk)
    assert [(row["kind"], row["invoice_number"], row["balance_after"]) for row in history][-1] == (
        "reversal", invoice.credit_note_number, 4,
    )


def test_a_second_void_is_refused(customer, cashier, manager, facial):
    result = invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier, payments=[PaymentIn("cash")])
    invoice_void(invoice=result.invoice, reason="Wrong customer", user=manager)

    with pytest.raises(InvoiceAlreadyVoid) as refused:
        invoice_void(invoice=result.invoice, reason="Again", user=manager)

    assert "already cancelled" in refused.value.message


def test_void_needs_a_reason_and_leaves_package_sales_alone(customer, cashier, manager, facial):
    sale = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=cashier, payment=PaymentIn("cash")
    )
    bill = invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier)

    with pytest.raises(InvoiceNotVoidable) as no_reason:
        invoice_void(invoice=bill.invoice, reason="  ", user=manager)
    with pytest.raises(InvoiceNotVoidable):
        invoice_void(invoice=sale.invoice, reason="Changed mind", user=manager)

    assert no_reason.value.errors == {"reason": ["A reason is required."]}
    assert Invoice.objects.filter(status="cancelled").count() == 0


def test_sessions_given_back_can_be_billed_again(customer, cashier, manager, facial, sell):
    package = sell(customer, ServicePackageFactory(), facial)
    first = invoice_create(customer=customer, items=[service_item(facial, 4)], cashier=cashier)
    invoice_void(invoice=first.invoice, reason="Test", user=manager)

    again = invoice_create(customer=customer, items=[service_item(facial, 4)], cashier=cashier)

    assert again.computation.lines[0].package_applied.quantity_covered == 4
    package.refresh_from_db()
    assert package.status == "completed"
