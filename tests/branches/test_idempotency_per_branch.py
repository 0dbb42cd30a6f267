"""An Idempotency-Key is bound to the branch, as it is to the user and the body.

The same key and body sent for another branch is another request: like a key reused for
another bill, it is refused with 409 and writes nothing, and the answer does not show the
first branch's documents.
"""
import pytest
from rest_framework.test import APIClient

from billing.exceptions import IdempotencyKeyReused
from billing.models import Invoice, InvoiceKind
from billing.services import CartItem, PaymentIn, assignment_sell, invoice_preview
from packages.models import PackageAssignment
from tests.api.conftest import table_counts
from tests.factories import PrepaidPackageFactory

from .conftest import works_at

pytestmark = pytest.mark.django_db

INVOICES = "/integrated-billing/invoices"
SALE = "/packages/api/assign-and-pay"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def bill(customer, facial) -> dict:
    return {
        "customer_id": customer.pk, "items": [{"type": "service", "id": facial.pk, "quantity": 1}],
        "payments": [{"method": "cash"}],
    }


def sale(customer, template) -> dict:
    return {
        "assignment": {"customer_id": customer.pk, "package_type": "prepaid", "package_id": template.pk},
        "payment": {"collect": True, "method": "upi"},
    }


def post(client, path, body, *, branch, key):
    return client.post(path, body, format="json", headers={"X-Branch": branch, "Idempotency-Key": key})


@pytest.fixture
def at_two_branches(cashier, indiranagar, koramangala):
    return client_for(works_at(cashier, indiranagar, koramangala))


def test_an_invoice_key_sent_again_at_the_same_branch_still_answers_the_first_invoice(
    at_two_branches, customer, facial
):
    first = post(at_two_branches, INVOICES, bill(customer, facial), branch="IND", key="k-1")
    again = post(at_two_branches, INVOICES, bill(customer, facial), branch="IND", key="k-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["invoice_number"] == first.json()["invoice_number"]


def test_an_invoice_key_used_at_one_branch_is_refused_at_another_with_409_and_writes_nothing(
    at_two_branches, customer, facial
):
    first = post(at_two_branches, INVOICES, bill(customer, facial), branch="IND", key="k-1")
    before = table_counts()

    other = post(at_two_branches, INVOICES, bill(customer, facial), branch="KOR", key="k-1")

    assert first.status_code == 201 and first.json()["invoice_number"].startswith("IND")
    assert other.status_code == 409
    body = other.json()
    assert body == {"success": False, "error": body["error"], "errors": {"idempotency_key": [body["error"]]}}
    assert "another branch" in body["error"]
    assert first.json()["invoice_number"] not in other.content.decode()
    assert table_counts() == before


def test_a_sale_key_used_at_one_branch_is_refused_at_another_with_409_and_writes_nothing(at_two_branches, customer):
    template = PrepaidPackageFactory()
    first = post(at_two_branches, SALE, sale(customer, template), branch="IND", key="s-1")
    before = table_counts()

    other = post(at_two_branches, SALE, sale(customer, template), branch="KOR", key="s-1")

    assert first.status_code == 201
    assert other.status_code == 409 and other.json()["success"] is False
    assert first.json()["receipt_number"] not in other.content.decode()
    assert table_counts() == before
    assert PackageAssignment.objects.get().branch.code == "IND"


def test_a_sale_form_key_is_bound_to_the_branch_of_the_sale(cashier, customer, indiranagar, koramangala):
    template = PrepaidPackageFactory()
    sell = {
        "customer": customer, "template": template, "user": cashier, "payment": PaymentIn("cash"),
        "idempotency_key": "form-1",
    }
    first = assignment_sell(**sell, branch=indiranagar)

    again = assignment_sell(**sell, branch=indiranagar)
    with pytest.raises(IdempotencyKeyReused):
        assignment_sell(**sell, branch=koramangala)

    assert (first.created, again.created, again.assignment.pk) == (True, False, first.assignment.pk)
    assert PackageAssignment.objects.count() == 1


def test_a_second_press_of_the_counter_after_changing_branch_does_not_show_the_other_branchs_invoice(
    client, cashier, customer, facial, indiranagar, koramangala
):
    works_at(cashier, indiranagar, koramangala)
    client.force_login(cashier)
    client.post("/branch", {"branch": indiranagar.pk})
    htmx = {"HTTP_HX_REQUEST": "true"}
    client.post("/integrated-billing/cart", {"action": "customer", "customer": str(customer.pk)}, **htmx)
    client.post("/integrated-billing/cart", {"action": "add-service", "add_service": str(facial.pk)}, **htmx)
    item = CartItem(type="service", id=facial.pk, quantity=1)
    total = invoice_preview(customer=customer, items=[item], branch=indiranagar)
    press = {"pay-0-method": "cash", "expected_grand_total": str(total.summary.grand_total)}
    press["key"] = client.session["counter_cart"]["key"]
    client.post("/integrated-billing/issue", press, **htmx)
    issued = Invoice.objects.get(kind=InvoiceKind.SALE)

    client.post("/branch", {"branch": koramangala.pk})
    answer = client.post("/integrated-billing/issue", press, **htmx).content.decode()

    assert issued.branch == indiranagar
    assert f"Invoice {issued.number} issued." not in answer
