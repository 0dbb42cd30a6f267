"""What consent does to the sends: every message carries the customer's page and a one-tap opt-out, and a withdrawal holds at once."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from customers.consent import ask_words, consent_record, stop_url
from customers.links import customer_for_token
from notifications.models import Notification
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def send_reminders(on_date, *args):
    call_command("send_reminders", "--date", on_date.isoformat(), *args, stdout=StringIO())


def statuses():
    return dict(Notification.objects.values_list("channel", "status"))


def test_a_withdrawal_by_link_holds_for_a_message_already_written(customer, package_expiring, today):
    package_expiring(customer, days=7)
    send_reminders(today, "--no-send")

    Client(enforce_csrf_checks=True).post("/" + stop_url(customer, "sms").split("/", 3)[3])
    send_reminders(today)

    assert statuses() == {"email": "sent", "sms": "skipped"}
    assert Notification.objects.get(channel="sms").error == "The customer withdrew consent to SMS reminders."
    assert len(mail.outbox) == 1


def test_whatsapp_waits_for_the_customers_opt_in(settings, package_expiring, today):
    settings.REMINDER_CHANNELS = ["email", "sms", "whatsapp"]
    asked, not_asked = CustomerFactory(), CustomerFactory()
    consent_record(customer=asked, channel="whatsapp", status="given", how="counter", words=ask_words("whatsapp"))
    package_expiring(asked, days=7)
    package_expiring(not_asked, days=7)

    send_reminders(today)

    found = set(Notification.objects.values_list("customer_id", "channel", "status"))
    assert (asked.pk, "whatsapp", "sent") in found
    assert (not_asked.pk, "whatsapp", "skipped") in found
    assert (not_asked.pk, "sms", "sent") in found


def test_an_opted_out_customer_is_skipped_on_every_channel_when_the_rows_are_written(package_expiring, today):
    customer = CustomerFactory(reminders_opt_out=True)
    package_expiring(customer, days=7)

    send_reminders(today)

    assert statuses() == {"email": "skipped", "sms": "skipped"}
    assert set(Notification.objects.values_list("error", flat=True)) == {"The customer opted out of reminders."}


def test_every_email_carries_the_page_the_opt_out_and_one_click_unsubscribe_headers(
    settings, customer, package_expiring, today
):
    settings.REMINDER_CHANNELS = ["email"]
    package_expiring(customer, days=7)

    send_reminders(today)

    (email,) = mail.outbox
    stop = stop_url(customer, "email")
    assert email.extra_headers["List-Unsubscribe"] == f"<{stop}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.body.endswith(f"\nStop these reminders: {stop}")
    page_line = email.body.splitlines()[-2]
    assert page_line.startswith(f"Your packages: {settings.SITE_URL}/my/")
    assert customer_for_token(page_line.rsplit("/", 1)[1]) == customer


def test_every_sms_carries_the_page_and_its_own_opt_out(gateway, settings, customer, package_expiring, today):
    settings.REMINDER_CHANNELS = ["sms"]
    package_expiring(customer, days=7)

    send_reminders(today)

    (request,) = gateway.requests
    text = request["body"]["text"]
    assert text.endswith(f" Stop these reminders: {stop_url(customer, 'sms')}")
    assert f"Your packages: {settings.SITE_URL}/my/" in text
