"""API tokens in the admin: managers see who holds which token and revoke it (issue 21, item 9).

The key never shows in full, on the list, the token's page or in a link; a new password set
in the admin revokes the user's tokens.
"""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api_tokens.models import TokenLife
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKENS = "/admin/api_tokens/tokenlife/"


@pytest.fixture
def holders(db):
    """Two cashiers with a token each; one last used 40 days ago."""
    asha = UserFactory(username="asha-counter", groups=["Cashier"])
    ravi = UserFactory(username="ravi-counter", groups=["Cashier"])
    live = Token.objects.create(user=asha)
    old = Token.objects.create(user=ravi)
    TokenLife.objects.filter(token=old).update(last_used_at=timezone.now() - timedelta(days=40))
    return live, old


def api_status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/customers").status_code


def test_a_manager_sees_each_token_with_its_user_dates_and_only_the_start_of_its_key(manager_client, holders):
    live, old = holders

    response = manager_client.get(TOKENS)

    page = response.content.decode()
    assert response.status_code == 200
    for token in (live, old):
        assert token.user.username in page
        assert f"{token.key[:6]}…" in page
        assert token.key not in page
        assert token.key[:12] not in page
    for column in ("Created", "Last used", "Expires", "Live"):
        assert column in page


def test_the_tokens_page_shows_no_key_either(manager_client, holders):
    live, _ = holders
    life = TokenLife.objects.get(token=live)

    response = manager_client.get(f"{TOKENS}{life.pk}/change/")

    assert response.status_code == 200
    assert live.user.username in response.content.decode()
    assert live.key not in response.content.decode()


def test_a_manager_revokes_a_token_and_its_key_stops_working_at_once(manager_client, holders):
    live, old = holders
    assert api_status(live.key) == 200

    response = manager_client.post(
        TOKENS, {"action": "revoke", "_selected_action": [TokenLife.objects.get(token=live).pk]}, follow=True
    )

    assert response.status_code == 200
    assert "1 token(s) revoked." in response.content.decode()
    assert not Token.objects.filter(pk=live.pk).exists()
    assert api_status(live.key) == 401
    assert Token.objects.filter(pk=old.pk).exists()


def test_deleting_a_token_from_its_page_revokes_it(manager_client, holders):
    live, _ = holders
    life = TokenLife.objects.get(token=live)

    response = manager_client.post(f"{TOKENS}{life.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Token.objects.filter(pk=live.pk).exists()
    assert api_status(live.key) == 401


def test_the_only_bulk_action_is_revoke(manager_client, holders):
    page = manager_client.get(TOKENS).content.decode()

    assert re.findall(r'<option value="(\w+)"', page) == ["revoke"]


def test_a_cashier_neither_sees_nor_revokes_tokens(senior_cashier_client, holders):
    cashier_client = senior_cashier_client  # in the admin through her one manager's permission (pausing)
    live, _ = holders

    listing = cashier_client.get(TOKENS)
    revoking = cashier_client.post(TOKENS, {"action": "revoke", "_selected_action": [live.life.pk]})

    assert listing.status_code == 403
    assert revoking.status_code == 403
    assert Token.objects.filter(pk=live.pk).exists()


def test_drfs_own_token_admin_with_whole_keys_is_not_there(admin_client, holders):
    assert admin_client.get("/admin/authtoken/tokenproxy/").status_code == 404


def test_a_password_set_in_the_admin_revokes_the_users_token(admin_client, holders):
    live, old = holders
    user = live.user

    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": "An0ther-Secret-Pass", "password2": "An0ther-Secret-Pass", "usable_password": "true"},
    )

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    user.refresh_from_db()
    assert user.check_password("An0ther-Secret-Pass")
    assert api_status(live.key) == 401
    assert not Token.objects.filter(user=user).exists()
    assert Token.objects.filter(pk=old.pk).exists()
