"""The admin's "Assign & collect payment" form carries a key made when it opens: a second press sells nothing more."""
import re

import pytest
from django.contrib.messages import get_messages

from billing.models import Payment
from packages.models import PackageAssignment
from receipts.models import Receipt
from tests.admin.test_assign_flow import ASSIGN, sale_form
from tests.factories import PrepaidPackageFactory

pytestmark = pytest.mark.django_db


def form_key(response) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', response.content.decode())[1]


def test_the_admin_sale_form_carries_a_new_key_each_time_it_opens(manager_client):
    first, second = form_key(manager_client.get(ASSIGN)), form_key(manager_client.get(ASSIGN))

    assert first and second and first != second


def test_a_second_press_of_the_admin_form_lands_on_the_first_receipt_and_sells_nothing_more(manager_client, customer):
    template = PrepaidPackageFactory()
    key = form_key(manager_client.get(ASSIGN))
    data = sale_form(customer, template, payment_method="upi", idempotency_key=key)
    first = manager_client.post(ASSIGN, data)

    again = manager_client.post(ASSIGN, data)

    receipt = Receipt.objects.get()
    assert first["Location"] == again["Location"] == f"/receipts/{receipt.pk}"
    assert PackageAssignment.objects.count() == Payment.objects.count() == 1
    assert any("already made" in str(message) for message in get_messages(again.wsgi_request))


def test_the_admin_form_has_no_default_payment_method(manager_client, customer):
    html = manager_client.get(ASSIGN).content.decode()

    select = html[html.index('name="payment_method"') : html.index("</select>", html.index('name="payment_method"'))]
    assert 'value="cash" selected' not in select
    response = manager_client.post(ASSIGN, sale_form(customer, PrepaidPackageFactory(), payment_method=""))
    assert response.status_code == 200 and not PackageAssignment.objects.exists()
