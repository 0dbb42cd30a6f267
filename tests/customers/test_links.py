"""The customer's own link names no id, expires, and ends when the key is rotated."""
import time

import pytest
from django.core import signing

from customers.links import LinkExpired, LinkInvalid, customer_for_token, page_key_rotate, page_token, page_url
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_link_finds_its_customer_and_shows_no_id(settings):
    settings.SITE_URL = "https://spa.example.in/"
    customer = CustomerFactory()
    token = page_token(customer)
    assert customer_for_token(token) == customer
    assert token.split(":")[0] == customer.page_key != str(customer.pk)  # a random key, not the id
    assert page_url(customer) == f"https://spa.example.in/my/{token}"


def test_another_customers_key_under_a_forged_signature_is_refused():
    asha, meera = CustomerFactory(), CustomerFactory()
    token = page_token(asha)
    forged = meera.page_key + token[len(asha.page_key):]
    with pytest.raises(LinkInvalid):
        customer_for_token(forged)
    with pytest.raises(LinkInvalid):
        customer_for_token("not-a-token")


def test_an_old_link_is_expired_but_still_names_who_it_was_for(settings):
    customer = CustomerFactory()
    signer = signing.TimestampSigner(salt="customers.page-link")
    old = signer.sign(customer.page_key)
    settings.CUSTOMER_LINK_DAYS = 0
    time.sleep(1.1)
    with pytest.raises(LinkExpired) as caught:
        customer_for_token(old)
    assert caught.value.customer == customer


def test_rotating_the_key_ends_every_earlier_link():
    customer = CustomerFactory()
    token = page_token(customer)
    page_key_rotate(customer)
    with pytest.raises(LinkInvalid):
        customer_for_token(token)
    assert customer_for_token(page_token(customer)) == customer


def test_a_customer_written_without_a_key_gets_one_at_the_first_link():
    customer = CustomerFactory()
    type(customer).objects.filter(pk=customer.pk).update(page_key=None)
    customer.refresh_from_db()
    assert customer_for_token(page_token(customer)) == customer
    assert customer.page_key
