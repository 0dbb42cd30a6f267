"""Downloads a manager can hand on (issue 25 item 12): the page's words, no internal ids, phones as
people read them, rupees with Indian grouping in Excel, and a total row; each read back as a
spreadsheet would (csv, openpyxl)."""
import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from billing.services import CartItem, PaymentIn, invoice_create
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

RUPEES = r"[>=10000000]##\,##\,##\,##0.00;[>=100000]##\,##\,##0.00;##,##0.00"
INTERNAL_WORDS = {
    "package_type", "assignment_id", "customer_id", "sessions_left", "credit_left", "service_package", "prepaid",
    "membership", "bank_transfer", "cash", "upi", "card", "net_collected", "refunded", "method", "cashier", "total",
}
NAMES = [
    "liability", "liability-rollforward", "liability-forecast", "package-sales", "redemptions", "breakage",
    "inter-branch", "expiring", "day-close",
]


@pytest.fixture
def manager_client(client, shop):
    client.force_login(shop.manager)
    return client


def csv_rows(client, name, **query) -> list[list[str]]:
    response = client.get(f"/api/reports/{name}", {**query, "format": "csv"})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def sheet_of(client, name, **query):
    response = client.get(f"/api/reports/{name}", {**query, "format": "xlsx"})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


@pytest.mark.parametrize("name", NAMES)
def test_no_download_speaks_in_internal_codes(manager_client, shop, name):
    invoice_create(  # a bank transfer, so the day close has one to name
        customer=shop.customer, items=[CartItem(type="service", id=ServiceFactory().pk, quantity=1)],
        cashier=shop.cashier, payments=[PaymentIn("bank_transfer")],
    )

    cells = {cell for row in csv_rows(manager_client, name) for cell in row}

    assert not cells & INTERNAL_WORDS, cells & INTERNAL_WORDS


def test_the_expiring_download_reads_like_its_table_without_ids_and_with_phones_written_out(manager_client, shop):
    rows = csv_rows(manager_client, "expiring", within_days=366)
    packages = manager_client.get("/api/reports/expiring", {"within_days": 366}).json()["packages"]

    assert rows[0] == ["Expires", "Customer", "Phone", "Package", "Kind", "Sessions left", "Credit left", "Value"]
    # Behind the quote every download puts before a leading "+" (core.spreadsheets): text, not a formula.
    assert {row[2] for row in rows[1:-1]} == {"'+91 98000 00001"}
    assert not {str(package["assignment_id"]) for package in packages} & {cell for row in rows for cell in row[:1]}
    assert {row[4] for row in rows[1:-1]} <= {"Service package", "Prepaid credit", "Membership"}
    assert rows[-1][0] == "Total"
    assert Decimal(rows[-1][7]) == sum(Decimal(package["value"]) for package in packages)
    assert int(rows[-1][5]) == sum(package["sessions_left"] for package in packages)


def test_the_day_close_names_methods_and_its_sections_in_words(manager_client, shop):
    invoice_create(
        customer=shop.customer, items=[CartItem(type="service", id=ServiceFactory().pk, quantity=1)],
        cashier=shop.cashier, payments=[PaymentIn("bank_transfer")],
    )

    rows = csv_rows(manager_client, "day-close")

    assert rows[0] == ["Section", "Name", "Invoices", "Amount"]
    assert ["Collected", "Bank transfer"] in [row[:2] for row in rows]
    assert rows[-1][:2] == ["Net", "Net collected"]


def test_excel_shows_rupees_with_indian_grouping_and_ends_with_a_bold_total(manager_client, shop):
    sheet = sheet_of(manager_client, "liability")
    report = manager_client.get("/api/reports/liability").json()

    rows = list(sheet.iter_rows(min_row=1))
    assert [cell.value for cell in rows[0]] == ["Kind", "Packages", "Sessions left", "Credit left", "Value"]
    membership = next(row for row in rows if row[0].value == "Membership")
    assert membership[4].value == 50000 and membership[4].number_format == RUPEES  # shown 50,000.00
    total = rows[-1]
    assert total[0].value == "Total" and total[0].font.b
    assert Decimal(str(total[4].value)) == Decimal(report["total"])
    assert total[4].number_format == RUPEES
    assert total[1].value == sum(row["packages"] for row in report["by_kind"])


def test_the_package_sales_workbook_totals_what_the_page_totals(manager_client, shop):
    start = (shop.today.replace(day=1)).isoformat()
    sheet = sheet_of(manager_client, "package-sales", **{"from": start, "to": shop.today.isoformat()})
    totals = manager_client.get("/api/reports/package-sales", {"from": start, "to": shop.today.isoformat()}).json()["totals"]

    header = [cell.value for cell in sheet[1]]
    total = [cell.value for cell in list(sheet.iter_rows())[-1]]
    assert header == ["Period", "Kind", "Sold", "Top-ups", "Taxable value", "GST", "Total"]
    assert total[0] == "Total"
    for name, column in (("sold", "Sold"), ("taxable_value", "Taxable value"), ("gst", "GST"), ("total", "Total")):
        assert Decimal(str(total[header.index(column)])) == Decimal(str(totals[name])), name
