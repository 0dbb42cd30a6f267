"""/reports in Chromium: each tab draws its Chart.js chart and shows its table, within the CSP."""
import os
import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.shots import save_screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# tab, its canvases, its table
TABS = [
    ("liability", ["chart-liability", "chart-forecast"], "table-liability"),
    ("liability-rollforward", ["chart-liability-rollforward"], "table-liability-rollforward"),
    ("package-sales", ["chart-package-sales"], "table-package-sales"),
    ("redemptions", ["chart-redemptions"], "table-redemptions"),
    ("breakage", ["chart-breakage"], "table-breakage"),
    ("inter-branch", ["chart-inter-branch"], "table-inter-branch"),
    ("expiring", ["chart-expiring"], "table-expiring"),
    ("day-close", ["chart-day-close"], "table-day-close"),
]


@pytest.fixture
def seeded_shop(transactional_db):
    """The demo shop with its months of history; the flush took the role groups, the users bring them back."""
    UserFactory(username="owner", first_name="Lakshmi", groups=["Manager"], is_staff=True)
    UserFactory(username="counter", groups=["Cashier"])
    call_command("seed_demo", stdout=StringIO())


def chart_drawn(page, canvas_id: str) -> bool:
    return page.evaluate(
        """(id) => { const chart = Chart.getChart(document.getElementById(id));
                     return !!chart && chart.data.datasets.length > 0 && chart.width > 0; }""",
        canvas_id,
    )


def test_each_tab_draws_its_chart_and_shows_its_table(page, seeded_shop, sign_in):
    sign_in("owner", "/reports")

    for tab, canvases, table in TABS:
        page.click(f"#tab-{tab}")
        pane = page.locator(f"#pane-{tab}")
        expect(page.locator(f"#tab-{tab}")).to_have_class(re.compile(r"\bactive\b"))
        expect(pane).to_have_class(re.compile(r"\bshow\b"))
        expect(pane).to_be_visible()
        expect(pane.locator(f'[data-testid="{table}"] tbody tr').first).to_be_visible()
        for canvas in canvases:
            page.wait_for_function("(id) => !!Chart.getChart(document.getElementById(id))", arg=canvas)
            assert chart_drawn(page, canvas), f"{canvas} has no chart"
        if os.environ.get("SCREENSHOTS"):
            page.wait_for_timeout(400)  # let the tab's fade finish before the picture
            save_screenshot(page, f"reports-{tab}.png")
    assert "tab=day-close" in page.url  # a reload comes back to the same tab


def test_the_call_list_shows_phone_numbers_soonest_first(page, seeded_shop, sign_in):
    sign_in("owner", "/reports?tab=expiring")

    page.click('[data-testid="expiring-calls-view"]')

    expect(page.locator("#expiring-calls")).to_have_class(re.compile(r"\bshow\b"))
    phones = page.locator('[data-testid="call-list"] [data-testid="call-phone"]')
    expect(phones.first).to_be_visible()
    assert phones.count() >= 3
    assert all(text.startswith("+91") for text in phones.all_inner_texts())
    if os.environ.get("SCREENSHOTS"):
        page.wait_for_timeout(400)
        save_screenshot(page, "reports-call-list.png")


def test_the_date_pickers_reload_the_tab_with_the_dates_chosen(page, seeded_shop, sign_in):
    sign_in("owner", "/reports?tab=package-sales")

    page.select_option("#package-sales-group", "day")
    page.click('[data-testid="show-package-sales"]')

    page.wait_for_url("**/reports?tab=package-sales*group=day*")
    expect(page.locator("#pane-package-sales")).to_be_visible()
    expect(page.locator('[data-testid="table-package-sales"] thead')).to_contain_text("Day")
    page.wait_for_function("() => !!Chart.getChart(document.getElementById('chart-package-sales'))")
    href = page.locator('[data-testid="csv-package-sales"]').get_attribute("href")
    assert "group=day" in href and href.endswith("format=csv")
