"""Consent per customer and channel: the counter's tap, the opt-out link, the derived boolean, the migration."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from customers.consent import ask_words, consent_record, current, stop_url, stop_words
from customers.models import Consent
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def rows(customer):
    return list(
        Consent.objects.filter(customer=customer).order_by("pk").values_list("channel", "status", "how", "by_id")
    )


def test_a_customer_without_any_record_gets_email_and_sms_but_not_whatsapp():
    customer = CustomerFactory()

    assert current(customer) == {"email": None, "sms": None, "whatsapp": None}
    assert customer.reminders_opt_out is False


# --- the counter's one tap -----------------------------------------------------------------------


def test_one_tap_at_the_counter_records_yes_with_the_words_who_and_how(client, cashier):
    customer = CustomerFactory()
    client.force_login(cashier)

    response = client.post("/customers/consent", {"customer_id": customer.pk, "channel": "whatsapp"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-consent-channel="whatsapp" data-consent-state="given"' in html
    assert 'data-consent-channel="sms" data-consent-state="none"' in html
    (row,) = Consent.objects.filter(customer=customer)
    assert (row.channel, row.status, row.how, row.by) == ("whatsapp", "given", "counter", cashier)
    assert row.words == ask_words("whatsapp")
    assert "by WhatsApp? You can stop them at any time" in row.words


def test_a_second_tap_writes_nothing_more(client, cashier):
    customer = CustomerFactory()
    client.force_login(cashier)
    client.post("/customers/consent", {"customer_id": customer.pk, "channel": "sms"})
    client.post("/customers/consent", {"customer_id": customer.pk, "channel": "sms"})

    assert rows(customer) == [("sms", "given", "counter", cashier.pk)]


@pytest.mark.parametrize(
    ("data", "status"),
    [({"channel": "fax"}, 400), ({"channel": ""}, 400), ({"customer_id": "9" * 30, "channel": "sms"}, 404)],
)
def test_a_bad_tap_is_refused_and_writes_nothing(client, cashier, data, status):
    customer = CustomerFactory()
    client.force_login(cashier)

    response = client.post("/customers/consent", {"customer_id": customer.pk, **data})

    assert response.status_code == status
    assert not Consent.objects.exists()


def test_the_tap_needs_a_login_and_a_post(client, cashier):
    customer = CustomerFactory()

    anonymous = client.post("/customers/consent", {"customer_id": customer.pk, "channel": "sms"})
    client.force_login(cashier)
    read = client.get("/customers/consent", {"customer_id": customer.pk, "channel": "sms"})

    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert read.status_code == 405
    assert not Consent.objects.exists()


def test_the_picker_with_a_customer_chosen_offers_a_tap_per_channel_with_the_words(client, cashier):
    customer = CustomerFactory()
    consent_record(customer=customer, channel="email", status="withdrawn", how="link", words=stop_words("email"))
    client.force_login(cashier)

    html = client.get("/customers/picker", {"customer_id": customer.pk}).content.decode()

    assert 'data-consent-channel="email" data-consent-state="withdrawn"' in html
    assert "E-mail (stopped): ask" in html
    assert "SMS (service): ask" in html
    assert 'data-consent-channel="whatsapp" data-consent-state="none"' in html
    assert ask_words("whatsapp") in html
    assert 'hx-post="/customers/consent"' in html


# --- the opt-out link ----------------------------------------------------------------------------


def test_the_opt_out_link_asks_first_and_a_get_changes_nothing(client):
    customer = CustomerFactory()
    path = stop_url(customer, "sms").split("/", 3)[3]

    response = client.get(f"/{path}")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Stop SMS reminders?" in html and stop_words("sms") in html
    assert customer.name not in html  # a forwarded link shows nobody's name
    assert not Consent.objects.exists()


def test_the_opt_out_button_withdraws_without_a_login_or_a_form_token():
    client = Client(enforce_csrf_checks=True)
    customer = CustomerFactory()

    response = client.post("/" + stop_url(customer, "sms").split("/", 3)[3])

    assert response.status_code == 200
    assert "Done: no more SMS reminders" in response.content.decode()
    assert rows(customer) == [("sms", "withdrawn", "link", None)]
    assert Consent.objects.get().words == stop_words("sms")


def test_a_mail_clients_one_click_post_withdraws_the_email_channel(client):
    customer = CustomerFactory()

    response = client.post(
        "/" + stop_url(customer, "email").split("/", 3)[3],
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert rows(customer) == [("email", "withdrawn", "link", None)]


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-2] + "xx", lambda t: "e30:" + t.split(":", 1)[1], lambda t: "abc" + t]
)
def test_a_forged_or_cut_opt_out_link_is_a_plain_404_and_writes_nothing(client, mangle):
    customer = CustomerFactory()
    token = stop_url(customer, "sms").rsplit("/", 1)[1]

    response = client.post(f"/stop/{mangle(token)}")

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert not Consent.objects.exists()


def test_one_customers_link_cannot_stop_another_channel_or_customer(client):
    first, second = CustomerFactory(), CustomerFactory()

    client.post("/" + stop_url(first, "whatsapp").split("/", 3)[3])

    assert rows(first) == [("whatsapp", "withdrawn", "link", None)]
    assert rows(second) == []


# --- the derived boolean ---------------------------------------------------------------------------


@pytest.fixture
def api(manager):
    client = APIClient()
    client.force_authenticate(manager)
    return client


def test_the_api_boolean_reads_and_writes_through_the_consent_records(api, manager):
    customer = CustomerFactory()

    stopped = api.patch(f"/api/customers/{customer.pk}", {"reminders_opt_out": True}, format="json")
    assert stopped.json()["reminders_opt_out"] is True
    assert rows(customer) == [
        ("email", "withdrawn", "api", manager.pk),
        ("sms", "withdrawn", "api", manager.pk),
        ("whatsapp", "withdrawn", "api", manager.pk),
    ]

    again = api.patch(f"/api/customers/{customer.pk}", {"reminders_opt_out": False}, format="json")
    assert again.json()["reminders_opt_out"] is False
    assert rows(customer)[3:] == [("email", "given", "api", manager.pk), ("sms", "given", "api", manager.pk)]
    assert current(customer)["whatsapp"] == "withdrawn"  # WhatsApp needs the customer's own opt-in

    unchanged = api.patch(f"/api/customers/{customer.pk}", {"name": "Asha Rao"}, format="json")
    assert unchanged.json()["reminders_opt_out"] is False
    assert len(rows(customer)) == 5


def test_a_customer_created_opted_out_through_the_api_has_every_channel_withdrawn(api):
    response = api.post(
        "/api/customers", {"name": "Kavya Reddy", "phone": "98450 77120", "reminders_opt_out": True}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["reminders_opt_out"] is True
    assert Consent.objects.filter(status="withdrawn").count() == 3


def test_the_customer_list_reads_the_boolean_without_a_query_per_customer(api, django_assert_max_num_queries):
    for _ in range(5):
        CustomerFactory(reminders_opt_out=True)
    CustomerFactory()

    with django_assert_max_num_queries(6):
        response = api.get("/api/customers")

    assert sorted(row["reminders_opt_out"] for row in response.json()["results"]) == [False] + [True] * 5


def test_the_admin_tick_records_consent_rows_by_the_manager(client):
    manager = UserFactory(username="admin-manager", is_staff=True, groups=["Manager"])
    client.force_login(manager)
    manager_client = client
    customer = CustomerFactory()
    page = manager_client.get(f"/admin/customers/customer/{customer.pk}/change/")
    form = {
        "name": customer.name,
        "phone": customer.phone,
        "email": customer.email,
        "state_code": "29",
        "address": customer.address,
        "reminders_opt_out": "on",
    }
    assert page.status_code == 200

    response = manager_client.post(f"/admin/customers/customer/{customer.pk}/change/", form)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert {row[1:] for row in rows(customer)} == {("withdrawn", "admin", manager.pk)}
    assert (
        "Opt-out link in a message"
        not in manager_client.get(f"/admin/customers/customer/{customer.pk}/change/").content.decode()
    )
