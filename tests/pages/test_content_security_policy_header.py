"""Every page carries the Content-Security-Policy; Swagger UI's inline blocks carry its nonce."""
import re

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def policy_of(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/login", "/admin/login/", "/api/customers", "/receipts/1"])
def test_pages_and_answers_carry_the_policy(path):
    policy = policy_of(Client().get(path))

    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
    assert "'unsafe-eval'" not in policy["script-src"]


def test_swagger_ui_inline_blocks_carry_the_nonce_of_the_policy(db):
    client = Client()
    client.force_login(UserFactory(username="priya", groups=["Manager"]))

    response = client.get("/api/docs/")

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    assert html.count(f'nonce="{nonce}"') == 2
    assert "<script>" not in html and "<style>" not in html


def test_a_page_without_inline_blocks_gets_no_nonce(db):
    response = Client().get("/login")

    assert "nonce-" not in response["Content-Security-Policy"]
