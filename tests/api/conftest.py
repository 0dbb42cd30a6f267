"""Clients for each kind of caller of the API."""
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def plain_user(db):
    return UserFactory(username="plain-test")


@pytest.fixture
def anonymous_client():
    return APIClient()


@pytest.fixture
def cashier_client(cashier):
    return client_for(cashier)


@pytest.fixture
def manager_client(manager):
    return client_for(manager)


@pytest.fixture
def plain_client(plain_user):
    return client_for(plain_user)


@pytest.fixture
def manager_token_client(manager):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=manager).key}")
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Users are made in every test here; the production hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Token throttling counts in the cache; start each test from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db, manager, facial):
    """One object of every kind an API path can name; returns their ids by name."""
    from billing.services import PaymentIn, assignment_sell
    from tests.factories import (
        CustomerFactory,
        KittyPartyFactory,
        MembershipFactory,
        PrepaidPackageFactory,
        ProductFactory,
        ServicePackageFactory,
        StudentOfferFactory,
        YearlyMembershipFactory,
    )

    customer = CustomerFactory(name="Asha Rao")
    service_package = ServicePackageFactory(name="3+1 Facial Package")
    sale = assignment_sell(
        customer=customer, template=service_package, service=facial, user=manager, payment=PaymentIn(method="cash")
    )
    return {
        "customer": customer.pk,
        "service": facial.pk,
        "product": ProductFactory().pk,
        "prepaid": PrepaidPackageFactory().pk,
        "service_package": service_package.pk,
        "membership": MembershipFactory(services_included=[facial]).pk,
        "student_offer": StudentOfferFactory().pk,
        "yearly_membership": YearlyMembershipFactory().pk,
        "kitty_party": KittyPartyFactory(services_included=[facial]).pk,
        "assignment": sale.assignment.pk,
        "invoice": sale.invoice.pk,
        "receipt": sale.receipt.pk,
    }


def table_counts() -> dict[str, int]:
    """Count the rows of every table an API call could write, to prove nothing was written."""
    from django.apps import apps

    labels = ("catalog", "customers", "packages", "receipts", "billing", "authtoken")
    return {
        model._meta.label: model.objects.count()
        for label in labels
        for model in apps.get_app_config(label).get_models()
    }
