"""The counter's customer card has a line for the last reminder, written by the server."""
import pytest
from django.utils import timezone

from billing.services import PaymentIn, assignment_sell
from tests.factories import CustomerFactory, NotificationFactory, ServiceFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db


def test_the_counter_page_has_no_reminder_line_until_a_customer_is_chosen(client, cashier):
    client.force_login(cashier)

    assert "data-last-reminder" not in client.get("/integrated-billing").content.decode()


def test_the_counter_card_names_the_last_reminder_sent_in_words(client, cashier):
    customer = CustomerFactory()
    sale = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=ServiceFactory(), user=cashier,
        payment=PaymentIn("cash"),
    )
    NotificationFactory(assignment=sale.assignment, channel="sms", threshold=7, sent_at=timezone.now())
    client.force_login(cashier)

    html = client.get(f"/integrated-billing?customer_id={customer.pk}").content.decode()

    assert "Last reminder: Expiry reminder by SMS" in html


def test_a_customer_opened_on_the_counter_carries_the_opt_out(client, cashier):
    customer = CustomerFactory(reminders_opt_out=True)
    client.force_login(cashier)

    html = client.get(f"/integrated-billing?customer_id={customer.pk}").content.decode()

    assert "Reminders: off (the customer opted out)." in html
