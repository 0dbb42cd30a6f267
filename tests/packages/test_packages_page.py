"""/packages through the HTTP client: the create forms are Django forms checked by the model."""
import re
from decimal import Decimal

import pytest

from packages.models import MAX_VALIDITY_MONTHS, KittyParty, Membership, ServicePackage, StudentOffer
from tests.factories import MembershipFactory, ServiceFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_manager_creates_a_service_package_and_gets_the_list_back(client, manager):
    client.force_login(manager)

    html = client.post(
        "/packages/new/service_package",
        {"name": "5+1 Massage", "pay_for": "5", "total_services": "6", "validity": "6", "validity_unit": "validity_months"},
        **HTMX,
    ).content.decode()

    package = ServicePackage.objects.get()
    assert (package.free_sessions, package.benefit_percent, package.validity_months) == (1, Decimal("20.00"), 6)
    assert "Template “5+1 Massage” created." in html and "5+1 Massage" in html
    assert 'id="count-service_package" hx-swap-oob="true">1<' in html


def test_a_validity_in_days_is_stored_as_days(client, manager, facial):
    client.force_login(manager)

    client.post(
        "/packages/new/membership",
        {"name": "Glow 60 days", "price": "5000", "validity": "60", "validity_unit": "validity_days",
         "services_included": [facial.pk]},
        **HTMX,
    )

    membership = Membership.objects.get()
    assert (membership.validity_months, membership.validity_days) == (None, 60)


def test_a_validity_beyond_the_longest_is_refused(client, manager):
    client.force_login(manager)

    html = client.post(
        "/packages/new/membership",
        {"name": "Forever", "price": "5000", "validity": str(MAX_VALIDITY_MONTHS + 1), "validity_unit": "validity_months"},
        **HTMX,
    ).content.decode()

    assert f"Validity must be at most {MAX_VALIDITY_MONTHS} months." in html
    assert not Membership.objects.exists()


def test_the_model_refusal_sits_on_its_field_once(client, manager):
    client.force_login(manager)

    html = client.post(
        "/packages/new/service_package", {"name": "Nonsense", "pay_for": "4", "total_services": "4"}, **HTMX
    ).content.decode()

    error = re.search(r'id="id_service_package_total_services_error">([^<]*)<', html)
    assert error and "more than the sessions paid for" in error[1]
    assert html.count(error[1]) == 1
    assert not ServicePackage.objects.exists()


def test_errors_name_their_field_in_the_page_words(client, manager):
    client.force_login(manager)

    html = client.post(
        "/packages/new/prepaid", {"name": "", "actual_price": "abc", "after_value": ""}, **HTMX
    ).content.decode()

    assert "Name is needed." in html
    assert "Price paid must be a number, like 15000 or 15000.50." in html
    assert "Credit value is needed." in html
    assert "This field is required." not in html and "Enter a number." not in html


def test_student_offer_dates_read_day_month_year(client, manager):
    client.force_login(manager)

    client.post(
        "/packages/new/student_offer",
        {"name": "Student 20%", "discount_percentage": "20", "price": "0", "valid_from": "01-01-2026",
         "valid_to": "31-12-2030", "valid_days": "Mon-Fri"},
        **HTMX,
    )

    offer = StudentOffer.objects.get()
    assert (offer.valid_from.isoformat(), offer.valid_to.isoformat()) == ("2026-01-01", "2030-12-31")


def test_a_kitty_party_keeps_its_included_services(client, manager):
    facial = ServiceFactory(name="Hydrating Facial")
    client.force_login(manager)

    client.post(
        "/packages/new/kitty_party",
        {"name": "Kitty 20,000", "price": "20000", "after_value": "25000", "min_guests": "10", "validity": "3",
         "validity_unit": "validity_months", "services_included": [facial.pk]},
        **HTMX,
    )

    kitty = KittyParty.objects.get()
    assert kitty.benefit_percent == Decimal("25.00") and list(kitty.services_included.all()) == [facial]


def test_the_forms_have_no_placeholders_that_look_like_typed_values(client, manager):
    client.force_login(manager)

    html = client.get("/packages").content.decode()

    assert re.findall(r'placeholder="[\d.,]+"', html) == []
    for kind in ["prepaid", "service_package", "membership", "student_offer", "yearly_membership", "kitty_party"]:
        assert f'class="template-form" data-kind="{kind}"' in html
    assert len(re.findall(r'<input type="radio" name="validity_unit" value="validity_days"', html)) == 5


def test_the_computed_figures_come_back_as_a_partial_for_the_page(client, manager):
    client.force_login(manager)

    html = client.get(
        "/packages/computed", {"package_type": "prepaid", "actual_price": "15000", "after_value": "17500"}, **HTMX
    ).content.decode()

    assert '<strong data-computed="benefit_percent">16.67%</strong>' in html


def test_a_cashier_cannot_create_a_template(client, cashier):
    client.force_login(cashier)

    response = client.post("/packages/new/membership", {"name": "Sneaky", "price": "1"}, **HTMX)

    assert response.status_code == 403 and not Membership.objects.exists()


def test_packages_page_shows_a_validity_in_days(client, manager):
    MembershipFactory(name="Glow 60 days", validity_months=None, validity_days=60)
    client.force_login(manager)

    assert "60 days" in client.get("/packages").content.decode()


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("membership", {"name": "Empty Gold", "price": "5000"}),
        ("kitty_party", {"name": "Empty Kitty", "price": "20000", "after_value": "25000", "min_guests": "10"}),
    ],
)
def test_a_template_with_no_included_service_is_refused_on_the_page(client, manager, kind, data):
    client.force_login(manager)

    html = client.post(
        f"/packages/new/{kind}", {**data, "validity": "3", "validity_unit": "validity_months"}, **HTMX
    ).content.decode()

    assert "Included services is needed." in html
    assert not Membership.objects.exists() and not KittyParty.objects.exists()


def test_an_empty_validity_is_refused_and_the_help_promises_no_never_expiring_package(client, manager, facial):
    client.force_login(manager)

    html = client.post(
        "/packages/new/membership",
        {"name": "Forever Gold", "price": "5000", "validity": "", "validity_unit": "validity_months",
         "services_included": [facial.pk]},
        **HTMX,
    ).content.decode()

    assert "Give the validity in months or in days." in html
    assert "never expires" not in html
    assert not Membership.objects.exists()
    assert "never expires" not in client.get("/packages").content.decode()
