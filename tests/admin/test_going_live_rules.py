"""The admin's sale and top-up pages keep GST Rule 46 and the cash limit (issue 23): the refusal shows
on the field it names, and nothing is written; the address typed on the sale page is kept."""
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from billing.models import Invoice, Payment
from billing.services import PaymentIn, assignment_sell
from packages.models import PackageAssignment
from receipts.models import Receipt
from tests.admin.sale_form import ASSIGN, sale_form
from tests.factories import CustomerFactory, MembershipFactory, PrepaidPackageFactory, inr

pytestmark = pytest.mark.django_db


def counts():
    return tuple(model.objects.count() for model in (Invoice, Payment, Receipt, PackageAssignment))


def test_a_sale_in_cash_of_2_00_000_is_refused_on_the_payment_method(manager_client, customer):
    voucher = PrepaidPackageFactory(actual_price=inr("200000.00"), after_value=inr("220000.00"))

    response = manager_client.post(ASSIGN, sale_form(customer, voucher))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Take ₹1.00 by card, UPI or bank transfer" in str(errors["payment_method"])
    assert any("Income-tax s.269ST" in str(message) for message in get_messages(response.wsgi_request))
    assert counts() == (0, 0, 0, 0)


def test_a_sale_in_cash_just_under_the_limit_is_made(manager_client, customer):
    voucher = PrepaidPackageFactory(actual_price=inr("199999.99"), after_value=inr("220000.00"))

    response = manager_client.post(ASSIGN, sale_form(customer, voucher))

    assert response.status_code == 302
    assert Payment.objects.get().amount.amount == Decimal("199999.99")


def test_a_large_taxed_sale_without_the_address_is_refused_on_the_address_fields(manager_client):
    walk_in = CustomerFactory(address="", state_code="")

    response = manager_client.post(ASSIGN, sale_form(walk_in, MembershipFactory(price=inr("60000.00")), payment_method="card"))

    errors = response.context["adminform"].form.errors
    assert "GST Rule 46" in str(errors["customer_address"])
    assert "GST Rule 46" in str(errors["customer_state_code"])
    assert counts() == (0, 0, 0, 0)


def test_the_address_typed_on_the_sale_page_is_kept_and_printed(manager_client):
    walk_in = CustomerFactory(address="", state_code="")

    response = manager_client.post(
        ASSIGN,
        sale_form(
            walk_in, MembershipFactory(price=inr("60000.00")), payment_method="card",
            customer_address="7 Church Street, Bengaluru 560001", customer_state_code="29",
        ),
    )

    assert response.status_code == 302
    walk_in.refresh_from_db()
    assert (walk_in.address, walk_in.state_code) == ("7 Church Street, Bengaluru 560001", "29")
    assert Receipt.objects.get().snapshot["customer"]["address"] == "7 Church Street, Bengaluru 560001"


def test_a_top_up_in_cash_over_the_day_limit_is_refused_on_the_form(manager_client, customer, staff_manager):
    sale = assignment_sell(
        customer=customer, template=PrepaidPackageFactory(actual_price=inr("150000.00"), after_value=inr("160000.00")),
        user=staff_manager, payment=PaymentIn("cash"),
    )
    before = counts()

    response = manager_client.post(
        f"/admin/packages/packageassignment/{sale.assignment.pk}/top-up/",
        {"credit": "60000.00", "price_paid": "50000.00", "payment_method": "cash"},
    )

    page = response.content.decode()
    assert "Take ₹1.00 by card, UPI or bank transfer" in page and "Income-tax s.269ST" in page
    assert counts() == before
