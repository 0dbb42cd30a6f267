"""The counter's "Send my packages" queues an SMS with the link to the customer being billed."""
import pytest

from customers.links import customer_for_token

pytestmark = pytest.mark.django_db


def test_send_my_packages_queues_the_link_for_the_customer_at_the_counter(
    client, cashier, asha, gateway, run_worker, post
):
    client.force_login(cashier)
    page = client.get(f"/integrated-billing?customer_id={asha.pk}")
    assert 'data-testid="send-my-packages"' in page.content.decode()
    response = post(client, "/integrated-billing/send-link", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode() == "Link to their packages sent by SMS to +91 98450 12345."
    assert gateway.requests == []  # the request only queued it
    run_worker()
    (sms,) = gateway.requests
    assert sms["body"]["to"] == "+919845012345"
    url = sms["body"]["text"].split(": ", 2)[2].split(" ")[0]
    assert customer_for_token(url.rsplit("/", 1)[1]) == asha


def test_send_my_packages_needs_a_customer_and_a_cashier(client, cashier, db, post):
    assert post(client, "/integrated-billing/send-link").status_code == 302  # to the login page
    client.force_login(cashier)
    response = post(client, "/integrated-billing/send-link", HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and response.content.decode() == "Choose a customer first."
