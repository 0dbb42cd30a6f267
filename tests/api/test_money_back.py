"""A void or a refund that pays money back says how much, and by which method (issue 22, DESIGN "day close").

The void answer (`POST /integrated-billing/invoices/<id>/void`) carries `money_back` per method
and `total_money_back`; the admin's message and the counter's void page say "Return ₹366.00 to the
customer by card"; the refund page's message "Return ₹2,700.00 by UPI". Credit a void gives back
to a prepaid package is no money in hand and is left out.
"""
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from billing.models import Invoice
from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create
from tests.billing.conftest import ledger_stays_reconciled  # noqa: F401  (autouse: reconcile)
from tests.factories import PrepaidPackageFactory, ServiceFactory, ServicePackageFactory, UserFactory, inr

pytestmark = pytest.mark.django_db
D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def pedicure(db):
    """348.57 + 5% GST (8.71 + 8.71) = 365.99, rounded to ₹366.00."""
    return ServiceFactory(name="Pedicure", price=inr("348.57"))


@pytest.fixture
def staff_manager(db):
    return UserFactory(username="money-manager", is_staff=True, groups=["Manager"])


@pytest.fixture
def api(staff_manager):
    client = APIClient()
    client.force_authenticate(staff_manager)
    return client


def card_bill(customer, service, user) -> Invoice:
    invoice = invoice_create(
        customer=customer, items=[CartItem(type="service", id=service.pk, quantity=1)], cashier=user, payments=[PaymentIn("card")]
    ).invoice
    assert invoice.grand_total.amount == D("366.00")
    return invoice


def test_the_void_answer_says_the_money_to_return_and_by_which_method(api, customer, pedicure, staff_manager):
    invoice = card_bill(customer, pedicure, staff_manager)

    response = api.post(f"/integrated-billing/invoices/{invoice.pk}/void", {"reason": "Wrong customer"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["money_back"], body["total_money_back"]) == ([{"method": "card", "amount": "366.00"}], "366.00")


def test_a_bill_paid_by_two_methods_gives_back_each(api, customer, pedicure, staff_manager):
    invoice = invoice_create(
        customer=customer, items=[CartItem(type="service", id=pedicure.pk, quantity=1)], cashier=staff_manager,
        payments=[PaymentIn("cash", amount=D("300.00")), PaymentIn("upi")],
    ).invoice

    body = api.post(f"/integrated-billing/invoices/{invoice.pk}/void", {"reason": "Twice"}, format="json").json()

    assert body["money_back"] == [{"method": "cash", "amount": "300.00"}, {"method": "upi", "amount": "66.00"}]
    assert body["total_money_back"] == "366.00"


def test_credit_given_back_to_a_package_is_not_money_back(api, customer, pedicure, staff_manager):
    assignment_sell(customer=customer, template=PrepaidPackageFactory(), user=staff_manager, payment=PaymentIn("cash"))
    invoice = invoice_create(
        customer=customer, items=[CartItem(type="service", id=pedicure.pk, quantity=1)], cashier=staff_manager, use_credit=True
    ).invoice
    assert invoice.credit_applied.amount == D("366.00")

    body = api.post(f"/integrated-billing/invoices/{invoice.pk}/void", {"reason": "Twice"}, format="json").json()

    assert (body["money_back"], body["total_money_back"]) == ([], "0.00")


def test_the_void_of_a_package_sale_answers_the_payment_returned(api, customer, facial, staff_manager):
    sale = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=staff_manager, price_paid=D("3600"),
        payment=PaymentIn("upi"),
    )

    body = api.post(f"/integrated-billing/invoices/{sale.invoice.pk}/void", {"reason": "Wrong"}, format="json").json()

    assert body["money_back"] == [{"method": "upi", "amount": "3600.00"}]


def test_the_admin_void_message_says_what_to_return(client, customer, pedicure, staff_manager):
    invoice = card_bill(customer, pedicure, staff_manager)
    client.force_login(staff_manager)

    response = client.post(f"/admin/billing/invoice/{invoice.pk}/void/", {"reason": "Wrong customer"}, follow=True)

    assert "Return ₹366.00 to the customer by card." in response.content.decode()


def test_the_counter_void_page_says_what_to_return(client, customer, pedicure, staff_manager):
    invoice = card_bill(customer, pedicure, staff_manager)
    client.force_login(staff_manager)

    page = client.post(f"/integrated-billing/void/{invoice.pk}", {"reason": "Wrong customer"}, **HTMX).content.decode()

    assert "Return ₹366.00 to the customer by card." in page


def test_the_refund_message_says_what_to_return(client, customer, facial, staff_manager):
    package = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=staff_manager, price_paid=D("3600"),
        payment=PaymentIn("upi"),
    ).assignment
    invoice_create(customer=customer, items=[CartItem(type="service", id=facial.pk, quantity=1)], cashier=staff_manager)
    client.force_login(staff_manager)

    response = client.post(
        f"/admin/packages/packageassignment/{package.pk}/refund/",
        {"method": "upi", "amount": "", "reason": "Moving abroad"},
        follow=True,
    )

    assert "Return ₹2,700.00 by UPI." in response.content.decode()
