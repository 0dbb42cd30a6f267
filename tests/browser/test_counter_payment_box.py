"""The counter's payment box and Generate (issue 25, items 2 and 3): labels, what a split leaves,
amounts typed with grouping, why Generate is off, and Payable saying it is updating."""
import pytest
from playwright.sync_api import expect

from billing.models import Payment
from packages.models import PackageAssignment
from tests.browser.counter import (
    VIEWPORTS,
    add_service,
    generate,
    lines,
    open_counter,
    pay,
    sale_invoices,
    wait_for_totals,
)
from tests.browser.counter import pick_customer as pick_at_counter
from tests.browser.shots import save_screenshot
from tests.browser.test_assign_packages import pick_customer
from tests.factories import PrepaidPackageFactory, inr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _font_px(locator) -> float:
    return float(locator.evaluate("node => getComputedStyle(node).fontSize").removesuffix("px"))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_split_shows_what_is_left_with_visible_labels_and_grouped_amounts(shop, sign_in, viewport):
    page = open_counter(sign_in, viewport=viewport)
    add_service(page, shop["massage"])  # ₹2,500 + GST ₹125 = ₹2,625
    for name, words in (("method", "Method"), ("amount", "Amount (₹)"), ("reference", "Reference")):
        label = page.locator(f"label[for=id_pay-0-{name}]")
        expect(label).to_be_visible()
        expect(label).to_have_text(words)
    pay(page, "cash")
    page.fill("#id_pay-0-amount", "293")
    wait_for_totals(page)
    page.click("#add-payment")
    expect(page.locator("#id_pay-1-method")).to_be_focused()
    left = page.locator("[data-payments-left]")
    expect(left).to_contain_text("₹2,332 left to collect")
    expect(page.locator("label[for=id_pay-1-amount]")).to_be_visible()

    # Amounts are typed as every screen prints them.
    page.fill("#id_pay-0-amount", "1,000")
    expect(left).to_contain_text("₹1,625 left to collect")
    pay(page, "upi", row=1)
    page.fill("#id_pay-1-amount", "1,625")
    expect(left).to_have_text("Nothing left to collect.")
    expect(page.locator("#id_pay-0-amount_error")).to_have_text("")
    save_screenshot(page, f"integrated-billing-split-{1366 if viewport == 'desktop' else 800}.png")
    generate(page)

    expect(page.locator("#receipt-modal")).to_be_visible()
    amounts = sorted(p.amount.amount for p in Payment.objects.filter(invoice=sale_invoices().get()))
    assert amounts == [1000, 1625]


def test_a_bill_discount_and_a_sale_take_indian_grouping(shop, sign_in, live_server):
    big = PrepaidPackageFactory(name="Prepaid 1,05,400", actual_price=inr("105400.00"), after_value=inr("120000.00"))
    page = sign_in("cashier", "/assign-packages")
    pick_customer(page, "Asha", "Asha Rao")
    page.select_option("#id_package", f"prepaid:{big.pk}")
    expect(page.locator("[data-amount-due]")).to_have_text("₹1,05,400")
    page.select_option("#id_method", "bank_transfer")
    page.fill("#id_amount", "1,05,400")
    page.click("#assign-submit")
    expect(page.locator("[data-sell-another]")).to_be_visible()
    assert PackageAssignment.objects.get().price_paid.amount == 105400

    page.goto(f"{live_server.url}/integrated-billing")
    pick_at_counter(page, "Asha Rao")
    add_service(page, shop["massage"], quantity=2)
    page.click(".bill-options > summary")
    page.fill("#id_discount", "1,000")
    wait_for_totals(page)
    expect(page.locator("#id_discount_error")).to_have_text("")
    expect(page.locator('[data-summary="discount"]')).to_have_attribute("data-value", "1000.00")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_why_generate_is_off_is_said_beside_it_in_plain_size(shop, sign_in, viewport):
    page = open_counter(sign_in, viewport=viewport)
    add_service(page, shop["facial"])
    wait_for_totals(page)

    button, reason = page.locator("#generate-invoice"), page.locator("#generate-reason")
    expect(button).to_be_disabled()
    expect(reason).to_have_text("Choose how the customer pays to issue the invoice.")
    expect(reason).to_be_in_viewport()
    expect(button).to_have_attribute("aria-describedby", "generate-reason")
    body = _font_px(page.locator("body"))
    assert _font_px(reason) >= body  # the page's own size, not a small line
    under, above = reason.bounding_box(), button.bounding_box()
    assert 0 <= under["y"] - (above["y"] + above["height"]) <= 16, (under, above)
    assert under["x"] < above["x"] + above["width"] and above["x"] < under["x"] + under["width"]
    save_screenshot(page, f"integrated-billing-reason-{1366 if viewport == 'desktop' else 800}.png")


def test_payable_says_it_is_updating_while_the_totals_update(shop, sign_in):
    page = open_counter(sign_in)
    add_service(page, shop["facial"])
    pay(page, "cash")
    wait_for_totals(page)
    payable = page.locator("[data-payable]")
    expect(payable).to_have_text("₹1,260.00")
    held = []
    page.route("**/integrated-billing/cart", lambda route: held.append(route))

    lines(page).first.locator("td.qty-col input").fill("2")

    expect(payable).to_have_text("Updating…")
    expect(page.locator("#generate-reason")).to_have_text("Updating the totals…")
    expect(page.locator("#generate-invoice")).to_be_disabled()
    while not held:  # the cart's post (after the input delay) is held until the checks above are done
        page.wait_for_timeout(50)
    for route in held:
        route.continue_()
    page.unroute("**/integrated-billing/cart")
    expect(payable).to_have_text("₹2,520.00")
    expect(page.locator("#generate-invoice")).to_be_enabled()
