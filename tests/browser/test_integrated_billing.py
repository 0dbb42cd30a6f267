"""The billing counter in a real browser: packages apply, balances change on screen, one invoice per cart."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import Invoice, InvoiceKind, InvoiceStatus
from billing.services import CartItem, PaymentIn, invoice_preview, package_sell
from packages.models import AssignmentStatus, PackageAssignment
from spa_pkg.money import format_inr
from tests.factories import KittyPartyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sold(shop):
    """Asha holds a 3+1 facial package (4/4 sessions), sold at the counter."""
    sale = package_sell(
        customer=shop["customer"], template=shop["template"], service=shop["facial"], user=shop["cashier"],
        payment=PaymentIn(method="cash"),
    )
    return sale.assignment


def open_counter(sign_in, username="cashier"):
    page = sign_in(username, "/integrated-billing")
    page.fill("[data-customer-query]", "Asha")
    page.locator("[data-customer-results] button", has_text="Asha Rao").click()
    return page


def package_row(page, assignment):
    return page.locator(f'#packages-table tr[data-assignment-id="{assignment.pk}"]')


def add_service(page, service, quantity=1):
    page.select_option("#add-service", str(service.pk))
    page.click("#add-service-button")
    if quantity != 1:
        page.locator("#cart tbody tr[data-line]").last.locator("[data-quantity]").fill(str(quantity))


def wait_for_totals(page):
    expect(page.locator("#summary-card")).to_have_attribute("data-state", "fresh")


def bill_one_session(page, assignment):
    """Bill one session of `assignment`, wait for 3/4 on screen, close the receipt; return the row."""
    row = package_row(page, assignment)
    add_service(page, assignment.service)
    wait_for_totals(page)
    page.click("#generate-invoice")
    expect(row.locator("[data-balance]")).to_have_text("3/4 sessions")
    close_receipt(page)
    return row


def close_receipt(page):
    modal = page.locator("#receipt-modal")
    expect(modal).to_have_attribute("data-open", "true")
    modal.locator(".btn-close").click()
    expect(modal).to_be_hidden()


def sale_invoices():
    return Invoice.objects.filter(kind=InvoiceKind.SALE)


def test_billing_one_session_turns_4_of_4_into_3_of_4_without_a_reload(sold, sign_in):
    page = open_counter(sign_in)
    row = package_row(page, sold)
    expect(row.locator("[data-balance]")).to_have_text("4/4 sessions")
    expect(row.locator("[data-status]")).to_have_text("Active")
    page.evaluate("window.__sameDocument = true")

    add_service(page, sold.service)
    wait_for_totals(page)
    expect(page.locator("#cart [data-badge]")).to_contain_text(f"Package Applied: {sold.package_name}")
    page.click("#generate-invoice")

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
    wait_for_totals(page)
    page.click("#generate-invoice")

    expect(row.locator("[data-balance]")).to_have_text("0/4 sessions")
    expect(row.locator("[data-status]")).to_have_text(re.compile("completed", re.I))
    sold.refresh_from_db()
    assert sold.status == AssignmentStatus.COMPLETED


def test_badge_and_summary_are_the_servers_figures(sold, shop, sign_in):
    page = open_counter(sign_in)
    expect(package_row(page, sold)).to_be_visible()

    add_service(page, sold.service, quantity=2)
    add_service(page, shop["massage"])
    page.select_option("#add-product", str(shop["serum"].pk))
    page.click("#add-product-button")
    page.fill("#bill-discount", "100")
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
    rows = page.locator("#cart tbody tr[data-line]")
    for index, line in enumerate(server["lines"]):
        badge = rows.nth(index).locator("[data-badge] .badge")
        if line["package_applied"]:
            expect(badge).to_have_text(f"Package Applied: {line['package_applied']['name']}")
        else:
            # Why not is on the badge's title (hover), as the server said it.
            expect(badge).to_have_attribute("title", line["package_note"] or "No package applies.")
        expect(rows.nth(index).locator('[data-line-figure="total"]')).to_have_text(rupees(line["total"]))
    expect(page.locator('[data-summary="grand_total"]')).to_have_text(rupees(server["summary"]["grand_total"]))


def test_choosing_no_package_for_a_line_charges_it(sold, sign_in):
    page = open_counter(sign_in)
    expect(package_row(page, sold)).to_be_visible()
    add_service(page, sold.service)
    wait_for_totals(page)
    expect(page.locator("#cart [data-badge] .badge")).to_have_text(f"Package Applied: {sold.package_name}")

    page.locator("#cart [data-package-choice]").select_option("0")
    wait_for_totals(page)

    expect(page.locator("#cart [data-badge] .badge")).not_to_have_text(re.compile("Package Applied"))
    expect(page.locator('[data-summary="package_subtotal"]')).to_have_attribute("data-value", "0.00")


def test_too_few_guests_for_a_kitty_party_is_explained_and_enough_guests_apply_it(shop, sign_in):
    kitty = KittyPartyFactory(name="Kitty Party 20,000", min_guests=10, services_included=[shop["facial"]])
    package_sell(customer=shop["customer"], template=kitty, user=shop["cashier"], payment=PaymentIn(method="cash"))
    page = open_counter(sign_in)
    add_service(page, shop["facial"])
    page.fill("#bill-guests", "3")
    wait_for_totals(page)

    badge = page.locator("#cart [data-badge] .badge")
    expect(badge).to_have_text(re.compile("^No package"))
    expect(badge).to_have_attribute("title", re.compile("needs at least 10 guests; this bill has 3"))

    page.fill("#bill-guests", "10")
    wait_for_totals(page)
    expect(badge).to_have_text("Package Applied: Kitty Party 20,000")
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
    expect(page.locator("#cart [data-badge] .badge")).to_have_attribute("title", note)


def test_double_click_on_generate_invoice_makes_one_invoice(sold, sign_in):
    page = open_counter(sign_in)
    expect(package_row(page, sold)).to_be_visible()
    add_service(page, sold.service)
    wait_for_totals(page)

    page.dblclick("#generate-invoice")

    expect(page.locator("#last-invoice [data-last-number]")).not_to_be_empty()
    page.wait_for_load_state("networkidle")
    assert sale_invoices().count() == 1
    sold.refresh_from_db()
    assert sold.remaining_sessions == 3


def test_a_retry_with_the_carts_key_returns_the_first_invoice(sold, sign_in):
    page = open_counter(sign_in)
    expect(package_row(page, sold)).to_be_visible()
    # The page keeps one key per cart; a submission retried with it (a lost answer) gets the first invoice.
    numbers = page.evaluate(
        """async ([customerId, serviceId]) => {
            const key = Spa.newKey();
            const body = {customer_id: customerId, items: [{type: "service", id: serviceId, quantity: 1}],
                          use_credit: true, payments: [{method: "cash"}]};
            const first = await Spa.postJSON("/integrated-billing/invoices", body, {"Idempotency-Key": key});
            const retry = await Spa.postJSON("/integrated-billing/invoices", body, {"Idempotency-Key": key});
            return [first.data.invoice_number, retry.data.invoice_number];
        }""",
        [sold.customer_id, sold.service_id],
    )
    assert numbers[0] == numbers[1]
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


def test_payments_short_of_the_amount_payable_are_refused_in_words(shop, sign_in):
    page = open_counter(sign_in)
    add_service(page, shop["massage"])
    wait_for_totals(page)
    page.locator("#payments [data-payment-amount]").fill("100")

    page.click("#generate-invoice")

    alert = page.locator("[data-invoice-alert]")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("unpaid")
    assert not sale_invoices().exists()
    expect(page.locator("#generate-invoice")).to_be_enabled()


def test_manager_voids_the_last_invoice_and_the_balance_comes_back(sold, sign_in):
    page = open_counter(sign_in, "manager")
    row = bill_one_session(page, sold)

    page.click("#void-invoice")
    page.fill("#void-reason", "Billed the wrong customer")
    page.click("#void-confirm")

    expect(row.locator("[data-balance]")).to_have_text("4/4 sessions")
    expect(page.locator("#last-invoice [data-last-status]")).to_have_text("Voided")
    assert sale_invoices().get().status == InvoiceStatus.CANCELLED


def test_cashier_has_no_void_button_and_the_api_refuses_a_void(sold, sign_in):
    page = open_counter(sign_in)
    bill_one_session(page, sold)
    invoice = sale_invoices().get()

    expect(page.locator("#void-invoice")).to_have_count(0)
    status = page.evaluate(
        "async (id) => (await Spa.postJSON(`/integrated-billing/invoices/${id}/void`, {reason: 'try'})).status", invoice.pk
    )
    assert status == 403
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    assert PackageAssignment.objects.get(pk=sold.pk).remaining_sessions == 3


def test_the_page_writes_rupees_exactly_as_the_server_does(shop, sign_in):
    page = sign_in("cashier", "/integrated-billing")
    amounts = ["105400.00", "123456789.50", "0.00", "-0.00", "-105400.00", "17500.50"]

    printed = page.evaluate("(amounts) => amounts.map((amount) => Spa.rupees(amount))", amounts)

    assert printed == ["₹1,05,400.00", "₹12,34,56,789.50", "₹0.00", "₹0.00", "-₹1,05,400.00", "₹17,500.50"]
    assert printed == [format_inr(amount) for amount in amounts]


def rupees(amount: str) -> str:
    """Write an amount as the server does; the page's Intl.NumberFormat must print the same."""
    return format_inr(amount)
