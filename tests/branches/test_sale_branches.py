"""A template that names its branches sells only there: in the API, on /assign-packages and in the admin."""
import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from billing.services import PaymentIn, assignment_sell
from packages.exceptions import InvalidAssignment
from packages.models import PackageAssignment, TemplateBranch
from receipts.models import Receipt
from tests.factories import PrepaidPackageFactory, UserFactory

from .conftest import works_at

pytestmark = pytest.mark.django_db
REFUSAL = "This package is sold only at: Indiranagar."


def valid_only_at(template, *branches):
    for branch in branches:
        TemplateBranch.objects.create(
            template_type=ContentType.objects.get_for_model(template), template_id=template.pk, branch=branch
        )
    return template


@pytest.fixture
def main_only(indiranagar):
    return valid_only_at(PrepaidPackageFactory(name="Indiranagar Gold"), indiranagar)


def nothing_sold():
    return not (PackageAssignment.objects.exists() or Receipt.objects.exists())


def test_the_api_refuses_a_template_at_a_branch_it_does_not_name(
    cashier, customer, main_only, indiranagar, koramangala
):
    works_at(cashier, indiranagar, koramangala)
    client = APIClient()
    client.force_authenticate(cashier)
    body = {
        "assignment": {"customer_id": customer.pk, "package_type": "prepaid", "package_id": main_only.pk},
        "payment": {"collect": True, "method": "cash"},
    }

    there = client.post("/packages/api/assign-and-pay", body, format="json", headers={"X-Branch": "KOR"})

    assert there.status_code == 400
    assert there.json() == {"success": False, "error": REFUSAL, "errors": {"assignment.package_id": [REFUSAL]}}
    assert nothing_sold()
    home = client.post("/packages/api/assign-and-pay", body, format="json", headers={"X-Branch": "IND"})
    assert home.status_code == 201, home.json()
    assert PackageAssignment.objects.get().branch == indiranagar


def test_the_sale_service_names_every_branch_the_template_lists(customer, cashier, indiranagar, koramangala, bandra):
    template = valid_only_at(PrepaidPackageFactory(), indiranagar, koramangala)

    with pytest.raises(InvalidAssignment) as refused:
        assignment_sell(customer=customer, template=template, user=cashier, payment=PaymentIn("cash"), branch=bandra)

    assert refused.value.message == "This package is sold only at: Indiranagar and Koramangala."
    assert nothing_sold()


def test_a_template_that_names_no_branch_sells_at_every_branch(customer, cashier, koramangala):
    result = assignment_sell(
        customer=customer, template=PrepaidPackageFactory(), user=cashier, payment=PaymentIn("cash"), branch=koramangala
    )

    assert result.assignment.branch == koramangala


def test_the_sale_page_refuses_it_at_the_branch_the_cashier_picked(
    client, cashier, customer, main_only, indiranagar, koramangala
):
    works_at(cashier, indiranagar, koramangala)
    client.force_login(cashier)
    client.post("/branch", {"branch": koramangala.pk, "next": "/assign-packages"})
    form = {
        "idempotency_key": "page-key-1", "customer_id": customer.pk, "package": f"prepaid:{main_only.pk}",
        "service": "", "expires_on": "", "notes": "", "method": "cash", "amount": "", "reference": "",
    }

    html = client.post("/assign-packages", form, HTTP_HX_REQUEST="true").content.decode()

    assert REFUSAL in html
    assert nothing_sold()


def test_the_admin_sale_form_refuses_it_at_the_branch_the_seller_picked(
    client, customer, main_only, indiranagar, koramangala
):
    seller = works_at(UserFactory(username="kor-cashier", is_staff=True, groups=["Cashier"]), indiranagar, koramangala)
    seller.user_permissions.add(Permission.objects.get(codename="pause_assignment"))  # a manager's: opens the admin
    client.force_login(seller)
    client.post("/branch", {"branch": koramangala.pk, "next": "/admin/"})
    form = {
        "customer": customer.pk, "template": f"prepaid:{main_only.pk}", "service": "", "price_paid": "",
        "discount": "0.00", "expires_on": "", "notes": "", "payment_method": "cash", "payment_amount": "",
        "payment_reference": "",
    }

    response = client.post("/admin/packages/packageassignment/assign/", form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["template"] == [REFUSAL]
    assert nothing_sold()
