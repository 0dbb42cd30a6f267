"""Every admin list renders for a manager in a bounded number of queries, whatever the data."""
import pytest
from django.contrib import admin

pytestmark = pytest.mark.django_db

OUR_APPS = {"api_tokens", "catalog", "customers", "packages", "receipts", "billing", "notifications"}
REGISTERED = sorted(
    f"{model._meta.app_label}/{model._meta.model_name}" for model in admin.site._registry if model._meta.app_label in OUR_APPS
)


# The number sequences are plumbing: only a superuser sees them.
MANAGER_LISTS = [path for path in REGISTERED if path != "billing/numbersequence"]


def test_every_model_of_ours_is_registered():
    expected = {
        "catalog/service", "catalog/product", "customers/customer", "customers/datarequest", "receipts/receipt",
        "packages/prepaidpackage", "packages/servicepackage", "packages/membership", "packages/studentoffer",
        "packages/yearlymembership", "packages/kittyparty", "packages/packageassignment",
        "packages/packagebenefittracker", "packages/packageusage",
        "billing/invoice", "billing/invoiceline", "billing/payment", "billing/numbersequence",
        "notifications/notification", "notifications/messagetemplate", "api_tokens/tokenlife",
    }
    assert set(REGISTERED) == expected


@pytest.mark.parametrize("path", MANAGER_LISTS)
def test_the_changelist_renders_for_a_manager_within_a_query_budget(
    manager_client, busy_shop, path, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        response = manager_client.get(f"/admin/{path}/")

    assert response.status_code == 200


def test_the_assignment_page_shows_its_ledger_benefits_and_receipt(manager_client, busy_shop):
    from packages.models import PackageAssignment

    assignment = PackageAssignment.objects.filter(package_type="service_package").first()

    html = manager_client.get(f"/admin/packages/packageassignment/{assignment.pk}/change/").content.decode()

    assert "Usage ledger" in html
    assert "Package sold" in html
    assert "Benefits (billing lookup)" in html
    assert "4/4 sessions" in html
    assert "/receipts/" in html


def test_the_invoice_page_shows_its_lines_and_payments(manager_client, busy_shop):
    from billing.models import Invoice

    invoice = Invoice.objects.filter(kind="sale").first()

    response = manager_client.get(f"/admin/billing/invoice/{invoice.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert invoice.number in html
    assert "Swedish Massage" in html


def test_only_a_superuser_sees_the_number_sequences(manager_client, busy_shop, client, django_user_model):
    assert manager_client.get("/admin/billing/numbersequence/").status_code == 403
    client.force_login(django_user_model.objects.create_superuser("owner", "owner@example.in", "pass-1234"))

    assert client.get("/admin/billing/numbersequence/").status_code == 200


def test_the_assignment_list_writes_credit_with_lakh_grouping(manager_client, staff_manager):
    from billing.services import PaymentIn, assignment_sell
    from tests.factories import CustomerFactory, PrepaidPackageFactory, inr

    template = PrepaidPackageFactory(actual_price=inr("100000"), after_value=inr("117500"))
    assignment_sell(customer=CustomerFactory(), template=template, user=staff_manager, payment=PaymentIn("cash"))

    html = manager_client.get("/admin/packages/packageassignment/").content.decode()

    assert "₹1,17,500.00 of ₹1,17,500.00" in html
