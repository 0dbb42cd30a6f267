"""The counter keeps the cash limit and GST Rule 46 (issue 23), as a cashier meets them: the cash
message offers the other methods and Generate stays off until the cash stays under the limit; a
large bill to a customer without a GSTIN asks for the address and state, which the invoice prints."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from billing.models import Payment
from customers.models import Customer
from tests.browser.counter import VIEWPORTS, add_service, generate, open_counter, pay, sale_invoices, wait_for_totals
from tests.browser.shots import save_screenshot
from tests.factories import CustomerFactory, ServiceFactory, inr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_cash_of_2_50_000_is_refused_with_the_other_methods_offered_then_split(shop, sign_in, viewport):
    bridal = ServiceFactory(name="Bridal day", price=inr("250000.00"), gst_rate=Decimal("0.00"))
    page = open_counter(sign_in, viewport=viewport)
    add_service(page, bridal)

    pay(page, "cash")

    error = page.locator("#payments-error")
    expect(error).to_have_text(
        "Take ₹50,001.00 by card, UPI or bank transfer; cash from one person in one day must stay under ₹2,00,000 "
        "(Income-tax s.269ST)."
    )
    expect(page.locator("#generate-invoice")).to_be_disabled()
    error.scroll_into_view_if_needed()
    save_screenshot(page, f"counter-cash-limit-{1366 if viewport == 'desktop' else 800}.png")

    # The cashier takes ₹50,001 by card and the rest in cash.
    page.click("#add-payment")
    expect(page.locator("#id_pay-1-method")).to_be_focused()
    pay(page, "card", row=0)
    page.fill("#id_pay-0-amount", "50,001")
    pay(page, "cash", row=1)
    wait_for_totals(page)
    expect(error).to_have_text("")
    generate(page)

    expect(page.locator("#receipt-modal")).to_be_visible()
    taken = {p.method: p.amount.amount for p in Payment.objects.filter(invoice=sale_invoices().get())}
    assert taken == {"card": Decimal("50001.00"), "cash": Decimal("199999.00")}


def test_a_large_bill_asks_for_the_address_and_state_and_the_receipt_prints_them(shop, sign_in):
    CustomerFactory(name="Kiran Shah", phone="+919845099999", address="", state_code="")
    bridal = ServiceFactory(name="Bridal day", price=inr("60000.00"), gst_rate=Decimal("0.00"))
    page = open_counter(sign_in, name="Kiran Shah")
    add_service(page, bridal)
    pay(page, "upi")

    fields = page.locator("#buyer-details")
    expect(fields).to_be_visible()
    expect(fields).to_contain_text("An invoice of ₹50,000 or more to a customer without a GSTIN carries their address")
    expect(page.locator("#buyer-error")).to_contain_text("Enter the customer's address and state")
    expect(page.locator("#generate-invoice")).to_be_disabled()
    wait_for_totals(page)
    fields.scroll_into_view_if_needed()
    save_screenshot(page, "counter-rule46-1366.png")

    page.fill("#id_buyer-address", "7 Church Street, Bengaluru 560001")
    page.select_option("#id_buyer-state_code", "29")
    expect(page.locator("#buyer-error")).to_have_text("")
    generate(page)

    frame = page.frame_locator("#receipt-modal iframe")
    expect(frame.locator("[data-testid=buyer-address]").first).to_contain_text("7 Church Street, Bengaluru 560001")
    kiran = Customer.objects.get(name="Kiran Shah")
    assert (kiran.address, kiran.state_code) == ("7 Church Street, Bengaluru 560001", "29")
