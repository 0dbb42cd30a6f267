"""After the sale in the admin: each operation's confirmation page shows its figures, confirming calls the service.

A manager sees the figures (GET), confirms (POST) and gets a message linking the document;
a cashier gets 403; a refusal of the service shows on the form and writes nothing.
"""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import Invoice, InvoiceKind, Payment, Refund
from billing.services import CartItem, PaymentIn, assignment_refund_quote, assignment_sell, invoice_create
from core.formats import format_date
from core.money import format_inr
from packages.models import PackageAssignment, PackageUsage, UsageKind
from receipts.models import Receipt
from tests.factories import CustomerFactory, PrepaidPackageFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db

OPERATIONS = ("refund", "transfer", "extend", "adjust", "top-up")


@pytest.fixture
def facial_package(staff_manager, facial):
    """Asha's 3+1 facial package, sold on a GST tax invoice, one session billed: 3/4 left."""
    customer = CustomerFactory(name="Asha Rao")
    sale = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=staff_manager, payment=PaymentIn("cash")
    )
    invoice_create(customer=customer, items=[CartItem(type="service", id=facial.pk, quantity=1)], cashier=staff_manager)
    return PackageAssignment.objects.get(pk=sale.assignment.pk)


@pytest.fixture
def prepaid(staff_manager):
    """Meena's prepaid credit: paid 15,000 for 17,500, none spent."""
    sale = assignment_sell(
        customer=CustomerFactory(name="Meena Iyer"), template=PrepaidPackageFactory(), user=staff_manager,
        payment=PaymentIn("upi"),
    )
    return sale.assignment


def url(assignment, operation):
    return f"/admin/packages/packageassignment/{assignment.pk}/{operation}/"


def written():
    """Count what an operation writes: ledger rows, documents, refunds, payments."""
    return (PackageUsage.objects.count(), Receipt.objects.count(), Refund.objects.count(), Payment.objects.count())


def test_the_change_page_shows_the_buttons_a_manager_may_use(manager_client, facial_package, prepaid):
    package_page = manager_client.get(f"/admin/packages/packageassignment/{facial_package.pk}/change/").content.decode()
    prepaid_page = manager_client.get(f"/admin/packages/packageassignment/{prepaid.pk}/change/").content.decode()

    for operation in ("refund", "transfer", "extend", "adjust"):
        assert url(facial_package, operation) in package_page
    assert url(facial_package, "top-up") not in package_page  # sessions are not topped up
    assert url(prepaid, "top-up") in prepaid_page


def test_a_cashier_sees_no_buttons_and_gets_403_on_every_operation(senior_cashier_client, facial_package, prepaid):
    cashier_client = senior_cashier_client  # in the admin through her one manager's permission (pausing)
    before = written()

    page = cashier_client.get(f"/admin/packages/packageassignment/{facial_package.pk}/change/").content.decode()
    answers = {
        operation: (cashier_client.get(url(facial_package, operation)).status_code,
                    cashier_client.post(url(facial_package, operation), {"reason": "x"}).status_code)
        for operation in OPERATIONS
    }

    assert all(url(facial_package, operation) not in page for operation in OPERATIONS)
    assert answers == dict.fromkeys(OPERATIONS, (403, 403))
    assert written() == before


# --- refund ---------------------------------------------------------------------------------


def test_the_refund_page_shows_the_value_left_its_gst_the_refundable_amount_and_the_credit_note(
    manager_client, facial_package
):
    quote = assignment_refund_quote(facial_package)
    before = written()

    page = manager_client.get(url(facial_package, "refund")).content.decode()

    assert quote.document_kind == "credit_note" and quote.gst > 0
    assert f"<td>{format_inr(quote.value_left)}</td>" in page
    assert format_inr(quote.gst) in page
    assert f"<td>{format_inr(quote.refundable)}</td>" in page
    assert f"Credit note (CN series) against tax invoice {quote.sale_invoice.number}" in page
    assert "3/4 sessions" in page or "3 of 4" in page
    # Money going out is said as such before it goes (issue 25 item 11).
    assert f"Return {format_inr(quote.refundable)} to the customer, by the method chosen below." in page
    assert written() == before  # looking writes nothing


def test_confirming_the_refund_refunds_and_links_the_credit_note(manager_client, facial_package):
    quote = assignment_refund_quote(facial_package)

    response = manager_client.post(
        url(facial_package, "refund"), {"method": "cash", "amount": "", "reason": "Moving to another city"}, follow=True
    )

    facial_package.refresh_from_db()
    refund = Refund.objects.get(assignment=facial_package)
    assert facial_package.status == "refunded"
    assert facial_package.remaining_sessions == 0
    assert refund.amount.amount == quote.refundable
    assert re.fullmatch(r"MAIN/\d\d-\d\dC\d{5}", refund.document.number)  # a credit note
    assert response.redirect_chain[-1][0] == f"/admin/packages/packageassignment/{facial_package.pk}/change/"
    page = response.content.decode()
    assert f'href="/receipts/{refund.document.pk}"' in page
    assert refund.document.number in page and "refunded" in page


def test_a_prepaid_refund_is_on_a_refund_voucher(manager_client, prepaid):
    page = manager_client.get(url(prepaid, "refund")).content.decode()

    manager_client.post(url(prepaid, "refund"), {"method": "upi", "amount": "1000.00", "reason": "Goodwill"})

    assert "Refund voucher (RV series)" in page
    assert f"<td>{format_inr(Decimal('15000.00'))}</td>" in page  # all of it left: what was paid
    refund = Refund.objects.get(assignment=prepaid)
    assert (refund.amount.amount, refund.document.kind) == (Decimal("1000.00"), "refund_voucher")


def test_a_refund_above_the_refundable_amount_shows_the_error_and_writes_nothing(manager_client, facial_package):
    quote = assignment_refund_quote(facial_package)
    before = written()

    response = manager_client.post(
        url(facial_package, "refund"), {"method": "cash", "amount": str(quote.refundable + 1), "reason": "Too much"}
    )

    assert response.status_code == 200
    assert f"The refund cannot be more than the value left with its GST, {format_inr(quote.refundable)}." in (
        response.content.decode()
    )
    assert PackageAssignment.objects.get(pk=facial_package.pk).status == "active"
    assert written() == before


def test_an_expired_package_offers_no_refund(manager_client, prepaid):
    PackageAssignment.objects.filter(pk=prepaid.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1), status="expired"
    )
    before = written()

    page = manager_client.get(url(prepaid, "refund")).content.decode()
    response = manager_client.post(url(prepaid, "refund"), {"method": "cash", "reason": "Late"})

    assert "has expired; an expired package cannot be refunded" in page
    assert 'name="_confirm"' not in page
    assert "has expired" in response.content.decode()
    assert written() == before


# --- transfer -------------------------------------------------------------------------------


def test_a_transfer_moves_the_balance_to_another_customer(manager_client, facial_package):
    sister = CustomerFactory(name="Divya Rao")

    page = manager_client.get(url(facial_package, "transfer")).content.decode()
    response = manager_client.post(
        url(facial_package, "transfer"), {"to_customer": sister.pk, "reason": "Gift to her sister"}, follow=True
    )

    new = PackageAssignment.objects.get(customer=sister)
    facial_package.refresh_from_db()
    assert "Value left today" in page
    assert facial_package.status == "transferred"
    assert (new.remaining_sessions, new.expires_on) == (3, facial_package.expires_on)
    assert f"/admin/packages/packageassignment/{new.pk}/change/" in response.content.decode()


def test_a_transfer_to_the_same_customer_is_refused_on_the_form(manager_client, facial_package):
    before = written()

    response = manager_client.post(
        url(facial_package, "transfer"), {"to_customer": facial_package.customer_id, "reason": "Oops"}
    )

    assert "The package already belongs to this customer" in response.content.decode()
    assert PackageAssignment.objects.get(pk=facial_package.pk).status == "active"
    assert written() == before


# --- extend ---------------------------------------------------------------------------------


def test_extending_sets_the_new_expiry_and_an_expired_package_is_active_again(manager_client, facial_package):
    PackageAssignment.objects.filter(pk=facial_package.pk).update(
        expires_on=timezone.localdate() - timedelta(days=2), status="expired"
    )
    later = timezone.localdate() + timedelta(days=30)

    page = manager_client.get(url(facial_package, "extend")).content.decode()
    response = manager_client.post(
        url(facial_package, "extend"), {"expires_on": later.isoformat(), "reason": "Was in hospital"}, follow=True
    )

    facial_package.refresh_from_db()
    assert "Expired" in page
    assert (facial_package.expires_on, facial_package.status) == (later, "active")
    assert f"now expires on {format_date(later)} (Active)" in response.content.decode()
    row = PackageUsage.objects.filter(assignment=facial_package).latest("pk")
    assert (row.kind, row.note) == (UsageKind.EXTENSION, "Was in hospital")


def test_an_earlier_expiry_is_refused_on_the_form(manager_client, facial_package):
    before = written()
    earlier = facial_package.expires_on - timedelta(days=1)

    response = manager_client.post(url(facial_package, "extend"), {"expires_on": earlier.isoformat(), "reason": "x"})

    assert "The new expiry must be after the current one" in response.content.decode()
    assert PackageAssignment.objects.get(pk=facial_package.pk).expires_on == facial_package.expires_on
    assert written() == before


# --- adjust ---------------------------------------------------------------------------------


def test_adjusting_adds_a_session_as_an_adjustment_row(manager_client, facial_package):
    page = manager_client.get(url(facial_package, "adjust")).content.decode()

    manager_client.post(url(facial_package, "adjust"), {"sessions": "1", "reason": "Therapist ran late"})

    facial_package.refresh_from_db()
    assert 'name="sessions"' in page and 'name="credit"' not in page
    assert facial_package.remaining_sessions == 4
    row = PackageUsage.objects.filter(assignment=facial_package).latest("pk")
    assert (row.kind, row.sessions_delta, row.note) == (UsageKind.ADJUSTMENT, 1, "Therapist ran late")


def test_adjusting_below_zero_is_refused_on_the_form(manager_client, prepaid):
    before = written()

    page = manager_client.get(url(prepaid, "adjust")).content.decode()
    response = manager_client.post(url(prepaid, "adjust"), {"credit": "-20000.00", "reason": "Typo"})

    assert 'name="credit"' in page and 'name="sessions"' not in page
    assert "the balance cannot go below zero" in response.content.decode()
    assert PackageAssignment.objects.get(pk=prepaid.pk).credit_remaining.amount == Decimal("17500.00")
    assert written() == before


# --- top up ---------------------------------------------------------------------------------


def test_a_top_up_adds_credit_and_links_the_receipt_voucher(manager_client, prepaid):
    page = manager_client.get(url(prepaid, "top-up")).content.decode()

    response = manager_client.post(
        url(prepaid, "top-up"), {"credit": "5000.00", "price_paid": "4500.00", "payment_method": "card"}, follow=True
    )

    prepaid.refresh_from_db()
    receipt = Receipt.objects.get(kind="advance_receipt", snapshot__title="Receipt voucher (advance)", amount=Decimal("4500.00"))
    assert "Receipt voucher (REC series)" in page
    assert prepaid.credit_remaining.amount == Decimal("22500.00")
    assert f'href="/receipts/{receipt.pk}"' in response.content.decode()


def test_a_top_up_dearer_than_its_credit_is_refused_on_the_form(manager_client, prepaid):
    before = written()

    response = manager_client.post(
        url(prepaid, "top-up"), {"credit": "1000.00", "price_paid": "1500.00", "payment_method": "cash"}
    )

    assert "The price paid cannot be more than the credit it buys." in response.content.decode()
    assert written() == before


def test_top_up_of_a_service_package_is_refused_on_the_form(manager_client, facial_package):
    before = written()

    response = manager_client.post(
        url(facial_package, "top-up"), {"credit": "1000.00", "price_paid": "900.00", "payment_method": "cash"}
    )

    assert "has no credit" in response.content.decode()
    assert written() == before


# --- from the changelist, and back to the counter ------------------------------------------


def test_the_changelist_action_opens_the_confirmation_page_of_one_package(manager_client, facial_package, prepaid):
    changelist = "/admin/packages/packageassignment/"

    one = manager_client.post(changelist, {"action": "refund_package", "_selected_action": [facial_package.pk]})
    two = manager_client.post(
        changelist, {"action": "refund_package", "_selected_action": [facial_package.pk, prepaid.pk]}, follow=True
    )

    assert one.status_code == 302 and one["Location"] == url(facial_package, "refund")
    assert "Select exactly one package to refund." in two.content.decode()


def test_after_confirming_the_page_goes_back_to_the_counter_it_came_from(manager_client, facial_package):
    counter = f"/integrated-billing?customer_id={facial_package.customer_id}&changed={facial_package.pk}"
    later = facial_package.expires_on + timedelta(days=10)

    ours = manager_client.post(
        f"{url(facial_package, 'extend')}?next={counter.replace('&', '%26')}",
        {"expires_on": later.isoformat(), "reason": "Goodwill"},
    )
    theirs = manager_client.post(
        f"{url(facial_package, 'extend')}?next=https://evil.example/", {"expires_on": (later + timedelta(days=1)).isoformat(), "reason": "Goodwill"}
    )

    assert ours["Location"] == counter
    assert theirs["Location"] == f"/admin/packages/packageassignment/{facial_package.pk}/change/"


# --- void of a package sale (invoice admin) -------------------------------------------------


def sale_invoice_of(assignment):
    return Invoice.objects.get(kind=InvoiceKind.PACKAGE_SALE, lines__assignment=assignment)


def test_a_manager_voids_an_unused_package_sale_and_the_package_is_cancelled(manager_client, staff_manager, facial):
    sale = assignment_sell(
        customer=CustomerFactory(), template=ServicePackageFactory(), service=facial, user=staff_manager,
        payment=PaymentIn("cash"),
    )
    invoice = sale_invoice_of(sale.assignment)

    page = manager_client.get(f"/admin/billing/invoice/{invoice.pk}/change/").content.decode()
    response = manager_client.post(f"/admin/billing/invoice/{invoice.pk}/void/", {"reason": "Sold by mistake"}, follow=True)

    invoice.refresh_from_db()
    assert "Void this invoice" in page
    assert invoice.status == "cancelled"
    assert PackageAssignment.objects.get(pk=sale.assignment.pk).status == "cancelled"
    assert Refund.objects.filter(invoice=invoice).count() == 1
    assert "the package is cancelled and its payments refunded" in response.content.decode()


def test_a_used_package_sale_is_not_voided_and_the_error_points_to_the_refund(manager_client, facial_package):
    invoice = sale_invoice_of(facial_package)
    before = written()

    response = manager_client.post(f"/admin/billing/invoice/{invoice.pk}/void/", {"reason": "Changed her mind"})

    assert "has been used, so its sale cannot be voided; refund the package instead" in response.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == "issued"
    assert written() == before


# --- renew ----------------------------------------------------------------------------------


def test_renew_sells_the_same_package_again_starting_the_day_after_it_ends(manager_client, facial_package):
    change = manager_client.get(f"/admin/packages/packageassignment/{facial_package.pk}/change/").content.decode()
    renew = (
        f"/admin/packages/packageassignment/assign/?customer={facial_package.customer_id}"
        f"&template=service_package:{facial_package.template_id}&service={facial_package.service_id}"
        f"&renews={facial_package.pk}"
    )
    page = manager_client.get(renew).content.decode()

    response = manager_client.post(renew, {
        "customer": facial_package.customer_id, "template": f"service_package:{facial_package.template_id}",
        "service": facial_package.service_id, "discount": "0.00", "payment_method": "cash",
        "renews": facial_package.pk,
    })

    start = facial_package.expires_on + timedelta(days=1)
    assert renew.replace("&", "&amp;") in change
    assert f"the new period starts on {format_date(start)}" in page
    assert response.status_code == 302
    renewal = PackageAssignment.objects.get(renews=facial_package)
    assert (renewal.customer_id, renewal.assigned_on) == (facial_package.customer_id, start)


def test_a_refunded_package_offers_no_renewal_and_its_renewal_is_refused(manager_client, facial_package):
    manager_client.post(url(facial_package, "refund"), {"method": "cash", "reason": "Leaving"})
    renew = f"/admin/packages/packageassignment/assign/?renews={facial_package.pk}"
    before = PackageAssignment.objects.count()

    change = manager_client.get(f"/admin/packages/packageassignment/{facial_package.pk}/change/").content.decode()
    response = manager_client.post(renew, {
        "customer": facial_package.customer_id, "template": f"service_package:{facial_package.template_id}",
        "service": facial_package.service_id, "discount": "0.00", "payment_method": "cash",
        "renews": facial_package.pk,
    })

    assert "renews=" not in change
    assert "it cannot be renewed" in response.content.decode()
    assert PackageAssignment.objects.count() == before


@pytest.mark.parametrize("operation", ["refund", "transfer", "extend", "adjust"])
def test_a_confirmation_page_answers_in_a_fixed_number_of_queries(
    manager_client, facial_package, operation, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = manager_client.get(url(facial_package, operation))

    assert response.status_code == 200
