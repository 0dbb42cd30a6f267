"""REST resources: /api/customers, /api/services, /api/products, /api/assignments, /api/invoices."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import Invoice
from billing.services import PaymentIn, assignment_sell
from customers.models import Customer
from packages.models import AssignmentStatus
from packages.services import assignment_create
from tests.factories import (
    CustomerFactory,
    PrepaidPackageFactory,
    ProductFactory,
    ServiceFactory,
    ServicePackageFactory,
)

pytestmark = pytest.mark.django_db


def ids(response):
    return [row["id"] for row in response.json()["results"]]


# --- customers -------------------------------------------------------------------------------


def test_customers_search_finds_by_name_or_by_phone_typed_with_spaces(cashier_client):
    asha = CustomerFactory(name="Asha Rao", phone="+919845012345")
    CustomerFactory(name="Ravi Kumar", phone="+919900011122")

    by_name = cashier_client.get("/api/customers?search=asha")
    by_phone = cashier_client.get("/api/customers?search=98450 12345")

    assert ids(by_name) == [asha.pk]
    assert ids(by_phone) == [asha.pk]
    assert set(by_name.json()) == {"count", "next", "previous", "results"}


@pytest.mark.parametrize(
    "typed", ["٩٨٤٥٠ ١٢٣٤٥", "９８４５０１２３４５", "٤٥٠١٢"], ids=["arabic-indic", "full-width", "part-of-it"]
)
def test_customers_search_finds_a_phone_typed_in_another_script(cashier_client, typed):
    asha = CustomerFactory(name="Asha Rao", phone="+919845012345")
    CustomerFactory(name="Ravi Kumar", phone="+919900011122")

    assert ids(cashier_client.get("/api/customers", {"search": typed})) == [asha.pk]


def test_a_phone_typed_in_arabic_indic_digits_is_stored_in_ascii_and_not_registered_twice(cashier_client):
    first = cashier_client.post("/api/customers", {"name": "Asha Rao", "phone": "٩٨٤٥٠١٢٣٤٥"}, format="json")
    twin = cashier_client.post("/api/customers", {"name": "Asha R.", "phone": "９８４５０１２３４５"}, format="json")
    ascii_twin = cashier_client.post("/api/customers", {"name": "Asha", "phone": "98450 12345"}, format="json")

    assert first.status_code == 201 and first.json()["phone"] == "+919845012345"
    assert twin.status_code == ascii_twin.status_code == 400
    assert "phone" in twin.json()["errors"]
    assert Customer.objects.count() == 1


def test_cashier_registers_a_customer_with_a_normalised_phone(cashier_client):
    response = cashier_client.post(
        "/api/customers", {"name": "Meera Iyer", "phone": "98450 99999", "state_code": "29"}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["phone"] == "+919845099999"
    assert Customer.objects.get().name == "Meera Iyer"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "No phone"}, "phone"),
        ({"name": "Bad phone", "phone": "12"}, "phone"),
        ({"name": "Bad GSTIN", "phone": "9845000001", "gstin": "29ABCFE1234F1ZX"}, "gstin"),
        ({"name": "Bad mail", "phone": "9845000001", "email": "not-an-address"}, "email"),
        ({"phone": "9845000001"}, "name"),
        ({"name": "Not born yet", "phone": "9845000001", "date_of_birth": "9999-12-31"}, "date_of_birth"),
    ],
)
def test_customer_create_refusals_name_the_field_and_write_nothing(cashier_client, payload, field):
    response = cashier_client.post("/api/customers", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Customer.objects.exists()


def test_customer_create_refuses_a_phone_already_registered_in_another_form(cashier_client):
    CustomerFactory(phone="+919845012345")

    response = cashier_client.post("/api/customers", {"name": "Twin", "phone": "098450 12345"}, format="json")

    assert response.status_code == 400
    assert "phone" in response.json()["errors"]
    assert Customer.objects.count() == 1


def test_customer_patch_changes_only_what_it_sends(cashier_client):
    customer = CustomerFactory(name="Asha Rao", email="asha@example.com")

    response = cashier_client.patch(f"/api/customers/{customer.pk}", {"notes": "Prefers mornings"}, format="json")

    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.notes, customer.email) == ("Prefers mornings", "asha@example.com")


def test_customer_patch_refuses_a_date_of_birth_in_the_future(cashier_client):
    customer = CustomerFactory(date_of_birth=None)

    response = cashier_client.patch(f"/api/customers/{customer.pk}", {"date_of_birth": "9999-12-31"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"date_of_birth": ["The date of birth must be in the past."]}
    customer.refresh_from_db()
    assert customer.date_of_birth is None


def test_customer_unknown_id_is_404(cashier_client):
    assert cashier_client.get("/api/customers/987654").status_code == 404


def test_customers_cannot_be_deleted(manager_client, customer):
    response = manager_client.delete(f"/api/customers/{customer.pk}")

    assert response.status_code == 405
    assert response.json()["success"] is False
    assert Customer.objects.filter(pk=customer.pk).exists()


# --- catalog ---------------------------------------------------------------------------------


def test_services_list_shows_price_rate_and_sac_code(cashier_client):
    service = ServiceFactory(name="Swedish Massage", price=Decimal("2500.00"), gst_rate=Decimal("18.00"))

    (row,) = cashier_client.get("/api/services").json()["results"]

    assert row == {
        "id": service.pk,
        "name": "Swedish Massage",
        "category": "Skin",
        "price": "2500.00",
        "gst_rate": "18.00",
        "sac_code": "999722",
        "duration_minutes": 60,
        "is_active": True,
    }


def test_products_filter_by_search_and_activity(cashier_client):
    gel = ProductFactory(name="Aloe Gel", sku="ALOE-1")
    ProductFactory(name="Hair Oil", sku="OIL-1", is_active=False)

    assert ids(cashier_client.get("/api/products?search=aloe")) == [gel.pk]
    assert ids(cashier_client.get("/api/products?is_active=true")) == [gel.pk]


def test_services_cannot_be_created_through_the_api(manager_client):
    response = manager_client.post("/api/services", {"name": "New"}, format="json")

    assert response.status_code == 405


# --- assignments -----------------------------------------------------------------------------


def test_assignments_filter_by_customer_kind_status_and_expiry(cashier_client, facial):
    today = timezone.localdate()
    asha, ravi = CustomerFactory(), CustomerFactory()
    soon = assignment_create(
        customer=asha, template=ServicePackageFactory(), service=facial, expires_on=today + timedelta(days=5)
    )
    late = assignment_create(customer=asha, template=PrepaidPackageFactory(), expires_on=today + timedelta(days=300))
    other = assignment_create(customer=ravi, template=PrepaidPackageFactory(), expires_on=today + timedelta(days=9))

    assert ids(cashier_client.get(f"/api/assignments?customer={asha.pk}")) == [soon.pk, late.pk]
    assert ids(cashier_client.get("/api/assignments?package_type=prepaid")) == [other.pk, late.pk]
    before = (today + timedelta(days=30)).isoformat()
    assert ids(cashier_client.get(f"/api/assignments?expires_before={before}")) == [soon.pk, other.pk]
    assert ids(cashier_client.get("/api/assignments?status=paused")) == []


def test_assignment_detail_shows_the_balance(cashier_client, customer, facial):
    assignment = assignment_create(customer=customer, template=ServicePackageFactory(name="3+1"), service=facial)

    body = cashier_client.get(f"/api/assignments/{assignment.pk}").json()

    assert body["sessions"] == {"total": 4, "used": 0, "remaining": 4}
    assert body["credit"] == {"total": "0.00", "used": "0.00", "remaining": "0.00"}
    assert (body["customer_id"], body["service_id"], body["status"]) == (customer.pk, facial.pk, "active")


def test_assignments_bad_filter_value_is_400(cashier_client):
    response = cashier_client.get("/api/assignments?expires_before=next-week")

    assert response.status_code == 400
    assert "expires_before" in response.json()["errors"]


def test_manager_pauses_and_resumes_an_assignment(manager_client, customer):
    assignment = assignment_create(customer=customer, template=PrepaidPackageFactory())

    paused = manager_client.post(f"/api/assignments/{assignment.pk}/pause")
    resumed = manager_client.post(f"/api/assignments/{assignment.pk}/resume/")

    assert (paused.status_code, paused.json()["status"]) == (200, "paused")
    assert (resumed.status_code, resumed.json()["status"]) == (200, "active")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE


def test_resuming_an_active_assignment_is_refused(manager_client, customer):
    assignment = assignment_create(customer=customer, template=PrepaidPackageFactory())

    response = manager_client.post(f"/api/assignments/{assignment.pk}/resume")

    assert response.status_code == 400
    assert response.json()["success"] is False
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE


def test_cashier_cannot_pause(cashier_client, customer):
    assignment = assignment_create(customer=customer, template=PrepaidPackageFactory())

    assert cashier_client.post(f"/api/assignments/{assignment.pk}/pause").status_code == 403
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE


# --- invoices --------------------------------------------------------------------------------


def test_invoices_filter_by_customer_and_date_range_with_lines_nested(cashier_client, cashier, facial):
    # The cashier's own sales: a cashier lists only the invoices they issued (issue 21, item 7).
    asha, ravi = CustomerFactory(), CustomerFactory()
    sale = assignment_sell(
        customer=asha, template=ServicePackageFactory(), service=facial, user=cashier,
        payment=PaymentIn(method="card"),
    )
    assignment_sell(
        customer=ravi, template=ServicePackageFactory(), service=facial, user=cashier,
        payment=PaymentIn(method="card"),
    )
    today = timezone.localdate()
    Invoice.objects.filter(customer=ravi).update(bill_date=today - timedelta(days=10))

    mine = cashier_client.get(f"/api/invoices?customer={asha.pk}").json()["results"]
    recent = cashier_client.get(f"/api/invoices?date_from={(today - timedelta(days=1)).isoformat()}")
    older = cashier_client.get(f"/api/invoices?date_to={(today - timedelta(days=5)).isoformat()}")

    assert [row["id"] for row in mine] == [sale.invoice.pk]
    assert ids(recent) == [sale.invoice.pk]
    assert [row["customer_id"] for row in older.json()["results"]] == [ravi.pk]
    (line,) = mine[0]["lines"]
    assert (line["type"], line["quantity"], line["taxable_value"], line["cgst"]) == ("package", 1, "3600.00", "90.00")
    (payment,) = mine[0]["payments"]
    assert (payment["method"], payment["amount"]) == ("card", "3780.00")
    assert mine[0]["grand_total"] == "3780.00"


@pytest.mark.parametrize("value", ["-6.04e+131", "1.5", "0", "abc", "99999999999999999999999"])
def test_an_id_filter_that_is_not_a_positive_whole_number_is_400(cashier_client, value):
    for url in ("/api/invoices", "/api/assignments"):
        response = cashier_client.get(url, {"customer": value})

        assert response.status_code == 400, (url, value)
        assert "customer" in response.json()["errors"]
