"""Reads bound to a branch (issue 21, item 7): documents are read where they were issued, takings by whoever took them.

A cashier who works only at Indiranagar gets 404 (never 403: nothing to enumerate) for
Koramangala's invoice and receipt, and lists only their own invoices, as in their day close;
a manager who views reports lists every cashier's at the branches they work at. Packages are
chain-wide: their usage is read wherever the package may be used.
"""
import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create
from packages.models import TemplateBranch
from tests.factories import ServicePackageFactory, UserFactory

from .conftest import works_at

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def bill(customer, facial, cashier, branch):
    return invoice_create(
        customer=customer, items=[CartItem(type="service", id=facial.pk, quantity=1)], cashier=cashier,
        payments=[PaymentIn(method="cash")], branch=branch,
    )


@pytest.fixture
def chain(indiranagar, koramangala, bandra, customer, facial):
    """Three branches; an Indiranagar cashier, a colleague there, a Koramangala cashier and a Bandra one, each with a bill."""
    ind_cashier = works_at(UserFactory(username="ind-cashier", groups=["Cashier"]), indiranagar)
    colleague = works_at(UserFactory(username="ind-colleague", groups=["Cashier"]), indiranagar)
    kor_cashier = works_at(UserFactory(username="kor-cashier", groups=["Cashier"]), koramangala)
    bnd_cashier = works_at(UserFactory(username="bnd-cashier", groups=["Cashier"]), bandra)
    return {
        "ind_cashier": ind_cashier,
        "own": bill(customer, facial, ind_cashier, indiranagar),
        "colleague": bill(customer, facial, colleague, indiranagar),
        "kor": bill(customer, facial, kor_cashier, koramangala),
        "bnd": bill(customer, facial, bnd_cashier, bandra),
    }


def test_a_cashier_gets_404_for_another_branchs_invoice(chain):
    response = client_for(chain["ind_cashier"]).get(f"/api/invoices/{chain['kor'].invoice.pk}")

    assert response.status_code == 404
    assert response.json()["success"] is False


def test_a_cashier_gets_404_for_another_branchs_receipt_page_and_pdf(chain):
    client = client_for(chain["ind_cashier"])
    receipt = chain["kor"].receipt

    assert client.get(f"/receipts/{receipt.pk}").status_code == 404
    assert client.get(f"/receipts/{receipt.pk}/download").status_code == 404


def test_a_cashiers_token_gets_the_json_404_for_another_branchs_receipt(chain):
    client = APIClient()
    token = Token.objects.create(user=chain["ind_cashier"]).key

    for path in (f"/receipts/{chain['kor'].receipt.pk}", f"/receipts/{chain['kor'].receipt.pk}/download"):
        response = client.get(path, headers={"Authorization": f"Token {token}"})

        assert response.status_code == 404
        assert response.json() == {"success": False, "error": "No receipt has this id.", "errors": {}}


def test_a_cashier_still_opens_receipts_of_their_own_branch(chain):
    client = client_for(chain["ind_cashier"])

    assert client.get(f"/receipts/{chain['own'].receipt.pk}").status_code == 200
    assert client.get(f"/receipts/{chain['colleague'].receipt.pk}/download").status_code == 200  # a reprint


def test_a_cashier_lists_only_their_own_invoices_at_their_branch(chain):
    client = client_for(chain["ind_cashier"])

    listed = [row["id"] for row in client.get("/api/invoices").json()["results"]]
    colleague = client.get(f"/api/invoices/{chain['colleague'].invoice.pk}")

    assert listed == [chain["own"].invoice.pk]
    assert colleague.status_code == 404  # another cashier's takings, one by one, are theirs too


def test_a_manager_who_views_reports_lists_every_cashiers_invoices_at_the_branches_they_work_at(
    chain, indiranagar, koramangala
):
    # Not the Manager role (managers are chain-wide by default, billing/migrations/0011): a cashier who may view reports.
    manager = works_at(UserFactory(username="area-manager", groups=["Cashier"]), indiranagar, koramangala)
    manager.user_permissions.add(Permission.objects.get(codename="view_reports", content_type__app_label="billing"))
    client = client_for(manager)

    listed = {row["id"] for row in client.get("/api/invoices").json()["results"]}

    assert listed == {chain[name].invoice.pk for name in ("own", "colleague", "kor")}
    assert client.get(f"/api/invoices/{chain['bnd'].invoice.pk}").status_code == 404
    assert client.get(f"/receipts/{chain['bnd'].receipt.pk}").status_code == 404
    assert client.get(f"/receipts/{chain['kor'].receipt.pk}").status_code == 200


@pytest.mark.parametrize("role", ["superuser", "Manager"])
def test_a_chain_wide_user_reads_every_branch(chain, django_user_model, role):
    if role == "superuser":
        user = django_user_model.objects.create_superuser("owner", "owner@example.com", "pass-1234")
    else:
        user = UserFactory(username="chain-manager", groups=[role])  # the Manager role works at every branch
    client = client_for(user)

    listed = {row["id"] for row in client.get("/api/invoices").json()["results"]}

    assert listed == {chain[name].invoice.pk for name in ("own", "colleague", "kor", "bnd")}
    assert client.get(f"/receipts/{chain['bnd'].receipt.pk}").status_code == 200


def test_the_counters_recent_invoices_are_the_cashiers_own_at_this_branch(chain):
    html = client_for(chain["ind_cashier"]).get("/integrated-billing").content.decode()

    assert f'data-recent="{chain["own"].invoice.number}"' in html
    for name in ("colleague", "kor", "bnd"):
        assert chain[name].invoice.number not in html


# --- package usage: packages are chain-wide ----------------------------------------------------


def sold_at(branch, customer, facial, seller, *valid_at):
    template = ServicePackageFactory(name=f"3+1 Facial at {branch.code}")
    for place in valid_at:
        TemplateBranch.objects.create(
            template_type=ContentType.objects.get_for_model(template), template_id=template.pk, branch=place
        )
    return assignment_sell(
        customer=customer, template=template, service=facial, user=seller, payment=PaymentIn("cash"), branch=branch
    ).assignment


@pytest.fixture
def kor_seller(koramangala):
    return works_at(UserFactory(username="kor-seller", groups=["Cashier"]), koramangala)


def test_a_cashier_reads_the_usage_of_a_package_sold_elsewhere_that_may_be_used_at_their_branch(
    chain, koramangala, customer, facial, kor_seller
):
    package = sold_at(koramangala, customer, facial, kor_seller)
    client = client_for(chain["ind_cashier"])

    response = client.get(f"/integrated-billing/package-usage/{package.pk}")

    assert response.status_code == 200
    assert [row["kind"] for row in response.json()["usage"]] == ["sale"]
    assert client.get(f"/integrated-billing/history/{package.pk}").status_code == 200


def test_a_cashier_gets_404_for_the_usage_of_a_package_valid_only_at_other_branches(
    chain, koramangala, bandra, customer, facial, kor_seller
):
    package = sold_at(koramangala, customer, facial, kor_seller, koramangala, bandra)
    client = client_for(chain["ind_cashier"])

    response = client.get(f"/integrated-billing/package-usage/{package.pk}")

    assert response.status_code == 404
    assert response.json()["success"] is False
    assert client.get(f"/integrated-billing/history/{package.pk}").status_code == 404
    assert client_for(kor_seller).get(f"/integrated-billing/package-usage/{package.pk}").status_code == 200


def test_a_package_valid_at_the_cashiers_branch_is_read_there_wherever_it_was_sold(
    chain, indiranagar, koramangala, customer, facial, kor_seller
):
    # Sold at Koramangala, one of its branches (a template sells only where it is valid).
    package = sold_at(koramangala, customer, facial, kor_seller, indiranagar, koramangala)

    assert client_for(chain["ind_cashier"]).get(f"/integrated-billing/package-usage/{package.pk}").status_code == 200
