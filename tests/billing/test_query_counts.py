"""Exact statement counts of the counter's three calls, with 1 or 50 packages held, on both databases.

These hold the gains of issue 14 (docs/benchmarks.md): a count that grows fails here first.
A test runs inside a transaction, so the invoice's own transaction is a savepoint: SAVEPOINT
and RELEASE SAVEPOINT are counted below (2), where in production BEGIN and COMMIT are not.
"""
import uuid

import pytest
from rest_framework.authtoken.models import Token

from billing.models import Invoice
from billing.services import PaymentIn, invoice_create, invoice_preview
from packages.services import assignment_create
from tests.billing.conftest import hold_many, product_item, service_item
from tests.factories import CustomerFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db

SAVEPOINT = 2
# The branch the bill is made at (issue 15: X-Branch, the user's only branch, or the shop's only one).
BRANCH = 1
# The branch; the customer; the services (and the products) of the cart; the customer's packages
# (locked for the invoice, with the kinds' terms and the invoice that sold each); their
# trackers.
PREVIEW_ONE_LINE = BRANCH + 1 + 1 + 2
PREVIEW_THREE_LINES = PREVIEW_ONE_LINE + 1  # the products
# The preview's reads, then: the invoice; its lines; both numbers (one upsert); the ledger
# row; the package's balance and its tracker's; the receipt; the invoice's number and receipt.
# A free session leaves nothing to pay, so no payment row.
INVOICE_ONE_FREE_LINE = PREVIEW_ONE_LINE + 1 + 1 + 1 + 1 + 2 + 1 + 1
# Three lines: the products read, the stock taken (one guarded UPDATE), and the cash payment.
INVOICE_THREE_LINES = INVOICE_ONE_FREE_LINE + 1 + 1 + 1
# Over HTTP, the API token's user comes with their permissions in one query.
AUTH = 1
CUSTOMER_PACKAGES = AUTH + 1


@pytest.fixture(params=[1, 50], ids=["1 package", "50 packages"])
def holder(request, facial):
    """A customer with a 3+1 facial package, and 49 more of every kind when asked."""
    customer = CustomerFactory()
    assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)
    hold_many(customer, facial, request.param - 1)
    assert customer.assignments.count() == request.param
    return customer


@pytest.fixture
def warm(cashier, facial):
    """Bill once first, so that content types and the day's number rows are not counted."""
    customer = CustomerFactory()
    assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)
    invoice_create(customer=customer.pk, items=[service_item(facial)], cashier=cashier, payments=[PaymentIn("cash")])


def test_a_one_line_bill_on_a_free_session_takes_thirteen_statements(
    holder, cashier, facial, warm, django_assert_num_queries
):
    assert INVOICE_ONE_FREE_LINE == 13
    with django_assert_num_queries(INVOICE_ONE_FREE_LINE + SAVEPOINT):
        result = invoice_create(customer=holder.pk, items=[service_item(facial)], cashier=cashier, use_credit=True)

    assert result.computation.summary.amount_payable == 0
    assert result.updated_packages[0].remaining_sessions == 3


def test_a_three_line_bill_takes_sixteen_statements(
    holder, cashier, facial, haircut, cream, warm, django_assert_num_queries
):
    items = [service_item(facial), service_item(haircut), product_item(cream)]
    with django_assert_num_queries(INVOICE_THREE_LINES + SAVEPOINT):
        invoice_create(customer=holder.pk, items=items, cashier=cashier, payments=[PaymentIn("cash")])


@pytest.mark.parametrize("lines, expected", [(1, PREVIEW_ONE_LINE), (3, PREVIEW_THREE_LINES)])
def test_a_preview_takes_five_or_six_statements(
    holder, facial, haircut, cream, warm, lines, expected, django_assert_num_queries
):
    items = [service_item(facial), service_item(haircut), product_item(cream)][:lines]
    with django_assert_num_queries(expected):
        invoice_preview(customer=holder.pk, items=items, use_credit=True)


@pytest.fixture
def token_client(cashier):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=cashier).key}")
    return client


def bill_body(customer, facial):
    return {"customer_id": customer.pk, "items": [{"type": "service", "id": facial.pk}], "use_credit": True}


def test_the_counter_calls_over_http_take_a_fixed_number_of_statements(
    holder, facial, token_client, warm, django_assert_num_queries
):
    with django_assert_num_queries(CUSTOMER_PACKAGES):
        packages = token_client.get(f"/integrated-billing/customer-packages/{holder.pk}?active=true")
    with django_assert_num_queries(AUTH + PREVIEW_ONE_LINE):
        preview = token_client.post("/integrated-billing/preview", bill_body(holder, facial), format="json")
    with django_assert_num_queries(AUTH + INVOICE_ONE_FREE_LINE + SAVEPOINT):
        invoice = token_client.post(
            "/integrated-billing/invoices", bill_body(holder, facial), format="json",
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )

    assert packages.status_code == 200 and len(packages.json()["packages"]) >= 1
    assert preview.status_code == 200
    assert invoice.status_code == 201, invoice.json()


def test_a_retried_invoice_is_answered_from_the_first_without_a_look_up_before_the_bill(
    holder, facial, token_client, warm
):
    key = uuid.uuid4().hex
    first = token_client.post(
        "/integrated-billing/invoices", bill_body(holder, facial), format="json", headers={"Idempotency-Key": key}
    )
    again = token_client.post(
        "/integrated-billing/invoices", bill_body(holder, facial), format="json", headers={"Idempotency-Key": key}
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["invoice_number"] == first.json()["invoice_number"]
    assert Invoice.objects.filter(customer=holder).count() == 1
