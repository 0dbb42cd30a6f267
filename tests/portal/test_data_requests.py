"""Data on request, from the customers admin: a manager exports a customer's data and erases it."""

import csv
import io
import json
import zipfile

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from customers.consent import consent_record
from customers.links import page_token
from customers.models import Customer, DataRequest
from notifications.models import Notification
from portal.models import SignInCode
from reports.selectors import day_close, liability, package_sales
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, manager):
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    return client


def test_the_change_page_offers_export_and_erase_to_a_manager(manager_client, asha):
    html = manager_client.get(f"/admin/customers/customer/{asha.pk}/change/").content.decode()
    assert 'data-testid="export-data"' in html and 'data-testid="erase-data"' in html


def test_a_manager_exports_a_zip_of_json_and_csv_and_it_is_logged(manager_client, manager, asha, meera):
    consent_record(
        customer=asha, channel="whatsapp", status="given", how="counter", words="May we send you reminders on WhatsApp?"
    )
    url = f"/admin/customers/customer/{asha.pk}/export/"
    assert "Download the customer" in manager_client.get(url).content.decode()
    assert not DataRequest.objects.exists()  # looking is not exporting
    response = manager_client.post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = {"profile", "consent", "packages", "invoices", "documents", "payments", "messages"}
    assert set(archive.namelist()) == {f"{n}.{ext}" for n in names for ext in ("json", "csv")}
    profile = json.loads(archive.read("profile.json"))
    assert len(profile) == 1 and profile[0]["name"] == "Asha Rao" and profile[0]["phone"] == "+919845012345"
    packages = list(csv.DictReader(io.StringIO(archive.read("packages.csv").decode())))
    assert [p["package_name"] for p in packages] == ["3+1 Facial Package – Hydrating Facial"]
    documents = json.loads(archive.read("documents.json"))
    assert [d["number"] for d in documents] == [asha.sale.receipt.number]
    payments = json.loads(archive.read("payments.json"))
    assert [p["method"] for p in payments] == ["upi"]
    consent = json.loads(archive.read("consent.json"))
    assert [(c["channel"], c["status"], c["how"]) for c in consent][-1] == ("whatsapp", "given", "counter")
    assert "Meera" not in response.content.decode("latin-1")
    (logged,) = DataRequest.objects.all()
    assert (logged.customer, logged.kind, logged.done_by) == (asha, "export", manager)
    entry = LogEntry.objects.get(object_id=str(asha.pk))
    assert entry.user == manager and "Exported" in entry.change_message


def test_a_cashier_may_neither_export_nor_erase(client, cashier, asha):
    cashier.is_staff = True
    cashier.save()
    client.force_login(cashier)
    for action in ("export", "erase"):
        response = client.post(f"/admin/customers/customer/{asha.pk}/{action}/", {"confirm": "C-000001"})
        assert response.status_code in (302, 403)
    asha.refresh_from_db()
    assert asha.name == "Asha Rao" and not DataRequest.objects.exists()


def test_erasure_asks_for_confirmation_first(manager_client, asha):
    url = f"/admin/customers/customer/{asha.pk}/erase/"
    page = manager_client.get(url).content.decode()
    assert "This cannot be undone" in page and "72 months" in page
    response = manager_client.post(url, {"confirm": "wrong"})
    assert "Type the customer" in response.content.decode()
    asha.refresh_from_db()
    assert asha.name == "Asha Rao" and not DataRequest.objects.exists()


def test_erasure_anonymises_the_person_keeps_the_records_and_every_report_adds_up(
    manager_client, manager, asha, meera, cashier
):
    today = timezone.localdate()
    asha.date_of_birth, asha.notes = today.replace(year=today.year - 30), "Allergic to nuts"
    asha.save()
    assignment = asha.sale.assignment
    Notification.objects.create(
        customer=asha, assignment=assignment, kind="completed", channel="sms", recipient=asha.phone
    )
    SignInCode.objects.create(customer=asha, code_hash="x" * 64)
    old_link = f"/my/{page_token(asha)}"
    receipt_number = asha.sale.receipt.number

    def reports():
        return (
            liability(as_of=today),
            package_sales(date_from=today, date_to=today, group="day"),
            day_close(day=today),
        )

    before = reports()
    url = f"/admin/customers/customer/{asha.pk}/erase/"
    reference = f"C-{asha.pk:06d}"
    response = manager_client.post(url, {"confirm": reference})
    assert response.status_code == 302
    asha.refresh_from_db()
    assert asha.name == f"Erased customer {reference}"
    assert asha.phone.startswith("+00") and len(asha.phone) == 15
    assert (asha.email, asha.date_of_birth, asha.address, asha.notes) == ("", None, "", "")
    assert asha.reminders_opt_out is True
    assert reports() == before
    # The tax records stay, under the anonymised customer.
    assert asha.receipts.get().number == receipt_number
    assert asha.invoices.count() + asha.receipts.count() >= 1
    assert Notification.objects.get(customer=asha).recipient == ""
    assert not SignInCode.objects.filter(customer=asha).exists()
    assert manager_client.get(old_link).status_code == 404  # every link sent before ends
    (logged,) = DataRequest.objects.filter(kind="erase")
    assert (logged.customer, logged.done_by, logged.reference) == (asha, manager, reference)
    assert "Erased" in LogEntry.objects.get(object_id=str(asha.pk)).change_message
    meera.refresh_from_db()
    assert meera.name == "Meera Iyer"


def test_two_erased_customers_keep_distinct_phones(manager_client):
    customers = [CustomerFactory(), CustomerFactory()]
    for customer in customers:
        manager_client.post(f"/admin/customers/customer/{customer.pk}/erase/", {"confirm": f"C-{customer.pk:06d}"})
    phones = set(Customer.objects.filter(pk__in=[c.pk for c in customers]).values_list("phone", flat=True))
    assert len(phones) == 2 and all(phone.startswith("+00") for phone in phones)
