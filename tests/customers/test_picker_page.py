"""The customer picker's server side: search, pick, clear and the inline "new customer" form."""
import json

import pytest

from customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def priya(db):
    return CustomerFactory(name="Priya Sharma", phone="+919845012345")


def test_search_understands_a_spaced_phone_indian_digits_and_surnames(client, cashier, priya):
    CustomerFactory(name="Asha Rao", phone="+919886011111")
    client.force_login(cashier)

    for query in ["98450 12345", "९८४५० १२३४५", "sharma"]:
        html = client.get("/customers/search", {"q": query}, **HTMX).content.decode()
        assert "Priya Sharma" in html and "+91 98450 12345" in html, query
        assert "Asha Rao" not in html, query


def test_search_says_when_nothing_matches_and_waits_for_two_characters(client, cashier, priya):
    client.force_login(cashier)

    none = client.get("/customers/search", {"q": "zz"}, **HTMX).content.decode()
    short = client.get("/customers/search", {"q": "p"}, **HTMX).content.decode()

    assert "No customer matches “zz”. Add a new one." in none
    assert "Priya" not in short and "No customer matches" not in short


def test_picking_shows_the_customer_keeps_the_hidden_id_and_announces_it(client, cashier, priya):
    client.force_login(cashier)

    response = client.get("/customers/picker", {"customer_id": priya.pk}, **HTMX)

    html = response.content.decode()
    assert "Priya Sharma" in html and "+91 98450 12345" in html and ">Change</button>" in html
    assert f'<input type="hidden" name="customer_id" value="{priya.pk}">' in html
    assert json.loads(response["HX-Trigger-After-Settle"])["customer-picked"]["id"] == priya.pk


def test_change_clears_the_customer_and_announces_id_null(client, cashier):
    client.force_login(cashier)

    response = client.get("/customers/picker", **HTMX)

    assert '<input type="hidden" name="customer_id" value="">' in response.content.decode()
    assert json.loads(response["HX-Trigger-After-Settle"])["customer-picked"]["id"] is None


def test_a_new_customer_is_registered_and_chosen(client, cashier):
    client.force_login(cashier)

    response = client.post(
        "/customers/new", {"new-customer-name": "Meera Iyer", "new-customer-phone": "98860 11111"}, **HTMX
    )

    meera = Customer.objects.get(name="Meera Iyer")
    assert meera.phone == "+919886011111"
    assert f'name="customer_id" value="{meera.pk}"' in response.content.decode()
    assert json.loads(response["HX-Trigger-After-Settle"])["customer-picked"]["id"] == meera.pk


def test_a_phone_that_belongs_to_a_customer_offers_that_customer(client, cashier, priya):
    client.force_login(cashier)

    html = client.post(
        "/customers/new", {"new-customer-name": "Someone Else", "new-customer-phone": "98450 12345"}, **HTMX
    ).content.decode()

    assert "This phone belongs to Priya Sharma: use that customer?" in html
    assert html.count("This phone belongs to Priya Sharma") == 1
    assert f'hx-get="/customers/picker?customer_id={priya.pk}"' in html and "Use Priya Sharma" in html
    assert "Customer with this Phone already exists." not in html
    assert not Customer.objects.filter(name="Someone Else").exists()


def test_the_new_customer_errors_name_their_field(client, cashier):
    client.force_login(cashier)

    html = client.post("/customers/new", {"new-customer-name": "", "new-customer-phone": "12"}, **HTMX).content.decode()

    assert "Name is needed: type the customer&#x27;s name." in html
    assert "Phone must be a mobile number like 98450 12345." in html
    assert "This field is required." not in html
    assert 'placeholder="98450 12345"' not in html


def test_the_picker_needs_a_user_who_may_see_customers(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nobody"))

    assert client.get("/customers/search", {"q": "pr"}).status_code == 403
    assert client.post("/customers/new", {}).status_code == 403
