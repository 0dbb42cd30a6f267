"""Package templates of all six kinds: computed figures and refusals, in the model and in the admin form."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from packages.models import (
    MAX_VALIDITY_MONTHS,
    MIN_VALIDITY_MONTHS,
    KittyParty,
    Membership,
    PrepaidPackage,
    ServicePackage,
    StudentOffer,
    YearlyMembership,
)
from tests.factories import ServiceFactory, UserFactory, inr

pytestmark = pytest.mark.django_db

TODAY = date.today()

VALID = {
    PrepaidPackage: {"name": "Prepaid", "actual_price": inr("15000"), "after_value": inr("17500"), "validity_months": 12},
    ServicePackage: {"name": "3+1", "pay_for": 3, "total_services": 4, "validity_months": 6},
    Membership: {"name": "Gold", "price": inr("50000"), "validity_months": 12},
    StudentOffer: {
        "name": "Student",
        "price": inr("0"),
        "discount_percentage": Decimal("20"),
        "valid_from": TODAY,
        "valid_to": TODAY + timedelta(days=200),
        "valid_days": "Mon-Fri",
    },
    YearlyMembership: {"name": "Yearly", "price": inr("100000"), "discount_percent": Decimal("15"), "validity_months": 12},
    KittyParty: {"name": "Kitty", "price": inr("20000"), "after_value": inr("25000"), "min_guests": 10, "validity_months": 3},
}


def template(model, **changes):
    return model(**{**VALID[model], **changes})


@pytest.mark.parametrize("model", list(VALID), ids=lambda model: model.__name__)
def test_the_seed_example_of_every_kind_is_valid_and_saves(model):
    instance = template(model)

    instance.full_clean()
    instance.save()

    assert model.objects.filter(pk=instance.pk).exists()


def test_a_3_plus_1_service_package_gets_one_free_session_and_33_33_percent():
    package = template(ServicePackage)

    package.full_clean()

    assert package.free_sessions == 1
    assert package.benefit_percent == Decimal("33.33")


def test_a_15000_prepaid_worth_17500_is_a_16_67_percent_benefit():
    package = template(PrepaidPackage)
    package.save()

    package.refresh_from_db()
    assert package.benefit_percent == Decimal("16.67")


def test_a_20000_kitty_party_worth_25000_is_a_25_percent_benefit():
    party = template(KittyParty)
    party.save()

    party.refresh_from_db()
    assert party.benefit_percent == Decimal("25.00")


def test_computed_figures_follow_an_edit_of_the_template():
    package = template(ServicePackage)
    package.save()

    package.pay_for, package.total_services = 5, 7
    package.save()

    package.refresh_from_db()
    assert (package.free_sessions, package.benefit_percent) == (2, Decimal("40.00"))


VALIDITY_KINDS = [PrepaidPackage, ServicePackage, Membership, YearlyMembership, KittyParty]

REFUSALS = [
    (PrepaidPackage, {"after_value": inr("14999")}, "after_value"),
    (PrepaidPackage, {"actual_price": inr("0")}, "actual_price"),
    (PrepaidPackage, {"validity_months": 0}, "validity_months"),
    (ServicePackage, {"pay_for": 4, "total_services": 4}, "total_services"),
    (ServicePackage, {"pay_for": 5, "total_services": 4}, "total_services"),
    (ServicePackage, {"pay_for": 0}, "pay_for"),
    (ServicePackage, {"validity_months": 0}, "validity_months"),
    (Membership, {"price": inr("0")}, "price"),
    (Membership, {"validity_months": 0}, "validity_months"),
    (StudentOffer, {"discount_percentage": Decimal("0")}, "discount_percentage"),
    (StudentOffer, {"discount_percentage": Decimal("100.01")}, "discount_percentage"),
    (StudentOffer, {"valid_to": TODAY - timedelta(days=1)}, "valid_to"),
    (StudentOffer, {"valid_days": "Mon-Funday"}, "valid_days"),
    (StudentOffer, {"valid_days": "Mon,Holiday"}, "valid_days"),
    (StudentOffer, {"price": inr("-1")}, "price"),
    (YearlyMembership, {"discount_percent": Decimal("0")}, "discount_percent"),
    (YearlyMembership, {"discount_percent": Decimal("120")}, "discount_percent"),
    (YearlyMembership, {"price": inr("-100")}, "price"),
    (KittyParty, {"min_guests": 0}, "min_guests"),
    (KittyParty, {"after_value": inr("19999")}, "after_value"),
    (KittyParty, {"price": inr("0"), "after_value": inr("0")}, "price"),
    (KittyParty, {"validity_months": 0}, "validity_months"),
    *[(model, {"validity_months": MAX_VALIDITY_MONTHS + 1}, "validity_months") for model in VALIDITY_KINDS],
    *[(model, {"validity_months": 99999}, "validity_months") for model in VALIDITY_KINDS],
]


@pytest.mark.parametrize(
    ("model", "changes", "field"), REFUSALS, ids=[f"{m.__name__}-{f}-{i}" for i, (m, _, f) in enumerate(REFUSALS)]
)
def test_full_clean_refuses_nonsense_on_the_field_at_fault(model, changes, field):
    with pytest.raises(ValidationError) as excinfo:
        template(model, **changes).full_clean()

    assert field in excinfo.value.message_dict


@pytest.mark.parametrize("model", VALIDITY_KINDS, ids=lambda model: model.__name__)
def test_validity_from_1_to_600_months_is_allowed_and_600_expires_50_years_on(model):
    for months in (MIN_VALIDITY_MONTHS, MAX_VALIDITY_MONTHS):
        template(model, validity_months=months).full_clean()

    longest = template(model, validity_months=MAX_VALIDITY_MONTHS)
    assert longest.default_expiry(date(2026, 2, 28)) == date(2076, 2, 28)


@pytest.mark.parametrize("model", VALIDITY_KINDS, ids=lambda model: model.__name__)
def test_the_database_refuses_a_validity_beyond_600_months(model):
    with pytest.raises(IntegrityError), transaction.atomic():
        template(model, validity_months=MAX_VALIDITY_MONTHS + 1).save()


def test_a_full_discount_of_100_percent_is_allowed():
    template(StudentOffer, discount_percentage=Decimal("100")).full_clean()
    template(YearlyMembership, discount_percent=Decimal("100")).full_clean()


# --- the same rules through the admin form a manager uses --------------------------------------


def money(name, amount):
    return {f"{name}_0": amount, f"{name}_1": "INR"}


ADMIN_POSTS = {
    "prepaidpackage": {"name": "Prepaid", **money("actual_price", "15000"), **money("after_value", "17500"), "validity_months": "12"},
    "servicepackage": {"name": "3+1", "pay_for": "3", "total_services": "4", "validity_months": "6"},
    "membership": {"name": "Gold", **money("price", "50000"), "validity_months": "12"},
    "studentoffer": {
        "name": "Student",
        **money("price", "0"),
        "discount_percentage": "20",
        "valid_from": TODAY.isoformat(),
        "valid_to": (TODAY + timedelta(days=200)).isoformat(),
        "valid_days": "Mon-Fri",
    },
    "yearlymembership": {"name": "Yearly", **money("price", "100000"), "discount_percent": "15", "validity_months": "12"},
    "kittyparty": {"name": "Kitty", **money("price", "20000"), **money("after_value", "25000"), "min_guests": "10", "validity_months": "3"},
}

ADMIN_REFUSALS = [
    ("prepaidpackage", {"after_value_0": "14000"}, "after_value"),
    ("servicepackage", {"pay_for": "4", "total_services": "4"}, "total_services"),
    ("membership", {"price_0": "0"}, "price"),
    ("studentoffer", {"discount_percentage": "0"}, "discount_percentage"),
    ("studentoffer", {"valid_to": (TODAY - timedelta(days=1)).isoformat()}, "valid_to"),
    ("studentoffer", {"valid_days": "Someday"}, "valid_days"),
    ("yearlymembership", {"discount_percent": "101"}, "discount_percent"),
    ("kittyparty", {"min_guests": "0"}, "min_guests"),
    ("kittyparty", {"validity_months": "0"}, "validity_months"),
    *[
        (name, {"validity_months": months}, "validity_months")
        for name in ("prepaidpackage", "servicepackage", "membership", "yearlymembership", "kittyparty")
        for months in ("601", "99999")
    ],
]


def admin_post(model_name):
    """The admin's add form data of a kind; a membership or kitty party includes a service."""
    data = dict(ADMIN_POSTS[model_name])
    if model_name in ("membership", "kittyparty"):
        data["services_included"] = [str(ServiceFactory().pk)]
    return data


@pytest.mark.parametrize("model_name", ["membership", "kittyparty"])
def test_the_admin_add_form_refuses_a_template_with_no_included_service(manager_client, model_name):
    data = {**ADMIN_POSTS[model_name], "is_active": "on"}

    response = manager_client.post(f"/admin/packages/{model_name}/add/", data)

    assert response.status_code == 200
    assert "services_included" in response.context["adminform"].form.errors
    assert not response.context["adminform"].form._meta.model.objects.exists()


@pytest.fixture
def manager_client(client):
    user = UserFactory(username="admin-manager", is_staff=True, groups=["Manager"])
    client.force_login(user)
    return client


@pytest.mark.parametrize(("model_name", "changes", "field"), ADMIN_REFUSALS)
def test_the_admin_add_form_refuses_nonsense_and_saves_nothing(manager_client, model_name, changes, field):
    data = {**admin_post(model_name), "is_active": "on", **changes}

    response = manager_client.post(f"/admin/packages/{model_name}/add/", data)

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    model = response.context["adminform"].form._meta.model
    assert not model.objects.exists()


@pytest.mark.parametrize("model_name", list(ADMIN_POSTS))
def test_the_admin_add_form_saves_every_kind(manager_client, model_name):
    response = manager_client.post(f"/admin/packages/{model_name}/add/", {**admin_post(model_name), "is_active": "on"})

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""


def test_computed_figures_cannot_be_typed_into_the_admin_form(manager_client):
    data = {**ADMIN_POSTS["servicepackage"], "is_active": "on", "free_sessions": "9", "benefit_percent": "99"}

    manager_client.post("/admin/packages/servicepackage/add/", data)

    package = ServicePackage.objects.get()
    assert (package.free_sessions, package.benefit_percent) == (1, Decimal("33.33"))


@pytest.mark.parametrize(
    ("model", "changes", "field"),
    [
        (ServicePackage, {"pay_for": 1, "total_services": 9999}, "total_services"),
        (PrepaidPackage, {"actual_price": inr("1"), "after_value": inr("1000")}, "after_value"),
        (KittyParty, {"price": inr("1"), "after_value": inr("1000")}, "after_value"),
    ],
)
def test_full_clean_refuses_figures_whose_computed_benefit_would_not_fit(model, changes, field):
    instance = template(model, **changes)

    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()

    assert field in excinfo.value.message_dict


def test_the_admin_form_puts_a_benefit_too_large_on_total_sessions(manager_client):
    data = {**ADMIN_POSTS["servicepackage"], "is_active": "on", "pay_for": "1", "total_services": "9999"}

    response = manager_client.post("/admin/packages/servicepackage/add/", data)

    assert response.status_code == 200
    assert "total_services" in response.context["adminform"].form.errors
    assert not ServicePackage.objects.exists()


# --- validity in months or in days ------------------------------------------------------------

VALIDITY_MODELS = [PrepaidPackage, ServicePackage, Membership, YearlyMembership, KittyParty]


@pytest.mark.parametrize("model", VALIDITY_MODELS, ids=lambda model: model.__name__)
def test_a_validity_in_days_gives_the_default_expiry_that_many_days_on(model):
    instance = template(model, validity_months=None, validity_days=60)

    instance.full_clean()
    instance.save()

    assert instance.default_expiry(date(2026, 1, 31)) == date(2026, 4, 1)
    assert instance.validity_text == "60 days"
    assert template(model, validity_months=1).validity_text == "1 month"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"validity_months": 2, "validity_days": 60}, "validity_days"),
        ({"validity_months": None, "validity_days": None}, "validity_months"),
        ({"validity_months": None, "validity_days": 0}, "validity_days"),
        ({"validity_months": None, "validity_days": 18263}, "validity_days"),
    ],
)
def test_full_clean_wants_the_validity_in_one_unit_within_fifty_years(changes, field):
    with pytest.raises(ValidationError) as excinfo:
        template(KittyParty, **changes).full_clean()

    assert field in excinfo.value.message_dict


@pytest.mark.parametrize(
    "changes",
    [
        {"validity_months": 2, "validity_days": 60},
        {"validity_months": None, "validity_days": None},
        {"validity_months": None, "validity_days": 18263},
    ],
)
def test_the_database_refuses_a_validity_not_in_exactly_one_unit(changes):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        template(Membership, **changes).save()


def test_the_admin_add_form_takes_days_in_place_of_the_months_it_shows(manager_client):
    data = {**ADMIN_POSTS["servicepackage"], "is_active": "on", "validity_days": "60"}

    response = manager_client.post("/admin/packages/servicepackage/add/", data)

    assert response.status_code == 302
    package = ServicePackage.objects.get()
    assert (package.validity_months, package.validity_days) == (None, 60)
    assert "60 days" in manager_client.get("/admin/packages/servicepackage/").content.decode()


def test_the_admin_change_form_refuses_a_validity_changed_in_both_units(manager_client):
    package = template(ServicePackage)
    package.save()
    data = {**ADMIN_POSTS["servicepackage"], "is_active": "on", "validity_months": "2", "validity_days": "60"}

    response = manager_client.post(f"/admin/packages/servicepackage/{package.pk}/change/", data)

    assert response.status_code == 200
    assert "validity_days" in response.context["adminform"].form.errors
    package.refresh_from_db()
    assert (package.validity_months, package.validity_days) == (6, None)
