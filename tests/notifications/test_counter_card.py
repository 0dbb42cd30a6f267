"""The counter's customer card has a line for the last reminder, filled from /api/notifications."""
import json

import pytest

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_counter_page_has_the_last_reminder_line_and_its_words(client, cashier):
    client.force_login(cashier)

    html = client.get("/integrated-billing").content.decode()

    assert "data-last-reminder" in html
    labels = json.loads(html.split('id="reminder-labels" type="application/json">')[1].split("</script>")[0])
    assert labels["kinds"]["expiry"] == "Expiry reminder" and labels["channels"]["sms"] == "SMS"


def test_a_customer_opened_on_the_counter_carries_the_opt_out(client, cashier):
    customer = CustomerFactory(reminders_opt_out=True)
    client.force_login(cashier)

    response = client.get(f"/integrated-billing?customer_id={customer.pk}")

    assert response.context["counter"]["customer"]["reminders_opt_out"] is True
