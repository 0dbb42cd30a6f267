"""Issue 10, items 6, 7 and 8 at the counter: the receipt pop-up, why-not reasons without hover, the keyboard."""
import os
import re

import pytest
from playwright.sync_api import expect

from billing.services import PaymentIn, assignment_sell
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
from tests.browser.shots import save_screenshot
from tests.factories import KittyPartyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_receipt_pop_up_adds_no_print_or_pdf_of_its_own_and_fits_the_screen(shop, sign_in, viewport):
    page = open_counter(sign_in, viewport=viewport)
    add_service(page, shop["massage"])
    pay(page, "cash")
    generate(page)

    modal = page.locator("#receipt-modal")
    expect(modal).to_have_class(re.compile(r"\bshow\b"))
    # The receipt page in the frame has the one Print and the one PDF; the pop-up has only Close.
    expect(modal.locator("button, a").filter(has_text=re.compile("print|pdf", re.I))).to_have_count(0)
    width = VIEWPORTS[viewport]["width"]
    box = modal.locator(".modal-dialog").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    frame = modal.locator("[data-receipt-frame]").bounding_box()
    assert frame["x"] >= 0 and frame["x"] + frame["width"] <= width
    if viewport == "tablet" and os.environ.get("SCREENSHOTS"):
        page.wait_for_timeout(500)  # the frame's receipt is drawn
        save_screenshot(page, "integrated-billing-receipt-800.png")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_why_not_reason_opens_with_a_tap_and_is_read_aloud(shop, sign_in, viewport):
    kitty = KittyPartyFactory(name="Kitty Party 20,000", min_guests=10, services_included=[shop["facial"]])
    assignment_sell(customer=shop["customer"], template=kitty, user=shop["cashier"], payment=PaymentIn(method="cash"))
    page = open_counter(sign_in, viewport=viewport)
    add_service(page, shop["facial"])
    wait_for_totals(page)

    reason = lines(page).first.locator("[data-why]")
    expect(reason).to_be_hidden()
    toggle = lines(page).first.locator(".why-not > summary")
    toggle.click()

    expect(reason).to_be_visible()
    expect(reason).to_contain_text("needs at least 10 guests; this bill has 0")
    assert toggle.get_attribute("aria-describedby") == reason.get_attribute("id")


def test_the_keyboard_path_from_customer_to_invoice_and_back(shop, sign_in):
    page = open_counter(sign_in)
    service_list = page.locator("#add-service")
    # Picking a customer moves focus to the service list.
    expect(service_list).to_be_focused()

    # Enter on the service list adds the chosen service; focus goes to that line's quantity.
    service_list.select_option(str(shop["massage"].pk))
    service_list.press("Enter")
    expect(lines(page)).to_have_count(1)
    quantity = lines(page).first.locator("td.qty-col input")
    expect(quantity).to_be_focused()
    page.keyboard.press("Control+a")
    page.keyboard.type("2")

    # Tab on to the payment and choose it from the keyboard (a select takes typed letters).
    method = page.locator("#id_pay-0-method")
    method.focus()
    page.keyboard.type("U")
    expect(method).to_have_value("upi")
    wait_for_totals(page)

    # Generate's shortcut is written on it.
    expect(page.locator("#generate-invoice")).to_contain_text("Alt+G")
    page.keyboard.press("Alt+g")
    expect(page.locator("#receipt-modal")).to_have_class(re.compile(r"\bshow\b"))
    assert sale_invoices().get().lines.get().quantity == 2

    expect(page.locator("#receipt-modal")).to_have_attribute("data-open", "true")
    page.locator("#receipt-modal .btn-close").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#receipt-modal")).to_be_hidden()
    # The customer is cleared after an invoice: the search asks for the next one.
    expect(page.locator("#customer-query")).to_be_focused()


def test_generate_is_at_most_5_tabs_from_the_cart(shop, sign_in):
    page = open_counter(sign_in)
    add_service(page, shop["massage"])
    pay(page, "cash")
    wait_for_totals(page)

    lines(page).first.locator("[data-remove]").focus()
    reached = []
    for _ in range(5):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id"))
        if reached[-1] == "generate-invoice":
            break
    assert reached[-1] == "generate-invoice", f"Generate is more than 5 Tabs away: {reached}"


def _luminance(rgb):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(first, second):
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("selector", ["#add-service", "#generate-invoice", "#id_pay-0-method"])
def test_the_focus_ring_is_clearly_visible(shop, sign_in, selector):
    page = open_counter(sign_in)
    add_service(page, shop["massage"])
    pay(page, "cash")
    wait_for_totals(page)

    page.locator(selector).focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # a keyboard focus, so :focus-visible applies
    ring = page.locator(selector).evaluate(
        """el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"""
    )
    style, width, color = ring
    assert style == "solid" and float(width.removesuffix("px")) >= 2
    rgb = [int(v) for v in re.findall(r"\d+", color)[:3]]
    # Against the white card the ring is drawn on.
    assert _contrast(rgb, (255, 255, 255)) >= 3
