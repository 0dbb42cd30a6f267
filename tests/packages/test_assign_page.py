"""/assign-packages through the HTTP client: the server-rendered sale form, its key and its errors."""
import re
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from billing.models import Payment
from packages.models import MAX_VALIDITY_MONTHS, PackageAssignment
from receipts.models import Receipt
from tests.factories import (
    CustomerFactory,
    PrepaidPackageFactory,
    ServiceFactory,
    ServicePackageFactory,
    UserFactory,
    inr,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def sale_key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html)[1]


@pytest.fixture
def shop(db):
    return {
        "facial": ServiceFactory(name="Hydrating Facial", price=inr("1200.00")),
        "template": ServicePackageFactory(name="3+1 Facial Package", pay_for=3, total_services=4, validity_months=6),
        "customer": CustomerFactory(name="Asha Rao", phone="+919845012345"),
    }


def sale(shop, key: str, **changes) -> dict:
    return {
        "idempotency_key": key,
        "customer_id": shop["customer"].pk,
        "package": f"service_package:{shop['template'].pk}",
        "service": shop["facial"].pk,
        "expires_on": "",
        "notes": "",
        "method": "upi",
        "amount": "",
        "reference": "UPI-4471",
        **changes,
    }


def test_the_sale_form_carries_a_new_key_each_time_it_opens(client, cashier):
    client.force_login(cashier)

    first = sale_key(client.get("/assign-packages").content.decode())
    second = sale_key(client.get("/assign-packages").content.decode())

    assert first and second and first != second


def test_a_sale_answers_the_receipt_and_a_fresh_form_with_a_new_key(client, cashier, shop):
    client.force_login(cashier)
    key = sale_key(client.get("/assign-packages").content.decode())

    response = client.post("/assign-packages", sale(shop, key), **HTMX)

    html = response.content.decode()
    assignment = PackageAssignment.objects.get()
    receipt = Receipt.objects.get()
    assert (assignment.remaining_sessions, assignment.service) == (4, shop["facial"])
    assert Payment.objects.get(assignment=assignment).method == "upi"
    assert f"Receipt {receipt.number}." in html and "Sell another" in html
    assert f'src="/receipts/{receipt.pk}?format=thermal"' in html
    assert sale_key(html) != key
    # The form starts over: no customer chosen, no package, no method.
    assert 'name="customer_id" value=""' in html
    assert 'selected>Choose a package…' in html or '<option value="" selected>Choose a package…' in html


def test_a_second_press_of_the_same_form_answers_the_first_sale_and_sells_nothing_more(client, cashier, shop):
    client.force_login(cashier)
    key = sale_key(client.get("/assign-packages").content.decode())
    client.post("/assign-packages", sale(shop, key), **HTMX)

    again = client.post("/assign-packages", sale(shop, key), **HTMX).content.decode()

    receipt = Receipt.objects.get()
    assert PackageAssignment.objects.count() == 1 and Payment.objects.count() == 1
    assert "already made" in again and f"Receipt {receipt.number}." in again


def test_the_same_key_for_another_customer_is_refused_and_sells_nothing(client, cashier, shop):
    client.force_login(cashier)
    key = sale_key(client.get("/assign-packages").content.decode())
    client.post("/assign-packages", sale(shop, key), **HTMX)
    other = CustomerFactory(name="Meera Iyer")

    html = client.post("/assign-packages", sale(shop, key, customer_id=other.pk), **HTMX).content.decode()

    assert PackageAssignment.objects.count() == 1
    assert "already used for another sale" in html and "start a new sale" in html
    # The other sale is not this seller's to read: neither its customer nor its package is named.
    assert "Asha Rao" not in html and "3+1 Facial Package – Hydrating Facial" not in html


def test_a_payment_method_must_be_chosen(client, cashier, shop):
    client.force_login(cashier)

    html = client.post("/assign-packages", sale(shop, "k-1", method=""), **HTMX).content.decode()

    assert "Payment method: choose how the customer pays." in html
    assert html.count("Payment method: choose how the customer pays.") == 1
    assert not PackageAssignment.objects.exists()


def test_the_method_list_has_no_default(client, cashier):
    client.force_login(cashier)

    html = client.get("/assign-packages").content.decode()

    select = html[html.index('name="method"') : html.index("</select>", html.index('name="method"'))]
    assert '<option value="" selected>Choose a method…</option>' in select
    assert 'value="cash" selected' not in select


def test_every_missing_field_is_named_once_and_the_customer_error_sits_at_the_picker(client, cashier, shop):
    client.force_login(cashier)

    html = client.post("/assign-packages", sale(shop, "k-2", customer_id="", package="", method=""), **HTMX).content.decode()

    for message in [
        "Customer: choose the customer, or add a new one.",
        "Package: choose the package to sell.",
        "Payment method: choose how the customer pays.",
    ]:
        assert html.count(message) == 1, message
    assert 'id="customer_id_error"' in html
    assert "This field is required" not in html


def test_the_service_is_asked_for_before_a_service_package_is_sold(client, cashier, shop):
    client.force_login(cashier)

    html = client.post("/assign-packages", sale(shop, "k-3", service=""), **HTMX).content.decode()

    assert "Service covered: choose the service this package covers." in html
    assert not PackageAssignment.objects.exists()


def test_a_wrong_amount_is_refused_on_the_amount_field_and_keeps_the_key(client, cashier, shop):
    client.force_login(cashier)

    html = client.post("/assign-packages", sale(shop, "k-4", amount="100"), **HTMX).content.decode()

    assert re.search(r'id="id_amount_error">[^<]*does not match the amount due', html)
    assert sale_key(html) == "k-4"
    # The customer stays chosen in the picker.
    assert f'name="customer_id" value="{shop["customer"].pk}"' in html
    assert not PackageAssignment.objects.exists()


def test_the_expiry_reads_day_month_year(client, cashier, shop):
    client.force_login(cashier)
    expires = timezone.localdate() + timedelta(days=40)

    client.post("/assign-packages", sale(shop, "k-5", expires_on=expires.strftime("%d-%m-%Y")), **HTMX)

    assert PackageAssignment.objects.get().expires_on == expires


def test_an_expiry_in_the_past_is_refused_in_the_page_words(client, cashier, shop):
    client.force_login(cashier)

    html = client.post("/assign-packages", sale(shop, "k-6", expires_on="01-01-2001"), **HTMX).content.decode()

    assert "Expires on must be between today and" in html
    assert not PackageAssignment.objects.exists()


def test_assign_page_preselects_the_template_and_shows_its_price_and_expiry(client, cashier, shop):
    client.force_login(cashier)
    template = shop["template"]

    html = client.get("/assign-packages", {"package_type": "service_package", "package_id": template.pk}).content.decode()

    assert f'<option value="service_package:{template.pk}" selected>' in html
    expiry = timezone.localdate() + relativedelta(months=6)
    assert f'value="{expiry:%d-%m-%Y}"' in html
    assert "Choose the service to see the amount to collect." in html


def test_the_details_follow_the_package_and_service_with_the_server_price(client, cashier, shop):
    client.force_login(cashier)
    template = shop["template"]

    html = client.get(
        "/assign-packages/details", {"package": f"service_package:{template.pk}", "service": shop["facial"].pk}, **HTMX
    ).content.decode()

    # 3 sessions paid for x ₹1,200, plus 5% GST: what the sale collects, written by the server.
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "To collect ₹3,780 = ₹3,600 + GST ₹180" in text and "Validity: 6 months." in html and "data-service-row" in html


def test_a_prepaid_needs_no_service_and_shows_a_validity_in_days(client, cashier):
    template = PrepaidPackageFactory(name="Prepaid 60 days", validity_months=None, validity_days=60)
    client.force_login(cashier)

    html = client.get("/assign-packages/details", {"package": f"prepaid:{template.pk}"}, **HTMX).content.decode()

    assert "data-service-row" not in html and "Validity: 60 days." in html
    assert f'value="{timezone.localdate() + timedelta(days=60):%d-%m-%Y}"' in html


def test_assign_page_offers_only_active_templates(client, cashier):
    PrepaidPackageFactory(name="Old prepaid", is_active=False)
    PrepaidPackageFactory(name="Prepaid 15000")
    client.force_login(cashier)

    html = client.get("/assign-packages").content.decode()

    assert "Prepaid 15000" in html and "Old prepaid" not in html


def test_assign_page_serves_a_template_of_the_longest_validity(client, cashier):
    template = PrepaidPackageFactory(validity_months=MAX_VALIDITY_MONTHS)
    client.force_login(cashier)

    html = client.get("/assign-packages", {"package_type": "prepaid", "package_id": template.pk}).content.decode()

    assert f'value="{timezone.localdate() + relativedelta(months=MAX_VALIDITY_MONTHS):%d-%m-%Y}"' in html


def test_assign_page_can_start_with_a_customer(client, cashier):
    customer = CustomerFactory(name="Asha Rao", phone="+919845012345")
    client.force_login(cashier)

    html = client.get("/assign-packages", {"customer_id": customer.pk}).content.decode()

    assert "Asha Rao" in html and "+91 98450 12345" in html
    assert f'name="customer_id" value="{customer.pk}"' in html


def test_both_counters_offer_the_payment_methods_of_the_one_list(client, cashier):
    from core.payments import PaymentMethod

    tendered = [(method.value, method.label) for method in PaymentMethod if method != PaymentMethod.PREPAID_CREDIT]
    client.force_login(cashier)

    html = client.get("/assign-packages").content.decode()

    select = html[html.index('name="method"') : html.index("</select>", html.index('name="method"'))]
    assert re.findall(r'<option value="(\w+)">([^<]+)</option>', select) == tendered


def test_another_users_key_is_refused(client, cashier, shop):
    client.force_login(cashier)
    client.post("/assign-packages", sale(shop, "shared-key"), **HTMX)
    client.force_login(UserFactory(username="cashier-2", groups=["Cashier"]))

    html = client.post("/assign-packages", sale(shop, "shared-key"), **HTMX).content.decode()

    assert PackageAssignment.objects.count() == 1 and "already used for another sale" in html
