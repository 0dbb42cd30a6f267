"""POST /integrated-billing/preview, /invoices, /invoices/<id>/void; GET /package-usage/<id>."""
from decimal import Decimal

import pytest

from billing.models import Invoice, InvoiceLine, Payment
from billing.services import PaymentIn, assignment_sell
from packages.models import PackageAssignment, PackageUsage
from receipts.models import Receipt
from tests.api.conftest import table_counts
from tests.factories import CustomerFactory, PrepaidPackageFactory, ProductFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db

PREVIEW = "/integrated-billing/preview"
INVOICES = "/integrated-billing/invoices"
LINE_KEYS = {
    "type", "id", "name", "quantity", "unit_price", "gross", "discount", "taxable_value", "gst_rate", "cgst",
    "sgst", "igst", "total", "package_applied", "package_note",
}
SUMMARY_KEYS = {
    "package_subtotal", "services_subtotal", "products_subtotal", "subtotal", "discount", "cgst", "sgst", "igst",
    "round_off", "grand_total", "credit_applied", "amount_payable",
}
INVOICE_KEYS = {
    "success", "lines", "summary", "invoice_id", "invoice_number", "updated_packages", "receipt_id",
    "receipt_number", "receipt_url", "receipt_pdf_url",
}
UPDATED_KEYS = {"assignment_id", "package_type", "sessions", "credit", "status"}


@pytest.fixture
def facial_package(customer, facial, manager):
    """A customer holding a 3+1 facial package (4/4 sessions)."""
    template = ServicePackageFactory(name="3+1 Facial Package")
    return assignment_sell(
        customer=customer, template=template, service=facial, user=manager, payment=PaymentIn(method="cash")
    ).assignment


def bill(customer, *items, **extra):
    return {"customer_id": customer.pk, "items": list(items), **extra}


def service_line(service, quantity=1, **extra):
    return {"type": "service", "id": service.pk, "quantity": quantity, "staff_id": None, "assignment_id": None, **extra}


def test_preview_answers_lines_and_summary_in_the_contract_shape_and_writes_nothing(
    cashier_client, customer, facial, facial_package
):
    before = table_counts()

    response = cashier_client.post(PREVIEW, bill(customer, service_line(facial)), format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"success", "lines", "summary"}
    (line,) = body["lines"]
    assert set(line) == LINE_KEYS
    assert set(body["summary"]) == SUMMARY_KEYS
    assert line["package_applied"] == {
        "assignment_id": facial_package.pk,
        "name": "3+1 Facial Package – Hydrating Facial",
        "benefit_type": "free",
        "quantity_covered": 1,
    }
    assert line["unit_price"] == "1200.00"
    assert body["summary"]["amount_payable"] == "0.00"
    assert table_counts() == before


def test_preview_of_a_product_shows_tax_and_why_no_package_applied(cashier_client, customer, facial_package):
    product = ProductFactory(name="Aloe Gel", price=Decimal("500.00"), gst_rate=Decimal("18.00"))

    body = cashier_client.post(
        PREVIEW, bill(customer, {"type": "product", "id": product.pk, "quantity": 2}), format="json"
    ).json()

    (line,) = body["lines"]
    assert (line["gross"], line["cgst"], line["sgst"], line["total"]) == ("1000.00", "90.00", "90.00", "1180.00")
    assert line["package_applied"] is None
    assert isinstance(line["package_note"], str) and line["package_note"]
    assert body["summary"]["grand_total"] == "1180.00"


def test_invoice_spends_a_session_and_answers_updated_packages_4_of_4_to_3_of_4(
    cashier_client, customer, facial, facial_package
):
    assert (facial_package.remaining_sessions, facial_package.total_sessions) == (4, 4)

    response = cashier_client.post(INVOICES, bill(customer, service_line(facial)), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == INVOICE_KEYS
    assert body["success"] is True
    (updated,) = body["updated_packages"]
    assert set(updated) == UPDATED_KEYS
    assert updated == {
        "assignment_id": facial_package.pk,
        "package_type": "service_package",
        "sessions": {"total": 4, "used": 1, "remaining": 3},
        "credit": {"total": "0.00", "remaining": "0.00"},
        "status": "active",
    }
    invoice = Invoice.objects.get(pk=body["invoice_id"])
    assert invoice.number == body["invoice_number"]
    assert body["receipt_url"] == f"/receipts/{body['receipt_id']}"
    assert body["receipt_pdf_url"] == f"/receipts/{body['receipt_id']}/download"
    facial_package.refresh_from_db()
    assert facial_package.remaining_sessions == 3


def test_invoice_of_the_last_sessions_answers_completed(cashier_client, customer, facial, facial_package):
    response = cashier_client.post(INVOICES, bill(customer, service_line(facial, quantity=5), payments=[
        {"method": "upi", "reference": "UPI-77"}
    ]), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    (line,) = body["lines"]
    assert line["package_applied"]["quantity_covered"] == 4
    assert body["updated_packages"][0]["sessions"] == {"total": 4, "used": 4, "remaining": 0}
    assert body["updated_packages"][0]["status"] == "completed"
    payment = Payment.objects.get(invoice_id=body["invoice_id"])
    assert (payment.method, payment.amount.amount, payment.reference) == (
        "upi", Decimal(body["summary"]["amount_payable"]), "UPI-77",
    )


def test_invoice_with_prepaid_credit_answers_the_credit_balance(cashier_client, customer, facial, manager):
    prepaid = assignment_sell(
        customer=customer, template=PrepaidPackageFactory(), user=manager, payment=PaymentIn(method="cash")
    ).assignment

    response = cashier_client.post(INVOICES, bill(customer, service_line(facial), use_credit=True), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["summary"]["credit_applied"] == "1260.00"
    assert body["updated_packages"] == [
        {
            "assignment_id": prepaid.pk,
            "package_type": "prepaid",
            "sessions": {"total": 0, "used": 0, "remaining": 0},
            "credit": {"total": "17500.00", "remaining": "16240.00"},
            "status": "active",
        }
    ]


def test_invoice_retried_with_the_same_idempotency_key_answers_the_first_invoice(
    cashier_client, customer, facial, facial_package
):
    payload = bill(customer, service_line(facial))

    first = cashier_client.post(INVOICES, payload, format="json", HTTP_IDEMPOTENCY_KEY="till-1-0001")
    again = cashier_client.post(INVOICES, payload, format="json", HTTP_IDEMPOTENCY_KEY="till-1-0001")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["invoice_id"] == first.json()["invoice_id"]
    assert again.json()["invoice_number"] == first.json()["invoice_number"]
    assert again.json()["updated_packages"] == first.json()["updated_packages"]
    assert Invoice.objects.filter(kind="sale").count() == 1
    facial_package.refresh_from_db()
    assert facial_package.remaining_sessions == 3


def test_a_prepaid_chosen_for_a_line_pays_it_with_use_credit_false_and_only_it(
    cashier_client, customer, facial, manager
):
    prepaid = assignment_sell(
        customer=customer, template=PrepaidPackageFactory(name="Gold"), user=manager, payment=PaymentIn("cash")
    ).assignment
    lines = [service_line(facial, assignment_id=prepaid.pk), service_line(facial)]

    preview = cashier_client.post(PREVIEW, bill(customer, *lines, use_credit=False), format="json").json()
    unchosen = cashier_client.post(
        PREVIEW, bill(customer, service_line(facial), service_line(facial), use_credit=False), format="json"
    ).json()

    chosen_line, other_line = preview["lines"]
    assert chosen_line["package_applied"]["assignment_id"] == prepaid.pk
    assert other_line["package_applied"] is None
    assert preview["summary"]["credit_applied"] == chosen_line["total"] == "1260.00"
    assert unchosen["summary"]["credit_applied"] == "0.00"


def test_invoice_retried_with_the_same_key_and_another_body_answers_409_and_writes_nothing(
    cashier_client, customer, facial, facial_package
):
    first = cashier_client.post(INVOICES, bill(customer, service_line(facial)), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    before = table_counts()

    changed = cashier_client.post(
        INVOICES, bill(customer, service_line(facial, quantity=2)), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    assert first.status_code == 201
    assert changed.status_code == 409
    body = changed.json()
    assert body["success"] is False
    assert body["errors"] == {"idempotency_key": [body["error"]]}
    assert first.json()["invoice_number"] in body["error"]  # the same cashier may learn which bill it was
    assert table_counts() == before


def test_an_idempotency_key_reused_by_another_user_answers_409_without_the_invoice(
    cashier_client, manager_client, customer, facial, facial_package
):
    payload = bill(customer, service_line(facial))
    first = cashier_client.post(INVOICES, payload, format="json", HTTP_IDEMPOTENCY_KEY="till-1-0001")
    before = table_counts()

    stolen = manager_client.post(INVOICES, payload, format="json", HTTP_IDEMPOTENCY_KEY="till-1-0001")

    assert first.status_code == 201
    assert stolen.status_code == 409
    assert set(stolen.json()) == {"success", "error", "errors"}
    assert first.json()["invoice_number"] not in stolen.content.decode()
    assert table_counts() == before


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"items": []}, "items"),
        ({"items": [{"type": "service", "id": 987654, "quantity": 1}]}, "items"),
        ({"items": [{"type": "voucher", "id": 1, "quantity": 1}]}, "items.0.type"),
        ({"items": [{"type": "service", "id": "{facial}", "quantity": 0}]}, "items.0.quantity"),
        ({"items": [{"type": "service", "id": "{facial}", "quantity": -2}]}, "items.0.quantity"),
        ({"items": [{"type": "service", "id": "{facial}", "quantity": 1.5}]}, "items.0.quantity"),
        ({"items": [{"type": "service", "id": "{facial}", "quantity": 1, "staff_id": 987654}]}, "items"),
        ({"customer_id": 987654}, "customer_id"),
        ({"customer_id": None}, "customer_id"),
        ({"discount": "-1.00"}, "discount"),
        ({"discount": "1.234"}, "discount"),
        ({"payments": [{"method": "cheque", "amount": "100.00"}]}, "payments.0.method"),
        ({"payments": [{"method": "cash", "amount": "1.00"}]}, "payments"),
        ({"payments": [{"method": "cash", "amount": "99999.00"}]}, "payments"),
        ({"payments": [{"method": "cash"}, {"method": "upi"}]}, "payments"),
        ({"guests": 0}, "guests"),
        ({"place_of_supply": "Karnataka"}, "place_of_supply"),
    ],
)
def test_invoice_refusals_answer_400_naming_the_field_and_write_nothing(
    cashier_client, customer, facial, facial_package, change, path
):
    payload = bill(customer, service_line(facial, quantity=2))
    for key, value in change.items():
        if key == "items":
            value = [{**item, "id": facial.pk if item["id"] == "{facial}" else item["id"]} for item in value]
        payload[key] = value
    before = table_counts()

    response = cashier_client.post(INVOICES, payload, format="json")

    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["success"] is False
    assert path in body["errors"], body
    assert table_counts() == before


def test_invoice_with_someone_elses_package_is_refused_and_writes_nothing(
    cashier_client, facial, facial_package
):
    stranger = CustomerFactory()
    before = table_counts()

    response = cashier_client.post(
        INVOICES, bill(stranger, service_line(facial, assignment_id=facial_package.pk)), format="json"
    )

    assert response.status_code == 400
    assert table_counts() == before


def test_invoice_with_malformed_json_is_400_and_writes_nothing(cashier_client, facial_package):
    before = table_counts()

    response = cashier_client.post(INVOICES, data="{'customer_id': 1", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["success"] is False
    assert table_counts() == before


def test_void_gives_the_session_back_and_answers_updated_packages(
    cashier_client, manager_client, customer, facial, facial_package
):
    invoice_id = cashier_client.post(INVOICES, bill(customer, service_line(facial)), format="json").json()[
        "invoice_id"
    ]

    response = manager_client.post(f"{INVOICES}/{invoice_id}/void", {"reason": "Billed twice"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "success": True,
        "updated_packages": [
            {
                "assignment_id": facial_package.pk,
                "package_type": "service_package",
                "sessions": {"total": 4, "used": 0, "remaining": 4},
                "credit": {"total": "0.00", "remaining": "0.00"},
                "status": "active",
            }
        ],
        "money_back": [],  # the package paid: no money to hand back
        "total_money_back": "0.00",
    }
    assert Invoice.objects.get(pk=invoice_id).status == "cancelled"


def test_void_twice_is_refused_and_writes_nothing(cashier_client, manager_client, customer, facial, facial_package):
    invoice_id = cashier_client.post(INVOICES, bill(customer, service_line(facial)), format="json").json()[
        "invoice_id"
    ]
    manager_client.post(f"{INVOICES}/{invoice_id}/void", {"reason": "Billed twice"}, format="json")
    before = table_counts()

    response = manager_client.post(f"{INVOICES}/{invoice_id}/void", {"reason": "Again"}, format="json")

    assert response.status_code == 400
    assert "invoice" in response.json()["errors"]
    assert table_counts() == before


def test_void_without_a_reason_is_refused(manager_client, customer, facial, facial_package, cashier_client):
    invoice_id = cashier_client.post(INVOICES, bill(customer, service_line(facial)), format="json").json()[
        "invoice_id"
    ]
    before = table_counts()

    response = manager_client.post(f"{INVOICES}/{invoice_id}/void", {}, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert table_counts() == before


def test_void_of_an_unknown_invoice_is_404(manager_client):
    response = manager_client.post(f"{INVOICES}/987654/void", {"reason": "Typo"}, format="json")

    assert response.status_code == 404
    assert response.json()["success"] is False


def test_cashier_cannot_void(cashier_client, customer, facial, facial_package):
    invoice_id = cashier_client.post(INVOICES, bill(customer, service_line(facial)), format="json").json()[
        "invoice_id"
    ]

    response = cashier_client.post(f"{INVOICES}/{invoice_id}/void", {"reason": "Mine"}, format="json")

    assert response.status_code == 403
    assert Invoice.objects.get(pk=invoice_id).status == "issued"


def test_package_usage_lists_the_ledger_in_the_contract_shape(cashier_client, customer, facial, facial_package):
    number = cashier_client.post(INVOICES, bill(customer, service_line(facial)), format="json").json()[
        "invoice_number"
    ]

    response = cashier_client.get(f"/integrated-billing/package-usage/{facial_package.pk}")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"success", "usage"}
    sale, redeem = body["usage"]
    # The contract's keys, plus `kind` (sale, redeem, reversal, refund...) so a history can label each
    # row, and who (`by`), when (`at`) and why (`reason`) for the operations of a manager, and where
    # (`branch`, the code of the branch it was sold or used at: issue 15).
    assert set(redeem) == {
        "invoice_number", "date", "item_name", "quantity", "amount", "balance_after", "kind", "by", "at", "reason",
        "branch",
    }
    assert (redeem["invoice_number"], redeem["quantity"], redeem["balance_after"], redeem["kind"]) == (
        number, 1, 3, "redeem",
    )
    assert sale["balance_after"] == 4
    # The sale row's amount is what the customer paid: 3 x 1,200 + 5% GST.
    assert sale["amount"] == "3780.00"


def test_package_usage_of_an_unknown_package_is_404(cashier_client):
    response = cashier_client.get("/integrated-billing/package-usage/987654")

    assert response.status_code == 404
    assert response.json()["success"] is False


def test_invoice_lines_are_written_once(cashier_client, customer, facial, facial_package):
    cashier_client.post(INVOICES, bill(customer, service_line(facial)), format="json")

    assert InvoiceLine.objects.filter(invoice__kind="sale").count() == 1
    assert PackageUsage.objects.filter(kind="redeem").count() == 1
    assert Receipt.objects.count() == 2
    assert PackageAssignment.objects.count() == 1


@pytest.mark.parametrize(
    "raw",
    ["[" * 200_000, '{"customer_id": NaN, "items": []}', "\xff\xfe", '{"customer_id": 1e999999}', "null", '"text"'],
    ids=["nested-too-deep", "nan", "not-utf8", "huge-float", "null", "a-string"],
)
def test_preview_answers_400_to_any_body_that_is_not_a_cart(cashier_client, raw):
    response = cashier_client.post(PREVIEW, data=raw, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["success"] is False


@pytest.mark.parametrize("path", [PREVIEW, INVOICES])
def test_a_bill_split_into_more_than_10_payments_is_refused_naming_payments_and_writes_nothing(
    cashier_client, customer, facial, facial_package, path
):
    payload = bill(customer, service_line(facial), payments=[{"method": "cash", "amount": "1.00"}] * 11)
    before = table_counts()

    response = cashier_client.post(path, payload, format="json")

    assert response.status_code == 400, response.json()
    assert "payments" in response.json()["errors"]
    assert table_counts() == before


def test_a_bill_split_into_10_payments_is_taken(cashier_client, customer, facial, facial_package):
    product = ProductFactory()
    total = Decimal(cashier_client.post(
        PREVIEW, bill(customer, {"type": "product", "id": product.pk, "quantity": 1}), format="json"
    ).json()["summary"]["amount_payable"])
    payments = [{"method": "cash", "amount": "1.00"}] * 9 + [{"method": "upi"}]
    assert total > 9

    response = cashier_client.post(
        INVOICES, bill(customer, {"type": "product", "id": product.pk, "quantity": 1}, payments=payments), format="json"
    )

    assert response.status_code == 201, response.json()
    assert Payment.objects.filter(invoice_id=response.json()["invoice_id"]).count() == 10
