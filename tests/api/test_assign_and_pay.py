"""POST /packages/api/assign-and-pay: sell a package through assignment_sell."""
from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from billing.models import Invoice, Payment
from packages.models import PackageAssignment, PackageUsage
from receipts.models import Receipt
from tests.factories import KittyPartyFactory, MembershipFactory, PrepaidPackageFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db

URL = "/packages/api/assign-and-pay"
SALE_KEYS = {
    "success", "assignment_id", "payment_id", "receipt_id", "receipt_number", "receipt_url", "receipt_pdf_url",
    "invoice_id", "invoice_number", "invoice_note",
}


def nothing_written():
    return not (
        PackageAssignment.objects.exists()
        or Payment.objects.exists()
        or Invoice.objects.exists()
        or Receipt.objects.exists()
        or PackageUsage.objects.exists()
    )


def sale(customer, template, service=None, **overrides):
    body = {
        "assignment": {
            "customer_id": customer.pk,
            "package_type": template.package_type,
            "package_id": template.pk,
            "service_id": service.pk if service else None,
            "notes": "",
        },
        "payment": {"collect": True, "method": "upi", "reference": "UPI-1"},
        "invoice": {"create": True},
        "receipt": {"generate": True, "pdf": True},
    }
    for key, value in overrides.items():
        body[key] = {**body[key], **value} if isinstance(value, dict) else value
    return body


def test_assign_and_pay_sells_a_service_package_and_answers_the_seed_shape(cashier_client, customer, facial):
    template = ServicePackageFactory(name="3+1 Facial Package")

    response = cashier_client.post(URL, sale(customer, template, facial, payment={"amount": "3780.00"}), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == SALE_KEYS
    assert body["success"] is True
    receipt = Receipt.objects.get()
    assert body["receipt_id"] == receipt.pk
    assert body["receipt_number"] == receipt.number
    # Paths, as the seed shows them ("/receipts/67"), not absolute URLs.
    assert body["receipt_url"] == f"/receipts/{receipt.pk}"
    assert body["receipt_pdf_url"] == f"/receipts/{receipt.pk}/download"
    assignment = PackageAssignment.objects.get(pk=body["assignment_id"])
    assert (assignment.service, assignment.total_sessions, assignment.remaining_sessions) == (facial, 4, 4)
    assert assignment.expires_on == timezone.localdate() + relativedelta(months=6)
    payment = Payment.objects.get(pk=body["payment_id"])
    assert (payment.method, payment.amount.amount, payment.reference) == ("upi", Decimal("3780.00"), "UPI-1")
    assert Invoice.objects.get(pk=body["invoice_id"]).number == body["invoice_number"]


def test_assign_and_pay_prepaid_gives_an_advance_receipt_and_no_invoice(manager_token_client, customer):
    template = PrepaidPackageFactory()

    response = manager_token_client.post(URL, sale(customer, template, invoice={"create": None}), format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["invoice_id"], body["invoice_number"]) == (None, None)
    assert Payment.objects.get(pk=body["payment_id"]).amount.amount == Decimal("15000.00")
    assert PackageAssignment.objects.get().credit_remaining.amount == Decimal("17500.00")


def test_assign_and_pay_says_why_a_prepaid_sale_asked_for_an_invoice_gets_none(cashier_client, customer):
    response = cashier_client.post(URL, sale(customer, PrepaidPackageFactory(), invoice={"create": True}), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["invoice_id"], body["invoice_number"]) == (None, None)
    assert body["invoice_note"] == (
        "Prepaid credit is a voucher: no GST invoice at sale; GST is charged when the credit is spent."
    )
    assert not Invoice.objects.exists()


def test_assign_and_pay_of_a_taxed_sale_answers_no_invoice_note(cashier_client, customer, facial):
    response = cashier_client.post(URL, sale(customer, ServicePackageFactory(), facial), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["invoice_note"] is None


def test_assign_and_pay_without_collecting_records_no_payment(cashier_client, customer):
    template = PrepaidPackageFactory()

    response = cashier_client.post(
        URL, sale(customer, template, payment={"collect": False}, receipt={"generate": False}), format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["payment_id"] is None
    assert body["receipt_id"] is body["receipt_url"] is body["receipt_pdf_url"] is None
    assert not Payment.objects.exists()


def test_assign_and_pay_without_pdf_answers_no_pdf_url(cashier_client, customer):
    response = cashier_client.post(
        URL, sale(customer, PrepaidPackageFactory(), receipt={"pdf": False}), format="json"
    )

    assert response.status_code == 201
    assert response.json()["receipt_pdf_url"] is None
    assert response.json()["receipt_url"] == f"/receipts/{response.json()['receipt_id']}"


def test_assign_and_pay_keeps_an_expiry_the_seller_sets(cashier_client, customer):
    expires_on = timezone.localdate() + timedelta(days=40)

    response = cashier_client.post(
        URL,
        sale(customer, PrepaidPackageFactory(), assignment={"expires_on": expires_on.isoformat(), "notes": "gift"}),
        format="json",
    )

    assert response.status_code == 201
    assignment = PackageAssignment.objects.get()
    assert (assignment.expires_on, assignment.notes) == (expires_on, "gift")


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"assignment": {"service_id": None}}, "assignment.service_id"),
        ({"assignment": {"customer_id": 987654}}, "assignment.customer_id"),
        ({"assignment": {"package_id": 987654}}, "assignment.package_id"),
        ({"assignment": {"service_id": 987654}}, "assignment.service_id"),
        ({"assignment": {"package_type": "lifetime"}}, "assignment.package_type"),
        ({"assignment": {"expires_on": "2001-01-01"}}, "assignment.expires_on"),
        ({"assignment": {"expires_on": "9999-12-31"}}, "assignment.expires_on"),
        ({"assignment": {"discount": "-5.00"}}, "assignment.discount"),
        ({"assignment": {"discount": "99999.00"}}, "assignment.discount"),
        ({"payment": {"amount": "100.00"}}, "payment.amount"),
        ({"payment": {"method": "cheque"}}, "payment.method"),
        ({"payment": {"method": "prepaid_credit"}}, "payment.method"),
        ({"payment": {"collect": True, "method": None}}, "payment.method"),
        ({"invoice": {"tax_rate": "40"}}, "invoice.tax_rate"),
        ({"assignment": None}, "assignment"),
    ],
)
def test_assign_and_pay_refusals_name_the_field_and_write_nothing(cashier_client, customer, facial, overrides, path):
    template = ServicePackageFactory()

    response = cashier_client.post(URL, sale(customer, template, facial, **overrides), format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False
    assert path in body["errors"], body
    assert body["error"]
    assert nothing_written()


def test_assign_and_pay_refuses_a_template_no_longer_on_sale(cashier_client, customer):
    template = PrepaidPackageFactory(is_active=False)

    response = cashier_client.post(URL, sale(customer, template), format="json")

    assert response.status_code == 400
    assert "assignment.package_id" in response.json()["errors"]
    assert nothing_written()


@pytest.mark.parametrize("factory", [MembershipFactory, KittyPartyFactory])
def test_assign_and_pay_refuses_a_template_that_includes_no_service(cashier_client, customer, factory):
    template = factory(name="Empty club", services_included=[])

    response = cashier_client.post(URL, sale(customer, template), format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["assignment.package_id"] == [
        '"Empty club" includes no service yet: tick its Services included before selling it.'
    ]
    assert nothing_written()


def test_assign_and_pay_refuses_malformed_json(cashier_client):
    response = cashier_client.post(URL, data='{"assignment": ', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["success"] is False
    assert nothing_written()


def test_assign_and_pay_refuses_a_body_that_is_not_an_object(cashier_client):
    response = cashier_client.post(URL, data="[1, 2]", content_type="application/json")

    assert response.status_code == 400
    assert nothing_written()


def test_assign_and_pay_takes_the_longest_validity_and_refuses_an_expiry_beyond_50_years(cashier_client, customer):
    from packages.models import MAX_VALIDITY_MONTHS, latest_expiry

    template = PrepaidPackageFactory(validity_months=MAX_VALIDITY_MONTHS)
    too_far = latest_expiry() + timedelta(days=1)

    refused = cashier_client.post(
        URL, sale(customer, template, assignment={"expires_on": too_far.isoformat()}), format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == refused.json()["errors"]["assignment.expires_on"][0]
    assert "50 years" in refused.json()["error"]
    assert nothing_written()

    sold = cashier_client.post(URL, sale(customer, template), format="json")
    assert sold.status_code == 201
    assert PackageAssignment.objects.get().expires_on == latest_expiry()


def test_assign_and_pay_receipt_paths_open_with_the_integrators_token(manager_token_client, customer):
    body = manager_token_client.post(URL, sale(customer, PrepaidPackageFactory()), format="json").json()

    page = manager_token_client.get(body["receipt_url"])
    pdf = manager_token_client.get(body["receipt_pdf_url"])

    assert body["receipt_url"].startswith("/") and body["receipt_pdf_url"].startswith("/")
    assert page.status_code == 200
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")


@pytest.mark.parametrize("kind", ["service_package", "membership"])
def test_the_seeds_own_example_sells_with_the_gst_inside_the_price_paid(manager_client, customer, facial, kind, settings):
    # The seed's example: 1200 paid on an 18% sale. A price of its own is a manager's to set, and
    # 18% must be the package's own rate: the service's, or the rate configured for a membership.
    facial.gst_rate = Decimal("18.00")
    facial.save()
    settings.PACKAGE_GST_RATES = {"membership": "18"}
    template = ServicePackageFactory() if kind == "service_package" else MembershipFactory(services_included=[facial])
    body = {
        "assignment": {
            "customer_id": customer.pk, "package_type": kind, "package_id": template.pk,
            "service_id": facial.pk if kind == "service_package" else None,
            "price_paid": 1200, "discount": 0, "expires_on": None, "notes": "",
        },
        "payment": {"collect": True, "method": "cash", "amount": 1200, "reference": ""},
        "invoice": {"create": True, "tax_rate": 18},
        "receipt": {"generate": True, "pdf": True},
    }

    response = manager_client.post(URL, body, format="json")

    assert response.status_code == 201, response.json()
    answer = response.json()
    invoice = manager_client.get(f"/api/invoices/{answer['invoice_id']}").json()
    assert (invoice["subtotal"], invoice["cgst"], invoice["sgst"], invoice["round_off"], invoice["grand_total"]) == (
        "1016.95", "91.53", "91.53", "-0.01", "1200.00"
    )
    assert Payment.objects.get(pk=answer["payment_id"]).amount.amount == Decimal("1200.00")
    assignment = manager_client.get(f"/api/assignments/{answer['assignment_id']}").json()
    assert (assignment["price_paid"], assignment["sale_value"]) == ("1200.00", "1016.95")
