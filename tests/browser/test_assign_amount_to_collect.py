"""/assign-packages says first what to collect, GST included, as the sale will charge it (issue 25, item 1)."""
import re

import pytest
from playwright.sync_api import expect

from billing.models import Payment
from packages.models import PackageAssignment
from tests.browser.shots import save_screenshot
from tests.browser.test_assign_packages import VIEWPORTS, pick_customer, settled
from tests.factories import MembershipFactory, PrepaidPackageFactory, StudentOfferFactory, inr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_amount_to_collect_comes_first_and_follows_the_package_and_service(shop, sign_in, size):
    gold = MembershipFactory(name="Gold Membership", price=inr("15000.00"), services_included=[shop["facial"]])
    prepaid = PrepaidPackageFactory(name="Prepaid 15,000")
    page = sign_in("cashier", "/assign-packages")
    page.set_viewport_size(VIEWPORTS[size])
    pick_customer(page, "Asha", "Asha Rao")
    collect = page.locator("[data-amount-to-collect]")

    page.select_option("#id_package", f"membership:{gold.pk}")
    expect(collect).to_contain_text("To collect ₹15,750 = ₹15,000 + GST ₹750")
    expect(page.locator("[data-amount-due]")).to_be_in_viewport()
    # Shown before the expiry and the payment: the first thing after the package.
    assert collect.bounding_box()["y"] < page.locator("#id_expires_on").bounding_box()["y"]
    settled(page)
    save_screenshot(page, f"assign-packages-amount-{size}.png")

    # A service package: the amount waits for its service, then follows it.
    page.select_option("#id_package", f"service_package:{shop['template'].pk}")
    expect(collect).to_have_count(0)
    expect(page.locator("[data-price-line]")).to_contain_text("Choose the service to see the amount to collect.")
    settled(page)
    page.select_option("#id_service", str(shop["facial"].pk))
    expect(collect).to_contain_text("₹3,780 = ₹3,600 + GST ₹180")
    settled(page)
    page.select_option("#id_service", str(shop["massage"].pk))
    expect(collect).to_contain_text("₹7,875 = ₹7,500 + GST ₹375")

    # Prepaid credit is a voucher: no GST at sale.
    settled(page)
    page.select_option("#id_package", f"prepaid:{prepaid.pk}")
    expect(page.locator("[data-amount-due]")).to_have_text("₹15,000")
    expect(page.locator("[data-no-gst]")).to_be_visible()

    # The amount shown is the one the sale takes.
    settled(page)
    page.select_option("#id_package", f"membership:{gold.pk}")
    expect(collect).to_contain_text("₹15,750")
    page.select_option("#id_method", "card")
    page.click("#assign-submit")
    expect(page.locator("[data-sell-another]")).to_be_visible()
    assert Payment.objects.get().amount.amount == 15750


def test_a_free_student_offer_is_sold_without_a_payment_method(shop, sign_in):
    offer = StudentOfferFactory(name="Student 20% off", valid_days="Mon-Sun")
    page = sign_in("cashier", "/assign-packages")
    pick_customer(page, "Asha", "Asha Rao")

    page.select_option("#id_package", f"student_offer:{offer.pk}")
    expect(page.locator("[data-amount-due]")).to_have_text("₹0")
    expect(page.locator("[data-nothing-to-collect]")).to_have_text(re.compile("no payment method needed"))
    settled(page)
    expect(page.locator("#id_method")).to_have_value("")
    page.click("#assign-submit")

    expect(page.locator("[data-sell-another]")).to_be_visible()
    expect(page.locator("#id_method_error")).to_have_count(0)
    assert PackageAssignment.objects.get().package_type == "student_offer"
    assert not Payment.objects.exists()
