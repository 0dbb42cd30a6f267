"""The admin in Indian formats (issue 10, item 10): dates, money, phones and date inputs."""
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from billing.models import Invoice, Payment
from billing.services import CartItem, PaymentIn, invoice_create
from receipts.models import Receipt
from tests.factories import CustomerFactory, ServiceFactory, inr

pytestmark = pytest.mark.django_db

BILL_MOMENT = datetime(2026, 11, 30, 13, 10, tzinfo=ZoneInfo("Asia/Kolkata"))


@pytest.fixture
def invoice(staff_manager):
    """A bill of ₹1,054.00 (₹1,003.80 + 5% GST) for Priya, issued at 1:10 PM on 30 Nov 2026."""
    customer = CustomerFactory(name="Priya Sharma", phone="+919845012345")
    service = ServiceFactory(name="Head Massage", price=inr("1003.80"))
    result = invoice_create(
        customer=customer, items=[CartItem(type="service", id=service.pk, quantity=1)], cashier=staff_manager,
        payments=[PaymentIn("cash")],
    )
    Invoice.objects.filter(pk=result.invoice.pk).update(issued_at=BILL_MOMENT)
    Receipt.objects.filter(pk=result.receipt.pk).update(issued_at=BILL_MOMENT)
    Payment.objects.filter(invoice=result.invoice).update(received_at=BILL_MOMENT)
    return result.invoice


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_invoice_list_shows_dates_and_money_the_indian_way(manager_client, invoice):
    text = text_of(manager_client.get("/admin/billing/invoice/"))

    assert invoice.bill_date.strftime("%b.") not in text  # no US-style "Nov. 30"
    assert f"{invoice.bill_date.day} {invoice.bill_date:%b %Y}" in text
    assert "₹1,054.00" in text


def test_the_invoice_page_shows_its_time_on_a_12_hour_clock_and_the_phone_spaced(manager_client, invoice):
    text = text_of(manager_client.get(f"/admin/billing/invoice/{invoice.pk}/change/"))

    assert "30 Nov 2026, 1:10 PM" in text
    assert "p.m." not in text
    assert "Priya Sharma (+91 98450 12345)" in text


def test_the_void_page_writes_the_grand_total_with_its_thousands(manager_client, invoice):
    text = text_of(manager_client.get(f"/admin/billing/invoice/{invoice.pk}/void/"))

    assert "grand total ₹1,054.00" in text
    assert f"{invoice.bill_date.day} {invoice.bill_date:%b %Y}" in text


def test_payments_and_receipts_list_amounts_with_format_inr(manager_client, invoice):
    payments = text_of(manager_client.get("/admin/billing/payment/"))
    receipts = text_of(manager_client.get("/admin/receipts/receipt/"))

    assert "₹1,054.00" in payments and "30 Nov 2026, 1:10 PM" in payments
    assert "₹1,054.00" in receipts and "30 Nov 2026, 1:10 PM" in receipts


def test_the_customer_list_and_form_show_the_phone_as_people_read_it(manager_client):
    customer = CustomerFactory(name="Priya Sharma", phone="+919845012345", date_of_birth=date(1990, 5, 3))

    listing = text_of(manager_client.get("/admin/customers/customer/"))
    form = manager_client.get(f"/admin/customers/customer/{customer.pk}/change/").content.decode()

    assert "+91 98450 12345" in listing and "+919845012345" not in listing
    assert 'value="+91 98450 12345"' in form
    assert 'value="03-05-1990"' in form  # the admin's date widget writes dd-mm-yyyy


def test_the_admin_reads_a_date_typed_dd_mm_yyyy_and_stores_the_phone_as_before(manager_client):
    customer = CustomerFactory(name="Priya Sharma", phone="+919845012345")

    response = manager_client.post(
        f"/admin/customers/customer/{customer.pk}/change/",
        {"name": "Priya Sharma", "phone": "+91 98450 12345", "date_of_birth": "03-05-1990", "state_code": "29"},
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.phone, customer.date_of_birth) == ("+919845012345", date(1990, 5, 3))


def test_the_admin_date_widget_script_is_told_dd_mm_yyyy(manager_client):
    catalog = manager_client.get("/admin/jsi18n/").content.decode()

    first_input_format = re.search(r'"DATE_INPUT_FORMATS": \[\s*"([^"]+)"', catalog)[1]
    assert first_input_format == "%d-%m-%Y"


def test_links_to_rows_with_ids_over_a_thousand_keep_their_plain_ids(manager_client, staff_manager):
    # USE_THOUSAND_SEPARATOR stays off: an id of 12345 must never print as "12,345" in a link.
    customer = CustomerFactory(pk=12345, name="Priya Sharma")
    service = ServiceFactory(pk=4321, name="Head Massage")
    invoice_create(
        customer=customer, items=[CartItem(type="service", id=service.pk, quantity=1)], cashier=staff_manager,
        payments=[PaymentIn("cash")],
    )

    customers = manager_client.get("/admin/customers/customer/").content.decode()
    change = manager_client.get("/admin/customers/customer/12345/change/").content.decode()
    services = manager_client.get("/admin/catalog/service/").content.decode()

    assert "/admin/customers/customer/12345/change/" in customers
    assert "customer__id__exact=12345" in change
    assert "/admin/catalog/service/4321/change/" in services
    assert "12,345" not in customers + change and "4,321" not in services


def test_the_invoice_page_keeps_the_apis_idempotency_key_to_itself(manager_client, staff_manager, facial):
    invoice = invoice_create(
        customer=CustomerFactory(), items=[CartItem(type="service", id=facial.pk, quantity=1)], cashier=staff_manager,
        payments=[PaymentIn("cash")], idempotency_key="counter-7f3a",
    ).invoice

    html = manager_client.get(f"/admin/billing/invoice/{invoice.pk}/change/").content.decode()

    assert invoice.number in html
    assert "Idempotency key" not in html and "counter-7f3a" not in html
