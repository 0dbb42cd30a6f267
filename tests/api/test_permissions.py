"""Who may call what: anonymous 401, no role 403, cashier and manager by the permissions each route asks for."""
from collections import defaultdict

import pytest
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, resolve
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.permissions import PERMISSIONS
from spa_pkg import api_urls
from tests.api.conftest import table_counts
from tests.api.routes import MANAGER, ROUTES, level

pytestmark = pytest.mark.django_db


def call(client, route, world, *, slash: bool | None = None, page: bool = False):
    """Call the route; `page=True` asks HTML pages for HTML (as a browser would)."""
    path = route.path.format_map(world)
    if slash is True and not path.endswith("/"):
        path += "/"
    if slash is False:
        path = path.rstrip("/")
    accept = "text/html" if page and not route.json_only else "application/json"
    kwargs = {"HTTP_ACCEPT": accept}
    if route.body is not None:
        kwargs.update(data=route.body, format="json")
    return getattr(client, route.method.lower())(path, **kwargs)


def assert_error_body(response):
    body = response.json()
    assert body["success"] is False
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["errors"], dict)


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.id)
def test_anonymous_caller_gets_401_and_nothing_is_written(anonymous_client, world, route):
    before = table_counts()

    response = call(anonymous_client, route, world)

    if route.anyone:
        assert response.status_code not in (401, 403)
        return
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert_error_body(response)
    assert table_counts() == before


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.anyone], ids=lambda route: route.id)
def test_user_without_a_role_gets_403_and_nothing_is_written(plain_client, world, route):
    before = table_counts()

    response = call(plain_client, route, world)

    assert response.status_code == 403
    assert_error_body(response)
    assert table_counts() == before


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.id)
def test_cashier_may_call_cashier_routes_and_gets_403_on_manager_routes(cashier_client, world, route):
    before = table_counts()

    response = call(cashier_client, route, world, page=True)

    if level(route) == MANAGER:
        assert response.status_code == 403
        assert_error_body(response)
        assert table_counts() == before
    else:
        assert response.status_code not in (401, 403, 405, 500)


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.id)
def test_manager_may_call_every_route(manager_client, world, route):
    response = call(manager_client, route, world, page=True)

    assert response.status_code not in (401, 403, 405, 500)


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.id)
@pytest.mark.parametrize("slash", [False, True], ids=["without-slash", "with-slash"])
def test_every_route_answers_directly_with_and_without_the_trailing_slash(anonymous_client, db, route, slash):
    """An anonymous call reaches the view (401, or 400 for the token route): no redirect, no 404."""
    ids = defaultdict(lambda: 1)

    response = call(anonymous_client, route, ids, slash=slash)

    assert response.status_code == (400 if route.anyone else 401)


@pytest.mark.parametrize("path", sorted({route.path for route in ROUTES}))
def test_options_and_head_never_fail_on_any_path(manager_client, world, path):
    path = path.format_map(world)

    assert manager_client.options(path, HTTP_ACCEPT="application/json").status_code < 500
    assert manager_client.head(path, HTTP_ACCEPT="application/json").status_code < 500


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def test_the_route_table_covers_every_route_in_api_urls(world):
    tested = {resolve(route.path.format(**world)).route for route in ROUTES}
    declared = {pattern for pattern in _patterns(api_urls.urlpatterns) if pattern != "^(api|packages/api)/"}

    assert declared - tested == set()


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.id)
def test_every_route_names_permissions_that_a_role_holds(route):
    """A route whose view names no permission, or one no group holds, fails here (and in the matrix)."""
    assert level(route)


def test_every_permission_of_the_table_exists():
    stored = {f"{app_label}.{codename}" for app_label, codename in Permission.objects.values_list(
        "content_type__app_label", "codename"
    )}

    assert set(PERMISSIONS.values()) - stored == set()


def test_an_unknown_api_path_is_a_json_404(manager_client):
    response = manager_client.get("/api/no-such-thing")

    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Not found.", "errors": {}}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/no-such-thing", "/api/no-such-thing/", "/packages/api/no-such-thing"])
def test_a_write_with_a_token_to_an_unknown_api_path_is_the_json_404_not_a_csrf_page(manager, method, path):
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=manager).key}")

    response = getattr(client, method)(path, {"a": 1}, format="json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"success": False, "error": "Not found.", "errors": {}}
