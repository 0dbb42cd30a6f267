"""Every response with customer data says `Cache-Control: no-store`: API, receipts, pages, admin, errors."""
import pytest
from django.test import Client
from django.utils.cache import get_max_age
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    directives = {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives


@pytest.fixture
def staff_manager_client(manager):
    manager.is_staff = True
    manager.save()
    client = Client()
    client.force_login(manager)
    return client


GETS = [
    "/api/customers",
    "/api/customers/{customer}",
    "/api/invoices",
    "/api/invoices/{invoice}",
    "/api/assignments",
    "/api/assignments/{assignment}",
    "/api/services",
    "/api/prepaid-packages",
    "/receipts/{receipt}",
    "/receipts/{receipt}?format=thermal",
    "/receipts/{receipt}/download",
    "/integrated-billing/package-usage/{assignment}",
    "/integrated-billing/customer-packages/{customer}",
    "/integrated-billing",
    "/assign-packages",
    "/packages",
    "/api/schema/",
    "/api/docs/",
    "/admin/",
    "/admin/customers/customer/",
    "/admin/customers/customer/{customer}/change/",
    "/admin/billing/invoice/{invoice}/change/",
    "/api/customers/999999",
    "/no-such-page",
]


@pytest.mark.parametrize("path", GETS)
def test_every_signed_in_get_is_no_store(staff_manager_client, world, path):
    response = staff_manager_client.get(path.format(**world))

    assert response.status_code in (200, 404), response.status_code
    assert no_store(response), response.get("Cache-Control")


def test_token_callers_get_no_store_too(manager, world):
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=manager).key}")

    for path in ("/api/customers", "/receipts/{receipt}", "/receipts/{receipt}/download"):
        response = client.get(path.format(**world))
        assert response.status_code == 200
        assert no_store(response), path


def test_a_bill_preview_is_no_store(manager_token_client, world):
    response = manager_token_client.post(
        "/integrated-billing/preview",
        {"customer_id": world["customer"], "items": [{"type": "service", "id": world["service"], "quantity": 1}]},
        format="json",
    )

    assert response.status_code == 200
    assert no_store(response)


@pytest.mark.parametrize("path", ["/login", "/api/customers", "/receipts/1", "/admin/login/"])
def test_anonymous_answers_are_no_store(path):
    assert no_store(Client().get(path))


def test_the_login_redirect_after_signing_in_is_no_store(db):
    UserFactory(username="ravi", groups=["Cashier"])

    response = Client().post("/login", {"username": "ravi", "password": "pass-1234"})

    assert response.status_code == 302
    assert no_store(response)


def test_the_customer_packages_answer_keeps_its_exact_header(manager_client, world):
    response = manager_client.get(f"/integrated-billing/customer-packages/{world['customer']}")

    assert response["Cache-Control"] == "no-store"


def test_static_files_are_not_no_store(settings, client):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True

    response = client.get("/static/css/app.css")

    assert response.status_code == 200
    assert not no_store(response)
    assert get_max_age(response) is not None
