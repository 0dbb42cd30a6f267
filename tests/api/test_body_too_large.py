"""A body over DATA_UPLOAD_MAX_MEMORY_SIZE gets the JSON error body (413) on every API path, not an HTML 400."""
import json

import pytest
from django.conf import settings

from tests.api.conftest import table_counts

pytestmark = pytest.mark.django_db

API_POSTS = [
    "/api/auth/token/",
    "/api/customers",
    "/api/customers/",
    "/api/prepaid-packages",
    "/api/assignments/1/refund",
    "/integrated-billing/preview",
    "/integrated-billing/invoices/",
    "/integrated-billing/invoices/1/void",
    "/packages/api/assign-and-pay",
    "/api/no-such-route",
]


def too_large_json() -> str:
    # A valid document, so that nothing but its size can be refused.
    filler = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)
    return json.dumps({"name": "Big", "phone": "9845011111", "notes": filler})


def assert_json_413(response):
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False
    assert "too large" in body["error"]
    assert body["errors"] == {}


@pytest.mark.parametrize("path", API_POSTS)
def test_an_oversized_json_body_gets_the_json_error_413_and_writes_nothing(manager_token_client, path):
    before = table_counts()

    response = manager_token_client.post(path, too_large_json(), content_type="application/json")

    assert_json_413(response)
    assert table_counts() == before


@pytest.mark.parametrize("path", ["/api/auth/token/", "/api/customers", "/integrated-billing/preview"])
def test_an_oversized_form_body_from_a_session_gets_the_json_error_413(manager_client, path):
    body = "username=x&password=" + "y" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = manager_client.post(path, body, content_type="application/x-www-form-urlencoded")

    assert_json_413(response)


def test_an_anonymous_oversized_body_gets_the_json_error_too(anonymous_client):
    response = anonymous_client.post("/integrated-billing/invoices", too_large_json(), content_type="application/json")

    assert_json_413(response)


def test_a_body_just_under_the_limit_is_read_as_usual(manager_token_client):
    document = json.dumps({"name": "", "phone": "9845011111", "notes": ""})
    padding = " " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE - len(document))

    response = manager_token_client.post("/api/customers", document + padding, content_type="application/json")

    assert response.status_code == 400
    assert "name" in response.json()["errors"]
