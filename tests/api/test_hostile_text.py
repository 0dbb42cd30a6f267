"""Text no database can store (a NUL character, a lone surrogate such as "\\ud800") is a 400 naming the field.

The attack sent `"\\ud800"` in choice fields and got an HTML 500: the refusal echoed the value
and the JSON renderer could not encode it. The JSON parser now refuses such text, for every route.
"""
import json

import pytest

from tests.api.conftest import table_counts
from tests.api.routes import ROUTES

pytestmark = pytest.mark.django_db

# Pause and resume read no body at all; the token route is anyone's (below).
NO_BODY = ("/api/auth/token/", "/api/assignments/{assignment}/pause", "/api/assignments/{assignment}/resume")
WRITES = [route for route in ROUTES if route.method in ("POST", "PUT", "PATCH") and route.path not in NO_BODY]
LONE_SURROGATE = "\ud800"
HOSTILE = {
    "a lone surrogate in a choice": ({"package_type": LONE_SURROGATE}, "package_type"),
    "a lone surrogate in a nested choice": ({"payments": [{"method": "cash"}, {"method": LONE_SURROGATE}]}, "payments.1.method"),
    "a NUL in text": ({"reason": "sorry\x00"}, "reason"),
    "a low surrogate in a key": ({"payment": {"\udc00": "cash"}}, "payment"),
}


def raw_json(body: dict) -> str:
    """The body as a client sends it: lone surrogates written as \\u escapes (valid JSON text)."""
    return json.dumps(body)


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("route", WRITES, ids=lambda route: route.id)
def test_text_no_database_can_store_is_a_400_naming_the_field_on_every_write(manager_token_client, world, route, case):
    body, field = case
    before = table_counts()

    response = getattr(manager_token_client, route.method.lower())(
        route.path.format_map(world), data=raw_json(body), content_type="application/json"
    )

    assert response.status_code == 400
    answer = response.json()
    assert answer["success"] is False
    assert list(answer["errors"]) == [field]
    assert "NUL" in answer["errors"][field][0]
    assert table_counts() == before


def test_a_lone_surrogate_in_the_package_type_of_a_sale_is_a_400_naming_it(manager_token_client, world):
    body = {
        "assignment": {"customer_id": world["customer"], "package_type": LONE_SURROGATE, "package_id": world["prepaid"]},
        "payment": {"collect": True, "method": "cash"},
    }

    response = manager_token_client.post("/packages/api/assign-and-pay", data=raw_json(body), content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["assignment.package_type"]


def test_a_nul_in_the_token_routes_username_is_a_400(anonymous_client):
    response = anonymous_client.post(
        "/api/auth/token/", data=raw_json({"username": "ravi\x00", "password": "x"}), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["success"] is False
