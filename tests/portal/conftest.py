"""Two customers with a package and a receipt each, the SMS gateway, and the worker that sends codes."""
import re

import pytest
from django.core.cache import cache

from billing.services import PaymentIn, assignment_sell
from customers.links import page_token
from tests.factories import CustomerFactory, PrepaidPackageFactory, ServicePackageFactory
from tests.notifications import conftest as reminders

# The reminders' local SMS gateway and their worker run, here too.
gateway = reminders.gateway
run_worker = reminders.run_worker


@pytest.fixture(autouse=True)
def fresh_limits(settings):
    """Each test starts with no requests counted (the limits live in the shared cache)."""
    cache.clear()
    settings.SMS_BACKEND = "console"
    yield
    cache.clear()


@pytest.fixture
def asha(cashier, facial):
    customer = CustomerFactory(name="Asha Rao", phone="+919845012345")
    sale = assignment_sell(
        customer=customer, template=ServicePackageFactory(name="3+1 Facial Package"), service=facial, user=cashier,
        payment=PaymentIn(method="upi", reference="UPI-1"),
    )
    customer.sale = sale
    return customer


@pytest.fixture
def meera(cashier):
    customer = CustomerFactory(name="Meera Iyer", phone="+919845067890")
    sale = assignment_sell(
        customer=customer, template=PrepaidPackageFactory(name="Prepaid 15,000"), user=cashier, payment=PaymentIn("cash")
    )
    customer.sale = sale
    return customer


@pytest.fixture
def link(asha):
    return f"/my/{page_token(asha)}"


def code_in(gateway) -> str:
    """The code of the last SMS the gateway took."""
    return re.match(r"(\d{6}) is your", gateway.requests[-1]["body"]["text"])[1]


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST with `client` and run what the request handed over after its commit (queueing a task)."""

    def run(client, url, data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **extra)

    return run


@pytest.fixture
def signed_in(client, link, gateway, run_worker, post):
    """`client` entered the right code for Asha's page."""
    post(client, f"{link}/sign-in", {"action": "send", "next": "history"})
    run_worker()
    response = client.post(f"{link}/sign-in", {"action": "check", "code": code_in(gateway), "next": "history"})
    assert response.status_code == 302
    return client
