"""The attack's reproductions of issue 21 item 8, one by one: each is a form or JSON error, never a 500."""
import pytest
from django.test import Client

from branches.models import Branch
from packages.models import YearlyMembership
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def manager_client(manager):
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    return client


@pytest.mark.parametrize("discount", ["-1", "10.005"])
def test_a_discount_percent_of_minus_1_or_10_005_on_packages_is_a_form_error(manager_client, discount):
    response = manager_client.post("/packages/new/yearly_membership", {
        "name": "Gold Year", "price": "12000", "discount_percent": discount, "validity": "12",
        "validity_unit": "validity_months",
    }, **HX)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Discount cannot be negative." in page or "Discount can have at most 2 digits after the point." in page
    assert not YearlyMembership.objects.exists()


def test_an_included_service_id_beyond_any_key_is_a_form_error(manager_client, facial):
    response = manager_client.post("/packages/new/membership", {
        "name": "Spa Club", "price": "5000", "services_included": "9" * 30, "validity": "12",
        "validity_unit": "validity_months",
    }, **HX)

    assert response.status_code == 200
    assert "Included services: choose from the services listed." in response.content.decode()


def test_the_reports_page_with_year_1_shows_the_date_error_and_the_default_period(manager_client):
    response = manager_client.get("/reports", {"tab": "package-sales", "date_from": "01-01-0001", "date_to": "31-12-9999"})

    assert response.status_code == 200
    assert "Dates run from 01-01-2000 to 31-12-2099." in response.content.decode()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_day_close_tab_with_year_1_or_9999_shows_the_date_error(manager_client, day):
    response = manager_client.get("/reports", {"tab": "day-close", "day": day})

    assert response.status_code == 200
    assert "Dates run from 01-01-2000 to 31-12-2099." in response.content.decode()


@pytest.mark.parametrize(("query", "field"), [
    ("/api/reports/day-close?date=9999-12-31", "date"),
    ("/api/reports/redemptions?from=0001-01-01&to=9999-12-31", "from"),
    ("/api/reports/package-sales?from=2026-01-01&to=9999-12-31", "to"),
    ("/api/reports/liability?as_of=0001-01-01", "as_of"),
    ("/api/reports/breakage?from=0001-01-01&to=2026-01-31", "from"),
])
def test_a_report_date_outside_2000_to_2099_is_a_400_naming_it(manager_client, query, field):
    response = manager_client.get(query)

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["success"] is False
    assert body["errors"][field] == ["Dates run from 01-01-2000 to 31-12-2099."]


def test_a_nul_in_the_customer_search_finds_no_one_without_a_server_error(manager_client):
    CustomerFactory(name="Asha Rao")

    response = manager_client.get("/customers/search", {"q": "As\x00ha"}, **HX)

    assert response.status_code == 200
    assert "Asha Rao" not in response.content.decode()


def test_a_nul_in_the_api_customer_search_finds_no_one(manager_client):
    CustomerFactory(name="Asha Rao")

    response = manager_client.get("/api/customers", {"search": "As\x00ha"})

    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["results"] == []


def test_a_nul_in_the_counters_issue_key_is_refused_without_a_server_error(manager_client, customer, facial):
    manager_client.post("/integrated-billing/cart", {"action": "customer", "customer": customer.pk}, **HX)
    manager_client.post("/integrated-billing/cart", {"action": "add-service", "add_service": facial.pk}, **HX)

    response = manager_client.post("/integrated-billing/issue", {"key": "ab\x00cd", "pay-0-method": "cash"}, **HX)

    assert response.status_code == 400
    assert "Invoice" not in response.content.decode().split("data-summary-state")[1][:200]


@pytest.mark.parametrize("next_page", ["-1", "ab\x00cd", "NaN"])
def test_the_branch_pick_with_a_next_that_is_no_path_goes_home(manager_client, manager, next_page):
    branch = Branch.objects.first()

    response = manager_client.post("/branch", {"branch": branch.pk, "next": next_page})

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("customer_id", ["²", "9" * 30])
def test_a_customer_id_that_is_no_id_opens_the_sale_page_without_a_customer(manager_client, customer_id):
    response = manager_client.get("/assign-packages", {"customer_id": customer_id})

    assert response.status_code == 200


def test_a_customer_id_that_int_cannot_read_chooses_no_one_at_the_counter(manager_client, customer):
    response = manager_client.post("/integrated-billing/cart", {"action": "customer", "customer": "²"}, **HX)

    assert response.status_code == 200
    assert manager_client.session["counter_cart"]["customer_id"] is None
