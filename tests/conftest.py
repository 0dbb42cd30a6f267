"""Fixtures shared by every test module."""
import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from tests.factories import CustomerFactory, ServiceFactory, UserFactory


@pytest.fixture
def cashier(db):
    return UserFactory(username="cashier-test", groups=["Cashier"])


@pytest.fixture
def manager(db):
    return UserFactory(username="manager-test", groups=["Manager"])


@pytest.fixture
def senior_cashier(db):
    """A staff cashier given one manager's permission (pausing packages), which opens the admin to her."""
    user = UserFactory(username="senior-cashier", is_staff=True, groups=["Cashier"])
    user.user_permissions.add(Permission.objects.get(codename="pause_assignment"))
    return user


@pytest.fixture
def customer(db):
    return CustomerFactory()


@pytest.fixture
def facial(db):
    return ServiceFactory(name="Hydrating Facial", price=__import__("tests.factories").factories.inr("1200.00"))


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def status_news():
    """Listen to `status_changed` as a receiver would; return what it heard, (id, old, new, reason, user) each."""
    from packages.signals import status_changed

    heard = []

    def record(sender, assignment_id, old_status, new_status, reason, user, **kwargs):
        heard.append((assignment_id, old_status, new_status, reason, user))

    status_changed.connect(record, weak=False, dispatch_uid="tests.status_news")
    yield heard
    status_changed.disconnect(dispatch_uid="tests.status_news")
