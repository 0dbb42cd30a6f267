"""No request talks to a gateway: a bill writes its notices and queues them for the worker, which sends them.

The gateway here hangs (takes the connection and never answers), as the one that made each
bill take 40 s did. The bill still answers at once because it never contacts the gateway;
the worker (`manage.py db_worker`, Django's task framework on its database backend) sends
the notice later.
"""
import signal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from notifications.models import Notification
from tests.notifications.conftest import bill_over_http, queued_tasks

DELIVER = "notifications.tasks.deliver_notifications"


def statuses():
    return sorted(Notification.objects.values_list("kind", "channel", "status"))


@pytest.mark.django_db
def test_a_bill_with_a_hung_gateway_never_contacts_it_and_the_worker_sends_the_notice_later(
    client, cashier, customer, package_expiring, gateway, django_capture_on_commit_callbacks, run_worker
):
    gateway.default = "hang"
    package = package_expiring(customer, days=60)

    with django_capture_on_commit_callbacks(execute=True):
        response = bill_over_http(client, cashier, customer, package.service, 3)  # leaves one session

    assert response.status_code == 201, response.content
    assert gateway.requests == []  # the request never talked to the gateway
    assert mail.outbox == []
    assert statuses() == [("low_balance", "email", "queued"), ("low_balance", "sms", "queued")]
    assert queued_tasks() == [DELIVER]

    gateway.default = "ok"
    assert run_worker() == [DELIVER]

    assert statuses() == [("low_balance", "email", "sent"), ("low_balance", "sms", "sent")]
    (request,) = gateway.requests
    assert request["headers"]["Idempotency-Key"] == f"notification-{Notification.objects.get(channel='sms').pk}"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_bill_that_completes_a_package_queues_its_notice_for_the_worker(
    client, cashier, customer, package_expiring, gateway, django_capture_on_commit_callbacks, run_worker
):
    gateway.default = "hang"
    package = package_expiring(customer, days=60)

    with django_capture_on_commit_callbacks(execute=True):
        response = bill_over_http(client, cashier, customer, package.service, 4)

    assert response.status_code == 201, response.content
    assert gateway.requests == []
    assert statuses() == [("completed", "email", "queued"), ("completed", "sms", "queued")]
    gateway.default = "ok"
    run_worker()
    assert statuses() == [("completed", "email", "sent"), ("completed", "sms", "sent")]


@pytest.fixture
def signals_restored():
    """db_worker installs its own SIGINT/SIGTERM handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
def test_manage_py_db_worker_in_batch_mode_sends_what_a_bill_queued(
    client, cashier, customer, package_expiring, gateway, signals_restored
):
    package = package_expiring(customer, days=60)
    response = bill_over_http(client, cashier, customer, package.service, 3)  # commits: the notices follow
    assert response.status_code == 201, response.content
    assert gateway.requests == [] and queued_tasks() == [DELIVER]

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0, stdout=StringIO())

    assert statuses() == [("low_balance", "email", "sent"), ("low_balance", "sms", "sent")]
    assert len(gateway.requests) == 1
    assert queued_tasks() == []
