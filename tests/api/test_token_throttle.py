"""The token route's throttle counts the real client address, wherever the count is kept.

An attack sent 100 wrong passwords, each with its own X-Forwarded-For header, and never met
a 429; once throttled, the right password still gave a token. The throttle now keys on
REMOTE_ADDR unless NUM_PROXIES says how many proxies append to the header, and counts in the
shared cache (a database table, or Redis with REDIS_URL), never in one process's memory.
"""
import os

import pytest
from django.core.cache import cache, caches
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.throttling import ScopedRateThrottle

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/auth/token/"
REDIS_URL = "redis://127.0.0.1:6379/1"
LIMIT = 3


@pytest.fixture(autouse=True)
def three_a_minute(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": f"{LIMIT}/min"})


def ask_for_token(client, username="x", password="wrong", **headers):
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json", **headers)


def throttle_key(ident: str = "127.0.0.1") -> str:
    return ScopedRateThrottle.cache_format % {"scope": "token", "ident": ident}


# --- the key: X-Forwarded-For and NUM_PROXIES ---------------------------------------------------


def test_a_different_x_forwarded_for_on_every_attempt_is_still_throttled(anonymous_client):
    statuses = [
        ask_for_token(anonymous_client, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(LIMIT + 2)
    ]

    assert statuses == [400] * LIMIT + [429, 429]


def test_a_throttled_address_gets_429_and_no_token_even_with_the_right_password(anonymous_client, manager):
    for _ in range(LIMIT):
        ask_for_token(anonymous_client, manager.username)

    response = ask_for_token(anonymous_client, manager.username, "pass-1234", HTTP_X_FORWARDED_FOR="203.0.113.99")

    assert response.status_code == 429
    assert response.json()["success"] is False
    assert int(response["Retry-After"]) > 0
    assert not Token.objects.exists()


def test_behind_one_proxy_the_address_the_proxy_appends_is_the_one_counted(anonymous_client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    # The client forges the left part; the proxy appends the address it saw (203.0.113.7).
    attacker = [
        ask_for_token(anonymous_client, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7", **proxy).status_code
        for n in range(LIMIT + 1)
    ]
    # Another customer behind the same proxy has a count of its own.
    neighbour = ask_for_token(anonymous_client, HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy).status_code

    assert attacker == [400] * LIMIT + [429]
    assert neighbour == 400
    assert cache.get(throttle_key("203.0.113.7")) is not None
    assert cache.get(throttle_key("10.0.0.2")) is None


# --- the store: the database table by default, Redis with REDIS_URL -----------------------------


def fresh_default_cache():
    """Build the default cache backend anew, as another worker process would."""
    return caches.create_connection("default")


def test_the_test_database_has_the_cache_table(settings):
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert "spa_pkg_cache" in connection.introspection.table_names()


def test_the_throttle_count_is_a_row_of_the_database_cache_table(anonymous_client):
    for _ in range(LIMIT):
        ask_for_token(anonymous_client)

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM spa_pkg_cache")
        keys = [row[0] for row in cursor.fetchall()]
    caches.close_all()

    assert any(key.endswith(throttle_key()) for key in keys)
    assert len(fresh_default_cache().get(throttle_key())) == LIMIT
    assert ask_for_token(anonymous_client).status_code == 429


@pytest.fixture
def redis_cache(settings):
    """Point the default cache at Redis database 1 under a prefix of this test's own."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        # CI (.ci/run) starts Redis and sets REQUIRE_REDIS, so there a missing server fails the test.
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"REQUIRE_REDIS is set and no Redis answers at {REDIS_URL}")
        pytest.skip(f"no Redis answers at {REDIS_URL} (.ci/run starts one)")
    prefix = f"spa_pkg_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }

    def clear():
        # Only this prefix: other test workers share database 1.
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)

    clear()
    yield client, prefix
    clear()
    client.close()


def test_with_redis_the_throttle_count_lives_in_redis_and_survives_a_new_cache_connection(
    anonymous_client, redis_cache
):
    client, prefix = redis_cache

    statuses = [ask_for_token(anonymous_client).status_code for _ in range(LIMIT)]
    caches.close_all()

    assert statuses == [400] * LIMIT
    assert client.exists(f"{prefix}:1:{throttle_key()}")
    assert len(fresh_default_cache().get(throttle_key())) == LIMIT
    assert ask_for_token(anonymous_client).status_code == 429


def test_with_redis_deleting_the_count_in_redis_lifts_the_throttle(anonymous_client, redis_cache):
    client, prefix = redis_cache
    for _ in range(LIMIT):
        ask_for_token(anonymous_client)

    client.delete(f"{prefix}:1:{throttle_key()}")

    assert ask_for_token(anonymous_client).status_code == 400
