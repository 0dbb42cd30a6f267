"""Template add and change forms in admin: a blank or garbage figure is a form error, never a 500."""
from datetime import timedelta

import pytest
from django.utils import timezone

from packages.kinds import all_kinds, kind_for
from packages.models import Membership, PackageType
from tests.factories import (
    KittyPartyFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ServiceFactory,
    ServicePackageFactory,
    StudentOfferFactory,
    YearlyMembershipFactory,
)

pytestmark = pytest.mark.django_db

MONEY = {"actual_price", "after_value", "price"}
BAD_FIGURES = {"blank": "", "letters": "abc", "negative": "-5", "huge": "9" * 20}


def _today_plus(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


# kind -> (admin model name, factory, a valid form, its figure fields)
KINDS = {
    PackageType.PREPAID: (
        "prepaidpackage",
        PrepaidPackageFactory,
        {"actual_price": "15000.00", "after_value": "17500.00", "validity_months": "12"},
    ),
    PackageType.SERVICE_PACKAGE: (
        "servicepackage",
        ServicePackageFactory,
        {"pay_for": "3", "total_services": "4", "validity_months": "6"},
    ),
    PackageType.MEMBERSHIP: ("membership", MembershipFactory, {"price": "50000.00", "validity_months": "12"}),
    PackageType.STUDENT_OFFER: (
        "studentoffer",
        StudentOfferFactory,
        {"price": "0.00", "discount_percentage": "20.00"},
    ),
    PackageType.YEARLY_MEMBERSHIP: (
        "yearlymembership",
        YearlyMembershipFactory,
        {"price": "100000.00", "discount_percent": "15.00", "validity_months": "12"},
    ),
    PackageType.KITTY_PARTY: (
        "kittyparty",
        KittyPartyFactory,
        {"price": "20000.00", "after_value": "25000.00", "min_guests": "10", "validity_months": "3"},
    ),
}
OTHER_FIELDS = {
    PackageType.STUDENT_OFFER: {"valid_from": _today_plus(0), "valid_to": _today_plus(300), "valid_days": "Mon-Fri"},
}
CASES = [
    pytest.param(kind, field, value, id=f"{kind}-{field}-{label}")
    for kind, (_, _, figures) in KINDS.items()
    for field in figures
    for label, value in BAD_FIGURES.items()
]


def form_data(kind: str, **figures) -> dict:
    """Return the POST body of a template admin form: the figures (money as amount + currency)."""
    data = {"name": "Probe", "description": "", "is_active": "on", **OTHER_FIELDS.get(kind, {})}
    for field, value in {**KINDS[kind][2], **figures}.items():
        if field in MONEY:
            data[f"{field}_0"], data[f"{field}_1"] = value, "INR"
        else:
            data[field] = value
    return data


def test_the_valid_forms_of_this_module_save(manager_client):
    service = ServiceFactory()
    for kind, (model_name, _, _) in KINDS.items():
        data = form_data(kind)
        if "services_included" in kind_for(kind).fields:
            data["services_included"] = [str(service.pk)]
        response = manager_client.post(f"/admin/packages/{model_name}/add/", data)
        assert response.status_code == 302, (kind, response.context["adminform"].form.errors)
    assert all(kind.model.objects.count() == 1 for kind in all_kinds())


@pytest.mark.parametrize(("kind", "field", "value"), CASES)
def test_the_template_add_form_refuses_a_bad_figure_with_a_form_error(manager_client, kind, field, value):
    model_name = KINDS[kind][0]

    response = manager_client.post(f"/admin/packages/{model_name}/add/", form_data(kind, **{field: value}))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    assert not kind_for(kind).model.objects.exists()


@pytest.mark.parametrize(("kind", "field", "value"), CASES)
def test_the_template_change_form_refuses_a_bad_figure_with_a_form_error(manager_client, kind, field, value):
    model_name, factory, _ = KINDS[kind]
    template = factory(name="Probe")
    before = {name: getattr(template, name) for name in KINDS[kind][2]}

    response = manager_client.post(
        f"/admin/packages/{model_name}/{template.pk}/change/", form_data(kind, **{field: value})
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    template.refresh_from_db()
    assert {name: getattr(template, name) for name in before} == before


def test_an_empty_validity_is_refused_in_admin_not_saved_as_a_default(manager_client):
    data = {**form_data("membership", validity_months=""), "validity_days": "", "services_included": [str(ServiceFactory().pk)]}

    response = manager_client.post("/admin/packages/membership/add/", data)

    assert response.status_code == 200
    assert "Give the validity in months or in days." in str(response.context["adminform"].form.errors)
    assert not Membership.objects.exists()
