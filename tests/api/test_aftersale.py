"""POST /api/assignments/<id>/refund|transfer|extend|adjust|top-up, and renewal through assign-and-pay."""
from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import Invoice, Payment, Refund
from billing.numbering import financial_year, financial_year_label
from billing.services import PaymentIn, assignment_sell, invoice_create
from packages.models import PackageAssignment, PackageUsage
from receipts.models import Receipt
from tests.billing.conftest import ledger_stays_reconciled, service_item  # noqa: F401  (autouse: reconcile)
from tests.factories import CustomerFactory, MembershipFactory, PrepaidPackageFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db


def today():
    """Read when a test runs, not at import: a run that crosses midnight (IST) stays right."""
    return timezone.localdate()
OPERATIONS = ("refund", "transfer", "extend", "adjust", "top-up")


def written() -> tuple:
    return (
        PackageUsage.objects.count(), Receipt.objects.count(), Refund.objects.count(), Payment.objects.count(),
        PackageAssignment.objects.count(), list(PackageAssignment.objects.values_list("status", "expires_on")),
    )


@pytest.fixture
def facial_package(customer, facial, cashier):
    """A 3+1 facial sold for 3,780 (3,600 + 5% GST), one session used."""
    package = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=cashier, payment=PaymentIn("upi")
    ).assignment
    invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier)
    return package


@pytest.fixture
def prepaid(customer, cashier):
    return assignment_sell(customer=customer, template=PrepaidPackageFactory(), user=cashier, payment=PaymentIn("cash")).assignment


def balances(package_id, status, *, sessions=(0, 0, 0), credit=("0.00", "0.00"), package_type="service_package"):
    return {
        "assignment_id": package_id,
        "package_type": package_type,
        "sessions": dict(zip(("total", "used", "remaining"), sessions, strict=True)),
        "credit": dict(zip(("total", "remaining"), credit, strict=True)),
        "status": status,
    }


@pytest.mark.parametrize("slash", ["", "/"])
def test_refund_answers_the_design_shape(manager_client, facial_package, slash):
    response = manager_client.post(
        f"/api/assignments/{facial_package.pk}/refund{slash}", {"reason": "Moving abroad", "method": "upi"}, format="json"
    )

    assert response.status_code == 200, response.content
    note = Receipt.objects.get(number=f"MAIN/{financial_year_label(financial_year(today()))}C00001")
    assert response.json() == {
        "success": True,
        "refund_amount": "2835.00",
        "document_number": note.number,
        "document_id": note.pk,
        "document_url": f"/receipts/{note.pk}",
        "document_pdf_url": f"/receipts/{note.pk}/download",
        "updated_packages": [balances(facial_package.pk, "refunded", sessions=(1, 1, 0))],
    }


def test_a_refund_answers_the_links_of_its_document_which_open(manager_client, prepaid):
    response = manager_client.post(
        f"/api/assignments/{prepaid.pk}/refund", {"reason": "Partial", "method": "cash", "amount": "500.00"}, format="json"
    )

    body = response.json()
    voucher = Receipt.objects.get(number=body["document_number"])
    assert (body["document_id"], body["document_url"]) == (voucher.pk, f"/receipts/{voucher.pk}")
    assert manager_client.get(body["document_url"]).status_code == 200
    assert manager_client.get(body["document_pdf_url"]).status_code == 200


def test_refund_of_a_smaller_amount(manager_client, prepaid):
    response = manager_client.post(
        f"/api/assignments/{prepaid.pk}/refund", {"reason": "Partial", "method": "cash", "amount": "500.00"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["refund_amount"], body["document_number"]) == ("500.00", f"MAIN/{financial_year_label(financial_year(today()))}V00001")
    assert body["updated_packages"][0]["status"] == "refunded"


@pytest.mark.parametrize("slash", ["", "/"])
def test_transfer_answers_the_new_assignment_and_both_packages(manager_client, facial_package, slash):
    sister = CustomerFactory()

    response = manager_client.post(
        f"/api/assignments/{facial_package.pk}/transfer{slash}", {"to_customer_id": sister.pk, "reason": "Gift"},
        format="json",
    )

    assert response.status_code == 200, response.content
    new = PackageAssignment.objects.get(customer=sister)
    assert response.json() == {
        "success": True,
        "assignment_id": new.pk,
        "updated_packages": [
            balances(facial_package.pk, "transferred", sessions=(1, 1, 0)),
            balances(new.pk, "active", sessions=(3, 0, 3)),
        ],
    }


@pytest.mark.parametrize("slash", ["", "/"])
def test_extend_answers_the_updated_package(manager_client, facial_package, slash):
    later = facial_package.expires_on + timedelta(days=31)

    response = manager_client.post(
        f"/api/assignments/{facial_package.pk}/extend{slash}", {"expires_on": later.isoformat(), "reason": "Goodwill"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json() == {
        "success": True, "updated_packages": [balances(facial_package.pk, "active", sessions=(4, 1, 3))],
    }
    assert PackageAssignment.objects.get(pk=facial_package.pk).expires_on == later


@pytest.mark.parametrize("slash", ["", "/"])
def test_adjust_answers_the_updated_package(manager_client, facial_package, prepaid, slash):
    sessions = manager_client.post(
        f"/api/assignments/{facial_package.pk}/adjust{slash}", {"sessions": -1, "reason": "Missed entry"}, format="json"
    )
    credit = manager_client.post(
        f"/api/assignments/{prepaid.pk}/adjust{slash}", {"credit": "+250.00", "reason": "Promised bonus"}, format="json"
    )

    assert sessions.status_code == 200, sessions.content
    assert sessions.json()["updated_packages"] == [balances(facial_package.pk, "active", sessions=(3, 1, 2))]
    assert credit.status_code == 200, credit.content
    assert credit.json()["updated_packages"] == [
        balances(prepaid.pk, "active", credit=("17750.00", "17750.00"), package_type="prepaid")
    ]


@pytest.mark.parametrize("slash", ["", "/"])
def test_top_up_answers_the_payment_and_the_receipt_voucher(manager_client, prepaid, slash):
    response = manager_client.post(
        f"/api/assignments/{prepaid.pk}/top-up{slash}",
        {"credit": "5500.00", "price_paid": "5000.00", "payment": {"method": "upi", "reference": "UPI-7"}},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    receipt = Receipt.objects.get(number=body["receipt_number"])
    assert body == {
        "success": True,
        "payment_id": Payment.objects.get(reference="UPI-7").pk,
        "receipt_id": receipt.pk,
        "receipt_number": receipt.number,
        "receipt_url": f"/receipts/{receipt.pk}",
        "receipt_pdf_url": f"/receipts/{receipt.pk}/download",
        "updated_packages": [balances(prepaid.pk, "active", credit=("23000.00", "23000.00"), package_type="prepaid")],
    }


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_cashier_gets_403_and_nothing_is_written(cashier_client, facial_package, operation):
    before = written()
    response = cashier_client.post(f"/api/assignments/{facial_package.pk}/{operation}", {"reason": "x"}, format="json")
    assert response.status_code == 403
    assert response.json()["success"] is False
    assert written() == before


@pytest.mark.parametrize("operation", OPERATIONS)
def test_an_unknown_package_is_404_json(manager_client, operation):
    bodies = {
        "refund": {"reason": "x", "method": "cash"},
        "transfer": {"to_customer_id": CustomerFactory().pk, "reason": "x"},
        "extend": {"expires_on": "2099-01-01", "reason": "x"},
        "adjust": {"sessions": 1, "reason": "x"},
        "top-up": {"credit": "10", "price_paid": "10", "payment": {"method": "cash"}},
    }
    response = manager_client.post(f"/api/assignments/987654/{operation}", bodies[operation], format="json")
    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "No package with id 987654.", "errors": {}}


@pytest.mark.parametrize(
    ("operation", "body", "field"),
    [
        ("refund", {"reason": "x", "method": "cash", "amount": "2835.01"}, "amount"),
        ("refund", {"reason": "x", "method": "barter"}, "method"),
        ("refund", {"method": "cash"}, "reason"),
        ("transfer", {"to_customer_id": 999999, "reason": "x"}, "to_customer_id"),
        ("transfer", {"to_customer_id": "me", "reason": "x"}, "to_customer_id"),
        ("extend", {"expires_on": "2000-01-01", "reason": "x"}, "expires_on"),
        ("extend", {"expires_on": "soon", "reason": "x"}, "expires_on"),
        ("adjust", {"sessions": -4, "reason": "x"}, "sessions"),
        ("adjust", {"sessions": 1, "credit": "1", "reason": "x"}, "sessions"),
        ("adjust", {"reason": "x"}, "sessions"),
        ("top-up", {"credit": "10", "price_paid": "10", "payment": {"method": "cash"}}, "assignment"),
        ("top-up", {"credit": "10"}, "price_paid"),
    ],
)
def test_refusals_answer_400_json_and_write_nothing(manager_client, facial_package, operation, body, field):
    before = written()

    response = manager_client.post(f"/api/assignments/{facial_package.pk}/{operation}", body, format="json")

    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["success"] is False and answer["error"]
    assert field in answer["errors"], answer
    assert written() == before


def test_a_second_refund_is_refused(manager_client, facial_package):
    url = f"/api/assignments/{facial_package.pk}/refund"
    assert manager_client.post(url, {"reason": "x", "method": "cash"}, format="json").status_code == 200
    before = written()

    again = manager_client.post(url, {"reason": "x", "method": "cash"}, format="json")

    assert again.status_code == 400
    assert "refunded on" in again.json()["error"]
    assert written() == before


def test_customer_packages_and_usage_history_show_each_operation(manager_client, manager, customer, facial_package):
    sister = CustomerFactory()
    manager_client.post(
        f"/api/assignments/{facial_package.pk}/extend",
        {"expires_on": (facial_package.expires_on + timedelta(days=5)).isoformat(), "reason": "Travel"}, format="json",
    )
    manager_client.post(f"/api/assignments/{facial_package.pk}/adjust", {"sessions": 1, "reason": "Fix"}, format="json")
    manager_client.post(
        f"/api/assignments/{facial_package.pk}/transfer", {"to_customer_id": sister.pk, "reason": "Gift"}, format="json"
    )

    listed = manager_client.get(f"/integrated-billing/customer-packages/{customer.pk}").json()["packages"]
    history = manager_client.get(f"/integrated-billing/package-usage/{facial_package.pk}").json()["usage"]

    assert [(p["assignment_id"], p["status"]) for p in listed] == [(facial_package.pk, "transferred")]
    assert [(row["kind"], row["reason"], row["by"]) for row in history[2:]] == [
        ("extension", "Travel", manager.get_username()),
        ("adjustment", "Fix", manager.get_username()),
        ("transfer_out", "Gift", manager.get_username()),
    ]
    assert all(row["at"].startswith(today().isoformat()) for row in history[2:])
    assert history[-1]["balance_after"] == 0


def test_void_of_a_package_sale_through_the_api(manager_client, customer, facial, cashier):
    sale = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=cashier, payment=PaymentIn("cash")
    )

    response = manager_client.post(
        f"/integrated-billing/invoices/{sale.invoice.pk}/void", {"reason": "Sold by mistake"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["updated_packages"] == [balances(sale.assignment.pk, "cancelled")]
    assert Invoice.objects.get(pk=sale.invoice.pk).status == "cancelled"


def test_void_of_a_used_package_sale_points_to_refund(manager_client, facial_package):
    sale = Invoice.objects.get(kind="package_sale")
    before = written()

    response = manager_client.post(f"/integrated-billing/invoices/{sale.pk}/void", {"reason": "x"}, format="json")

    assert response.status_code == 400
    assert f"/api/assignments/{facial_package.pk}/refund" in response.json()["error"]
    assert written() == before


def test_renewal_through_assign_and_pay_starts_after_the_old_period(manager_client, customer):
    template = MembershipFactory()
    old = PackageAssignment.objects.get(
        pk=manager_client.post(
            "/packages/api/assign-and-pay",
            {"assignment": {"customer_id": customer.pk, "package_type": "membership", "package_id": template.pk},
             "payment": {"method": "cash"}},
            format="json",
        ).json()["assignment_id"]
    )

    response = manager_client.post(
        "/packages/api/assign-and-pay/",
        {"assignment": {"customer_id": customer.pk, "package_type": "membership", "package_id": template.pk,
                        "renews_assignment_id": old.pk},
         "payment": {"method": "cash"}},
        format="json",
    )

    assert response.status_code == 201, response.content
    new = PackageAssignment.objects.get(pk=response.json()["assignment_id"])
    assert (new.assigned_on, new.renews_id) == (old.expires_on + timedelta(days=1), old.pk)


def test_renewal_of_another_customers_package_is_refused(manager_client, customer, facial_package):
    template = MembershipFactory()
    before = written()
    response = manager_client.post(
        "/packages/api/assign-and-pay",
        {"assignment": {"customer_id": CustomerFactory().pk, "package_type": "membership", "package_id": template.pk,
                        "renews_assignment_id": facial_package.pk},
         "payment": {"method": "cash"}},
        format="json",
    )
    assert response.status_code == 400
    assert "assignment.renews_assignment_id" in response.json()["errors"]
    assert written() == before


def test_the_schema_documents_every_operation(manager_client):
    paths = manager_client.get("/api/schema/?format=json").json()["paths"]
    for operation in OPERATIONS:
        assert "post" in paths[f"/api/assignments/{{assignment_id}}/{operation}"], operation


@pytest.mark.parametrize("operation", ["refund", "transfer", "adjust"])
def test_each_operation_stays_within_its_query_budget(manager_client, facial_package, operation, django_assert_max_num_queries):
    bodies = {
        "refund": {"reason": "x", "method": "cash"},
        "transfer": {"to_customer_id": CustomerFactory().pk, "reason": "x"},
        "adjust": {"sessions": 1, "reason": "x"},
    }
    with django_assert_max_num_queries(30):
        response = manager_client.post(f"/api/assignments/{facial_package.pk}/{operation}", bodies[operation], format="json")
    assert response.status_code == 200
