"""Which branch an API call works at: X-Branch, or the user's only branch; 403 not theirs, 400 unknown."""
import pytest
from rest_framework.test import APIClient

from .conftest import works_at

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def preview(client, customer, facial, **headers):
    body = {"customer_id": customer.pk, "items": [{"type": "service", "id": facial.pk}]}
    return client.post("/integrated-billing/preview", body, format="json", headers=headers)


def test_a_single_shop_needs_no_header_and_no_membership(cashier, customer, facial):
    response = preview(client_for(cashier), customer, facial)

    assert response.status_code == 200, response.json()


def test_a_branch_the_cashier_does_not_work_at_is_refused_with_403(cashier, customer, facial, indiranagar, koramangala):
    works_at(cashier, indiranagar)

    response = preview(client_for(cashier), customer, facial, **{"X-Branch": "KOR"})

    assert response.status_code == 403
    assert response.json() == {
        "success": False, "error": "You do not work at Koramangala (KOR).", "errors": {},
    }


def test_an_unknown_code_is_refused_with_400(cashier, customer, facial, indiranagar, koramangala):
    works_at(cashier, indiranagar)

    response = preview(client_for(cashier), customer, facial, **{"X-Branch": "NOPE"})

    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and body["errors"] == {"branch": ["No active branch 'NOPE'."]}


def test_without_a_header_the_cashiers_only_branch_is_used(
    cashier, customer, facial, indiranagar, koramangala
):
    works_at(cashier, koramangala)
    body = {
        "customer_id": customer.pk, "items": [{"type": "service", "id": facial.pk}],
        "payments": [{"method": "cash", "amount": None}],
    }

    response = client_for(cashier).post("/integrated-billing/invoices", body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["invoice_number"].startswith("KOR")


def test_a_cashier_at_two_branches_must_say_which(cashier, customer, facial, indiranagar, koramangala):
    works_at(cashier, indiranagar, koramangala)
    client = client_for(cashier)

    without = preview(client, customer, facial)
    with_code = preview(client, customer, facial, **{"X-Branch": "kor"})

    assert without.status_code == 400 and "X-Branch" in without.json()["error"]
    assert with_code.status_code == 200


def test_a_cashier_at_no_branch_of_a_chain_is_refused(cashier, customer, facial, indiranagar, koramangala):
    assert preview(client_for(cashier), customer, facial).status_code == 403


def test_a_manager_is_chain_wide(manager, customer, facial, indiranagar, koramangala):
    response = preview(client_for(manager), customer, facial, **{"X-Branch": "KOR"})

    assert response.status_code == 200
