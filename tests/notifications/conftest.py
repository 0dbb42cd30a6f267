"""Fixtures for reminders: packages that expire on a chosen day, and a local SMS gateway."""
import pytest
from django.utils import timezone

from tests.factories import ServiceFactory, ServicePackageFactory, inr
from tests.gateway import Gateway


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    """E-mail (locmem in tests) and SMS on the console backend, the default thresholds."""
    settings.REMINDER_CHANNELS = ["email", "sms"]
    settings.REMINDER_DAYS_BEFORE_EXPIRY = [30, 7, 1]
    settings.LOW_CREDIT_REMINDER = "500"
    settings.SMS_BACKEND = "console"
    settings.WHATSAPP_BACKEND = "console"
    settings.CELERY_BROKER_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.NOTIFICATION_MAX_ATTEMPTS = 4
    return settings


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def package_expiring(db, today):
    """Sell a 3+1 facial package to `customer` expiring `days` from today (through the packages service)."""
    from packages.services import assignment_create

    service = ServiceFactory(name="Hydrating Facial", price=inr("1200.00"))

    def make(customer, days: int, template=None):
        from datetime import timedelta

        return assignment_create(
            customer=customer,
            template=template or ServicePackageFactory(name="3+1 Facial Package"),
            service=service,
            expires_on=today + timedelta(days=days),
        )

    return make


@pytest.fixture
def run_worker(db):
    """Run the tasks waiting in the database backend's queue, one by one, as `manage.py db_worker` does.

    Returns the paths of the tasks it ran. (tests/notifications/test_worker.py runs the real
    `db_worker --batch` once; elsewhere this keeps the test inside its transaction.)
    """
    from django_tasks_db.models import DBTaskResult

    def run() -> list[str]:
        ran = []
        while (row := DBTaskResult.objects.ready().order_by("enqueued_at", "id").first()) is not None:
            row.claim("tests")
            row.set_successful(row.task.call(*row.task_result.args, **row.task_result.kwargs))
            ran.append(row.task_path)
        return ran

    return run


def bill_over_http(client, cashier, customer, service, quantity):
    """Bill `quantity` of `service` at the counter's endpoint as `cashier`, paid in cash."""
    client.force_login(cashier)
    return client.post(
        "/integrated-billing/invoices",
        {
            "customer_id": customer.pk,
            "items": [{"type": "service", "id": service.pk, "quantity": quantity}],
            "payments": [{"method": "cash"}],
        },
        content_type="application/json",
    )


def queued_tasks() -> list[str]:
    """The tasks waiting for the worker (database backend), oldest first."""
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.ready().order_by("enqueued_at", "id").values_list("task_path", flat=True))


@pytest.fixture
def gateway(settings):
    """The local gateway, and the SMS backend pointed at it (0.3 s timeout)."""
    server = Gateway()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = server.url
    settings.SMS_GATEWAY_API_KEY = "test-key-123"
    settings.SMS_GATEWAY_SENDER = "LOTUSS"
    settings.SMS_GATEWAY_TIMEOUT = 0.3
    yield server
    server.close()
