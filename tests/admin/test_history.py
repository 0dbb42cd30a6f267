"""The admin's own operations (sale, pause, void, each after-sale one, the import) write the History page.

Each is done over HTTP as a manager; the History page of the object (the package, or the
invoice for a void) then names the manager and says what was done in plain words, as
Django's own add and change pages do. A refused operation writes no History row.
"""
import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from billing.models import Invoice, Payment, Refund
from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create
from core.formats import format_date
from core.money import format_inr
from packages.aftersale_pages import balance_text
from packages.models import PackageAssignment
from receipts.models import Receipt
from tests.factories import CustomerFactory, PrepaidPackageFactory, ServicePackageFactory
from tests.imports.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db

ASSIGNMENTS = "/admin/packages/packageassignment/"
MANAGER = "admin-manager"


def history(client, obj) -> list[tuple[str, str]]:
    """Read the object's History page: (user, what was done) per row, oldest first."""
    page = client.get(f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/history/")
    assert page.status_code == 200
    body = page.content.decode().split("<tbody>", 1)[-1]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", body, re.S)
    return [(html.unescape(user).split(" (")[0], html.unescape(message).strip()) for user, message in rows]


def operation(assignment, name: str) -> str:
    return f"{ASSIGNMENTS}{assignment.pk}/{name}/"


@pytest.fixture
def facial_package(staff_manager, facial):
    """Asha's 3+1 facial package, sold on a tax invoice, nothing used."""
    sale = assignment_sell(
        customer=CustomerFactory(name="Asha Rao"), template=ServicePackageFactory(), service=facial, user=staff_manager,
        payment=PaymentIn("cash"),
    )
    return PackageAssignment.objects.get(pk=sale.assignment.pk)


@pytest.fixture
def prepaid(staff_manager):
    sale = assignment_sell(
        customer=CustomerFactory(name="Meena Iyer"), template=PrepaidPackageFactory(), user=staff_manager,
        payment=PaymentIn("upi"),
    )
    return sale.assignment


def sale_form(customer, template, **fields) -> dict:
    return {
        "customer": customer.pk, "template": f"{template.package_type}:{template.pk}", "service": "", "price_paid": "",
        "discount": "0.00", "expires_on": "", "notes": "", "payment_method": "cash", "payment_amount": "",
        "payment_reference": "", "idempotency_key": "sale-key-1", **fields,
    }


# --- the sale ------------------------------------------------------------------------------


def test_a_sale_adds_the_package_to_its_history_with_what_was_paid(manager_client, customer):
    manager_client.post(f"{ASSIGNMENTS}assign/", sale_form(customer, PrepaidPackageFactory(), payment_method="upi"))

    sold = PackageAssignment.objects.get(customer=customer)
    payment, receipt = Payment.objects.get(assignment=sold), Receipt.objects.get(payments__assignment=sold)
    assert history(manager_client, sold) == [
        (MANAGER, f"Sold: {format_inr(payment.amount)} paid by UPI; receipt {receipt.number}")
    ]
    assert LogEntry.objects.get(object_id=str(sold.pk)).action_flag == ADDITION


def test_a_sale_sent_twice_is_in_the_history_once(manager_client, customer):
    template = PrepaidPackageFactory()

    manager_client.post(f"{ASSIGNMENTS}assign/", sale_form(customer, template))
    manager_client.post(f"{ASSIGNMENTS}assign/", sale_form(customer, template))

    assert PackageAssignment.objects.filter(customer=customer).count() == 1
    assert LogEntry.objects.count() == 1


def test_a_refused_sale_writes_no_history(manager_client, customer):
    response = manager_client.post(f"{ASSIGNMENTS}assign/", sale_form(customer, ServicePackageFactory()))  # no service

    assert response.status_code == 200
    assert not PackageAssignment.objects.exists()
    assert not LogEntry.objects.exists()


def test_a_renewal_is_in_the_history_of_both_packages(manager_client, facial_package):
    manager_client.post(f"{ASSIGNMENTS}assign/?renews={facial_package.pk}", sale_form(
        facial_package.customer, facial_package.template, service=facial_package.service_id, renews=facial_package.pk,
    ))

    renewal = PackageAssignment.objects.get(renews=facial_package)
    [(user, sold)] = history(manager_client, renewal)
    assert (user, sold.split(":")[0]) == (MANAGER, f"Sold, renewing {facial_package.package_name}")
    assert history(manager_client, facial_package) == [
        (MANAGER, f"Renewed: the new package starts on {format_date(renewal.assigned_on)}")
    ]


# --- pause, resume and void ----------------------------------------------------------------


def test_pausing_and_resuming_are_in_the_package_history(manager_client, facial_package):
    for action in ("pause_packages", "resume_packages"):
        manager_client.post(ASSIGNMENTS, {"action": action, "_selected_action": [facial_package.pk]})

    facial_package.refresh_from_db()
    assert history(manager_client, facial_package) == [
        (MANAGER, "Paused"),
        (MANAGER, f"Resumed; now expires on {format_date(facial_package.expires_on)}"),
    ]


def test_a_refused_resume_writes_no_history(manager_client, facial_package):
    manager_client.post(ASSIGNMENTS, {"action": "resume_packages", "_selected_action": [facial_package.pk]})  # not paused

    assert not LogEntry.objects.exists()


@pytest.fixture
def invoice(staff_manager, facial_package, facial):
    return invoice_create(
        customer=facial_package.customer, items=[CartItem(type="service", id=facial.pk, quantity=1)], cashier=staff_manager
    ).invoice


def test_a_void_is_in_the_invoice_history_with_its_credit_note_and_reason(manager_client, invoice):
    manager_client.post(f"/admin/billing/invoice/{invoice.pk}/void/", {"reason": "Customer left before the facial"})

    invoice.refresh_from_db()
    assert history(manager_client, invoice) == [
        (MANAGER, f"Voided, credit note {invoice.credit_note_number}: Customer left before the facial")
    ]


def test_a_void_without_a_reason_writes_no_history(manager_client, invoice):
    manager_client.post(f"/admin/billing/invoice/{invoice.pk}/void/", {"reason": "  "})

    assert Invoice.objects.get(pk=invoice.pk).status == "issued"
    assert not LogEntry.objects.exists()


# --- after the sale ------------------------------------------------------------------------


def test_a_refund_says_how_much_went_back_how_and_why(manager_client, facial_package):
    manager_client.post(operation(facial_package, "refund"), {"method": "cash", "amount": "", "reason": "Changed her mind"})

    refund = Refund.objects.get(assignment=facial_package)
    assert history(manager_client, facial_package) == [
        (MANAGER, f"Refunded {format_inr(refund.amount.amount)} by cash: Changed her mind")
    ]


def test_a_transfer_is_in_the_history_of_the_old_package_and_adds_the_new_one(manager_client, facial_package):
    sister = CustomerFactory(name="Lata Rao")

    manager_client.post(operation(facial_package, "transfer"), {"to_customer": sister.pk, "reason": "Gift to her sister"})

    new = PackageAssignment.objects.get(customer=sister)
    assert history(manager_client, facial_package) == [(MANAGER, "Transferred to Lata Rao: Gift to her sister")]
    assert history(manager_client, new) == [(MANAGER, "Transferred from Asha Rao: Gift to her sister")]
    assert LogEntry.objects.get(object_id=str(new.pk)).action_flag == ADDITION


def test_an_extension_says_the_new_expiry_and_why(manager_client, facial_package):
    later = facial_package.expires_on + timedelta(days=30)

    manager_client.post(operation(facial_package, "extend"), {"expires_on": later.isoformat(), "reason": "Was in hospital"})

    assert history(manager_client, facial_package) == [(MANAGER, f"Extended to {format_date(later)}: Was in hospital")]


def test_a_correction_says_the_balance_it_left_and_why(manager_client, facial_package):
    manager_client.post(operation(facial_package, "adjust"), {"sessions": "-1", "reason": "Used at the old branch"})

    facial_package.refresh_from_db()
    assert history(manager_client, facial_package) == [
        (MANAGER, f"Corrected the balance to {balance_text(facial_package)}: Used at the old branch")
    ]


def test_a_top_up_says_the_credit_the_payment_and_the_receipt_voucher(manager_client, prepaid):
    manager_client.post(operation(prepaid, "top-up"), {"credit": "5000.00", "price_paid": "4500.00", "payment_method": "card"})

    voucher = Receipt.objects.get(kind="advance_receipt", amount=Decimal("4500.00"))
    assert history(manager_client, prepaid) == [
        (MANAGER, f"Topped up ₹5,000.00 of credit for ₹4,500.00 by card; receipt voucher {voucher.number}")
    ]


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("refund", {"method": "cash", "amount": "999999.00", "reason": "Too much"}),  # refused by the service
        ("refund", {"method": "cash", "reason": ""}),  # a bad form
        ("transfer", {"to_customer": "", "reason": "Gift"}),
        ("extend", {"expires_on": "2000-01-01", "reason": "Backwards"}),
        ("adjust", {"sessions": "-9", "reason": "Below zero"}),
        ("top-up", {"credit": "1000.00", "price_paid": "900.00", "payment_method": "cash"}),  # sessions, no credit
    ],
)
def test_a_refused_operation_writes_no_history(manager_client, facial_package, name, form):
    response = manager_client.post(operation(facial_package, name), form)

    assert response.status_code == 200  # the form again, with the error
    assert not LogEntry.objects.exists()


# --- the import ----------------------------------------------------------------------------


def test_each_package_brought_in_is_added_to_its_history(manager_client, facial):
    ServicePackageFactory(name="3+1 Facial Package", pay_for=3, total_services=4)
    rows = [row(), row(phone="98860 54321", name="Vikram Shetty", reference="OLD-2")]
    preview = manager_client.post(f"{ASSIGNMENTS}import/", {"file": SimpleUploadedFile("old-system.csv", csv_bytes(rows))})
    payload = re.search(r'name="payload" value="([^"]+)"', preview.content.decode())[1]

    manager_client.post(f"{ASSIGNMENTS}import/", {"payload": payload})

    brought_in = PackageAssignment.objects.order_by("pk")
    assert len(brought_in) == 2
    assert [history(manager_client, one) for one in brought_in] == [[(MANAGER, "Brought in from old-system.csv")]] * 2
    assert set(LogEntry.objects.values_list("action_flag", flat=True)) == {ADDITION}

