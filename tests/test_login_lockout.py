"""Brute-force limit on /login, /admin/login/ and the API token route (django-axes).

After LOGIN_FAILURE_LIMIT failures for one username from one address, that pair is refused,
the right password included, with a page (or JSON body) saying when to try again; a manager
unlocks it by deleting the access attempt in the admin.
"""
import re
from datetime import timedelta

import pytest
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.utils.module_loading import import_string
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234"
LOCKOUT_TEXT = "Too many failed sign-ins for this username from your address."
TRY_AGAIN = re.compile(r"Try again after \d\d:\d\d \(in 15 minutes\)")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cashier_user(db):
    return UserFactory(username="ravi", groups=["Cashier"])


@pytest.fixture
def staff_manager(db):
    return UserFactory(username="priya", is_staff=True, groups=["Manager"])


def sign_in(client, username, password, path="/login", **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_sixty_wrong_passwords_then_the_right_one_is_refused_with_when_to_try_again(settings, cashier_user):
    client = Client()

    statuses = [sign_in(client, "ravi", f"guess-{n}").status_code for n in range(60)]
    response = sign_in(client, "ravi", PASSWORD)

    limit = settings.LOGIN_FAILURE_LIMIT
    assert limit == 5
    assert statuses == [200] * (limit - 1) + [429] * (60 - limit + 1)
    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert LOCKOUT_TEXT in page
    assert TRY_AGAIN.search(page)
    assert 'class="card login-card' in page  # our page, not a bare 403 text
    assert response["Retry-After"] == "900"


def test_after_a_manager_deletes_the_attempt_in_the_admin_the_login_works(cashier_user, staff_manager):
    client = Client()
    for n in range(60):
        sign_in(client, "ravi", f"guess-{n}")
    assert sign_in(client, "ravi", PASSWORD).status_code == 429

    manager = Client()
    manager.force_login(staff_manager)
    attempt = AccessAttempt.objects.get(username="ravi")
    changelist = manager.get("/admin/axes/accessattempt/")
    deleted = manager.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    response = sign_in(client, "ravi", PASSWORD)

    assert changelist.status_code == 200
    assert "ravi" in changelist.content.decode()
    assert deleted.status_code == 302
    assert response.status_code == 302
    assert response["Location"] == "/integrated-billing"
    assert signed_in(client)


def test_a_cashier_cannot_unlock_in_the_admin(cashier_user):
    cashier = UserFactory(username="desk", is_staff=True, groups=["Cashier"])
    cashier.user_permissions.add(Permission.objects.get(codename="pause_assignment"))  # opens the admin to her
    client = Client()
    client.force_login(cashier)

    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_manage_py_axes_reset_unlocks_too(cashier_user):
    client = Client()
    for n in range(5):
        sign_in(client, "ravi", f"guess-{n}")

    call_command("axes_reset", verbosity=0)

    assert sign_in(client, "ravi", PASSWORD).status_code == 302


def test_the_lock_lifts_by_itself_after_the_cool_off(cashier_user):
    client = Client()
    for n in range(5):
        sign_in(client, "ravi", f"guess-{n}")
    attempt = AccessAttempt.objects.get(username="ravi")

    attempt.attempt_time -= timedelta(minutes=16)
    attempt.save()

    assert sign_in(client, "ravi", PASSWORD).status_code == 302


def test_the_lock_is_per_username_and_address(cashier_user):
    UserFactory(username="asha", groups=["Cashier"])
    attacker = Client(REMOTE_ADDR="203.0.113.5")
    for n in range(5):
        sign_in(attacker, "ravi", f"guess-{n}")

    from_the_counter = sign_in(Client(REMOTE_ADDR="192.0.2.10"), "ravi", PASSWORD)
    other_user_same_address = sign_in(attacker, "asha", PASSWORD)

    assert from_the_counter.status_code == 302
    assert other_user_same_address.status_code == 302


def test_a_forged_x_forwarded_for_does_not_escape_the_lock(cashier_user):
    client = Client()
    for n in range(5):
        sign_in(client, "ravi", f"guess-{n}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    response = sign_in(client, "ravi", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.200")

    assert response.status_code == 429


def test_behind_one_proxy_the_lock_follows_the_address_the_proxy_appends(settings, cashier_user):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client = Client(REMOTE_ADDR="10.0.0.2")
    for n in range(5):
        sign_in(client, "ravi", f"guess-{n}", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7")

    same_client = sign_in(client, "ravi", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7")
    another_client = sign_in(Client(REMOTE_ADDR="10.0.0.2"), "ravi", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8")

    assert same_client.status_code == 429
    assert another_client.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def test_the_admin_login_is_locked_out_too(staff_manager):
    client = Client()
    statuses = [sign_in(client, "priya", f"guess-{n}", path="/admin/login/").status_code for n in range(6)]
    response = sign_in(client, "priya", PASSWORD, path="/admin/login/")

    assert statuses == [200] * 4 + [429, 429]
    assert response.status_code == 429
    assert LOCKOUT_TEXT in response.content.decode()
    assert not signed_in(client)


# --- the API token route ---------------------------------------------------------------------------


def ask_for_token(client, username, password, **extra):
    return client.post(
        "/api/auth/token/", {"username": username, "password": password}, content_type="application/json", **extra
    )


def test_the_token_route_answers_a_locked_out_username_with_the_json_error_and_no_token(staff_manager):
    client = Client()
    statuses = [ask_for_token(client, "priya", f"guess-{n}").status_code for n in range(5)]

    response = ask_for_token(client, "priya", PASSWORD)

    assert statuses == [400] * 4 + [429]
    assert response.status_code == 429
    body = response.json()
    assert set(body) == {"success", "error", "errors"}
    assert body["success"] is False
    assert body["error"].startswith(LOCKOUT_TEXT)
    assert TRY_AGAIN.search(body["error"])
    assert body["errors"] == {}
    assert response["Retry-After"] == "900"
    assert not Token.objects.exists()


def test_failures_on_the_token_route_lock_the_login_page_too(cashier_user):
    client = Client()
    for n in range(5):
        ask_for_token(client, "ravi", f"guess-{n}")

    response = sign_in(client, "ravi", PASSWORD)

    assert response.status_code == 429
    assert LOCKOUT_TEXT in response.content.decode()


def test_a_header_that_is_no_address_is_not_a_server_error(settings, cashier_user):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 2}
    client = Client()

    statuses = [
        ask_for_token(client, "ravi", "wrong", HTTP_X_FORWARDED_FOR="not-an-address").status_code for _ in range(5)
    ]

    assert statuses == [400] * 4 + [429]
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"


@pytest.mark.parametrize("path", ["/login", "/admin/login/", "/api/auth/token/"])
def test_a_username_longer_than_the_attempt_column_is_refused_without_a_server_error(path):
    client = Client()

    statuses = [
        client.post(path, {"username": "u" * 300, "password": "wrong"}, content_type="application/json").status_code
        if path.startswith("/api/")
        else sign_in(client, "u" * 300, "wrong", path=path).status_code
        for _ in range(5)
    ]

    assert statuses[:4] == ([400] * 4 if path.startswith("/api/") else [200] * 4)
    assert statuses[4] == 429
    assert AccessAttempt.objects.get().username == "u" * 255


def test_with_no_cool_off_the_lock_waits_for_a_manager(settings, cashier_user):
    settings.AXES_COOLOFF_TIME = None
    client = Client()
    for n in range(5):
        sign_in(client, "ravi", f"guess-{n}")

    response = sign_in(client, "ravi", PASSWORD)

    assert response.status_code == 429
    assert f"{LOCKOUT_TEXT} Ask a manager to unlock it." in response.content.decode()
    assert "Retry-After" not in response


def test_attempts_are_database_rows_shared_by_every_process(settings, cashier_user):
    sign_in(Client(), "ravi", "wrong")

    assert issubclass(import_string(settings.AXES_HANDLER), AxesDatabaseHandler)
    assert AccessAttempt.objects.get().failures_since_start == 1


# --- one username from many addresses ----------------------------------------------------------

USERNAME_LOCKOUT_TEXT = "Too many failed sign-ins for this username."


def addresses(count: int) -> list[str]:
    return [f"198.51.100.{n}" for n in range(1, count + 1)]


def test_each_new_address_does_not_bring_fresh_guesses_the_username_locks_after_20_from_anywhere(settings, cashier_user):
    # 4 guesses from each of 5 addresses: no pair reaches its limit of 5, the username reaches 20.
    assert settings.LOGIN_USERNAME_FAILURE_LIMIT == 20
    for address in addresses(5):
        statuses = [sign_in(Client(REMOTE_ADDR=address), "ravi", f"guess-{n}").status_code for n in range(4)]
        assert 429 not in statuses[:-1]

    response = sign_in(Client(REMOTE_ADDR="192.0.2.77"), "ravi", PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert USERNAME_LOCKOUT_TEXT in page
    assert "from your address" not in page
    assert response["Retry-After"] == "900"


def test_below_the_username_limit_the_right_password_from_a_new_address_signs_in(cashier_user):
    for address in addresses(19):
        sign_in(Client(REMOTE_ADDR=address), "ravi", "wrong")

    response = sign_in(Client(REMOTE_ADDR="192.0.2.77"), "ravi", PASSWORD)

    assert response.status_code == 302


def test_the_token_route_locks_the_username_after_20_failures_from_20_addresses(staff_manager):
    statuses = [ask_for_token(Client(REMOTE_ADDR=address), "priya", "wrong").status_code for address in addresses(20)]

    response = ask_for_token(Client(REMOTE_ADDR="192.0.2.77"), "priya", PASSWORD)

    assert statuses == [400] * 19 + [429]
    assert response.status_code == 429
    assert response.json()["error"].startswith(USERNAME_LOCKOUT_TEXT)
    assert not Token.objects.exists()


def test_the_username_limit_is_a_setting_and_other_usernames_are_not_locked(settings, cashier_user):
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 3
    UserFactory(username="asha", groups=["Cashier"])
    for address in addresses(3):
        sign_in(Client(REMOTE_ADDR=address), "ravi", "wrong")

    locked = sign_in(Client(REMOTE_ADDR="192.0.2.77"), "ravi", PASSWORD)
    other = sign_in(Client(REMOTE_ADDR="192.0.2.77"), "asha", PASSWORD)

    assert locked.status_code == 429
    assert other.status_code == 302


def test_a_success_does_not_wipe_failures_from_other_addresses(settings, cashier_user):
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 6
    for address in addresses(5):
        sign_in(Client(REMOTE_ADDR=address), "ravi", "wrong")
    assert sign_in(Client(REMOTE_ADDR="192.0.2.77"), "ravi", PASSWORD).status_code == 302

    sign_in(Client(REMOTE_ADDR="198.51.100.9"), "ravi", "wrong")

    assert sign_in(Client(REMOTE_ADDR="192.0.2.77"), "ravi", PASSWORD).status_code == 429
