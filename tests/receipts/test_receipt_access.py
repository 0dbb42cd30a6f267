"""Who may open /receipts/<id> and /receipts/<id>/download, and what everyone else gets."""
import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

NO_CREDENTIALS = {"success": False, "error": "Authentication credentials were not provided.", "errors": {}}


def paths(receipt):
    return [
        f"/receipts/{receipt.pk}",
        f"/receipts/{receipt.pk}/",
        f"/receipts/{receipt.pk}/download",
        f"/receipts/{receipt.pk}/download/",
    ]


def test_a_cashier_session_opens_the_page_and_the_pdf_with_and_without_a_slash(client, cashier, receipt):
    client.force_login(cashier)

    statuses = [client.get(path).status_code for path in paths(receipt)]

    assert statuses == [200, 200, 200, 200]


def test_a_manager_session_opens_the_receipt(client, manager, receipt):
    client.force_login(manager)

    assert client.get(f"/receipts/{receipt.pk}").status_code == 200


def test_an_integrator_with_a_cashiers_token_opens_the_page_and_the_pdf(client, cashier_token, receipt):
    headers = {"Authorization": f"Token {cashier_token}"}

    page = client.get(f"/receipts/{receipt.pk}", headers=headers)
    pdf = client.get(f"/receipts/{receipt.pk}/download", headers=headers)

    assert page.status_code == 200
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


def test_an_unknown_token_gets_401_json(client, receipt):
    response = client.get(f"/receipts/{receipt.pk}", headers={"Authorization": "Token not-a-real-token"})

    assert response.status_code == 401
    body = response.json()
    assert body["success"] is False
    assert body["error"]
    assert body["errors"] == {}


def test_an_anonymous_browser_is_sent_to_the_login_page(client, receipt):
    response = client.get(f"/receipts/{receipt.pk}")

    assert response.status_code == 302
    login = resolve_url(settings.LOGIN_URL)
    assert response["Location"].startswith(login)
    assert f"next=/receipts/{receipt.pk}" in response["Location"]


def test_an_anonymous_api_call_gets_the_401_json_body(client, receipt):
    response = client.get(f"/receipts/{receipt.pk}/download", headers={"Accept": "application/json"})

    assert response.status_code == 401
    assert response.json() == NO_CREDENTIALS


def test_a_user_without_a_counter_role_is_refused_with_403(client, outsider, receipt):
    client.force_login(outsider)

    page = client.get(f"/receipts/{receipt.pk}")
    api = client.get(f"/receipts/{receipt.pk}/download", headers={"Accept": "application/json"})

    assert page.status_code == 403
    assert api.status_code == 403
    assert api.json()["success"] is False


def test_a_token_of_a_user_without_a_role_is_refused_with_403(client, outsider, receipt):
    token = Token.objects.create(user=outsider)

    response = client.get(f"/receipts/{receipt.pk}", headers={"Authorization": f"Token {token.key}"})

    assert response.status_code == 403
    assert response.json()["errors"] == {}


def test_an_unknown_receipt_is_404_for_a_browser_and_for_an_api_call(client, cashier, cashier_token, db):
    client.force_login(cashier)

    page = client.get("/receipts/999999")
    api = client.get("/receipts/999999/download", headers={"Authorization": f"Token {cashier_token}"})

    assert page.status_code == 404
    assert api.status_code == 404
    assert api.json() == {"success": False, "error": "No receipt has this id.", "errors": {}}


def test_a_superuser_without_groups_may_open_receipts(client, receipt, django_user_model):
    admin = django_user_model.objects.create_superuser("owner", "owner@example.in", "pass-1234")
    client.force_login(admin)

    assert client.get(f"/receipts/{receipt.pk}").status_code == 200


def test_the_receipt_page_stays_within_its_query_budget(client, cashier, receipt, django_assert_max_num_queries):
    client.force_login(cashier)

    with django_assert_max_num_queries(8):
        response = client.get(f"/receipts/{receipt.pk}")

    assert response.status_code == 200
