"""Expiry reminders from `manage.py send_reminders`: each threshold once, on every channel, at most once."""
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from customers.consent import reminders_opt_out_set
from notifications.models import Notification
from packages.models import PackageAssignment
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def send_reminders(on_date) -> str:
    out = StringIO()
    call_command("send_reminders", "--date", on_date.isoformat(), stdout=out)
    return out.getvalue()


def rows(**filters):
    return sorted(
        Notification.objects.filter(**filters).values_list("kind", "threshold", "channel", "status"),
        key=lambda row: (row[1] or 0, row[2]),
    )


def test_each_threshold_sends_once_by_email_and_sms_as_the_days_pass(customer, package_expiring, today):
    package = package_expiring(customer, days=40)
    sent_on = {}
    for offset in range(0, 42):
        day = today + timedelta(days=offset)
        before = Notification.objects.count()
        send_reminders(day)
        if Notification.objects.count() > before:
            sent_on[(package.expires_on - day).days] = Notification.objects.count() - before

    # Thirty, seven and one day before, both channels each time; nothing after expiry.
    assert sent_on == {30: 2, 7: 2, 1: 2}
    assert rows() == [
        ("expiry", 1, "email", "sent"), ("expiry", 1, "sms", "sent"),
        ("expiry", 7, "email", "sent"), ("expiry", 7, "sms", "sent"),
        ("expiry", 30, "email", "sent"), ("expiry", 30, "sms", "sent"),
    ]
    assert len(mail.outbox) == 3


def test_running_the_schedule_again_sends_nothing_more(customer, package_expiring, today):
    package_expiring(customer, days=7)

    first = send_reminders(today)
    second = send_reminders(today)

    assert "2 reminder(s) written." in first and "2 sent, 0 failed." in first
    assert "0 reminder(s) written." in second and "0 sent, 0 failed." in second
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 1


def test_the_email_names_the_package_what_is_left_and_the_expiry_date(package_expiring, today):
    customer = CustomerFactory(name="Priya Sharma", email="priya@example.com")
    package = package_expiring(customer, days=7)

    send_reminders(today)

    (email,) = mail.outbox
    date_text = f"{package.expires_on.day} {package.expires_on:%b %Y}"  # 23 May 2027
    assert email.to == ["priya@example.com"]
    assert email.subject == f"Your 3+1 Facial Package – Hydrating Facial expires on {date_text}"
    assert "Dear Priya Sharma" in email.body
    assert f"expires on {date_text} (7 days)" in email.body
    assert "4 sessions left" in email.body


def test_a_package_sold_inside_a_band_hears_once_for_that_band(customer, package_expiring, today):
    package_expiring(customer, days=20)

    send_reminders(today)

    assert {row[1] for row in rows()} == {30}


def test_an_opted_out_customer_gets_nothing_and_the_reminders_are_recorded_skipped(package_expiring, today):
    customer = CustomerFactory(reminders_opt_out=True)
    package_expiring(customer, days=1)

    send_reminders(today)

    assert rows() == [("expiry", 1, "email", "skipped"), ("expiry", 1, "sms", "skipped")]
    assert set(Notification.objects.values_list("error", flat=True)) == {"The customer opted out of reminders."}
    assert mail.outbox == []


def test_a_customer_without_an_email_is_skipped_on_email_with_the_reason(package_expiring, today):
    customer = CustomerFactory(email="")
    package_expiring(customer, days=7)

    send_reminders(today)

    email = Notification.objects.get(channel="email")
    assert (email.status, email.error) == ("skipped", "The customer has no e-mail address.")
    assert Notification.objects.get(channel="sms").status == "sent"


def test_a_customer_without_a_phone_is_skipped_on_sms_with_the_reason(package_expiring, today):
    customer = CustomerFactory()
    package_expiring(customer, days=7)
    type(customer).objects.filter(pk=customer.pk).update(phone="")

    send_reminders(today)

    sms = Notification.objects.get(channel="sms")
    assert (sms.status, sms.error) == ("skipped", "The customer has no phone number.")


@pytest.mark.parametrize("status", ["paused", "completed", "expired", "refunded", "transferred", "cancelled"])
def test_only_active_packages_are_reminded_of_their_expiry(customer, package_expiring, today, status):
    package = package_expiring(customer, days=7)
    PackageAssignment.objects.filter(pk=package.pk).update(status=status)

    send_reminders(today)

    assert Notification.objects.count() == 0


def test_phones_go_out_in_e164_on_the_console_sms_backend(package_expiring, today, caplog):
    customer = CustomerFactory(phone="+919845012345")
    package_expiring(customer, days=7)

    with caplog.at_level("WARNING", logger="notifications"):
        send_reminders(today)

    sms = Notification.objects.get(channel="sms")
    assert sms.recipient == "+919845012345"
    (record,) = [r for r in caplog.records if r.name == "notifications"]
    assert record.getMessage().startswith(f"sms to +919845012345 (#{sms.pk}): Lotus Day Spa: your 3+1 Facial Package")


def test_the_threshold_days_come_from_the_setting(customer, package_expiring, today, settings):
    settings.REMINDER_DAYS_BEFORE_EXPIRY = [14, 3]
    package_expiring(customer, days=3)

    send_reminders(today)

    assert {row[1] for row in rows()} == {3}


def test_writing_the_due_reminders_selects_in_sql_whatever_the_number_of_packages(
    package_expiring, today, django_assert_max_num_queries
):
    from notifications.services import expiry_reminders_queue

    for _ in range(12):
        package_expiring(CustomerFactory(), days=7)

    with django_assert_max_num_queries(6):  # one select and one insert per threshold
        written = expiry_reminders_queue(on_date=today)

    assert written == 24


def test_a_customer_who_opts_out_after_the_reminder_was_written_gets_nothing(package_expiring, today):
    customer = CustomerFactory()
    package_expiring(customer, days=7)
    call_command("send_reminders", "--date", today.isoformat(), "--no-send", stdout=StringIO())
    reminders_opt_out_set(customer=customer, opt_out=True, how="admin")

    send_reminders(today)

    assert rows() == [("expiry", 7, "email", "skipped"), ("expiry", 7, "sms", "skipped")]
    assert mail.outbox == []
