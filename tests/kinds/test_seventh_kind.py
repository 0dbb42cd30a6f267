"""A seventh kind, added by a test app (tests/kindapp: one module plus its migration), is sold,
billed, refunded, valued and kept through its generated API and admin.

Nothing outside tests/kindapp names `product_card`: the sale, the invoice, the refund, the
customer's packages, the counter page, the reports, the template endpoint and the template
admin find it through the registry, and the Manager and Cashier roles reach its templates by
the kind-agnostic template permissions, with nothing granted for it.
"""
import sys
from decimal import Decimal
from types import ModuleType

import pytest
from django.contrib import admin
from django.urls import include, path
from djmoney.money import Money

from billing.services import PaymentIn, assignment_refund, assignment_sell
from core.api import OptionalSlashRouter
from packages.admin import register_template_admin
from packages.api.views import template_viewset
from packages.kinds import all_kinds, registered
from packages.models import PackageAssignment
from packages.valuation import assignment_value
from tests.api.conftest import client_for
from tests.factories import CustomerFactory, ProductFactory, ServicePackageFactory, UserFactory
from tests.kindapp.models import KIND, ProductCard

pytestmark = pytest.mark.django_db

URLCONF = "tests.kinds.urls_with_the_seventh_kind"


@pytest.fixture
def product_card_kind(settings, monkeypatch):
    """The kind registered, with its generated admin and API endpoint routed, as a shop's app would have them."""
    with registered(KIND):
        register_template_admin(KIND)
        router = OptionalSlashRouter()
        router.register(f"api/{KIND.api_segment}", template_viewset(KIND), basename=f"api-{KIND.api_segment}")
        urls = ModuleType(URLCONF)
        urls.urlpatterns = [*router.urls, path("admin/", admin.site.urls), path("", include("spa_pkg.urls"))]
        monkeypatch.setitem(sys.modules, URLCONF, urls)
        settings.ROOT_URLCONF = URLCONF
        try:
            yield KIND
        finally:
            admin.site.unregister(KIND.model)


@pytest.fixture
def card(product_card_kind):
    return ProductCard.objects.create(
        name="Shampoo Club", price=Money("1000.00", "INR"), discount_percent=Decimal("10"), validity_months=12
    )


@pytest.fixture
def api(cashier):
    return client_for(cashier)


@pytest.fixture
def manager_api(manager):
    return client_for(manager)


def sell(api, customer, card) -> dict:
    response = api.post(
        "/packages/api/assign-and-pay",
        {
            "assignment": {"customer_id": customer.pk, "package_type": "product_card", "package_id": card.pk},
            "payment": {"collect": True, "method": "cash"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_seventh_kind_is_registered_after_the_six(product_card_kind):
    assert all_kinds()[-1] is product_card_kind
    assert len(all_kinds()) == 7


def test_the_seventh_kind_is_sold_with_a_tax_invoice_and_its_own_tracker(api, customer, card):
    body = sell(api, customer, card)

    assignment = PackageAssignment.objects.get(pk=body["assignment_id"])
    assert assignment.package_type == "product_card"
    assert body["invoice_number"]  # taxed at sale, as the kind's default says
    assert assignment.sale_value.amount == Decimal("1000.00")
    assert assignment.price_paid.amount == Decimal("1050.00")  # 5% GST on a package without a service
    assert [(t.benefit_type, t.discount_percent) for t in assignment.trackers.all()] == [("discount", Decimal("10.00"))]
    assert assignment_value(assignment, assignment.assigned_on) == Decimal("1000.00")


def test_the_seventh_kind_is_billed_with_its_own_rule(api, customer, card, facial):
    sold = sell(api, customer, card)
    shampoo = ProductFactory(name="Herbal Shampoo", price=Money("500.00", "INR"))

    response = api.post(
        "/integrated-billing/invoices",
        {
            "customer_id": customer.pk,
            "items": [{"type": "product", "id": shampoo.pk, "quantity": 2}, {"type": "service", "id": facial.pk}],
            "payments": [{"method": "cash"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    product_line, service_line = response.json()["lines"]
    assert product_line["package_applied"]["assignment_id"] == sold["assignment_id"]
    assert product_line["package_applied"]["benefit_type"] == "discount"
    assert product_line["discount"] == "100.00"  # 10% of 2 x 500
    assert service_line["package_applied"] is None
    assert "products only" in service_line["package_note"]


def test_the_seventh_kind_is_shown_to_the_api_the_counter_and_the_admin(api, customer, card):
    sold = sell(api, customer, card)

    packages = api.get(f"/integrated-billing/customer-packages/{customer.pk}").json()["packages"]
    assert [(p["assignment_id"], p["package_type"]) for p in packages] == [(sold["assignment_id"], "product_card")]

    page = api.get(f"/integrated-billing?customer_id={customer.pk}").content.decode()
    row = page.split(f'data-assignment-id="{sold["assignment_id"]}"')[1].split("</tr>")[0]
    assert "Product card" in row and "Discount on products" in row

    admin = client_for(UserFactory(username="kind-admin", is_staff=True, groups=["Manager"]))
    listing = admin.get("/admin/packages/packageassignment/").content.decode()
    assert "Shampoo Club" in listing and "Discount on products" in listing


def test_a_kind_without_an_sql_valuation_is_valued_in_python_in_the_reports(api, customer, card, facial):
    from reports import selectors

    assert KIND.value_left_sql is None
    sell(api, customer, card)
    manager = UserFactory(groups=["Manager"])
    # Two groups of figures for the kind: the second sold for 630 with 5 % GST inside, 600 of value.
    assignment_sell(customer=CustomerFactory(), template=card, user=manager, payment=PaymentIn("cash"),
                 price_paid=Decimal("630.00"))
    package = ServicePackageFactory(pay_for=3, total_services=4)
    sale = assignment_sell(customer=customer, template=package, service=facial, user=manager,
                        payment=PaymentIn("cash"), price_paid=Decimal("3000.00"))
    today = sale.assignment.assigned_on

    report = selectors.liability(as_of=today)

    by_kind = {row["package_type"]: row for row in report["by_kind"]}
    assert by_kind["product_card"]["packages"] == 2
    assert by_kind["product_card"]["value"] == Decimal("1600.00")
    assert by_kind["service_package"]["value"] == sale.assignment.sale_value.amount
    assert report["total"] == sum(
        (assignment_value(assignment, today) for assignment in PackageAssignment.objects.all()), Decimal("0.00")
    )
    # The look-ahead reports value today's packages: the kind's own `value_left`, in Python.
    expiring = selectors.expiring(within_days=400, today=today)["packages"]
    assert sorted(row["value"] for row in expiring if row["package_type"] == "product_card") == [
        Decimal("600.00"), Decimal("1000.00")
    ]


def test_the_seventh_kind_is_refunded_through_the_public_service(api, customer, card, manager):
    sold = sell(api, customer, card)
    assignment = PackageAssignment.objects.get(pk=sold["assignment_id"])
    value = assignment_value(assignment, assignment.assigned_on)

    result = assignment_refund(assignment_id=assignment.pk, user=manager, reason="Moving away", method="cash")

    assert result.assignment.status == "refunded"
    assert result.refund_amount == Decimal("1050.00")  # the whole value left, with the GST charged at sale
    assert result.quote.document_kind == "credit_note"  # taxed at sale: a credit note against the sale invoice
    assert result.quote.sale_invoice.number == sold["invoice_number"]
    assert value == Decimal("1000.00")
    assert assignment_value(result.assignment, assignment.assigned_on) == Decimal("0.00")


def test_the_seventh_kind_has_a_generated_api_endpoint_managers_keep_and_cashiers_read(
    api, manager_api, product_card_kind
):
    body = {"name": "Conditioner Club", "price": "800.00", "discount_percent": "15.00", "validity_days": 90}

    assert api.post("/api/product-cards", body, format="json").status_code == 403  # cashiers read templates only
    created = manager_api.post("/api/product-cards", body, format="json")

    assert created.status_code == 201, created.json()
    package = created.json()["package"]
    assert list(package) == [
        "id", "package_type", "name", "description", "is_active",
        "price", "discount_percent", "validity_months", "validity_days",
    ]
    assert package["package_type"] == "product_card"
    assert (package["price"], package["validity_months"], package["validity_days"]) == ("800.00", None, 90)
    listed = api.get("/api/product-cards").json()["packages"]
    assert [row["name"] for row in listed] == ["Conditioner Club"]
    refused = manager_api.post("/api/product-cards", {**body, "discount_percent": "120", "colour": "red"}, format="json")
    assert refused.status_code == 400
    assert {"discount_percent", "colour"} <= set(refused.json()["errors"])
    assert ProductCard.objects.count() == 1


def test_the_seventh_kind_has_a_generated_admin_that_managers_reach_by_the_template_permission(card, manager):
    admin_client = client_for(UserFactory(username="kind-keeper", is_staff=True, groups=["Manager"]))
    assert not manager.has_perm("kindapp.add_productcard")  # nothing granted for the new kind

    listing = admin_client.get("/admin/kindapp/productcard/").content.decode()
    assert "Shampoo Club" in listing and "10.00%" in listing  # the discount column, generated
    form = admin_client.get("/admin/kindapp/productcard/add/")
    assert form.status_code == 200 and 'name="discount_percent"' in form.content.decode()

    response = admin_client.post(
        "/admin/kindapp/productcard/add/",
        {
            "name": "Hair Oil Club", "description": "", "is_active": "on",
            "price_0": "500.00", "price_1": "INR", "discount_percent": "5", "validity_months": "6",
            "validity_days": "",
            "packages-templatebranch-template_type-template_id-TOTAL_FORMS": "0",
            "packages-templatebranch-template_type-template_id-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert ProductCard.objects.get(name="Hair Oil Club").discount_percent == Decimal("5.00")


def test_a_cashier_sells_the_seventh_kind_but_cannot_keep_its_templates(api, card):
    assert api.get("/api/product-cards").status_code == 200
    assert api.patch(f"/api/product-cards/{card.pk}", {"name": "Renamed"}, format="json").status_code == 403
    card.refresh_from_db()
    assert card.name == "Shampoo Club"
