"""/reports: managers see every report in a tab, with its table, chart data and downloads."""
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from packages.models import PackageAssignment
from tests.pages.test_pages import json_script

pytestmark = pytest.mark.django_db

TABS = [
    "liability", "liability-rollforward", "package-sales", "redemptions", "breakage", "inter-branch", "expiring", "day-close",
]


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=StringIO())


def rows_of(html: str, testid: str) -> list[str]:
    """Return the text of each body row of the table marked `data-testid=testid`."""
    start = html.index(f'data-testid="{testid}"')
    body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("</tr>")[:-1]]


def test_a_cashier_is_refused_and_sees_no_link(client, cashier):
    client.force_login(cashier)

    assert client.get("/reports").status_code == 403
    assert 'data-nav="reports"' not in client.get("/integrated-billing").content.decode()


def test_anonymous_user_is_sent_to_the_login_page(client):
    response = client.get("/reports")

    assert response.status_code == 302 and response["Location"].startswith("/login")


def test_a_manager_reaches_it_from_the_top_bar(client, manager):
    client.force_login(manager)

    assert 'href="/reports" data-nav="reports"' in client.get("/integrated-billing").content.decode()
    assert client.get("/reports/").status_code == 200


def test_every_tab_renders_its_table_and_chart_from_the_seeded_shop(client, manager, seeded):
    client.force_login(manager)

    html = client.get("/reports").content.decode()

    for tab in TABS:
        assert f'id="pane-{tab}"' in html
        assert f'href="/api/reports/{tab}?' in html
    liability = rows_of(html, "table-liability")
    assert [row.split(" ₹")[0].rsplit(" ", 2)[0] for row in liability] == [
        "Prepaid credit", "Service package", "Membership", "Student offer", "Yearly membership", "Kitty party",
    ]
    assert len(rows_of(html, "table-forecast")) == 12
    assert any("Kitty party" in row for row in rows_of(html, "table-package-sales"))
    assert any(row.startswith("Service package") and not row.startswith("Service package 0") for row in rows_of(html, "table-redemptions"))
    breakage = rows_of(html, "table-breakage")
    assert any(row.startswith("Service package 2") for row in breakage)
    assert rows_of(html, "table-expiring") and "No invoice" not in " ".join(rows_of(html, "table-day-close-cashiers"))
    charts = json_script(client.get("/reports"), "report-charts")
    assert set(charts) == {
        "liability", "forecast", "rollforward", "package_sales", "redemptions", "breakage", "inter_branch", "expiring",
        "day_close",
    }
    assert len(charts["package_sales"]["labels"]) == 6 and len(charts["package_sales"]["datasets"]) == 6


def test_the_figures_are_written_in_rupees_on_the_server(client, manager, seeded):
    client.force_login(manager)

    html = client.get("/reports").content.decode()

    total = re.search(r'data-testid="liability-total">([^<]+)<', html).group(1)
    assert re.fullmatch(r"₹[\d,]+\.\d\d", total)


def test_the_call_list_gives_phone_numbers_soonest_first(client, manager, seeded):
    client.force_login(manager)

    html = client.get("/reports?tab=expiring&within_days=30&view=calls").content.decode()

    phones = re.findall(r'href="tel:([^"]+)" data-testid="call-phone"', html)
    today = timezone.localdate()
    expected = PackageAssignment.objects.filter(
        status__in=["active", "paused"], expires_on__range=(today, today + timedelta(days=30))
    ).order_by("expires_on", "pk")
    assert phones == [assignment.customer.phone for assignment in expected]
    assert len(phones) >= 3


def test_the_pickers_feed_the_reports_and_the_downloads(client, manager, seeded):
    client.force_login(manager)
    day = (timezone.localdate() - timedelta(days=2)).isoformat()

    html = client.get(f"/reports?tab=day-close&day={day}&date_from=2026-01-01&date_to=2026-03-31&group=day").content.decode()

    assert f'href="/api/reports/day-close?date={day}&amp;format=csv"' in html
    assert 'href="/api/reports/package-sales?from=2026-01-01&amp;to=2026-03-31&amp;group=day&amp;format=xlsx"' in html
    assert 'class="nav-link active" id="tab-day-close"' in html


def test_a_bad_picker_is_named_and_its_default_used(client, manager, seeded):
    client.force_login(manager)

    response = client.get("/reports?tab=package-sales&date_from=2026-05-01&date_to=2026-01-01")

    html = response.content.decode()
    assert response.status_code == 200
    assert "The start comes after the end." in html
    assert 'data-testid="picker-errors"' in html


def test_every_download_button_gets_its_file_from_the_api(client, manager, seeded):
    client.force_login(manager)
    html = client.get("/reports").content.decode()

    links = re.findall(r'href="(/api/reports/[^"]+)" data-testid="(csv|xlsx)-([a-z-]+)"', html)

    assert len(links) == 2 * len(TABS)
    for href, kind, tab in links:
        response = client.get(href.replace("&amp;", "&"))
        assert response.status_code == 200, (tab, kind, response.content[:300])
        assert tab in response["Content-Disposition"]
