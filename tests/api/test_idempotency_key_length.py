"""An over-long Idempotency-Key is a wrong field on both writes that take one: 400, nothing written.

The invoice and the package sale share one key rule (billing.idempotency); a key already used
is a conflict (409), a key the column cannot hold is bad input (400), on both endpoints alike.
"""
import pytest

from tests.api.conftest import table_counts
from tests.factories import CustomerFactory, PrepaidPackageFactory

pytestmark = pytest.mark.django_db

INVOICES = "/integrated-billing/invoices"
SALES = "/packages/api/assign-and-pay"
TOO_LONG = "k" * 81
LONGEST = "k" * 80


def invoice_body(customer, service) -> dict:
    item = {"type": "service", "id": service.pk, "quantity": 1, "staff_id": None, "assignment_id": None}
    return {"customer_id": customer.pk, "items": [item], "payments": [{"method": "cash"}]}


def sale_body(customer) -> dict:
    template = PrepaidPackageFactory()
    return {
        "assignment": {"customer_id": customer.pk, "package_type": "prepaid", "package_id": template.pk},
        "payment": {"collect": True, "method": "upi"},
    }


def assert_refused_as_a_wrong_field(response, before):
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False
    assert body["errors"] == {"idempotency_key": ["The idempotency key is too long (80 characters at most)."]}
    assert table_counts() == before


def test_an_invoice_with_an_over_long_key_answers_400_and_writes_nothing(cashier_client, customer, facial):
    before = table_counts()

    response = cashier_client.post(INVOICES, invoice_body(customer, facial), format="json", HTTP_IDEMPOTENCY_KEY=TOO_LONG)

    assert_refused_as_a_wrong_field(response, before)


def test_a_sale_with_an_over_long_key_answers_400_as_the_invoice_does_and_writes_nothing(cashier_client):
    body = sale_body(CustomerFactory())
    before = table_counts()

    response = cashier_client.post(SALES, body, format="json", HTTP_IDEMPOTENCY_KEY=TOO_LONG)

    assert_refused_as_a_wrong_field(response, before)


def test_a_key_of_80_characters_is_taken_by_both(cashier_client, customer, facial):
    invoice = cashier_client.post(INVOICES, invoice_body(customer, facial), format="json", HTTP_IDEMPOTENCY_KEY=LONGEST)
    sale = cashier_client.post(SALES, sale_body(customer), format="json", HTTP_IDEMPOTENCY_KEY="s" * 80)

    assert (invoice.status_code, sale.status_code) == (201, 201)
