"""Every report as a table (headers and rows) and that table as a CSV or an Excel file.

The JSON, the CSV and the XLSX carry the same rows. Amounts stay Decimal here: the CSV
prints them with two places, the workbook stores them as numbers in a rupee format.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUPEES = "#,##0.00"


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list]


def _table(rows: list[dict], headers: list[str]) -> Table:
    return Table(headers, [[row[name] for name in headers] for row in rows])


def report_table(name: str, report: dict) -> Table:
    """Return the rows of report `name` (a selector's result) under their headers."""
    if name == "liability":
        return _table(report["by_kind"], ["package_type", "packages", "sessions_left", "credit_left", "value"])
    if name == "liability-forecast":
        rows = [
            {"month": month["month"], **kind} for month in report["months"] for kind in month["by_kind"]
        ]
        return _table(rows, ["month", "package_type", "value"])
    if name == "package-sales":
        return _table(report["rows"], ["period", "package_type", "sold", "taxable_value", "gst", "total"])
    if name == "redemptions":
        return _table(report["rows"], ["package_type", "sessions_redeemed", "value_redeemed", "credit_spent"])
    if name == "breakage":
        return _table(report["rows"], ["package_type", "packages", "value"])
    if name == "expiring":
        headers = [
            "assignment_id", "customer_id", "customer_name", "phone", "package_name", "package_type",
            "expires_on", "sessions_left", "credit_left", "value",
        ]
        return _table(report["packages"], headers)
    if name == "day-close":
        rows = [{"section": "method", "name": row["method"], "invoices": "", "amount": row["amount"]} for row in report["by_method"]]
        rows += [
            {"section": "cashier", "name": row["cashier"], "invoices": row["invoices"], "amount": row["amount"]}
            for row in report["by_cashier"]
        ]
        return _table(rows, ["section", "name", "invoices", "amount"])
    raise LookupError(f"No table for report {name!r}.")


def _csv_cell(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def csv_response(table: Table, filename: str) -> HttpResponse:
    """Return `table` as a CSV attachment named `filename` (.csv added)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.headers)
    writer.writerows([_csv_cell(value) for value in row] for row in table.rows)
    response = HttpResponse(buffer.getvalue(), content_type=f"{CSV}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(table: Table, filename: str, title: str) -> HttpResponse:
    """Return `table` as an Excel workbook named `filename` (.xlsx added), amounts as rupee numbers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(table.headers)
    for row in table.rows:
        sheet.append(row)
        for cell, value in zip(sheet[sheet.max_row], row, strict=True):
            if isinstance(value, Decimal):
                cell.number_format = RUPEES
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
