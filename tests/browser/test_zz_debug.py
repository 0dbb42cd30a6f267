import pytest
from billing.services import PaymentIn, package_sell
from tests.browser.counter import open_counter, bill_one_session
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_debug(shop, sign_in):
    sold = package_sell(customer=shop["customer"], template=shop["template"], service=shop["facial"], user=shop["cashier"], payment=PaymentIn(method="cash")).assignment
    page = open_counter(sign_in, "manager")
    bill_one_session(page, sold)
    page.click("#void-invoice")
    page.wait_for_timeout(1500)
    page.screenshot(path="/tmp/void.png")
    print("HTML", page.locator("#void-modal").evaluate("e => e.outerHTML")[:3000])
