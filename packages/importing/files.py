"""Read the file a spa brings (CSV or XLSX) into numbered rows of cells keyed by our column names.

The columns are in plain words (docs/going-live.md "Bring in what customers hold"); a header
is matched whatever its case, spacing or underscores. Row numbers are the spreadsheet's own:
the header is row 1, so an error about "row 14" is row 14 on the screen.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

# Our column names, in the template's order; the required ones must be there even when empty.
COLUMNS = (
    "phone", "name", "email", "kind", "package", "service", "sessions left", "credit left",
    "price paid", "value left", "sold on", "expires on", "reference",
)
REQUIRED_COLUMNS = ("phone", "name", "kind", "package", "price paid", "sold on", "reference")
XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFile(ValueError):
    """The file is not one we can read (not CSV or XLSX, no header, a column missing or unknown)."""


@dataclass(frozen=True)
class Table:
    """The rows of a file: (row number, {column: text, date or number}), empty rows left out."""

    rows: list[tuple[int, dict]]


def _column(header) -> str:
    return " ".join(str(header or "").replace("_", " ").split()).casefold()


def _columns(headers) -> list[str | None]:
    """Map the header row to our column names; refuse an unknown or missing column in plain words."""
    names = [_column(header) for header in headers]
    unknown = [str(header) for header, name in zip(headers, names, strict=True) if name and name not in COLUMNS]
    if unknown:
        raise UnreadableFile(
            f"Column {', '.join(repr(name) for name in unknown)} is not one we read. The columns are: {', '.join(COLUMNS)}."
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise UnreadableFile(f"The file has no {', '.join(repr(name) for name in missing)} column.")
    return [name or None for name in names]


def _cell(value):
    """Keep dates and numbers as the spreadsheet typed them; text stripped; a whole float as an integer."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _table(records) -> Table:
    records = iter(records)
    header = next(records, None)
    if not header:
        raise UnreadableFile("The file is empty: it needs a header row, then one row per package.")
    columns = _columns(header)
    rows = []
    for number, record in enumerate(records, start=2):
        cells = {name: _cell(value) for name, value in zip(columns, record, strict=False) if name}
        if any(value not in (None, "") for value in cells.values()):
            rows.append((number, cells))
    return Table(rows)


def _csv_records(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("The file is not UTF-8 text: save it as \"CSV UTF-8\" or as an Excel workbook.") from None
    return list(csv.reader(io.StringIO(text, newline="")))


def _xlsx_records(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a damaged workbook
        raise UnreadableFile(f"The workbook cannot be read ({error}).") from None
    try:
        return list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def read_table(name: str, data: bytes) -> Table:
    """Read a CSV or an XLSX file (by its first bytes, whatever its name says) into a `Table`."""
    if data.startswith(XLSX_MAGIC):
        return _table(_xlsx_records(data))
    if name.lower().endswith((".xlsx", ".xls")):
        raise UnreadableFile("This is not an .xlsx workbook: save it as .xlsx (Excel 2007 or later) or as CSV.")
    return _table(_csv_records(data))


def cell_text(value) -> str:
    """Write a cell as the person typed it (a date as dd-mm-yyyy), for messages and the preview."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)
