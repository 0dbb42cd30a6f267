"""After the sale at the counter, in Chromium: a manager refunds or extends a package from its row; a cashier sees no buttons.

The row's Manage menu opens the admin confirmation page (its figures come from the
server), confirming comes back to the counter, which shows the package's new status.
"""
import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import Refund
from billing.services import PaymentIn, assignment_refund_quote, assignment_sell
from core.formats import format_date
from core.money import format_inr
from packages.models import PackageAssignment
from tests.browser.shots import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



@pytest.fixture
def sold(shop):
    """Asha holds a 3+1 facial package (4/4 sessions), sold on a GST tax invoice."""
    sale = assignment_sell(
        customer=shop["customer"], template=shop["template"], service=shop["facial"], user=shop["cashier"],
        payment=PaymentIn(method="cash"),
    )
    return sale.assignment


def open_counter(sign_in, username):
    page = sign_in(username, "/integrated-billing")
    page.fill("[data-customer-query]", "Asha")
    page.locator("[data-customer-results] button", has_text="Asha Rao").click()
    return page


def package_row(page, assignment):
    return page.locator(f'#packages-table tr[data-assignment-id="{assignment.pk}"]')


def choose(row, operation):
    row.locator("[data-manage]").click()
    row.locator(f'[data-operation="{operation}"]').click()


def test_a_manager_refunds_a_package_from_its_row_and_sees_it_refunded(sold, sign_in, live_server):
    quote = assignment_refund_quote(sold)
    page = open_counter(sign_in, "manager")
    row = package_row(page, sold)
    expect(row.locator("[data-status]")).to_have_text("Active")

    row.locator("[data-manage]").click()
    expect(row.locator('[data-operation="refund"]')).to_be_visible()
    if os.environ.get("SCREENSHOTS"):
        save_screenshot(page, "aftersale-counter-menu.png")
    row.locator('[data-operation="refund"]').click()

    figures = page.locator("#aftersale-figures")
    expect(figures).to_contain_text(f"Refundable{format_inr(quote.refundable)}")
    expect(figures).to_contain_text(f"Credit note (CN series) against tax invoice {quote.sale_invoice.number}")
    page.fill("#id_reason", "Moving to another city")
    if os.environ.get("SCREENSHOTS"):
        save_screenshot(page, "aftersale-refund-confirm.png", full_page=True)
    page.click("input[name=_confirm]")

    page.wait_for_url(re.compile(r"/integrated-billing\?customer_id=\d+&changed=\d+$"))
    row = package_row(page, sold)
    expect(row.locator("[data-status]")).to_have_text("Refunded")
    expect(row.locator("[data-manage]")).to_have_count(0)  # nothing left to do to it
    credit_note = Refund.objects.get(assignment=sold).document
    message = page.locator("[data-messages]")
    expect(message).to_contain_text(f"{format_inr(quote.refundable)} paid back by Cash")
    expect(message.locator(f'a[href="/receipts/{credit_note.pk}"]')).to_have_text(credit_note.number)
    if os.environ.get("SCREENSHOTS"):
        save_screenshot(page, "aftersale-counter-refunded.png")

    row.locator("[data-action=history]").click()
    last = page.locator("#usage-table tbody tr[data-usage]").last
    expect(last.locator("[data-by]")).to_have_text("manager")
    expect(last.locator("[data-reason]")).to_have_text("Moving to another city")
    if os.environ.get("SCREENSHOTS"):
        page.goto(f"{live_server.url}/receipts/{credit_note.pk}")
        save_screenshot(page, "aftersale-credit-note.png", full_page=True)


def test_a_manager_extends_a_package_from_its_row_and_sees_the_new_expiry(sold, sign_in):
    later = sold.expires_on + timedelta(days=30)
    page = open_counter(sign_in, "manager")

    choose(package_row(page, sold), "extend")
    page.fill("#id_expires_on", later.isoformat())
    page.fill("#id_reason", "Was travelling")
    page.click("input[name=_confirm]")

    page.wait_for_url(re.compile(r"/integrated-billing\?customer_id=\d+&changed=\d+$"))
    row = package_row(page, sold)
    expect(row.locator("[data-status]")).to_have_text("Active")
    expect(page.locator("[data-messages]")).to_contain_text(f"now expires on {format_date(later)}")
    assert PackageAssignment.objects.get(pk=sold.pk).expires_on == later
    expect(row).to_contain_text(later.strftime("%-d %b %Y"))


def test_a_refused_extension_shows_the_error_and_changes_nothing(sold, sign_in):
    page = open_counter(sign_in, "manager")

    choose(package_row(page, sold), "extend")
    page.fill("#id_expires_on", (timezone.localdate() - timedelta(days=1)).isoformat())
    page.fill("#id_reason", "Wrong date")
    page.click("input[name=_confirm]")

    expect(page.locator(".errorlist")).to_contain_text("The new expiry must be after the current one")
    assert PackageAssignment.objects.get(pk=sold.pk).expires_on == sold.expires_on


def test_a_cashier_sees_no_after_sale_buttons(sold, sign_in):
    page = open_counter(sign_in, "cashier")

    row = package_row(page, sold)
    expect(row.locator("[data-status]")).to_have_text("Active")
    expect(row.locator("[data-action=history]")).to_be_visible()
    expect(row.locator("[data-manage]")).to_have_count(0)
    expect(page.locator("[data-operation]")).to_have_count(0)
