"""POST /packages/api/assign-and-pay takes an Idempotency-Key, as the invoice endpoint does."""
import pytest

from packages.models import PackageAssignment
from tests.factories import CustomerFactory, PrepaidPackageFactory

pytestmark = pytest.mark.django_db


def body(customer, template) -> dict:
    return {
        "assignment": {"customer_id": customer.pk, "package_type": "prepaid", "package_id": template.pk},
        "payment": {"collect": True, "method": "upi"},
    }


def test_a_retried_sale_with_its_key_answers_the_first_sale_with_200(cashier_client):
    customer, template = CustomerFactory(), PrepaidPackageFactory()
    client = cashier_client

    first = client.post("/packages/api/assign-and-pay", body(customer, template), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/packages/api/assign-and-pay", body(customer, template), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["assignment_id"] == first.json()["assignment_id"]
    assert again.json()["receipt_number"] == first.json()["receipt_number"]
    assert PackageAssignment.objects.count() == 1


def test_the_key_for_another_customer_answers_409_and_writes_nothing(cashier_client):
    template = PrepaidPackageFactory()
    client = cashier_client
    client.post("/packages/api/assign-and-pay", body(CustomerFactory(), template), format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    other = client.post("/packages/api/assign-and-pay", body(CustomerFactory(), template), format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    assert other.status_code == 409 and other.json()["success"] is False
    assert PackageAssignment.objects.count() == 1


def test_without_a_key_every_sale_is_new(cashier_client):
    customer, template = CustomerFactory(), PrepaidPackageFactory()
    client = cashier_client

    client.post("/packages/api/assign-and-pay", body(customer, template), format="json")
    client.post("/packages/api/assign-and-pay", body(customer, template), format="json")

    assert PackageAssignment.objects.count() == 2


def test_a_reused_key_says_only_that_it_was_used_for_another_sale(cashier_client):
    template = PrepaidPackageFactory(name="Gold Prepaid")
    first_customer = CustomerFactory(name="Asha Rao")
    cashier_client.post(
        "/packages/api/assign-and-pay", body(first_customer, template), format="json", HTTP_IDEMPOTENCY_KEY="k-3"
    )

    other = cashier_client.post(
        "/packages/api/assign-and-pay", body(CustomerFactory(name="Meera Iyer"), template), format="json",
        HTTP_IDEMPOTENCY_KEY="k-3",
    )

    answer = other.json()
    assert other.status_code == 409
    assert answer["error"] == "This sale key was already used for another sale; start a new sale for this one."
    assert "Asha Rao" not in other.content.decode() and "Gold Prepaid" not in other.content.decode()
