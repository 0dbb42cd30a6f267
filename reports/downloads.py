"""Every report as a table (headers and rows) and that table as a CSV or an Excel file.

The JSON, the CSV and the XLSX carry the same rows. Amounts stay Decimal here: the CSV
prints them as plain decimals with two places (no ₹, no commas, so a spreadsheet sums them),
the workbook stores them as numbers in a rupee format. Dates read the Indian way, as on every
page: "23 May 2027" (a spreadsheet reads that as a date), months "May 2027"; the workbook
keeps real dates shown in that format. Text that a spreadsheet would run as a formula (a
customer named "=HYPERLINK(...)") gets a leading `'` from spa_pkg.spreadsheets.spreadsheet_cell,
the one helper every writer passes its cells through.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook

from spa_pkg.formats import format_date
from spa_pkg.spreadsheets import spreadsheet_cell

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUPEES = "#,##0.00"
DAY = "d mmm yyyy"


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list]


def period_label(period: str) -> str:
    """Write a report period the Indian way: "2026-08" as "Aug 2026", "2026-08-05" as "5 Aug 2026"."""
    if len(period) == 7:
        return datetime.strptime(period, "%Y-%m").strftime("%b %Y")
    return format_date(datetime.strptime(period, "%Y-%m-%d").date())


def _table(rows: list[dict], headers: list[str], *, periods: tuple[str, ...] = ()) -> Table:
    return Table(
        headers, [[period_label(row[name]) if name in periods else row[name] for name in headers] for row in rows]
    )


def report_table(name: str, report: dict) -> Table:
    """Return the rows of report `name` (a selector's result) under their headers."""
    if name == "liability":
        return _table(report["by_kind"], ["package_type", "packages", "sessions_left", "credit_left", "value"])
    if name == "liability-forecast":
        rows = [
            {"month": month["month"], **kind} for month in report["months"] for kind in month["by_kind"]
        ]
        return _table(rows, ["month", "package_type", "value"], periods=("month",))
    if name == "liability-rollforward":
        headers = [
            "package_type", "opening", "sold", "topped_up", "imported", "transferred_in", "redeemed", "refunded",
            "transferred_out", "expired", "adjusted", "closing",
        ]
        return _table([*report["rows"], {"package_type": "total", **report["totals"]}], headers)
    if name == "package-sales":
        return _table(
            report["rows"], ["period", "package_type", "sold", "top_ups", "taxable_value", "gst", "total"], periods=("period",)
        )
    if name == "redemptions":
        return _table(report["rows"], ["package_type", "sessions_redeemed", "value_redeemed", "credit_spent", "list_price"])
    if name == "inter-branch":
        return _table(report["rows"], ["sold_at", "used_at", "sessions", "value"])
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
        rows += [
            {"section": "refunded", "name": row["method"], "invoices": "", "amount": row["amount"]}
            for row in report.get("refunded_by_method", [])
        ]
        if "net_collected" in report:
            rows.append({"section": "net", "name": "net_collected", "invoices": "", "amount": report["net_collected"]})
        return _table(rows, ["section", "name", "invoices", "amount"])
    raise LookupError(f"No table for report {name!r}.")


def _csv_cell(value) -> str:
    value = spreadsheet_cell(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return format_date(value)
    return "" if value is None else str(value)


def csv_text(table: Table) -> str:
    """Write `table` as CSV text: its headers, then its rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_cell(header) for header in table.headers])
    writer.writerows([_csv_cell(value) for value in row] for row in table.rows)
    return buffer.getvalue()


def attachment(content, content_type: str, filename: str) -> HttpResponse:
    """Return `content` as a download named `filename`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(table: Table, filename: str) -> HttpResponse:
    """Return `table` as a CSV attachment named `filename` (.csv added)."""
    return attachment(csv_text(table), f"{CSV}; charset=utf-8", f"{filename}.csv")


def workbook_bytes(sheets: dict[str, Table]) -> bytes:
    """Write each table on a sheet of its own (keyed by the sheet's title), amounts as rupee numbers."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, table in sheets.items():
        sheet = workbook.create_sheet(title[:31])
        sheet.append([spreadsheet_cell(header) for header in table.headers])
        for row in table.rows:
            sheet.append([spreadsheet_cell(value) for value in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=True):
                if isinstance(value, Decimal):
                    cell.number_format = RUPEES
                elif isinstance(value, date):
                    cell.number_format = DAY
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(table: Table, filename: str, title: str) -> HttpResponse:
    """Return `table` as an Excel workbook named `filename` (.xlsx added), amounts as rupee numbers."""
    return attachment(workbook_bytes({title: table}), XLSX, f"{filename}.xlsx")
