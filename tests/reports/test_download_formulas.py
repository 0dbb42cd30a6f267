"""Downloads that open in a spreadsheet (issue 21, item 5): planted text never runs as a formula.

A customer, a package and a cashier are named like formulas; every report in both formats must
write them as text (a leading `'`, OWASP "CSV injection") while amounts stay numbers.
"""
import csv
import io
from decimal import Decimal, InvalidOperation

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create
from reports.api import VIEWS
from reports.downloads import RUPEES, Table, csv_response, xlsx_response
from tests.factories import CustomerFactory, ServicePackageFactory, UserFactory
from tests.reports.test_api import NAMES

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CUSTOMER_NAME = '=HYPERLINK("http://x","y")'
PACKAGE_NAME = "+cmd|' /C calc'!A0"
CASHIER_NAME = "@SUM(1+1)"
AMOUNT_COLUMNS = {  # as the downloads head them (the /reports page's words)
    "Credit left", "Value", "Taxable value", "GST", "Total", "Value released", "Credit spent", "Amount",
    "List price of what was used", "Expires unused", "Value left unused",
    "Opening", "Sold", "Topped up", "Imported", "Transferred in", "Redeemed", "Refunded", "Transferred out", "Expired",
    "Adjusted", "Closing",
}


@pytest.fixture
def hostile(shop):
    """Sell a package named like a formula to a customer named like one; a cashier named like one bills it."""
    customer = CustomerFactory(name=CUSTOMER_NAME, phone="+919811111111", email="hostile@example.com")
    assignment = assignment_sell(
        customer=customer, template=ServicePackageFactory(name=PACKAGE_NAME), service=shop.facial,
        user=shop.manager, payment=PaymentIn("cash"),
    ).assignment
    cashier = UserFactory(username=CASHIER_NAME, groups=["Cashier"])
    invoice_create(
        customer=customer, items=[CartItem(type="service", id=shop.facial.pk, quantity=1, assignment_id=assignment.pk)],
        cashier=cashier,
    )
    invoice_create(customer=customer, items=[CartItem(type="service", id=shop.facial.pk, quantity=1)], cashier=cashier)
    client = APIClient()
    client.force_login(shop.manager)
    return client


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def _download(client, name: str, fmt: str):
    response = client.get(f"/api/reports/{name}", {"format": fmt, "within_days": 366})
    assert response.status_code == 200, response.content
    return response


@pytest.mark.parametrize("name", NAMES)
def test_no_csv_cell_of_any_report_starts_like_a_formula(hostile, name):
    rows = list(csv.reader(io.StringIO(_download(hostile, name, "csv").content.decode())))

    for row in rows:
        for value in row:
            assert not value.startswith(FORMULA_STARTS) or _is_number(value), (name, value)


@pytest.mark.parametrize("name", NAMES)
def test_no_xlsx_cell_of_any_report_is_a_formula_and_amounts_are_numbers(hostile, name):
    sheet = load_workbook(io.BytesIO(_download(hostile, name, "xlsx").content)).active
    headers = [cell.value for cell in sheet[1]]

    for row in sheet.iter_rows(min_row=1):
        for header, cell in zip(headers, row, strict=True):
            assert cell.data_type != "f", (name, cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert not cell.value.startswith(FORMULA_STARTS), (name, cell.coordinate, cell.value)
            if cell.row > 1 and header in AMOUNT_COLUMNS:
                assert cell.data_type == "n" and isinstance(cell.value, int | float), (name, header, cell.value)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_planted_names_read_back_as_text_behind_a_quote(hostile, fmt):
    expiring, day_close = _download(hostile, "expiring", fmt), _download(hostile, "day-close", fmt)

    if fmt == "csv":
        cells = {value for response in (expiring, day_close) for row in csv.reader(io.StringIO(response.content.decode())) for value in row}
    else:
        cells = {
            value
            for response in (expiring, day_close)
            for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
            for value in row
        }
    assert {f"'{CUSTOMER_NAME}", f"'{CASHIER_NAME}"} <= cells
    assert any(str(value).startswith(f"'{PACKAGE_NAME} – ") for value in cells)  # "<template> – <service>"


def test_the_expiring_call_list_customer_cell_is_text_not_a_live_link(hostile):
    # The attack's own reproduction: the planted customer's name landed in C3 as a formula
    # (column B since the downloads left the ids out).
    sheet = load_workbook(io.BytesIO(_download(hostile, "expiring", "xlsx").content)).active
    names = [cell for cell in sheet["B"] if cell.value in (CUSTOMER_NAME, f"'{CUSTOMER_NAME}")]

    assert names and all(cell.data_type == "s" and cell.value == f"'{CUSTOMER_NAME}" for cell in names)


def test_a_negative_amount_stays_a_number_in_both_downloads():
    table = Table(["name", "amount"], [["-refund", Decimal("-12.50")]])

    csv_rows = list(csv.reader(io.StringIO(csv_response(table, "t").content.decode())))
    sheet = load_workbook(io.BytesIO(xlsx_response(table, "t", title="t").content)).active

    assert csv_rows[1] == ["'-refund", "-12.50"]
    assert (sheet["A2"].value, sheet["B2"].value, sheet["B2"].data_type) == ("'-refund", -12.5, "n")
    assert sheet["B2"].number_format == RUPEES


def test_the_download_tests_cover_every_report():
    assert set(VIEWS) == set(NAMES)
