"""Every report as a table (headers and rows) and that table as a CSV or an Excel file.

The CSV and the XLSX carry the JSON's rows in the words of the /reports page: its column
headers, kinds and payment methods by name, phones as +91 98450 12345, no internal ids; a
report whose rows add up ends with a Total row. Amounts stay Decimal here: the CSV
prints them as plain decimals with two places (no ₹, no commas, so a spreadsheet sums them),
the workbook stores them as numbers shown with Indian grouping (1,05,000.00). Dates read the Indian way, as on every
page: "23 May 2027" (a spreadsheet reads that as a date), months "May 2027"; the workbook
keeps real dates shown in that format. Text that a spreadsheet would run as a formula (a
customer named "=HYPERLINK(...)") gets a leading `'` from core.spreadsheets.spreadsheet_cell,
the one helper every writer passes its cells through.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from core.formats import format_date
from core.payments import PaymentMethod
from core.phones import format_phone
from core.spreadsheets import spreadsheet_cell
from packages.kinds import kind_for

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rupees with Indian grouping, as every page prints them: 1,05,000.00 and 1,00,00,000.00 (Excel's
# conditions pick the lakh and crore patterns; below a lakh the usual thousands).
RUPEES = r"[>=10000000]##\,##\,##\,##0.00;[>=100000]##\,##\,##0.00;##,##0.00"
DAY = "d mmm yyyy"


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list]


@dataclass(frozen=True)
class Column:
    """One column of a download: the report's field, the page's word for it, and how a value reads."""

    key: str
    label: str
    show: Callable | None = None


def period_label(period: str) -> str:
    """Write a report period the Indian way: "2026-08" as "Aug 2026", "2026-08-05" as "5 Aug 2026"."""
    if len(period) == 7:
        return datetime.strptime(period, "%Y-%m").strftime("%b %Y")
    return format_date(datetime.strptime(period, "%Y-%m-%d").date())


def kind_label(package_type: str) -> str:
    """A kind as the page names it: "service_package" -> "Service package"; the total row's "total" -> "Total"."""
    if package_type == "total":
        return TOTAL
    return kind_for(package_type).label


def method_label(method: str) -> str:
    """A payment method as the page names it: "bank_transfer" -> "Bank transfer"."""
    return str(PaymentMethod(method).label)


TOTAL = "Total"
KIND = Column("package_type", "Kind", kind_label)
# The columns of each report's download, in the words of its table on /reports. Internal ids
# (assignment, customer) stay out; phones read +91 98450 12345; kinds and methods by name.
COLUMNS: dict[str, list[Column]] = {
    "liability": [
        KIND, Column("packages", "Packages"), Column("sessions_left", "Sessions left"),
        Column("credit_left", "Credit left"), Column("value", "Value"),
    ],
    "liability-forecast": [Column("month", "Month", period_label), KIND, Column("value", "Expires unused")],
    "liability-rollforward": [
        KIND, Column("opening", "Opening"), Column("sold", "Sold"), Column("topped_up", "Topped up"),
        Column("imported", "Imported"), Column("transferred_in", "Transferred in"), Column("redeemed", "Redeemed"),
        Column("refunded", "Refunded"), Column("transferred_out", "Transferred out"), Column("expired", "Expired"),
        Column("adjusted", "Adjusted"), Column("closing", "Closing"),
    ],
    "package-sales": [
        Column("period", "Period", period_label), KIND, Column("sold", "Sold"), Column("top_ups", "Top-ups"),
        Column("taxable_value", "Taxable value"), Column("gst", "GST"), Column("total", "Total"),
    ],
    "redemptions": [
        KIND, Column("sessions_redeemed", "Sessions redeemed"), Column("value_redeemed", "Value released"),
        Column("credit_spent", "Credit spent"), Column("list_price", "List price of what was used"),
    ],
    "inter-branch": [
        Column("sold_at", "Sold at"), Column("used_at", "Used at"), Column("sessions", "Sessions"),
        Column("value", "Value released"),
    ],
    "breakage": [KIND, Column("packages", "Packages expired"), Column("value", "Value left unused")],
    "expiring": [
        Column("expires_on", "Expires"), Column("customer_name", "Customer"), Column("phone", "Phone", format_phone),
        Column("package_name", "Package"), KIND, Column("sessions_left", "Sessions left"),
        Column("credit_left", "Credit left"), Column("value", "Value"),
    ],
    "day-close": [
        Column("section", "Section"), Column("name", "Name"), Column("invoices", "Invoices"), Column("amount", "Amount"),
    ],
}
# Reports whose rows add up: their downloads end with a total row (the roll-forward brings its own).
TOTALLED = {"liability", "liability-forecast", "package-sales", "redemptions", "inter-branch", "breakage", "expiring"}


def _table(name: str, rows: list[dict]) -> Table:
    columns = COLUMNS[name]
    return Table(
        [column.label for column in columns],
        [[column.show(row[column.key]) if column.show else row[column.key] for column in columns] for row in rows],
    )


def _day_close_rows(report: dict) -> list[dict]:
    """The day close as one list: money in by method, by cashier, money paid back by method, the net."""
    rows = [
        {"section": "Collected", "name": method_label(row["method"]), "invoices": "", "amount": row["amount"]}
        for row in report["by_method"]
    ]
    rows += [
        {"section": "Cashier", "name": row["cashier"], "invoices": row["invoices"], "amount": row["amount"]}
        for row in report["by_cashier"]
    ]
    rows += [
        {"section": "Paid back", "name": method_label(row["method"]), "invoices": "", "amount": row["amount"]}
        for row in report.get("refunded_by_method", [])
    ]
    if "net_collected" in report:
        rows.append({"section": "Net", "name": "Net collected", "invoices": "", "amount": report["net_collected"]})
    return rows


def report_table(name: str, report: dict) -> Table:
    """Return the rows of report `name` (a selector's result) under the page's headers."""
    if name == "liability":
        return _table(name, report["by_kind"])
    if name == "liability-forecast":
        return _table(name, [{"month": month["month"], **kind} for month in report["months"] for kind in month["by_kind"]])
    if name == "liability-rollforward":
        return _table(name, [*report["rows"], {"package_type": "total", **report["totals"]}])
    if name in ("package-sales", "redemptions", "inter-branch", "breakage"):
        return _table(name, report["rows"])
    if name == "expiring":
        return _table(name, report["packages"])
    if name == "day-close":
        return _table(name, _day_close_rows(report))
    raise LookupError(f"No table for report {name!r}.")


def _adds_up(value) -> bool:
    return isinstance(value, Decimal | int) and not isinstance(value, bool)


def with_total(name: str, table: Table) -> Table:
    """Add a total row to the table of a report whose rows add up: each amount and count summed.

    A column whose cells are not all numbers (a kind, a date, a name) is left empty; the first says "Total".
    """
    if name not in TOTALLED or not table.rows:
        return table
    total = []
    for cells in zip(*table.rows, strict=True):
        total.append(sum(cells) if all(_adds_up(cell) for cell in cells) else "")
    total[0] = TOTAL
    return Table(table.headers, [*table.rows, total])


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
            if row and row[0] == TOTAL:
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
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
