"""The OpenAPI schema validates, documents every route with bodies, and the docs need no CDN."""
import re

import pytest
from django.contrib.staticfiles import finders
from drf_spectacular.validation import validate_schema

from tests.api.routes import ROUTES

pytestmark = pytest.mark.django_db

DOCUMENT_PAGES = ("/api/schema/", "/api/docs/")


@pytest.fixture
def schema(cashier_client):
    response = cashier_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def normalised(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path.rstrip("/"))


def test_the_schema_validates_as_openapi_3(schema):
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")


def test_the_schema_documents_every_route_of_the_table(schema):
    documented = {(method.upper(), normalised(path)) for path, item in schema["paths"].items() for method in item}
    expected = {
        (route.method, normalised(route.path)) for route in ROUTES if not route.path.startswith(DOCUMENT_PAGES)
    }

    assert expected - documented == set()


def test_every_operation_documents_a_json_response_body_and_the_error_body(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, (method, path)
            if path.startswith("/receipts/"):
                continue  # documents (HTML, PDF), not JSON
            body = operation["responses"][success[0]].get("content", {}).get("application/json", {})
            assert body.get("schema"), (method, path)
            for code in ("400", "401", "403", "404"):
                assert operation["responses"][code]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }


def test_every_write_documents_its_request_body(schema):
    no_body = {("post", "/api/assignments/{id}/pause"), ("post", "/api/assignments/{id}/resume")}
    for path, item in schema["paths"].items():
        for method in ("post", "put", "patch"):
            if method in item and (method, path) not in no_body:
                content = item[method]["requestBody"]["content"]
                assert "application/json" in content, (method, path)


def test_the_seed_shapes_are_described_field_by_field(schema):
    components = schema["components"]["schemas"]

    assert set(components["InvoiceCreatedOutput"]["properties"]) == {
        "success", "lines", "summary", "invoice_id", "invoice_number", "updated_packages", "receipt_id",
        "receipt_number", "receipt_url", "receipt_pdf_url",
    }
    assert set(components["CustomerPackagesResponse"]["properties"]) == {"success", "packages"}
    assert set(components["AssignAndPayOutput"]["properties"]) >= {
        "success", "assignment_id", "payment_id", "receipt_id", "receipt_number", "receipt_url", "receipt_pdf_url",
    }
    assert set(components["BillInputRequest"]["properties"]) == {
        "customer_id", "items", "discount", "use_credit", "guests", "payments", "place_of_supply",
    }
    assert set(components["ServicePackageListResponse"]["properties"]) == {"success", "packages"}
    assert components["ServicePackage"]["properties"]["free_sessions"]["readOnly"] is True


def test_paths_are_documented_without_the_trailing_slash(schema):
    assert all(not path.endswith("/") for path in schema["paths"])


def test_the_docs_page_loads_everything_from_this_server(cashier_client):
    response = cashier_client.get("/api/docs/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    html = response.content.decode()
    external = [url for url in re.findall(r"https?://[^\s\"'<>]+", html) if not url.startswith("http://testserver")]
    assert external == []
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    for asset in assets:
        assert finders.find(asset), asset


def test_the_schema_bounds_validity_by_the_model_constants(schema):
    from packages.models import MAX_VALIDITY_MONTHS, MIN_VALIDITY_MONTHS

    components = schema["components"]["schemas"]
    for name in ("PrepaidPackage", "ServicePackage", "Membership", "YearlyMembership", "KittyParty"):
        validity = components[name]["properties"]["validity_months"]
        assert (validity["minimum"], validity["maximum"]) == (MIN_VALIDITY_MONTHS, MAX_VALIDITY_MONTHS), name


def test_receipt_links_are_documented_as_paths_not_urls(schema):
    components = schema["components"]["schemas"]

    for name in ("AssignAndPayOutput", "InvoiceCreatedOutput"):
        for key in ("receipt_url", "receipt_pdf_url"):
            field = components[name]["properties"][key]
            assert field["type"] == "string" and "format" not in field, (name, key, field)
            assert "/receipts/67" in field["description"]


def test_the_payment_method_enums_come_from_the_one_list(schema):
    from core.payments import TENDER_METHODS, PaymentMethod

    enums = schema["components"]["schemas"]

    assert enums["PaymentMethodEnum"]["enum"] == PaymentMethod.values
    assert enums["CounterPaymentMethodEnum"]["enum"] == [method.value for method in TENDER_METHODS]
