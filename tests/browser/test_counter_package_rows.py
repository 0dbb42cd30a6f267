"""Issue 25 items 6, 8 and 9 at the counter: what a package did to a line, a package used up by this visit,
a renewal that starts later."""
import pytest
from playwright.sync_api import expect

from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create
from core.formats import format_date
from packages.models import PackageAssignment
from tests.browser.counter import (
    VIEWPORTS,
    add_service,
    close_receipt,
    generate,
    lines,
    open_counter,
    package_row,
    pick_customer,
    wait_for_totals,
)
from tests.browser.shots import save_screenshot
from tests.factories import CustomerFactory, PrepaidPackageFactory, inr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _width(viewport: str) -> int:
    return VIEWPORTS[viewport]["width"]


def _sell(shop, template, **sale):
    return assignment_sell(
        customer=shop["customer"], template=template, user=shop["cashier"], payment=PaymentIn(method="cash"), **sale
    ).assignment


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_credit_says_what_it_paid_and_the_taxes_say_their_rates(shop, sign_in, viewport):
    _sell(shop, PrepaidPackageFactory(name="Prepaid 15,000", actual_price=inr("15000.00"), after_value=inr("15000.00")))
    page = open_counter(sign_in, viewport=viewport)
    add_service(page, shop["facial"])  # ₹1,200 + GST ₹60, all of it paid from credit
    wait_for_totals(page)

    badge = lines(page).first.locator("[data-badge]")
    expect(badge).to_have_text("Paid from Prepaid 15,000: ₹1,260")
    expect(badge).not_to_contain_text("0 of 1")
    summary = page.locator("#summary")
    expect(summary.locator("dt", has_text="CGST")).to_have_text("CGST 2.5%")
    expect(summary.locator("dt", has_text="SGST")).to_have_text("SGST 2.5%")
    page.evaluate("window.scrollTo(0, 0)")
    save_screenshot(page, f"counter-paid-from-credit-{_width(viewport)}.png")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_package_used_up_by_this_visit_stays_in_view_as_completed(shop, sign_in, viewport):
    package = _sell(shop, shop["template"], service=shop["facial"])
    facial = [CartItem(type="service", id=shop["facial"].pk, quantity=3)]
    invoice_create(customer=shop["customer"], items=facial, cashier=shop["cashier"])  # 1/4 left
    page = open_counter(sign_in, viewport=viewport)
    expect(package_row(page, package).locator("[data-balance]")).to_have_text("1/4 sessions")

    add_service(page, shop["facial"])
    generate(page)  # the 4th of 4: nothing to pay
    close_receipt(page)

    row = package_row(page, package)
    expect(row.locator("[data-balance]")).to_have_text("0/4 sessions")
    expect(row.locator("[data-status]")).to_have_text("Completed")
    expect(page.locator("[data-packages-hint]")).not_to_contain_text("No packages")
    expect(page.locator(".modal-backdrop")).to_have_count(0)  # the receipt's pop-up has faded out
    page.evaluate("window.scrollTo(0, 0)")
    save_screenshot(page, f"counter-package-completed-{_width(viewport)}.png")

    # The next customer's visit does not show it; back to Asha later, "Show finished" does.
    CustomerFactory(name="Meera Iyer", phone="+919886011111")
    pick_customer(page, "Meera Iyer")
    page.click("[data-change-customer]")
    expect(page.locator("#customer-query")).to_be_focused()  # the search is back and wired up
    pick_customer(page, "Asha Rao")
    expect(package_row(page, package)).to_have_count(0)
    expect(page.locator("[data-packages-hint]")).to_have_text("No packages for this customer.")
    page.click("#show-finished")
    expect(package_row(page, package).locator("[data-status]")).to_have_text("Completed")
    expect(page.locator("#show-finished")).to_have_text("Hide finished")
    expect(page.locator("#show-finished")).to_have_attribute("aria-pressed", "true")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_renewal_that_starts_later_says_when_and_is_not_used_before(shop, sign_in, viewport):
    current = _sell(shop, shop["template"], service=shop["facial"])
    renewal = _sell(shop, shop["template"], service=shop["facial"], renews_assignment_id=current.pk)
    invoice_create(
        customer=shop["customer"], items=[CartItem(type="service", id=shop["facial"].pk, quantity=4)], cashier=shop["cashier"]
    )  # the current package is used up: only the renewal is left
    page = open_counter(sign_in, viewport=viewport)

    row = package_row(page, renewal)
    expect(row.locator("[data-status]")).to_have_text(f"Starts {format_date(renewal.assigned_on)}")
    expect(page.locator('#packages-table tbody[data-group="starts-later"]')).to_contain_text(renewal.package_name)
    expect(page.locator('#packages-table tbody[data-group="active"]')).to_have_count(0)
    add_service(page, shop["facial"])
    wait_for_totals(page)
    expect(lines(page).first.locator("[data-badge]")).to_contain_text("No package")
    expect(lines(page).first.locator("td.package-col select option")).to_have_text(["Auto (best)", "No package"])
    page.evaluate("window.scrollTo(0, 0)")
    save_screenshot(page, f"counter-renewal-starts-later-{_width(viewport)}.png")
    renewal.refresh_from_db()
    assert renewal.remaining_sessions == 4
    assert PackageAssignment.objects.get(pk=renewal.pk).status == "active"
