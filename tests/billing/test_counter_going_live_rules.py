"""The counter (/integrated-billing) and the sale page (/assign-packages) keep GST Rule 46 and the
cash limit (issue 23), through the Django client: the refusal is shown where the cashier looks,
Generate stays off, and nothing is written; the address asked for is kept on the customer."""
import re
from decimal import Decimal

import pytest

from billing.models import Invoice, Payment
from billing.services import CartItem, PaymentIn, invoice_create, invoice_preview
from packages.models import PackageAssignment
from receipts.models import Receipt
from tests.factories import CustomerFactory, MembershipFactory, ServiceFactory, inr

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
S269ST = "cash from one person in one day must stay under ₹2,00,000 (Income-tax s.269ST)."


def counts():
    return tuple(model.objects.count() for model in (Invoice, Payment, Receipt, PackageAssignment))


def generate_disabled(html: str) -> bool:
    return re.search(r'id="generate-invoice"[^>]*\sdisabled[\s>]', html) is not None


@pytest.fixture
def bridal(db):
    return ServiceFactory(name="Bridal day", price=inr("200000.00"), gst_rate=Decimal("0.00"))


@pytest.fixture
def counter_for(client, cashier):
    client.force_login(cashier)

    def open_for(customer, service):
        def post(path="/integrated-billing/cart", **data):
            return client.post(path, data, **HTMX)

        post(action="customer", customer=str(customer.pk))
        post(action="add-service", add_service=str(service.pk))
        return post

    return open_for


def grand_total(customer, service) -> str:
    return str(invoice_preview(customer=customer, items=[CartItem(type="service", id=service.pk, quantity=1)]).summary.grand_total)


# -- the counter: cash limit ------------------------------------------------------------------


def test_the_counter_shows_the_cash_limit_and_keeps_generate_off(counter_for, customer, bridal):
    counter = counter_for(customer, bridal)

    answer = counter(**{"pay-0-method": "cash"}).content.decode()

    assert f"Take ₹1.00 by card, UPI or bank transfer; {S269ST}" in answer
    assert generate_disabled(answer)
    # Split: ₹1 by card, the rest in cash, and Generate comes on.
    counter(action="add-payment")
    answer = counter(**{"pay-0-method": "card", "pay-0-amount": "1", "pay-1-method": "cash"}).content.decode()
    assert "Income-tax s.269ST" not in answer
    assert not generate_disabled(answer)


def test_issuing_cash_over_the_limit_at_the_counter_answers_400_and_writes_nothing(counter_for, customer, bridal):
    counter = counter_for(customer, bridal)

    answer = counter(
        "/integrated-billing/issue", **{"pay-0-method": "cash", "expected_grand_total": grand_total(customer, bridal)}
    )

    assert answer.status_code == 400
    assert "Income-tax s.269ST" in answer.content.decode()
    assert counts() == (0, 0, 0, 0)


def test_the_counter_counts_the_cash_taken_earlier_that_day(counter_for, customer, cashier):
    invoice_create(
        customer=customer, items=[CartItem(type="service", id=ServiceFactory(price=inr("150000.00"), gst_rate=0).pk, quantity=1)],
        cashier=cashier, payments=[PaymentIn("cash")],
    )
    service = ServiceFactory(price=inr("50000.00"), gst_rate=Decimal("0.00"))
    counter = counter_for(customer, service)
    before = counts()

    answer = counter(**{"pay-0-method": "cash"}).content.decode()
    issued = counter(
        "/integrated-billing/issue", **{"pay-0-method": "cash", "expected_grand_total": grand_total(customer, service)}
    )

    assert "₹1,50,000.00 was already taken in cash" in answer
    assert issued.status_code == 400
    assert counts() == before


# -- the counter: Rule 46 ---------------------------------------------------------------------


def test_the_counter_asks_for_the_address_and_state_of_a_large_bill_and_keeps_them(counter_for):
    walk_in = CustomerFactory(address="", state_code="")
    service = ServiceFactory(price=inr("60000.00"), gst_rate=Decimal("0.00"))
    counter = counter_for(walk_in, service)

    page = counter(**{"pay-0-method": "upi"}).content.decode()
    shown = counter(action="customer", customer=str(walk_in.pk)).content.decode()  # the whole counter, redrawn
    assert 'id="id_buyer-address"' in shown and 'id="id_buyer-state_code"' in shown
    assert "GST Rule 46" in page and generate_disabled(page)
    # The fields come with the figures once (out of band), and are not redrawn under the cashier's typing.
    assert 'id="id_buyer-address"' in page
    typing = counter(**{"pay-0-method": "upi", "buyer-address": "7 Church", "buyer-state_code": ""}).content.decode()
    assert 'id="id_buyer-address"' not in typing and 'id="buyer-error"' in typing

    refused = counter(
        "/integrated-billing/issue",
        **{"pay-0-method": "upi", "expected_grand_total": grand_total(walk_in, service), "buyer-address": ""},
    )
    assert refused.status_code == 400
    assert "Enter the customer&#x27;s address and state" in refused.content.decode()
    assert counts() == (0, 0, 0, 0)

    issued = counter(
        "/integrated-billing/issue",
        **{
            "pay-0-method": "upi", "expected_grand_total": grand_total(walk_in, service),
            "buyer-address": "7 Church Street, Bengaluru 560001", "buyer-state_code": "29",
        },
    )
    assert issued.status_code == 200, re.findall(r"data-invoice-alert>([^<]*)", issued.content.decode())
    walk_in.refresh_from_db()
    assert (walk_in.address, walk_in.state_code) == ("7 Church Street, Bengaluru 560001", "29")
    assert Receipt.objects.get().snapshot["customer"]["address"] == "7 Church Street, Bengaluru 560001"


def test_the_counter_does_not_ask_when_the_address_is_on_file(counter_for, customer):
    service = ServiceFactory(price=inr("60000.00"), gst_rate=Decimal("0.00"))
    counter = counter_for(customer, service)

    answer = counter(action="customer", customer=str(customer.pk)).content.decode()

    assert 'id="id_buyer-address"' not in answer


# -- the sale page (/assign-packages) ---------------------------------------------------------


def sale_form(customer, template, **changes) -> dict:
    return {
        "idempotency_key": "b" * 32,
        "customer_id": customer.pk,
        "package": f"{template.package_type}:{template.pk}",
        "service": "",
        "expires_on": "",
        "notes": "",
        "method": "cash",
        "amount": "",
        "reference": "",
        **changes,
    }


def test_the_sale_page_refuses_cash_over_the_limit_on_the_payment_method(client, cashier, customer):
    client.force_login(cashier)

    answer = client.post("/assign-packages", sale_form(customer, MembershipFactory(price=inr("200000.00"))), **HTMX)

    html = answer.content.decode()
    assert "Take ₹10,001.00 by card, UPI or bank transfer" in html  # 2,00,000 + 5% GST = 2,10,000
    assert "Income-tax s.269ST" in html
    assert counts() == (0, 0, 0, 0)


def test_the_sale_page_asks_for_the_address_of_a_large_taxed_sale_and_keeps_it(client, cashier):
    client.force_login(cashier)
    walk_in = CustomerFactory(address="", state_code="")
    membership = MembershipFactory(price=inr("60000.00"))

    details = client.get("/assign-packages/details", {"package": f"membership:{membership.pk}"}).content.decode()
    refused = client.post("/assign-packages", sale_form(walk_in, membership, method="upi"), **HTMX).content.decode()

    assert 'name="address"' in details and 'name="state_code"' in details
    assert "GST Rule 46" in refused
    assert counts() == (0, 0, 0, 0)

    sold = client.post(
        "/assign-packages",
        sale_form(walk_in, membership, method="upi", address="7 Church Street, Bengaluru", state_code="29"),
        **HTMX,
    )
    assert sold.status_code == 200
    walk_in.refresh_from_db()
    assert (walk_in.address, walk_in.state_code) == ("7 Church Street, Bengaluru", "29")
    assert PackageAssignment.objects.count() == 1
