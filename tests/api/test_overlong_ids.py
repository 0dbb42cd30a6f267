"""An id longer than any database key is a 404 on every route that takes one, never a 500.

SQLite raises OverflowError on an integer past 64 bits; the routes take at most 18 digits
(core.routing.ID) and the API's lookups refuse the rest.
"""
from collections import defaultdict

import pytest
from django.test import Client

from tests.api.conftest import client_for
from tests.api.routes import ROUTES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HUGE = "6075488226854767480007642608016"  # 31 digits: the id a schema fuzz once sent
ID_ROUTES = [route for route in ROUTES if "{" in route.path]
PAGES = [
    "/integrated-billing/history/{id}",
    "/integrated-billing/void/{id}",
    "/receipts/{id}",
    "/receipts/{id}/download",
]


@pytest.fixture
def owner(db):
    return UserFactory(username="owner-test", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("route", ID_ROUTES, ids=lambda route: route.id)
def test_an_overlong_id_is_a_json_404_on_every_api_route(route, owner):
    path = route.path.format_map(defaultdict(lambda: HUGE))
    response = client_for(owner).generic(
        route.method, path, data="{}" if route.body is not None else "", content_type="application/json"
    )
    assert response.status_code == 404, (path, response.status_code)
    if route.json_only:
        assert response["Content-Type"].startswith("application/json")
        assert response.json()


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("digits", [HUGE, "9" * 19])
def test_an_overlong_id_is_a_404_on_every_page(page, digits, owner):
    client = Client()
    client.force_login(owner)
    assert client.get(page.format(id=digits)).status_code == 404
