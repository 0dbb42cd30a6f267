"""Cells for a download that opens in a spreadsheet: text never runs as a formula, numbers stay numbers.

Excel and LibreOffice read a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
as a formula, so a customer named `=HYPERLINK("http://x","y")` would be a live link in the manager's
sheet (OWASP "CSV injection"). Every CSV and XLSX writer passes each cell through `spreadsheet_cell`:
such text gets a leading `'`, which both programs read as "this is text". Amounts, counts and dates
are not text: they keep their type, so a negative amount stays a number.
"""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    """Return `value` safe for a spreadsheet cell: text that a spreadsheet would run gets a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value
