"""Low-balance, completed and expired notices: sent after the commit of the change that caused them."""
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from billing.services import CartItem, PaymentIn, invoice_create
from notifications.models import Notification
from packages.services import assignment_create
from tests.factories import PrepaidPackageFactory, ServiceFactory, UserFactory, inr
from tests.notifications.conftest import bill_over_http

pytestmark = pytest.mark.django_db


def kinds_sent():
    return sorted(Notification.objects.filter(status="sent").values_list("kind", "channel"))


def test_a_bill_that_leaves_one_session_sends_the_low_balance_notice_after_commit(
    client, cashier, customer, package_expiring, django_capture_on_commit_callbacks, run_worker
):
    package = package_expiring(customer, days=60)

    with django_capture_on_commit_callbacks(execute=True):
        response = bill_over_http(client, cashier, customer, package.service, 3)
    run_worker()

    assert response.status_code == 201, response.content
    assert kinds_sent() == [("low_balance", "email"), ("low_balance", "sms")]
    (email,) = mail.outbox
    assert email.subject == "Only 1 session left on your 3+1 Facial Package – Hydrating Facial"
    assert Notification.objects.get(channel="email").threshold is None


def test_a_session_package_low_on_sessions_is_asked_to_renew_not_to_top_up(
    client, cashier, customer, package_expiring, django_capture_on_commit_callbacks, run_worker
):
    package = package_expiring(customer, days=60)

    with django_capture_on_commit_callbacks(execute=True):
        bill_over_http(client, cashier, customer, package.service, 3)
    run_worker()

    (email,) = mail.outbox
    assert "Renew at" in email.body
    assert "Top up" not in email.body


def test_the_low_balance_notice_goes_once_and_the_last_session_sends_the_completed_notice(
    client, cashier, customer, package_expiring, django_capture_on_commit_callbacks, run_worker
):
    package = package_expiring(customer, days=60)
    with django_capture_on_commit_callbacks(execute=True):
        bill_over_http(client, cashier, customer, package.service, 3)
    with django_capture_on_commit_callbacks(execute=True):
        bill_over_http(client, cashier, customer, package.service, 1)
    run_worker()

    package.refresh_from_db()
    assert package.status == "completed"
    assert kinds_sent() == [
        ("completed", "email"), ("completed", "sms"), ("low_balance", "email"), ("low_balance", "sms"),
    ]
    assert [email.subject for email in mail.outbox][-1] == "You have used all of your 3+1 Facial Package – Hydrating Facial"


def test_a_bill_that_rolls_back_sends_nothing(cashier, customer, package_expiring, django_capture_on_commit_callbacks):
    package = package_expiring(customer, days=60)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        invoice_create(
            customer=customer,
            items=[CartItem(type="service", id=package.service_id, quantity=4)],
            cashier=cashier,
            payments=[PaymentIn("cash")],
        )
        raise RuntimeError("the till crashed before the commit")

    package.refresh_from_db()
    assert package.remaining_sessions == 4
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_credit_falling_under_the_low_credit_setting_sends_the_notice(
    customer, cashier, django_capture_on_commit_callbacks, run_worker
):
    template = PrepaidPackageFactory(name="Gold Credit", actual_price=inr("1000.00"), after_value=inr("1200.00"))
    assignment_create(customer=customer, template=template)
    massage = ServiceFactory(name="Massage", price=inr("700.00"))

    with django_capture_on_commit_callbacks(execute=True):
        invoice_create(
            customer=customer,
            items=[CartItem(type="service", id=massage.pk, quantity=1)],
            cashier=cashier,
            use_credit=True,
            payments=[PaymentIn("cash")],
        )
    run_worker()

    assert ("low_balance", "email") in kinds_sent()
    assert mail.outbox[0].subject == "Only ₹465 credit left on your Gold Credit"  # 1,200 less 700 + 5% GST


def test_credit_low_on_balance_is_asked_to_top_up(customer, cashier, django_capture_on_commit_callbacks, run_worker):
    template = PrepaidPackageFactory(name="Gold Credit", actual_price=inr("1000.00"), after_value=inr("1200.00"))
    assignment_create(customer=customer, template=template)
    massage = ServiceFactory(name="Massage", price=inr("700.00"))

    with django_capture_on_commit_callbacks(execute=True):
        invoice_create(
            customer=customer, items=[CartItem(type="service", id=massage.pk, quantity=1)], cashier=cashier,
            use_credit=True, payments=[PaymentIn("cash")],
        )
    run_worker()

    assert "Top up at" in mail.outbox[0].body
    assert "renew" not in mail.outbox[0].body.lower()


def test_a_bill_that_leaves_plenty_sends_nothing(client, cashier, customer, package_expiring, django_capture_on_commit_callbacks):
    package = package_expiring(customer, days=60)

    with django_capture_on_commit_callbacks(execute=True):
        bill_over_http(client, cashier, customer, package.service, 1)

    assert Notification.objects.count() == 0


def test_a_bill_that_leaves_plenty_reads_nothing_after_its_commit(
    cashier, customer, package_expiring, django_capture_on_commit_callbacks, django_assert_num_queries
):
    package = package_expiring(customer, days=60)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invoice_create(
            customer=customer, items=[CartItem(type="service", id=package.service_id, quantity=1)], cashier=cashier
        )

    # What the bill left (3 of 4 sessions) is known without asking the database again.
    with django_assert_num_queries(0):
        for callback in callbacks:
            callback()

    assert Notification.objects.count() == 0


def test_the_expiry_sweep_sends_the_expired_notice_after_commit(
    customer, package_expiring, today, django_capture_on_commit_callbacks, run_worker
):
    package = package_expiring(customer, days=1)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_packages", "--date", (today + timedelta(days=2)).isoformat(), stdout=StringIO())
    run_worker()

    package.refresh_from_db()
    assert package.status == "expired"
    assert kinds_sent() == [("expired", "email"), ("expired", "sms")]
    assert mail.outbox[0].subject == "Your 3+1 Facial Package – Hydrating Facial has expired"
    assert f"expired on {package.expires_on.day} {package.expires_on:%b %Y}" in mail.outbox[0].body


def test_a_status_change_that_rolls_back_sends_nothing(customer, package_expiring, today, django_capture_on_commit_callbacks):
    from packages.services import assignments_expire

    package_expiring(customer, days=1)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        assignments_expire(on_date=today + timedelta(days=5))
        raise RuntimeError("rolled back")

    assert Notification.objects.count() == 0


def test_pausing_a_package_sends_nothing(customer, package_expiring, django_capture_on_commit_callbacks):
    from packages.services import assignment_pause

    package = package_expiring(customer, days=60)

    with django_capture_on_commit_callbacks(execute=True):
        assignment_pause(assignment=package, user=UserFactory())

    assert Notification.objects.count() == 0


def test_an_opted_out_customer_gets_no_notice_and_it_is_recorded_skipped(
    client, cashier, package_expiring, django_capture_on_commit_callbacks
):
    from tests.factories import CustomerFactory

    customer = CustomerFactory(reminders_opt_out=True)
    package = package_expiring(customer, days=60)

    with django_capture_on_commit_callbacks(execute=True):
        bill_over_http(client, cashier, customer, package.service, 4)

    assert sorted(Notification.objects.values_list("kind", "status")) == [
        ("completed", "skipped"), ("completed", "skipped"),
    ]
    assert mail.outbox == []
