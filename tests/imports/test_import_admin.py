"""The admin page that brings in packages: upload, a preview with nothing written, then confirm; managers only."""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from packages.models import PackageAssignment, PackageUsage
from tests.imports.conftest import csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.django_db

URL = "/admin/packages/packageassignment/import/"


def upload(client, rows, *, name="packages.csv"):
    data = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows)
    return client.post(URL, {"file": SimpleUploadedFile(name, data)})


def payload(html: str) -> str:
    return re.search(r'name="payload" value="([^"]+)"', html)[1]


@pytest.fixture
def manager_client(client, staff_manager):
    client.force_login(staff_manager)
    return client


@pytest.mark.parametrize("name", ["packages.csv", "packages.xlsx"])
def test_the_preview_shows_every_row_and_writes_nothing_then_confirming_brings_them_in(shop, manager_client, name):
    rows = [row(), row(phone="98860 54321", name="Vikram Shetty", reference="OLD-2", **{"sessions left": "4"})]

    preview = upload(manager_client, rows, name=name)

    html = preview.content.decode()
    assert preview.status_code == 200
    assert 'id="import-preview"' in html and "Asha Rao" in html and "3 of 4 sessions" in html and "₹2,700.00" in html
    assert "2 package(s) to bring in, holding ₹6,300.00; 2 new customer(s)" in html
    assert not PackageAssignment.objects.exists()

    confirmed = manager_client.post(URL, {"payload": payload(html)}, follow=True)

    assert confirmed.redirect_chain[-1][0] == "/admin/packages/packageassignment/"
    assert "Brought in 2 package(s) and 2 new customer(s)" in confirmed.content.decode()
    assert PackageAssignment.objects.count() == 2
    assert {u.created_by.username for u in PackageUsage.objects.all()} == {"import-manager"}


def test_bad_rows_are_shown_in_plain_words_and_confirming_without_skipping_writes_nothing(shop, manager_client):
    html = upload(manager_client, [row(), row(phone="98450-1234", reference="OLD-2")]).content.decode()

    assert "row 3: phone 98450-1234 has 9 digits" in html
    assert "Skip the bad rows" in html

    refused = manager_client.post(URL, {"payload": payload(html)}, follow=True)

    assert "Nothing was brought in: 1 row(s) are bad" in refused.content.decode()
    assert not PackageAssignment.objects.exists()


def test_skipping_the_bad_rows_brings_in_the_good_ones(shop, manager_client):
    html = upload(manager_client, [row(), row(phone="98450-1234", reference="OLD-2")]).content.decode()

    manager_client.post(URL, {"payload": payload(html), "skip_bad_rows": "on"})

    assert list(PackageAssignment.objects.values_list("import_reference", flat=True)) == ["OLD-1"]


def test_a_changed_payload_is_refused(shop, manager_client):
    html = upload(manager_client, [row()]).content.decode()

    response = manager_client.post(URL, {"payload": payload(html)[:-3] + "abc"}, follow=True)

    assert "upload the file again" in response.content.decode()
    assert not PackageAssignment.objects.exists()


def test_a_file_that_cannot_be_read_is_said_on_the_upload_form(shop, manager_client):
    response = manager_client.post(URL, {"file": SimpleUploadedFile("export.csv", b"name,phone\nAsha,98450 12345\n")})

    assert "The file has no &#x27;kind&#x27;, &#x27;package&#x27;" in response.content.decode()


def test_the_changelist_links_to_the_import_page_for_a_manager_only(shop, staff_manager, senior_cashier):
    manager, cashier = Client(), Client()
    manager.force_login(staff_manager)
    cashier.force_login(senior_cashier)

    assert URL in manager.get("/admin/packages/packageassignment/").content.decode()
    assert URL not in cashier.get("/admin/packages/packageassignment/").content.decode()


def test_a_cashier_is_refused_the_import_page_and_its_confirmation(shop, staff_manager, senior_cashier):
    manager, cashier = Client(), Client()
    manager.force_login(staff_manager)
    cashier.force_login(senior_cashier)
    previewed = upload(manager, [row()]).content.decode()

    assert cashier.get(URL).status_code == 403
    assert upload(cashier, [row()]).status_code == 403
    assert cashier.post(URL, {"payload": payload(previewed)}).status_code == 403
    assert not PackageAssignment.objects.exists()
