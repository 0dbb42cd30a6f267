"""Issue 10's smaller counter items: the subtotal's parts as a breakdown, paused packages apart, the sale's
invoice in the usage history, Generate on screen on a tablet; and the counter's screenshots."""
import os

import pytest
from playwright.sync_api import expect

from billing.services import PaymentIn, assignment_sell
from packages.services import assignment_pause
from tests.browser.counter import VIEWPORTS, add_product, add_service, open_counter, package_row, pay, wait_for_totals
from tests.browser.shots import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



@pytest.fixture
def sale(shop):
    """Asha holds a 3+1 facial package (4/4 sessions), sold on a tax invoice."""
    return assignment_sell(
        customer=shop["customer"], template=shop["template"], service=shop["facial"], user=shop["cashier"],
        payment=PaymentIn(method="cash"),
    )


def test_the_package_and_services_subtotals_read_as_parts_of_the_subtotal(sale, shop, sign_in):
    page = open_counter(sign_in)
    add_service(page, shop["facial"])
    wait_for_totals(page)

    order = page.eval_on_selector_all("#summary dt", "nodes => nodes.map(n => n.textContent.trim())")
    assert order.index("Subtotal") < order.index("of which services") < order.index("of those, covered by packages")
    assert order.index("of those, covered by packages") < order.index("of which products")
    indent = page.locator("#summary .summary-part dt").first.evaluate("n => parseFloat(getComputedStyle(n).paddingLeft)")
    assert indent > 0


def test_paused_packages_have_their_own_group(sale, shop, sign_in):
    massage_package = assignment_sell(
        customer=shop["customer"], template=shop["template"], service=shop["massage"], user=shop["cashier"],
        payment=PaymentIn(method="cash"),
    ).assignment
    assignment_pause(assignment=massage_package, user=shop["manager"])

    page = open_counter(sign_in)

    expect(page.locator('#packages-table tbody[data-group="active"] tr[data-assignment-id]')).to_have_count(1)
    paused = page.locator('#packages-table tbody[data-group="paused"]')
    expect(paused.locator("th")).to_have_text("Paused")
    expect(paused.locator(f'tr[data-assignment-id="{massage_package.pk}"] [data-status]')).to_have_text("Paused")


def test_the_usage_history_names_the_invoice_that_sold_the_package(sale, sign_in):
    page = open_counter(sign_in)

    package_row(page, sale.assignment).locator("[data-action=history]").click()

    first = page.locator("#usage-table tbody tr[data-usage]").first
    expect(first.locator("td").first).to_have_text(sale.invoice.number)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_generate_is_on_screen_with_three_lines_and_the_screenshots(sale, shop, sign_in, viewport):
    page = open_counter(sign_in, viewport=viewport)
    add_service(page, shop["facial"])
    add_service(page, shop["massage"])
    add_product(page, shop["serum"])
    pay(page, "upi")
    wait_for_totals(page)
    expect(page.locator("#cart [data-badge]").first).to_contain_text("Package Applied")

    page.evaluate("window.scrollTo(0, 0)")
    page.locator("body").click(position={"x": 5, "y": 300})  # no focus ring in the picture
    generate = page.locator("#generate-invoice")
    expect(generate).to_be_enabled()
    expect(generate).to_be_in_viewport()
    box = generate.bounding_box()
    assert box["y"] + box["height"] <= VIEWPORTS[viewport]["height"]
    width = VIEWPORTS[viewport]["width"]
    if os.environ.get("SCREENSHOTS"):
        save_screenshot(page, f"integrated-billing-{1366 if width == 1366 else 800}.png")
