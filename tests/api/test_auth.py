"""Token auth, session auth with CSRF, and the throttled token route."""
import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from customers.models import Customer

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/auth/token/"


def test_token_route_gives_a_token_for_username_and_password(anonymous_client, manager):
    response = anonymous_client.post(TOKEN_URL, {"username": manager.username, "password": "pass-1234"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=manager).key}


def test_token_route_takes_a_form_too(anonymous_client, cashier):
    response = anonymous_client.post(
        "/api/auth/token",
        f"username={cashier.username}&password=pass-1234",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert "token" in response.json()


def test_token_route_refuses_a_wrong_password_and_makes_no_token(anonymous_client, manager):
    response = anonymous_client.post(TOKEN_URL, {"username": manager.username, "password": "nope"}, format="json")

    assert response.status_code == 400
    assert response.json()["success"] is False
    assert not Token.objects.exists()


def test_a_token_authenticates_api_calls_without_csrf(manager):
    key = Token.objects.create(user=manager).key
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.post("/api/customers", {"name": "Token Caller", "phone": "9845011111"}, format="json")

    assert response.status_code == 201


def test_a_wrong_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = client.get("/api/customers")

    assert response.status_code == 401
    assert response.json() == {"success": False, "error": "Invalid token.", "errors": {}}


def test_token_route_is_throttled(anonymous_client, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "3/min"})

    statuses = [
        anonymous_client.post(TOKEN_URL, {"username": "x", "password": "y"}, format="json").status_code
        for _ in range(4)
    ]

    assert statuses == [400, 400, 400, 429]


def session_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_session_post_without_csrf_token_is_refused_and_writes_nothing(cashier):
    client = session_client(cashier)

    response = client.post(
        "/api/customers", {"name": "No Token", "phone": "9845022222"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]
    assert not Customer.objects.exists()


def test_session_post_with_the_csrf_token_is_accepted(cashier):
    client = session_client(cashier)
    secret = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = secret

    response = client.post(
        "/api/customers",
        {"name": "With Token", "phone": "9845033333"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=secret,
    )

    assert response.status_code == 201
    assert Customer.objects.get().name == "With Token"


def test_session_get_needs_no_csrf_token(cashier):
    assert session_client(cashier).get("/api/customers").status_code == 200
