"""Template bodies: a validity in days (the seed's "Validity: 60 days"), and unknown fields refused, not dropped."""
from datetime import timedelta

import pytest
from django.utils import timezone

from packages.models import (
    KittyParty,
    Membership,
    PackageAssignment,
    PrepaidPackage,
    ServicePackage,
    StudentOffer,
    YearlyMembership,
)
from tests.factories import PrepaidPackageFactory, ServiceFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db
# A membership and a kitty party include at least one service: this one, made for every test.
INCLUDED = 9001


@pytest.fixture(autouse=True)
def included_service(db):
    return ServiceFactory(pk=INCLUDED)


# A valid body of each kind that has a validity, without the validity.
BODIES = {
    "prepaid-packages": (PrepaidPackage, {"name": "Prepaid 15,000", "actual_price": "15000.00", "after_value": "17500.00"}),
    "service-packages": (ServicePackage, {"name": "3+1 Facial Package", "pay_for": 3, "total_services": 4}),
    "memberships": (Membership, {"name": "Gold", "price": "50000.00", "services_included": [INCLUDED]}),
    "yearly-memberships": (YearlyMembership, {"name": "Yearly 15%", "price": "100000.00", "discount_percent": "15.00"}),
    "kitty-parties": (KittyParty, {"name": "Kitty 20,000", "price": "20000.00", "after_value": "25000.00", "min_guests": 10,
                                    "services_included": [INCLUDED]}),
}
STUDENT_OFFER = {
    "name": "Student 20%", "discount_percentage": "20.00", "valid_from": "2026-01-01", "valid_to": "2030-12-31",
    "valid_days": "Mon-Fri",
}
ALL_BODIES = {**BODIES, "student-offers": (StudentOffer, STUDENT_OFFER)}


@pytest.mark.parametrize("segment", BODIES)
def test_a_template_takes_its_validity_in_days_as_the_seed_gives_it(manager_client, segment):
    model, body = BODIES[segment]

    response = manager_client.post(f"/api/{segment}", {**body, "validity_days": 60}, format="json")

    assert response.status_code == 201, response.json()
    package = response.json()["package"]
    assert (package["validity_days"], package["validity_months"]) == (60, None)
    template = model.objects.get()
    assert (template.validity_days, template.validity_months) == (60, None)
    listed = manager_client.get(f"/api/{segment}").json()["packages"][0]
    assert (listed["validity_days"], listed["validity_months"]) == (60, None)


@pytest.mark.parametrize("segment", BODIES)
def test_a_template_without_a_validity_gets_its_kinds_months(manager_client, segment):
    model, body = BODIES[segment]

    response = manager_client.post(f"/api/{segment}", body, format="json")

    assert response.status_code == 201, response.json()
    package = response.json()["package"]
    assert package["validity_days"] is None
    assert package["validity_months"] == model._meta.get_field("validity_months").default


def test_a_package_sold_from_a_template_in_days_expires_that_many_days_later(manager_client, customer, facial):
    body = {**BODIES["service-packages"][1], "validity_days": 60}
    template_id = manager_client.post("/api/service-packages", body, format="json").json()["package"]["id"]

    response = manager_client.post(
        "/packages/api/assign-and-pay",
        {
            "assignment": {
                "customer_id": customer.pk, "package_type": "service_package", "package_id": template_id,
                "service_id": facial.pk,
            },
            "payment": {"collect": True, "method": "cash"},
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assignment = PackageAssignment.objects.get(pk=response.json()["assignment_id"])
    assert assignment.expires_on == timezone.localdate() + timedelta(days=60)


@pytest.mark.parametrize(("days", "status"), [(0, 400), (-5, 400), (18263, 400), (1, 201), (18262, 201)])
def test_validity_days_is_at_least_one_and_at_most_fifty_years(manager_client, days, status):
    response = manager_client.post(
        "/api/memberships", {**BODIES["memberships"][1], "validity_days": days}, format="json"
    )

    assert response.status_code == status, response.json()
    if status == 400:
        assert "validity_days" in response.json()["errors"]
        assert not Membership.objects.exists()


def test_a_validity_in_both_months_and_days_is_refused(manager_client):
    response = manager_client.post(
        "/api/prepaid-packages", {**BODIES["prepaid-packages"][1], "validity_months": 2, "validity_days": 60},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"validity_days": ["Give the validity in months or in days, not both."]}
    assert not PrepaidPackage.objects.exists()


def test_a_validity_of_neither_months_nor_days_is_refused(manager_client):
    template = PrepaidPackageFactory(validity_months=12)

    response = manager_client.patch(
        f"/api/prepaid-packages/{template.pk}", {"validity_months": None}, format="json"
    )

    assert response.status_code == 400
    assert "validity_months" in response.json()["errors"]
    template.refresh_from_db()
    assert template.validity_months == 12


def test_changing_the_unit_replaces_the_other_one(manager_client):
    template = ServicePackageFactory(validity_months=6)
    url = f"/api/service-packages/{template.pk}"

    to_days = manager_client.patch(url, {"validity_days": 45}, format="json")
    template.refresh_from_db()
    days = (template.validity_months, template.validity_days)
    to_months = manager_client.patch(url, {"validity_months": 3}, format="json")
    template.refresh_from_db()

    assert to_days.status_code == to_months.status_code == 200
    assert days == (None, 45)
    assert (template.validity_months, template.validity_days) == (3, None)
    assert (to_months.json()["package"]["validity_months"], to_months.json()["package"]["validity_days"]) == (3, None)


@pytest.mark.parametrize("segment", ALL_BODIES)
@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_an_unknown_field_is_refused_and_named_in_errors(manager_client, segment, method):
    model, body = ALL_BODIES[segment]
    template = None
    if method != "post":
        template = model.objects.get(pk=manager_client.post(f"/api/{segment}", body, format="json").json()["package"]["id"])
    url = f"/api/{segment}" if method == "post" else f"/api/{segment}/{template.pk}"
    sent = {**body, "name": "Changed", "colour": "red"} if method != "patch" else {"name": "Changed", "colour": "red"}

    response = getattr(manager_client, method)(url, sent, format="json")

    assert response.status_code == 400
    assert response.json() == {"success": False, "error": "colour: Unknown field.", "errors": {"colour": ["Unknown field."]}}
    assert not model.objects.filter(name="Changed").exists()
    assert model.objects.count() == (0 if method == "post" else 1)


def test_a_student_offer_has_no_validity_in_days_its_dates_are_its_validity(manager_client):
    response = manager_client.post("/api/student-offers", {**STUDENT_OFFER, "validity_days": 60}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"validity_days": ["Unknown field."]}
    assert not StudentOffer.objects.exists()


def test_unknown_and_invalid_fields_are_reported_together(manager_client):
    response = manager_client.post(
        "/api/service-packages", {"name": "3+1", "pay_for": 0, "total_services": 4, "colour": "red", "size": 3},
        format="json",
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"pay_for", "colour", "size"}
    assert errors["colour"] == errors["size"] == ["Unknown field."]


@pytest.mark.parametrize("segment", ALL_BODIES)
def test_a_template_read_can_be_sent_back_whole(manager_client, segment):
    _model, body = ALL_BODIES[segment]
    created = manager_client.post(f"/api/{segment}", body, format="json").json()["package"]

    # Everything the answer shows (id, package_type, computed figures) is known, so a client
    # may PUT back what it read with one change.
    response = manager_client.put(f"/api/{segment}/{created['id']}", {**created, "name": "Renamed"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["package"]["name"] == "Renamed"


def test_the_schema_documents_validity_days_and_closes_template_bodies(cashier_client):
    components = cashier_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()[
        "components"
    ]["schemas"]

    for name in ("PrepaidPackage", "ServicePackage", "Membership", "YearlyMembership", "KittyParty"):
        days = components[name]["properties"]["validity_days"]
        assert (days["maximum"], days["minimum"], days["nullable"]) == (18262, 1, True), name
        assert components[name]["properties"]["validity_months"]["nullable"] is True
        for request in (f"{name}Request", f"Patched{name}Request"):
            assert components[request]["additionalProperties"] is False, request
            assert "validity_days" in components[request]["properties"]
    assert components["StudentOfferRequest"]["additionalProperties"] is False
    assert "validity_days" not in components["StudentOffer"]["properties"]
