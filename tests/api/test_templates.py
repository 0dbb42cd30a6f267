"""The six template endpoints: /api/prepaid-packages ... /api/kitty-parties."""
from decimal import Decimal

import pytest

from packages.models import KittyParty, Membership, PrepaidPackage, ServicePackage, StudentOffer, YearlyMembership
from tests.factories import (
    AssignmentFactory,
    KittyPartyFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ServiceFactory,
    ServicePackageFactory,
    StudentOfferFactory,
    YearlyMembershipFactory,
)

pytestmark = pytest.mark.django_db

COMMON = {"id", "package_type", "name", "description", "is_active"}
# A validity is in months or in days: both keys are answered, one of them null.
VALIDITY = ("validity_months", "validity_days")
KINDS = {
    "prepaid-packages": (
        PrepaidPackageFactory, "prepaid", {"actual_price", "after_value", "benefit_percent", *VALIDITY},
    ),
    "service-packages": (
        ServicePackageFactory,
        "service_package",
        {"pay_for", "total_services", "free_sessions", "benefit_percent", *VALIDITY},
    ),
    "memberships": (MembershipFactory, "membership", {"price", *VALIDITY, "services_included"}),
    "student-offers": (
        StudentOfferFactory,
        "student_offer",
        {"price", "discount_percentage", "valid_from", "valid_to", "valid_days", "conditions"},
    ),
    "yearly-memberships": (
        YearlyMembershipFactory, "yearly_membership", {"price", "discount_percent", *VALIDITY, "extra_benefits"},
    ),
    "kitty-parties": (
        KittyPartyFactory,
        "kitty_party",
        {"price", "after_value", "benefit_percent", "min_guests", *VALIDITY, "services_included"},
    ),
}


@pytest.mark.parametrize("segment", KINDS)
def test_template_list_answers_the_seed_shape_with_every_field_of_its_kind(cashier_client, segment):
    factory, package_type, fields = KINDS[segment]
    template = factory()

    response = cashier_client.get(f"/api/{segment}")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"success", "packages"}
    assert body["success"] is True
    assert [package["id"] for package in body["packages"]] == [template.pk]
    package = body["packages"][0]
    assert set(package) == COMMON | fields
    assert package["package_type"] == package_type


def test_prepaid_list_shows_amounts_as_two_place_strings_and_the_computed_benefit(cashier_client):
    PrepaidPackageFactory(name="Prepaid 15000", actual_price=Decimal("15000"), after_value=Decimal("17500"))

    package = cashier_client.get("/api/prepaid-packages").json()["packages"][0]

    assert package["actual_price"] == "15000.00"
    assert package["after_value"] == "17500.00"
    assert package["benefit_percent"] == "16.67"
    assert package["validity_months"] == 12


def test_service_package_create_fills_free_sessions_and_benefit_ignoring_what_the_client_sends(manager_client):
    response = manager_client.post(
        "/api/service-packages",
        {"name": "3+1 Facial", "pay_for": 3, "total_services": 4, "free_sessions": 9, "benefit_percent": "99.00"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"success", "package", "packages"}
    assert body["packages"] == [body["package"]]
    package = body["package"]
    assert (package["free_sessions"], package["benefit_percent"]) == (1, "33.33")
    template = ServicePackage.objects.get(pk=package["id"])
    assert (template.free_sessions, template.benefit_percent) == (1, Decimal("33.33"))


def test_membership_create_takes_services_included_as_ids(manager_client, facial):
    response = manager_client.post(
        "/api/memberships",
        {"name": "Gold", "price": "50000.00", "validity_months": 12, "services_included": [facial.pk]},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["package"]["services_included"] == [facial.pk]
    assert list(Membership.objects.get().services_included.all()) == [facial]


def test_kitty_party_create_refuses_an_unknown_service_and_writes_nothing(manager_client):
    response = manager_client.post(
        "/api/kitty-parties",
        {"name": "Kitty", "price": "20000", "after_value": "25000", "min_guests": 10, "services_included": [999]},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False
    assert "services_included" in body["errors"]
    assert not KittyParty.objects.exists()


@pytest.mark.parametrize(
    ("segment", "payload", "field"),
    [
        ("service-packages", {"name": "Bad", "pay_for": 4, "total_services": 4}, "total_services"),
        ("prepaid-packages", {"name": "Bad", "actual_price": "100", "after_value": "90"}, "after_value"),
        (
            "student-offers",
            {"name": "Bad", "discount_percentage": "20", "valid_from": "2026-01-01", "valid_to": "2026-12-31",
             "valid_days": "Mon-Funday"},
            "valid_days",
        ),
        (
            "student-offers",
            {"name": "Bad", "discount_percentage": "20", "valid_from": "2026-12-01", "valid_to": "2026-01-31"},
            "valid_to",
        ),
        ("yearly-memberships", {"name": "Bad", "price": "100000", "discount_percent": "120"}, "discount_percent"),
        ("memberships", {"name": "Bad", "price": "0.00"}, "price"),
        ("kitty-parties", {"name": "Bad", "price": "20000", "after_value": "25000", "min_guests": 0}, "min_guests"),
        ("memberships", {"name": "Empty", "price": "5000.00", "validity_months": 12}, "services_included"),
        ("memberships", {"name": "Empty", "price": "5000.00", "services_included": []}, "services_included"),
        ("kitty-parties", {"name": "Empty", "price": "20000", "after_value": "25000", "services_included": []}, "services_included"),
        ("prepaid-packages", {"name": "Bad", "actual_price": "10.005", "after_value": "20"}, "actual_price"),
    ],
)
def test_template_create_refuses_what_the_model_refuses_and_writes_nothing(manager_client, segment, payload, field):
    model = {
        "service-packages": ServicePackage,
        "prepaid-packages": PrepaidPackage,
        "student-offers": StudentOffer,
        "yearly-memberships": YearlyMembership,
        "memberships": Membership,
        "kitty-parties": KittyParty,
    }[segment]
    if field != "services_included" and segment in ("memberships", "kitty-parties"):
        payload = {**payload, "services_included": [ServiceFactory().pk]}

    response = manager_client.post(f"/api/{segment}", payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"success", "error", "errors"}
    assert field in body["errors"], body
    assert not model.objects.exists()


def test_template_read_one_answers_the_package(cashier_client):
    template = YearlyMembershipFactory(name="Yearly 15%")

    response = cashier_client.get(f"/api/yearly-memberships/{template.pk}")

    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "package": {
            "id": template.pk,
            "package_type": "yearly_membership",
            "name": "Yearly 15%",
            "description": "",
            "is_active": True,
            "price": "100000.00",
            "discount_percent": "15.00",
            "validity_months": 12,
            "validity_days": None,
            "extra_benefits": "Free birthday session",
        },
    }


def test_template_patch_recomputes_the_benefit(manager_client):
    template = PrepaidPackageFactory()

    response = manager_client.patch(f"/api/prepaid-packages/{template.pk}", {"after_value": "18000"}, format="json")

    assert response.status_code == 200
    assert response.json()["package"]["benefit_percent"] == "20.00"
    template.refresh_from_db()
    assert template.after_value.amount == Decimal("18000.00")


def test_template_put_replaces_the_fields(manager_client):
    template = StudentOfferFactory()

    response = manager_client.put(
        f"/api/student-offers/{template.pk}",
        {"name": "Students 25%", "discount_percentage": "25.00", "valid_from": "2026-01-01",
         "valid_to": "2026-12-31", "valid_days": "Mon,Wed,Sat"},
        format="json",
    )

    assert response.status_code == 200
    template.refresh_from_db()
    assert (template.name, template.discount_percentage, template.valid_days) == (
        "Students 25%", Decimal("25.00"), "Mon,Wed,Sat",
    )


def test_template_patch_refused_by_clean_leaves_the_template_unchanged(manager_client):
    template = ServicePackageFactory()

    response = manager_client.patch(f"/api/service-packages/{template.pk}", {"pay_for": 7}, format="json")

    assert response.status_code == 400
    assert "total_services" in response.json()["errors"]
    template.refresh_from_db()
    assert template.pay_for == 3


def test_template_delete_of_a_never_sold_template_deletes_it_as_the_admin_does(manager_client):
    template = MembershipFactory()

    response = manager_client.delete(f"/api/memberships/{template.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["deleted"] is True
    assert body["package"]["id"] == template.pk and body["package"]["is_active"] is False
    assert not Membership.objects.filter(pk=template.pk).exists()


def test_template_delete_of_a_sold_template_only_withdraws_it_from_sale(manager_client):
    template = MembershipFactory()
    sold = AssignmentFactory(template=template)

    response = manager_client.delete(f"/api/memberships/{template.pk}")

    assert response.status_code == 200
    assert response.json()["deleted"] is False and response.json()["package"]["is_active"] is False
    template.refresh_from_db()
    assert template.is_active is False
    assert sold.template == template  # the package sold still reads its terms


def test_template_list_filters_on_is_active(cashier_client):
    active = PrepaidPackageFactory()
    PrepaidPackageFactory(is_active=False)

    body = cashier_client.get("/api/prepaid-packages?is_active=true").json()

    assert [package["id"] for package in body["packages"]] == [active.pk]


def test_template_unknown_id_answers_404_in_the_error_shape(cashier_client):
    response = cashier_client.get("/api/kitty-parties/987654")

    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "No KittyParty matches the given query.", "errors": {}}


def test_cashier_cannot_create_a_template(cashier_client):
    response = cashier_client.post("/api/service-packages", {"name": "3+1", "pay_for": 3, "total_services": 4})

    assert response.status_code == 403
    assert response.json()["success"] is False
    assert not ServicePackage.objects.exists()


def test_template_whose_computed_benefit_would_not_fit_is_refused(manager_client):
    response = manager_client.post(
        "/api/service-packages", {"name": "1+9998", "pay_for": 1, "total_services": 9999}, format="json"
    )

    assert response.status_code == 400
    assert "total_services" in response.json()["errors"]
    assert not ServicePackage.objects.exists()


@pytest.mark.parametrize(
    "segment", ["prepaid-packages", "service-packages", "memberships", "yearly-memberships", "kitty-parties"]
)
def test_template_validity_is_refused_outside_1_to_600_months(manager_client, segment):
    factory = KINDS[segment][0]
    payload = dict(VALID_PAYLOADS[segment])
    if segment in ("memberships", "kitty-parties"):
        payload["services_included"] = [ServiceFactory().pk]

    for months in (0, 601, 99999):
        response = manager_client.post(f"/api/{segment}", {**payload, "validity_months": months}, format="json")
        assert response.status_code == 400, months
        assert "validity_months" in response.json()["errors"]
    assert not factory._meta.model.objects.exists()
    assert manager_client.post(f"/api/{segment}", {**payload, "validity_months": 600}, format="json").status_code == 201


VALID_PAYLOADS = {
    "prepaid-packages": {"name": "P", "actual_price": "100.00", "after_value": "120.00"},
    "service-packages": {"name": "S", "pay_for": 3, "total_services": 4},
    "memberships": {"name": "M", "price": "100.00"},
    "yearly-memberships": {"name": "Y", "price": "100.00", "discount_percent": "10.00"},
    "kitty-parties": {"name": "K", "price": "100.00", "after_value": "120.00", "min_guests": 2},
}
