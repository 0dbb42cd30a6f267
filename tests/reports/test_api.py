"""GET /api/reports/<name>: the JSON shapes, who may read them, the 400s and the downloads."""
import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

NAMES = [
    "liability", "liability-rollforward", "liability-forecast", "package-sales", "redemptions", "breakage",
    "inter-branch", "expiring", "day-close",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUPEES = r"[>=10000000]##\,##\,##\,##0.00;[>=100000]##\,##\,##0.00;##,##0.00"  # Indian grouping: 1,05,000.00


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def manager_client(shop):
    return client_for(shop.manager)


@pytest.fixture
def cashier_client(shop):
    return client_for(shop.cashier)


@pytest.mark.parametrize("slash", ["", "/"])
def test_the_liability_answers_the_contract_shape_with_amounts_as_strings(manager_client, shop, slash):
    response = manager_client.get(f"/api/reports/liability{slash}", {"as_of": shop.today.isoformat()})

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["as_of"] == shop.today.isoformat()
    assert body["total"] == "66620.00"
    assert body["by_kind"][0] == {
        "package_type": "prepaid", "packages": 1, "sessions_left": 0, "credit_left": "16240.00", "value": "13920.00",
    }
    assert len(body["by_kind"]) == 6


@pytest.mark.parametrize("name", NAMES)
def test_every_report_answers_a_manager(manager_client, name):
    response = manager_client.get(f"/api/reports/{name}")

    assert response.status_code == 200, response.content
    assert response.json()["success"] is True


@pytest.mark.parametrize("name", [name for name in NAMES if name != "day-close"])
def test_a_cashier_may_not_read_the_reports(cashier_client, name):
    response = cashier_client.get(f"/api/reports/{name}")

    assert response.status_code == 403
    assert response.json()["success"] is False


def test_a_cashier_closes_the_day_on_their_own_invoices_only(cashier_client, manager_client, shop):
    own = cashier_client.get("/api/reports/day-close", {"date": shop.today.isoformat()}).json()
    everyone = manager_client.get("/api/reports/day-close", {"date": shop.today.isoformat()}).json()

    assert (own["invoices"], own["voided"], own["total_collected"]) == (2, 1, "0.00")
    assert [row["cashier"] for row in own["by_cashier"]] == ["reports-cashier"]
    assert (everyone["invoices"], everyone["total_collected"]) == (4, "75060.00")


def test_package_sales_and_the_other_reports_take_their_inputs(manager_client, shop):
    today = shop.today.isoformat()
    sales = manager_client.get("/api/reports/package-sales", {"from": today, "to": today, "group": "day"}).json()
    expiring = manager_client.get("/api/reports/expiring", {"within_days": 200}).json()
    forecast = manager_client.get("/api/reports/liability-forecast", {"months": 3}).json()

    assert sales["totals"] == {"sold": 3, "top_ups": 0, "taxable_value": "68600.00", "gst": "2680.00", "total": "71280.00"}
    assert [row["period"] for row in sales["rows"]] == [today] * 3
    assert [row["assignment_id"] for row in expiring["packages"]] == [shop.series.pk]
    assert expiring["packages"][0]["phone"] == "+919800000001"
    assert len(forecast["months"]) == 3


@pytest.mark.parametrize(
    ("name", "query", "field"),
    [
        ("package-sales", {"from": "2026-13-01"}, "from"),
        ("package-sales", {"to": "yesterday"}, "to"),
        ("package-sales", {"from": "2026-03-02", "to": "2026-03-01"}, "from"),
        ("package-sales", {"from": "2025-01-01", "to": "2026-01-02", "group": "day"}, "group"),
        ("package-sales", {"group": "week"}, "group"),
        ("redemptions", {"from": "2026-03-02", "to": "2026-03-01"}, "from"),
        ("breakage", {"to": "2026-02-30"}, "to"),
        ("liability", {"as_of": "soon"}, "as_of"),
        ("liability-forecast", {"months": "0"}, "months"),
        ("expiring", {"within_days": "-1"}, "within_days"),
        ("day-close", {"date": "30-11-2026"}, "date"),
        ("liability", {"format": "pdf"}, "format"),
    ],
)
def test_bad_inputs_get_a_400_naming_the_parameter(manager_client, name, query, field):
    response = manager_client.get(f"/api/reports/{name}", query)

    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False
    assert list(body["errors"]) == [field]
    assert body["error"].startswith(f"{field}:")


def test_a_daily_grouping_of_366_days_is_allowed(manager_client):
    response = manager_client.get("/api/reports/package-sales", {"from": "2024-01-01", "to": "2024-12-31", "group": "day"})

    assert response.status_code == 200


def test_the_csv_download_carries_the_same_rows_with_headers(manager_client, shop):
    today = shop.today.isoformat()
    response = manager_client.get("/api/reports/liability", {"as_of": today, "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="liability-{today}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Kind", "Packages", "Sessions left", "Credit left", "Value"]
    assert rows[1] == ["Prepaid credit", "1", "0", "16240.00", "13920.00"]
    assert len(rows) == 8  # the six kinds and their total
    assert rows[-1][0] == "Total"


def test_the_xlsx_download_has_rupee_amounts_as_numbers(manager_client, shop):
    start = (shop.today - timedelta(days=200)).isoformat()
    response = manager_client.get(
        "/api/reports/package-sales", {"from": start, "to": shop.today.isoformat(), "format": "xlsx"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        f'attachment; filename="package-sales-{start}-to-{shop.today.isoformat()}-by-month.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Period", "Kind", "Sold", "Top-ups", "Taxable value", "GST", "Total")
    json_rows = manager_client.get("/api/reports/package-sales", {"from": start, "to": shop.today.isoformat()}).json()["rows"]
    assert len(rows) == len(json_rows) + 2  # the headers and the total row
    membership = next(row for row in rows if row[1] == "Membership")
    assert membership[4:] == (50000, 2500, 52500)
    assert sheet.cell(row=2, column=5).number_format == RUPEES


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_report_downloads_in_both_formats(manager_client, name, fmt):
    response = manager_client.get(f"/api/reports/{name}", {"format": fmt})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="{name}-')
    assert response["Content-Disposition"].endswith(f'.{fmt}"')


def test_a_cashiers_day_close_downloads_only_their_own(cashier_client, shop):
    response = cashier_client.get("/api/reports/day-close", {"format": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[1] for row in rows if row[0] == "Cashier"] == ["reports-cashier"]
