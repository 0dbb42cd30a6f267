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
