"""GET /api/notifications: the contract's shape, its filters and who may read it."""
import pytest
from rest_framework.test import APIClient

from notifications.models import Notification
from tests.factories import CustomerFactory, NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(cashier):
    client = APIClient()
    client.force_authenticate(cashier)
    return client


@pytest.fixture
def log(package_expiring):
    first, second = CustomerFactory(), CustomerFactory()
    first_package, second_package = package_expiring(first, days=7), package_expiring(second, days=30)
    return {
        "sent": NotificationFactory(assignment=first_package, channel="email", status="sent"),
        "failed": NotificationFactory(assignment=first_package, channel="sms", status="failed"),
        "low": NotificationFactory(assignment=first_package, kind="low_balance", threshold=None, status="queued"),
        "other": NotificationFactory(assignment=second_package, threshold=30, status="skipped"),
    }


def test_the_list_has_the_contract_shape_newest_first(api, log):
    body = api.get("/api/notifications").json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4
    assert [row["id"] for row in body["results"]] == [n.pk for n in sorted(log.values(), key=lambda n: -n.pk)]
    row = next(row for row in body["results"] if row["id"] == log["low"].pk)
    assert set(row) == {
        "id", "customer_id", "assignment_id", "kind", "threshold", "channel", "status", "created_at", "sent_at",
    }
    assert (row["customer_id"], row["assignment_id"], row["kind"], row["threshold"], row["channel"], row["status"]) == (
        log["low"].customer_id, log["low"].assignment_id, "low_balance", None, "email", "queued",
    )


def test_the_list_filters_by_customer_and_status(api, log):
    customer_id = log["sent"].customer_id

    by_customer = api.get(f"/api/notifications?customer_id={customer_id}").json()
    failed = api.get(f"/api/notifications?customer_id={customer_id}&status=failed").json()

    assert {row["id"] for row in by_customer["results"]} == {log["sent"].pk, log["failed"].pk, log["low"].pk}
    assert [(row["id"], row["threshold"]) for row in failed["results"]] == [(log["failed"].pk, 7)]


def test_an_unknown_status_is_a_json_400(api, log):
    response = api.get("/api/notifications?status=lost")

    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and "status" in body["errors"]


def test_reading_needs_sign_in_and_the_view_permission(log):
    anonymous = APIClient().get("/api/notifications")
    outsider = APIClient()
    outsider.force_authenticate(UserFactory())
    refused = outsider.get("/api/notifications")

    assert anonymous.status_code == 401
    assert refused.status_code == 403
    assert refused.json()["success"] is False
    assert "notifications.view_notification" in refused.json()["error"]


def test_the_list_costs_the_same_few_queries_whatever_its_length(api, log, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = api.get("/api/notifications")

    assert response.status_code == 200
    assert Notification.objects.count() == 4


def test_the_schema_documents_the_endpoint_and_its_filters(manager):
    client = APIClient()
    client.force_authenticate(manager)

    schema = client.get("/api/schema/?format=json").json()

    operation = schema["paths"]["/api/notifications"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {"customer_id", "status", "page"}


def test_a_customer_opts_out_through_the_customers_api(api, customer):
    response = api.patch(f"/api/customers/{customer.pk}", {"reminders_opt_out": True}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["reminders_opt_out"] is True
    customer.refresh_from_db()
    assert customer.reminders_opt_out is True


@pytest.mark.parametrize("customer_id", ["9" * 30, "-1", "2.5", "²"])
def test_a_customer_id_filter_that_no_key_can_hold_is_a_400_naming_it(api, customer_id):
    response = api.get("/api/notifications", {"customer_id": customer_id})

    assert response.status_code == 400
    assert "customer_id" in response.json()["errors"]
