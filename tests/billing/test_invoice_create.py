"""invoice_create writes one consistent invoice: lines, payments, ledger, stock, receipt, number."""
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.exceptions import IdempotencyKeyReused
from billing.models import Invoice, InvoiceLine, Payment
from billing.selectors import package_usage
from billing.services import PaymentIn, invoice_create, invoice_preview
from packages.models import PackageUsage
from packages.services import assignment_create
from tests.billing.conftest import hold_many, product_item, service_item
from tests.factories import (
    CustomerFactory,
    PrepaidPackageFactory,
    ServicePackageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal


def test_invoice_writes_lines_payments_stock_and_a_receipt_matching_the_preview(
    customer, cashier, facial, haircut, cream, sell
):
    package = sell(customer, ServicePackageFactory(), facial)
    items = [service_item(facial, staff_id=cashier.pk), service_item(haircut), product_item(cream, 2)]
    preview = invoice_preview(customer=customer, items=items)

    result = invoice_create(
        customer=customer, items=items, cashier=cashier,
        payments=[PaymentIn("card", D("500.00"), "AUTH-9"), PaymentIn("cash")],
    )

    assert result.created
    assert result.computation.as_json() == preview.as_json()
    invoice = Invoice.objects.get(pk=result.invoice.pk)
    assert re.fullmatch(r"MAIN/\d\d-\d\d/\d{5}", invoice.number)
    assert re.fullmatch(r"MAIN/\d\d-\d\dR\d{5}", invoice.receipt.number)
    rows = list(InvoiceLine.objects.filter(invoice=invoice).order_by("position"))
    assert [(row.name, row.quantity, row.quantity_covered, row.assignment_id) for row in rows] == [
        ("Hydrating Facial", 1, 1, package.pk), ("Haircut", 1, 0, None), ("Night Cream", 2, 0, None),
    ]
    assert rows[0].staff_id == cashier.pk
    assert sum(row.total.amount for row in rows) + invoice.round_off.amount == invoice.grand_total.amount
    payments = sorted((p.method, p.amount.amount, p.reference) for p in Payment.objects.filter(invoice=invoice))
    assert payments == [("card", D("500.00"), "AUTH-9"), ("cash", invoice.grand_total.amount - D("500.00"), "")]
    cream.refresh_from_db()
    assert cream.stock_quantity == 8
    assert invoice.receipt.snapshot["invoice_number"] == invoice.number
    assert invoice.receipt.snapshot["summary"] == preview.as_json()["summary"]
    assert [line["name"] for line in invoice.receipt.snapshot["lines"]] == ["Hydrating Facial", "Haircut", "Night Cream"]


def test_the_invoice_response_shows_the_package_going_from_four_to_three(customer, cashier, facial, sell):
    sell(customer, ServicePackageFactory(), facial)

    body = invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier).as_json()

    assert body["updated_packages"] == [
        {
            "assignment_id": body["lines"][0]["package_applied"]["assignment_id"],
            "package_type": "service_package",
            "sessions": {"total": 4, "used": 1, "remaining": 3},
            "credit": {"total": "0.00", "remaining": "0.00"},
            "status": "active",
        }
    ]
    assert set(body) == {
        "lines", "summary", "invoice_id", "invoice_number", "updated_packages", "receipt_id", "receipt_number",
    }


def test_the_same_idempotency_key_returns_the_first_invoice(customer, cashier, facial, sell):
    package = sell(customer, ServicePackageFactory(), facial)
    arguments = {"customer": customer, "items": [service_item(facial)], "cashier": cashier, "idempotency_key": "tab-7-42"}

    first = invoice_create(**arguments)
    retry = invoice_create(**arguments)

    assert (first.created, retry.created) == (True, False)
    assert retry.invoice.pk == first.invoice.pk
    assert retry.as_json() == first.as_json()
    assert Invoice.objects.filter(customer=customer, kind="sale").count() == 1
    package.refresh_from_db()
    assert package.remaining_sessions == 3


def test_a_key_used_for_another_customer_is_refused(customer, cashier, facial):
    invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier, idempotency_key="k", payments=[PaymentIn("cash")])

    with pytest.raises(IdempotencyKeyReused):
        invoice_create(customer=CustomerFactory(), items=[service_item(facial)], cashier=cashier, idempotency_key="k")


@pytest.mark.parametrize(
    "change",
    [
        lambda facial: {"items": [service_item(facial, 2)]},
        lambda facial: {"items": [service_item(facial, assignment_id=0)]},
        lambda facial: {"discount": D("100.00")},
        lambda facial: {"use_credit": True},
        lambda facial: {"payments": [PaymentIn("upi")]},
        lambda facial: {"payments": [PaymentIn("cash", reference="another till")]},
    ],
    ids=["quantity", "no-package", "discount", "use-credit", "method", "reference"],
)
def test_the_same_key_with_a_different_bill_is_refused_and_writes_nothing(customer, cashier, facial, sell, change):
    package = sell(customer, ServicePackageFactory(), facial)
    first = {"customer": customer, "items": [service_item(facial)], "cashier": cashier, "payments": [PaymentIn("cash")]}
    invoice_create(**first, idempotency_key="till-1-0001")
    changed = {**first, **change(facial)}
    before = (Invoice.objects.count(), Payment.objects.count(), PackageUsage.objects.count())

    with pytest.raises(IdempotencyKeyReused) as excinfo:
        invoice_create(**changed, idempotency_key="till-1-0001")

    assert excinfo.value.status_code == 409
    assert "different bill" in excinfo.value.message
    assert (Invoice.objects.count(), Payment.objects.count(), PackageUsage.objects.count()) == before
    package.refresh_from_db()
    assert package.remaining_sessions == 3


def test_the_same_key_from_another_cashier_is_refused_without_the_first_invoice(customer, cashier, facial):
    arguments = {"customer": customer, "items": [service_item(facial)], "payments": [PaymentIn("cash")]}
    first = invoice_create(**arguments, cashier=cashier, idempotency_key="till-1-0001")
    other = UserFactory(username="other-cashier", groups=["Cashier"])

    with pytest.raises(IdempotencyKeyReused) as excinfo:
        invoice_create(**arguments, cashier=other, idempotency_key="till-1-0001")

    assert "another user" in excinfo.value.message
    assert first.invoice.number not in excinfo.value.message
    assert Invoice.objects.count() == 1


def test_the_same_bill_written_another_way_replays_the_first_invoice(customer, cashier, facial):
    first = invoice_create(
        customer=customer, items=[service_item(facial)], cashier=cashier, discount=D("100"),
        payments=[PaymentIn("cash")], idempotency_key="till-1-0001",
    )
    retry = invoice_create(
        customer=customer.pk,
        items=[{"type": "service", "id": facial.pk}],
        cashier=cashier,
        discount="100.00",
        payments=[{"method": "cash"}],
        idempotency_key="till-1-0001",
    )

    assert (retry.created, retry.invoice.pk) == (False, first.invoice.pk)


def test_the_usage_history_lists_every_invoice_that_used_the_package(customer, cashier, facial, sell):
    package = sell(customer, ServicePackageFactory(), facial)
    first = invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier)
    second = invoice_create(customer=customer, items=[service_item(facial, 2)], cashier=cashier)

    history = package_usage(assignment_id=package.pk)

    sale_number = InvoiceLine.objects.get(assignment=package, line_type="package").invoice.number
    assert [(row["invoice_number"], row["kind"], row["quantity"], row["balance_after"]) for row in history] == [
        (sale_number, "sale", 4, 4),  # the sale row names the invoice that sold the package
        (first.invoice.number, "redeem", 1, 3),
        (second.invoice.number, "redeem", 2, 1),
    ]
    assert (history[2].pop("by"), history[2].pop("reason"), "T" in history[2].pop("at")) == (
        second.invoice.cashier.get_username(), None, True
    )
    assert history[2] == {
        "invoice_number": second.invoice.number,
        "date": second.invoice.bill_date.isoformat(),
        "kind": "redeem",
        "item_name": "Hydrating Facial",
        "quantity": 2,
        "amount": "2400.00",
        "balance_after": 1,
        "branch": "MAIN",  # where it was used (issue 15): a single shop's one branch
    }


def test_credit_usage_history_shows_rupees(customer, cashier, massage, sell):
    prepaid = sell(customer, PrepaidPackageFactory())
    invoice_create(customer=customer, items=[service_item(massage)], cashier=cashier, use_credit=True)

    history = package_usage(assignment_id=prepaid.pk)

    assert [(row["amount"], row["balance_after"]) for row in history] == [("15000.00", "17500.00"), ("2100.00", "15400.00")]


def test_invoice_create_takes_the_same_queries_with_one_or_fifty_packages_held(
    customer, cashier, facial, haircut, cream, django_assert_max_num_queries
):
    crowded = CustomerFactory()
    for holder in (customer, crowded):
        assignment_create(customer=holder, template=ServicePackageFactory(), service=facial)
    hold_many(crowded, facial, 49)
    assert crowded.assignments.count() == 50
    items = [service_item(facial), service_item(haircut), product_item(cream)]
    invoice_create(customer=CustomerFactory(), items=items, cashier=cashier, payments=[PaymentIn("cash")])  # warm up

    counts = []
    for holder in (customer, crowded):
        with CaptureQueriesContext(connection) as queries:
            invoice_create(customer=holder, items=items, cashier=cashier, payments=[PaymentIn("cash")])
        counts.append(len(queries))

    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        invoice_create(customer=crowded, items=items, cashier=cashier, payments=[PaymentIn("cash")])
    assert PackageUsage.objects.filter(assignment__customer=crowded, kind="redeem").count() == 2


def test_invoice_preview_takes_the_same_queries_with_one_or_fifty_packages_held(customer, facial, haircut, cream):
    crowded = CustomerFactory()
    for holder in (customer, crowded):
        assignment_create(customer=holder, template=ServicePackageFactory(), service=facial)
    hold_many(crowded, facial, 49)
    items = [service_item(facial), service_item(haircut), product_item(cream)]

    counts = []
    for holder in (customer, crowded):
        with CaptureQueriesContext(connection) as queries:
            invoice_preview(customer=holder, items=items, use_credit=True)
        counts.append(len(queries))

    assert counts[0] == counts[1] <= 6
