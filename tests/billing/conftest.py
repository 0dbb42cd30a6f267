"""Fixtures for the billing engine tests: a priced catalogue and a helper that sells packages."""
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest

from billing.services import CartItem, PaymentIn, assignment_sell
from packages.services import assignment_create, assignment_pause
from tests.factories import (
    KittyPartyFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ProductFactory,
    ServiceFactory,
    ServicePackageFactory,
    StudentOfferFactory,
    YearlyMembershipFactory,
    inr,
)


@pytest.fixture
def haircut(db):
    return ServiceFactory(name="Haircut", price=inr("499.00"), sac_code="999721")


@pytest.fixture
def massage(db):
    return ServiceFactory(name="Swedish Massage", price=inr("2000.00"), sac_code="999723")


@pytest.fixture
def shampoo(db):
    return ProductFactory(name="Herbal Shampoo", price=inr("349.00"), gst_rate=Decimal("5.00"), hsn_code="3305")


@pytest.fixture
def cream(db):
    return ProductFactory(name="Night Cream", price=inr("599.00"), gst_rate=Decimal("18.00"), stock_quantity=10)


@pytest.fixture
def sell(cashier):
    """Sell a template to a customer the way the counter does, and return the assignment."""

    def _sell(customer, template, service=None, **kwargs):
        return assignment_sell(
            customer=customer, template=template, service=service, user=cashier, payment=PaymentIn("cash"), **kwargs
        ).assignment

    return _sell


def service_item(service, quantity=1, **kwargs) -> CartItem:
    return CartItem(type="service", id=service.pk, quantity=quantity, **kwargs)


def product_item(product, quantity=1, **kwargs) -> CartItem:
    return CartItem(type="product", id=product.pk, quantity=quantity, **kwargs)


def next_weekday(weekday: int, start=None):
    """Return the first date on or after `start` (today) that falls on `weekday` (0 = Monday)."""
    from django.utils import timezone

    start = start or timezone.localdate()
    return start + timedelta(days=(weekday - start.weekday()) % 7)


@pytest.fixture(autouse=True)
def ledger_stays_reconciled(request):
    """After every billing scenario, balances must equal the ledger (reconcile_packages finds nothing)."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db:
        yield
        return
    request.getfixturevalue("_django_db_helper")  # set the database up first, so it is still there below
    yield
    from django.core.management import call_command

    out = StringIO()
    call_command("reconcile_packages", stdout=out)
    assert out.getvalue().rstrip().endswith(" 0 difference(s)."), out.getvalue()


def hold_many(customer, facial, count):
    """Give the customer `count` more packages that do not touch the test cart (other services, paused...)."""
    massage = ServiceFactory(name="Stone massage")
    kinds = [
        lambda: assignment_create(customer=customer, template=ServicePackageFactory(), service=massage),
        lambda: assignment_create(customer=customer, template=MembershipFactory(services_included=[massage])),
        lambda: assignment_create(customer=customer, template=KittyPartyFactory(services_included=[massage])),
        lambda: assignment_create(customer=customer, template=PrepaidPackageFactory()),
        lambda: assignment_pause(
            assignment=assignment_create(customer=customer, template=StudentOfferFactory()), user=None
        ),
        lambda: assignment_pause(
            assignment=assignment_create(customer=customer, template=YearlyMembershipFactory()), user=None
        ),
    ]
    for index in range(count):
        kinds[index % len(kinds)]()
