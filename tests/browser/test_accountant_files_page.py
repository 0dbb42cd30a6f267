"""/reports/files in Chromium: a row per month with documents, and each link downloads its file."""
import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create
from branches.selectors import default_branch
from tests.browser.shots import save_screenshot
from tests.factories import CustomerFactory, ServiceFactory, ServicePackageFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def three_months(transactional_db):
    """A facial billed, and a 3+1 facial package sold, in each of the last three months."""
    manager = UserFactory(username="owner", first_name="Lakshmi", groups=["Manager"], is_staff=True)
    facial = ServiceFactory(name="Facial", price="1200.00")
    day = timezone.localdate()
    for months_back in range(3):
        customer = CustomerFactory(name=f"Customer {months_back}", phone=f"+9198000002{months_back:02d}")
        invoice_create(customer=customer, cashier=manager, items=[CartItem(type="service", id=facial.pk, quantity=1)],
                       payments=[PaymentIn("upi")], bill_date=day)
        assignment_sell(customer=customer, template=ServicePackageFactory(), service=facial, user=manager,
                     payment=PaymentIn("cash"), bill_date=day)
        day = day.replace(day=1) - timedelta(days=1)
    return {"months": 3, "month": timezone.localdate().strftime("%Y-%m"), "branch": default_branch().code}


def test_the_files_page_lists_each_month_and_downloads_its_files(page, three_months, sign_in):
    sign_in("owner", "/reports")
    page.click('[data-testid="accountant-files-link"]')

    rows = page.locator('[data-testid="accountant-files"] tbody tr')
    expect(rows).to_have_count(three_months["months"])
    latest = rows.first
    expect(latest).to_have_attribute("data-month", three_months["month"])
    save_screenshot(page, "reports-files-1366.png", full_page=True)
    with page.expect_download() as info:
        latest.locator('[data-file="b2cs.csv"]').click()
    download = info.value

    assert download.suggested_filename == f"{three_months['branch']}-{three_months['month']}-b2cs.csv"
    with open(download.path(), encoding="utf-8") as file:
        (row,) = list(csv.DictReader(io.StringIO(file.read())))
    # The facial's 1,200 and the package's 3,600, both at 5%.
    assert (row["Place Of Supply"], row["Rate"], row["Taxable Value"]) == ("29-Karnataka", "5", "4800.00")
    with page.expect_download() as info:
        latest.locator('[data-file="tally.xml"]').click()
    assert info.value.suggested_filename.endswith("-tally.xml")
