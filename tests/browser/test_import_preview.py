"""The admin's import page in Chromium: a manager checks a file, sees the preview with the bad row in plain words,
and brings in the good rows (docs/going-live.md; SCREENSHOTS=1 redraws docs/screenshots/import-preview-1366.png)."""
import pytest

from packages.models import PackageAssignment
from tests.browser.shots import save_screenshot
from tests.factories import PrepaidPackageFactory, inr
from tests.imports.conftest import csv_bytes, day, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/admin/packages/packageassignment/import/"


def test_a_manager_previews_a_file_then_brings_in_the_good_rows(shop, sign_in, page, tmp_path, live_server):
    PrepaidPackageFactory(name="Prepaid 15,000", actual_price=inr("15000"), after_value=inr("17500"))
    prepaid = {"kind": "Prepaid credit", "package": "Prepaid 15,000", "service": "", "sessions left": "", "price paid": "15000"}
    rows = [
        row(),
        row(phone="98860 54321", name="Vikram Shetty", email="", reference="OLD-2", **{"sessions left": "4"}),
        row(phone="98450-1234", name="Meera Iyer", reference="OLD-3"),
        row(phone="99000 11223", name="Farah Khan", reference="OLD-4", **prepaid, **{"credit left": "12,400"}),
        row(phone="99000 44556", name="Rohan Das", reference="OLD-5", **prepaid,
            **{"credit left": "17,500", "sold on": day(-3), "value left": "14,000"}),
    ]
    path = tmp_path / "earlier-system.csv"
    path.write_bytes(csv_bytes(rows))
    sign_in("manager", URL)

    page.set_input_files("#id_file", str(path))
    page.click("input[name=_preview]")

    page.wait_for_selector("#import-preview")
    assert "row 4: phone 98450-1234 has 9 digits" in page.inner_text("#import-errors")
    assert page.locator("#import-preview tbody tr").count() == 5
    assert "4 package(s) to bring in" in page.inner_text("#import-summary")
    assert not PackageAssignment.objects.exists()
    save_screenshot(page, "import-preview-1366.png", full_page=True)

    page.check("#id_skip_bad_rows")
    page.click("input[name=_confirm]")

    page.wait_for_url(f"{live_server.url}/admin/packages/packageassignment/")
    assert "Brought in 4 package(s)" in page.inner_text(".messagelist")
    assert PackageAssignment.objects.count() == 4
