"""The counter's customer card tells the cashier about reminders: the last one sent, or that the customer opted out."""
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.services import PaymentIn, assignment_sell
from customers.consent import reminders_opt_out_set
from tests.factories import NotificationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_counter_for(sign_in, name):
    page = sign_in("cashier", "/integrated-billing")
    page.fill("[data-customer-query]", name)
    page.locator("[data-customer-results] button", has_text=name).click()
    return page


def test_the_customer_card_shows_the_last_reminder_sent(shop, sign_in):
    sale = assignment_sell(
        customer=shop["customer"], template=shop["template"], service=shop["facial"], user=shop["cashier"],
        payment=PaymentIn(method="cash"),
    )
    NotificationFactory(assignment=sale.assignment, channel="email", threshold=30, sent_at=timezone.now())
    NotificationFactory(assignment=sale.assignment, channel="sms", threshold=7, sent_at=timezone.now())
    NotificationFactory(assignment=sale.assignment, channel="email", threshold=7, status="failed")

    page = open_counter_for(sign_in, "Asha Rao")

    expect(page.locator("[data-last-reminder]")).to_have_text(
        re.compile(r"^Last reminder: Expiry reminder by SMS, \d{1,2} \w{3} \d{4}\.$")
    )


def test_the_customer_card_says_when_nothing_was_sent_and_when_the_customer_opted_out(shop, sign_in):
    page = open_counter_for(sign_in, "Asha Rao")
    expect(page.locator("[data-last-reminder]")).to_have_text("No reminder sent yet.")

    reminders_opt_out_set(customer=shop["customer"], opt_out=True, how="admin")
    page.click("[data-change-customer]")
    # The search box htmx has wired up takes the focus once it settles; typing before that would be lost.
    expect(page.locator("[data-customer-query]")).to_be_focused()
    page.fill("[data-customer-query]", "Asha")
    page.locator("[data-customer-results] button", has_text="Asha Rao").click()

    expect(page.locator("[data-last-reminder]")).to_have_text("Reminders: off (the customer opted out).")
