"""Reports by branch: `?branch=CODE` (400 unknown), and a chain's downloads with a branch column."""
import csv
import io

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from billing.services import PaymentIn, assignment_sell, invoice_create
from tests.billing.conftest import service_item
from tests.factories import CustomerFactory, PrepaidPackageFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db

NAMES = [
    "liability", "liability-rollforward", "liability-forecast", "package-sales", "redemptions", "breakage",
    "expiring", "day-close",
]


@pytest.fixture
def chain(manager, cashier, facial, indiranagar, koramangala):
    """A facial package and a prepaid package sold at Indiranagar, and one session used at Koramangala."""
    customer = CustomerFactory()
    sold = assignment_sell(
        customer=customer, template=ServicePackageFactory(name="3+1 Facial"), service=facial, user=cashier,
        payment=PaymentIn("cash"), branch=indiranagar,
    )
    assignment_sell(
        customer=CustomerFactory(), template=PrepaidPackageFactory(), user=cashier, payment=PaymentIn("upi"),
        branch=koramangala,
    )
    invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier, branch=koramangala)
    return sold


@pytest.fixture
def manager_api(manager):
    client = APIClient()
    client.force_authenticate(manager)
    return client


@pytest.mark.parametrize("name", NAMES)
def test_every_report_refuses_an_unknown_branch(manager_api, chain, name):
    response = manager_api.get(f"/api/reports/{name}", {"branch": "NOPE"})

    assert response.status_code == 400
    assert response.json() == {
        "success": False, "error": "branch: No branch has the code 'NOPE'.",
        "errors": {"branch": ["No branch has the code 'NOPE'."]},
    }


@pytest.mark.parametrize("name", NAMES)
def test_every_report_answers_for_one_branch(manager_api, chain, name):
    assert manager_api.get(f"/api/reports/{name}", {"branch": "kor"}).status_code == 200


def test_package_sales_count_where_each_package_was_sold(manager_api, chain):
    def sold(code):
        rows = manager_api.get("/api/reports/package-sales", {"branch": code}).json()["rows"]
        return {row["package_type"]: row["sold"] for row in rows}

    assert sold("IND") == {"service_package": 1}
    assert sold("KOR") == {"prepaid": 1}


def test_redemptions_count_where_each_session_was_used(manager_api, chain):
    def sessions(code):
        rows = manager_api.get("/api/reports/redemptions", {"branch": code}).json()["rows"]
        return sum(row["sessions_redeemed"] for row in rows)

    assert (sessions("IND"), sessions("KOR")) == (0, 1)


def test_the_liability_is_the_chains_and_adds_up_over_the_branches(manager_api, chain):
    def total(**query):
        return manager_api.get("/api/reports/liability", query).json()["total"]

    whole = total()

    assert float(whole) == float(total(branch="IND")) + float(total(branch="KOR")) > 0


def test_a_chains_download_has_a_branch_column(manager_api, chain):
    response = manager_api.get("/api/reports/package-sales", {"format": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Branch"
    assert {(row[0], row[2]) for row in rows[1:-1]} == {("IND", "Service package"), ("KOR", "Prepaid credit")}
    assert rows[-1][0] == "Total"


def test_a_day_close_for_a_branch_counts_its_invoices_and_money(manager_api, chain):
    today = timezone.localdate().isoformat()
    ind = manager_api.get("/api/reports/day-close", {"branch": "IND", "date": today}).json()
    kor = manager_api.get("/api/reports/day-close", {"branch": "KOR", "date": today}).json()

    assert (ind["invoices"], kor["invoices"]) == (1, 1)  # the facial package's sale; the facial billed
    assert float(ind["total_collected"]) > 0 and float(kor["total_collected"]) > 0  # the prepaid paid at KOR


def test_a_single_shops_download_has_no_branch_column(manager_api, manager, cashier, facial):
    assignment_sell(
        customer=CustomerFactory(), template=PrepaidPackageFactory(), user=cashier, payment=PaymentIn("upi")
    )

    response = manager_api.get("/api/reports/package-sales", {"format": "csv"})

    assert next(csv.reader(io.StringIO(response.content.decode())))[0] == "Period"
