"""Fixtures for the billing engine tests: a priced catalogue and a helper that sells packages."""
from decimal import Decimal

import pytest

from billing.services import CartItem, PaymentIn, package_sell
from tests.factories import ProductFactory, ServiceFactory, inr


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
        return package_sell(
            customer=customer, template=template, service=service, user=cashier, payment=PaymentIn("cash"), **kwargs
        ).assignment

    return _sell


def service_item(service, quantity=1, **kwargs) -> CartItem:
    return CartItem(type="service", id=service.pk, quantity=quantity, **kwargs)


def product_item(product, quantity=1, **kwargs) -> CartItem:
    return CartItem(type="product", id=product.pk, quantity=quantity, **kwargs)
