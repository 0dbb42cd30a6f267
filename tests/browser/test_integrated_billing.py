"""The billing counter in a real browser: packages apply, balances change on screen, one invoice per cart."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import InvoiceStatus
from billing.services import CartItem, PaymentIn, assignment_sell, invoice_preview
from core.money import format_inr
from packages.models import AssignmentStatus, PackageAssignment
from tests.browser.counter import (
    VIEWPORTS,
    add_product,
    add_service,
    bill_one_session,
    close_receipt,
    generate,
    lines,
    open_counter,
    package_row,
    pay,
    sale_invoices,
    wait_for_totals,
)
from tests.browser.shots import save_screenshot
from tests.factories import KittyPartyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sold(shop):
    """Asha holds a 3+1 facial package (4/4 sessions), sold at the counter."""
    sale = assignment_sell(
        customer=shop["customer"], template=shop["template"], service=shop["facial"], user=shop["cashier"],
        payment=PaymentIn(method="cash"),
    )
    return sale.assignment


def test_billing_one_session_turns_4_of_4_into_3_of_4_without_a_reload(sold, sign_in):
    page = open_counter(sign_in)
    row = package_row(page, sold)
    expect(row.locator("[data-balance]")).to_have_text("4/4 sessions")
    expect(row.locator("[data-status]")).to_have_text("Active")
    page.evaluate("window.__sameDocument = true")

    add_service(page, sold.service)
    wait_for_totals(page)
    expect(page.locator("#cart [data-badge]")).to_contain_text(f"Package Applied: {sold.package_name}")
    generate(page)

    expect(row.locator("[data-balance]")).to_have_text("3/4 sessions")
    expect(row.locator("progress")).to_have_attribute("value", "3")
    assert page.evaluate("window.__sameDocument") is True
    invoice = sale_invoices().get()
    # The receipt opens in a frame of the page.
    expect(page.locator("#receipt-modal")).to_be_visible()
    expect(page.locator("#receipt-modal [data-receipt-frame]")).to_have_attribute("src", re.compile(rf"/receipts/{invoice.receipt_id}$"))
    expect(page.locator("#last-invoice [data-last-number]")).to_have_text(invoice.number)
    sold.refresh_from_db()
    assert sold.remaining_sessions == 3


def test_billing_the_last_sessions_turns_the_chip_to_completed(sold, sign_in):
    page = open_counter(sign_in)
    row = package_row(page, sold)
    expect(row.locator("[data-balance]")).to_have_text("4/4 sessions")

    add_service(page, sold.service, quantity=4)
    generate(page)

    expect(page.locator("#receipt-modal")).to_be_visible()
    sold.refresh_from_db()
    assert sold.status == AssignmentStatus.COMPLETED
    assert sold.remaining_sessions == 0


def test_badge_and_summary_are_the_servers_figures(sold, shop, sign_in):
    page = open_counter(sign_in)
    expect(package_row(page, sold)).to_be_visible()

    add_service(page, sold.service, quantity=2)
    add_service(page, shop["massage"])
    add_product(page, shop["serum"])
    page.click(".bill-options > summary")
    page.fill("#id_discount", "100")
    wait_for_totals(page)

    server = invoice_preview(
        customer=shop["customer"],
        items=[
            CartItem(type="service", id=sold.service_id, quantity=2),
            CartItem(type="service", id=shop["massage"].pk, quantity=1),
            CartItem(type="product", id=shop["serum"].pk, quantity=1),
        ],
        discount="100.00",
        use_credit=True,
    ).as_json()
    on_screen = page.eval_on_selector_all("[data-summary]", "nodes => Object.fromEntries(nodes.map(n => [n.dataset.summary, n.dataset.value]))")
    assert on_screen == server["summary"]
    rows = lines(page)
    for index, line in enumerate(server["lines"]):
        badge = rows.nth(index).locator("[data-badge]")
        if line["package_applied"] and line["package_applied"]["benefit_type"] == "prepaid":
            expect(badge).to_contain_text(f"Paid from {line['package_applied']['name']}: ")
        elif line["package_applied"]:
            expect(badge).to_contain_text(f"Package Applied: {line['package_applied']['name']}")
        else:
            expect(badge.locator("[data-why]")).to_have_text(line["package_note"] or "No package applies.")
        expect(rows.nth(index).locator('[data-line-figure="total"]')).to_have_text(format_inr(line["total"]))
    expect(page.locator('[data-summary="grand_total"]')).to_have_text(format_inr(server["summary"]["grand_total"]))


def test_choosing_no_package_for_a_line_charges_it(sold, sign_in):
    page = open_counter(sign_in)
    expect(package_row(page, sold)).to_be_visible()
    add_service(page, sold.service)
    wait_for_totals(page)
    expect(page.locator("#cart [data-badge]")).to_contain_text(f"Package Applied: {sold.package_name}")

    lines(page).first.locator("td.package-col select").select_option("0")
    wait_for_totals(page)

    expect(page.locator("#cart [data-badge]")).not_to_contain_text("Package Applied")
    expect(page.locator('[data-summary="package_subtotal"]')).to_have_attribute("data-value", "0.00")


def test_too_few_guests_for_a_kitty_party_is_explained_and_enough_guests_apply_it(shop, sign_in):
    kitty = KittyPartyFactory(name="Kitty Party 20,000", min_guests=10, services_included=[shop["facial"]])
    assignment_sell(customer=shop["customer"], template=kitty, user=shop["cashier"], payment=PaymentIn(method="cash"))
    page = open_counter(sign_in)
    add_service(page, shop["facial"])
    page.click(".bill-options > summary")
    page.fill("#id_guests", "3")
    wait_for_totals(page)

    note = page.locator("#cart [data-badge]")
    expect(note).to_contain_text("No package")
    expect(note.locator("[data-why]")).to_contain_text("needs at least 10 guests; this bill has 3")

    page.fill("#id_guests", "10")
    wait_for_totals(page)
    expect(note).to_contain_text("Paid from Kitty Party 20,000: ₹")
    server = invoice_preview(
        customer=shop["customer"], items=[CartItem(type="service", id=shop["facial"].pk, quantity=1)],
        use_credit=True, guests=10,
    ).as_json()
    expect(page.locator('[data-summary="credit_applied"]')).to_have_attribute("data-value", server["summary"]["credit_applied"])
    expect(page.locator('[data-summary="amount_payable"]')).to_have_attribute("data-value", server["summary"]["amount_payable"])


def test_an_expired_package_is_not_listed_and_the_line_says_why(sold, shop, sign_in):
    PackageAssignment.objects.filter(pk=sold.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    page = open_counter(sign_in)
    expect(page.locator("[data-packages-hint]")).to_have_text("No packages for this customer.")

    add_service(page, sold.service)
    wait_for_totals(page)

    note = invoice_preview(
        customer=shop["customer"], items=[CartItem(type="service", id=sold.service_id, quantity=1)], use_credit=True
    ).as_json()["lines"][0]["package_note"]
    assert "expired" in note.lower()
    expect(page.locator("#cart [data-why]")).to_have_text(note)


def test_double_click_on_generate_invoice_makes_one_invoice(sold, sign_in):
    page = open_counter(sign_in)
    expect(package_row(page, sold)).to_be_visible()
    add_service(page, sold.service)
    wait_for_totals(page)

    page.dblclick("#generate-invoice")

    expect(page.locator("#last-invoice [data-last-number]")).not_to_be_empty()
    expect(page.locator(".htmx-request")).to_have_count(0)  # both clicks answered
    assert sale_invoices().count() == 1
    sold.refresh_from_db()
    assert sold.remaining_sessions == 3


def test_a_retry_with_the_carts_key_returns_the_first_invoice(sold, shop, sign_in, live_server):
    page = open_counter(sign_in)
    add_service(page, shop["massage"])
    pay(page, "card")
    wait_for_totals(page)
    # The same submission sent twice (a lost answer, a second press that got through) carries the cart's key.
    statuses = page.evaluate(
        """async () => {
            const form = document.getElementById("counter");
            const send = () => fetch("/integrated-billing/issue", {method: "POST", body: new FormData(form),
                headers: {"X-CSRFToken": JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]}});
            const [first, second] = await Promise.all([send(), send()]);
            return [first.status, second.status];
        }"""
    )
    assert 200 in statuses
    assert sale_invoices().count() == 1


def test_usage_history_lists_the_invoice_that_used_the_package(sold, sign_in):
    page = open_counter(sign_in)
    row = bill_one_session(page, sold)

    row.locator("[data-action=history]").click()

    invoice = sale_invoices().get()
    history = page.locator("#usage-modal")
    expect(history).to_be_visible()
    used = history.locator("tr[data-usage]", has_text=invoice.number)
    expect(used).to_have_count(1)
    expect(used).to_contain_text("Hydrating Facial")
    expect(used.locator("td").nth(5)).to_have_text("3")


def test_payments_short_of_the_amount_payable_are_refused_in_words_and_the_error_clears_when_fixed(shop, sign_in):
    page = open_counter(sign_in)
    add_service(page, shop["massage"])
    pay(page, "cash")
    page.fill("#id_pay-0-amount", "100")
    wait_for_totals(page)

    error = page.locator("#payments-error")
    expect(error).to_contain_text("unpaid")
    expect(page.locator("#generate-invoice")).to_be_disabled()

    page.fill("#id_pay-0-amount", "")
    wait_for_totals(page)
    expect(error).to_be_empty()
    expect(page.locator("#generate-invoice")).to_be_enabled()
    assert not sale_invoices().exists()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_void_says_how_much_goes_back_to_the_customer_and_how_before_and_after(shop, sign_in, viewport):
    """Issue 25 item 11: a void of a bill paid by card says "return ₹1,260 to the customer by card"."""
    page = open_counter(sign_in, "manager", viewport=viewport)
    add_service(page, shop["facial"])
    pay(page, "card")
    generate(page)
    close_receipt(page)

    page.click("#void-invoice")
    asked = page.locator("#void-modal [data-money-back]")
    expect(asked).to_have_text("Money goes back: Return ₹1,260.00 to the customer by card.")
    expect(page.locator("#void-modal")).to_have_class(re.compile(r"\bshow\b"))
    page.wait_for_function("() => document.getAnimations().length === 0")  # the pop-up has faded in
    save_screenshot(page, f"counter-void-money-back-{VIEWPORTS[viewport]['width']}.png")
    page.fill("#id_reason", "Paid twice")
    page.click("#void-confirm")
    expect(page.locator("#void-modal [data-voided] [data-money-back]")).to_have_text("Return ₹1,260.00 to the customer by card.")


def test_manager_voids_the_last_invoice_and_the_balance_comes_back(sold, sign_in):
    page = open_counter(sign_in, "manager")
    row = bill_one_session(page, sold)

    page.click("#void-invoice")
    page.click("#void-confirm")
    expect(page.locator("#id_reason_error")).to_have_text("Say why the invoice is voided.")
    page.fill("#id_reason", "Billed the wrong customer")
    page.click("#void-confirm")

    expect(page.locator("#void-modal [data-voided]")).to_be_visible()
    expect(row.locator("[data-balance]")).to_have_text("4/4 sessions")
    expect(page.locator("#last-invoice [data-last-status]")).to_have_text("Voided")
    expect(page.locator("[data-summary-state]")).to_contain_text("voided")
    expect(page.locator("[data-summary-state]")).not_to_contain_text("issued")
    assert sale_invoices().get().status == InvoiceStatus.CANCELLED


def test_cashier_has_no_void_button_and_the_void_page_refuses_them(sold, sign_in, live_server):
    page = open_counter(sign_in)
    bill_one_session(page, sold)
    invoice = sale_invoices().get()

    expect(page.locator("#void-invoice")).to_have_count(0)
    answer = page.request.get(f"{live_server.url}/integrated-billing/void/{invoice.pk}")
    assert answer.status == 403
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    assert PackageAssignment.objects.get(pk=sold.pk).remaining_sessions == 3
