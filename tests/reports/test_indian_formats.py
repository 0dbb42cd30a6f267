"""Reports in Indian formats (issue 10, item 10): dd-mm-yyyy pickers, dates in the downloads, figures by the server."""
import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from core.formats import format_date
from core.money import format_inr

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, shop):
    client.force_login(shop.manager)
    return client


def test_the_pickers_show_their_dates_dd_mm_yyyy_and_read_them_back(manager_client, shop):
    html = manager_client.get("/reports?tab=package-sales&date_from=05-01-2026&date_to=31-03-2026&group=day").content.decode()

    assert 'name="date_from" id="package-sales-date_from" value="05-01-2026"' in html
    assert 'name="date_to" id="package-sales-date_to" value="31-03-2026"' in html
    assert 'type="date"' not in html  # a native date input would follow the browser's locale
    # The downloads still ask the API in its own ISO dates.
    assert 'href="/api/reports/package-sales?from=2026-01-05&amp;to=2026-03-31&amp;group=day&amp;format=csv"' in html


def test_a_date_typed_the_us_way_is_refused_in_the_pages_words(manager_client, shop):
    html = manager_client.get("/reports?tab=day-close&day=05/31/2026").content.decode()

    assert "Day must be a date written dd-mm-yyyy, like 23-05-2027." in html


def test_chart_tooltips_come_written_by_the_server(manager_client, shop):
    html = manager_client.get("/reports").content.decode()
    charts = json.loads(re.search(r'<script id="report-charts" type="application/json">(.*?)</script>', html, re.S)[1])

    liability = charts["liability"]
    assert liability["values_tips"] == [format_inr(value) for value in liability["values"]]
    assert liability["total_text"] == format_inr(liability["total"])
    assert any("₹52,500.00" in dataset["tips"] for dataset in charts["package_sales"]["datasets"])  # the membership
    assert "tips" not in json.dumps(charts["expiring"])  # counts of packages, not rupees


def test_the_call_list_shows_phones_as_people_read_them(manager_client, shop):
    html = manager_client.get("/reports?tab=expiring&within_days=366&view=calls").content.decode()

    assert 'href="tel:+919800000001" data-testid="call-phone">+91 98000 00001</a>' in html


def test_the_csv_writes_dates_the_indian_way_and_amounts_as_plain_decimals(manager_client, shop):
    response = manager_client.get("/api/reports/expiring", {"within_days": 366, "format": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, first = rows[0], rows[1]
    expires_on = date.fromisoformat(manager_client.get("/api/reports/expiring", {"within_days": 366}).json()["packages"][0]["expires_on"])
    assert first[header.index("Expires")] == format_date(expires_on)
    assert re.fullmatch(r"\d+\.\d\d", first[header.index("Value")])  # a spreadsheet sums it: no ₹, no commas


def test_the_csv_names_months_and_days_the_indian_way(manager_client, shop):
    start = shop.today - timedelta(days=40)
    by_month = manager_client.get("/api/reports/package-sales", {"from": start.isoformat(), "to": shop.today.isoformat(), "format": "csv"})
    by_day = manager_client.get(
        "/api/reports/package-sales", {"from": start.isoformat(), "to": shop.today.isoformat(), "group": "day", "format": "csv"}
    )

    month_periods = {row[0] for row in list(csv.reader(io.StringIO(by_month.content.decode())))[1:]}
    day_periods = {row[0] for row in list(csv.reader(io.StringIO(by_day.content.decode())))[1:]}
    assert shop.today.strftime("%b %Y") in month_periods
    assert format_date(shop.today) in day_periods


def test_the_workbook_keeps_real_dates_shown_day_month_year(manager_client, shop):
    response = manager_client.get("/api/reports/expiring", {"within_days": 366, "format": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("Expires") + 1)
    assert cell.is_date
    assert cell.number_format == "d mmm yyyy"
