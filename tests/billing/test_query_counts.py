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
from packages.models import PackageBenefitTracker
from packages.services import assignment_create, balances_reconcile
from tests.billing.conftest import hold_many, product_item, service_item
from tests.factories import CustomerFactory, PrepaidPackageFactory, ServicePackageFactory, inr

pytestmark = pytest.mark.django_db

SAVEPOINT = 2
# The branch the bill is made at (issue 15: X-Branch, the user's only branch, or the shop's only one).
BRANCH = 1
# The branch; the customer; the services (and the products) of the cart; the customer's packages
# (locked for the invoice, with the kinds' terms and the invoice that sold each); their
# trackers.
PREVIEW_ONE_LINE = BRANCH + 1 + 1 + 2
PREVIEW_THREE_LINES = PREVIEW_ONE_LINE + 1  # the products
# The preview's reads, then: both numbers (one upsert); the receipt; the invoice, with its
# number and receipt; its lines; the journal row; the package's balance (with the value it holds)
# and its tracker's.
# A free session leaves nothing to pay, so no payment row.
INVOICE_ONE_FREE_LINE = PREVIEW_ONE_LINE + 1 + 1 + 1 + 1 + 1 + 2
# Three lines: the products read, the stock taken (one guarded UPDATE), the customer locked and
# the cash taken from them that day counted (the cash limit, issue 23), and the cash payment.
INVOICE_THREE_LINES = INVOICE_ONE_FREE_LINE + 1 + 1 + 2 + 1
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


def test_a_one_line_bill_on_a_free_session_takes_twelve_statements(
    holder, cashier, facial, warm, django_assert_num_queries
):
    assert INVOICE_ONE_FREE_LINE == 12
    with django_assert_num_queries(INVOICE_ONE_FREE_LINE + SAVEPOINT):
        result = invoice_create(customer=holder.pk, items=[service_item(facial)], cashier=cashier, use_credit=True)

    assert result.computation.summary.amount_payable == 0
    assert result.updated_packages[0].remaining_sessions == 3


def test_a_three_line_bill_takes_seventeen_statements(
    holder, cashier, facial, haircut, cream, warm, django_assert_num_queries
):
    items = [service_item(facial), service_item(haircut), product_item(cream)]
    with django_assert_num_queries(INVOICE_THREE_LINES + SAVEPOINT):
        invoice_create(customer=holder.pk, items=items, cashier=cashier, payments=[PaymentIn("cash")])


def test_two_packages_spent_on_one_bill_are_written_with_one_update_per_table(
    cashier, facial, haircut, warm, django_assert_num_queries
):
    holder = CustomerFactory()
    assignment_create(customer=holder, template=ServicePackageFactory(), service=facial)
    hold_many(holder, facial, 1)  # and one more package of a kind the bill does not touch
    credit = assignment_create(
        customer=holder, template=PrepaidPackageFactory(actual_price=inr("5000.00"), after_value=inr("6000.00"))
    )
    session = holder.assignments.filter(package_type="service_package").order_by("pk").first()
    untouched = {
        row["id"]: row for row in PackageBenefitTracker.objects.exclude(
            assignment_id__in=[credit.pk, session.pk]
        ).filter(assignment__customer=holder).values()
    }
    items = [service_item(facial), service_item(haircut)]

    # The preview's reads, the numbers, receipt, invoice and lines; one ledger insert for both
    # uses; one UPDATE of the two packages and one of their two trackers; the credit payment.
    with django_assert_num_queries(PREVIEW_ONE_LINE + 5 + 2 + 1 + SAVEPOINT):
        invoice_create(customer=holder.pk, items=items, cashier=cashier, use_credit=True)

    session.refresh_from_db()
    credit.refresh_from_db()
    haircut_total = inr("524.00")  # 499 and 5 % GST, rounded to the rupee
    assert (session.used_sessions, session.remaining_sessions) == (1, 3)
    assert (credit.credit_used, credit.credit_remaining) == (haircut_total, inr("6000.00") - haircut_total)
    free = PackageBenefitTracker.objects.get(assignment=session, benefit_type="free")
    assert (free.total_count, free.used_count, free.remaining_count) == (4, 1, 3)
    prepaid = PackageBenefitTracker.objects.get(assignment=credit, benefit_type="prepaid")
    assert (prepaid.balance_used, prepaid.balance_remaining) == (haircut_total, credit.credit_remaining)
    assert {
        row["id"]: row for row in PackageBenefitTracker.objects.filter(pk__in=untouched).values()
    } == untouched
    assert balances_reconcile().differences == []


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
    # The budget of a one-line bill over HTTP: 13 statements in production (BEGIN and COMMIT
    # aside), the value journal's row and value_held included (docs/journal.md "Why value_held").
    assert AUTH + INVOICE_ONE_FREE_LINE == 13
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
