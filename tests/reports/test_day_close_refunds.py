"""The day close counts money out (docs/reports.md): refunds and voids that pay back, by method, and the net."""
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from billing.services import PaymentIn, assignment_sell, invoice_void
from reports import selectors
from tests.factories import CustomerFactory, PrepaidPackageFactory, ServiceFactory, ServicePackageFactory, UserFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def manager():
    return UserFactory(username="close-manager", groups=["Manager"])


@pytest.fixture
def api(manager):
    client = APIClient()
    client.force_login(manager)
    return client


def sell_facial_series(manager, method="cash"):
    """A 3+1 facial at 1,200 + 5% GST: 3,600 + 180 = 3,780 paid."""
    return assignment_sell(
        customer=CustomerFactory(), template=ServicePackageFactory(), service=ServiceFactory(price="1200.00"),
        user=manager, payment=PaymentIn(method),
    )


def test_a_package_refunded_today_is_money_out_by_its_method(api, manager):
    sale = sell_facial_series(manager)
    assignment_sell(customer=CustomerFactory(), template=PrepaidPackageFactory(), user=manager, payment=PaymentIn("upi"))

    refund = api.post(
        f"/api/assignments/{sale.assignment.pk}/refund", {"reason": "Moving away", "method": "upi"}, format="json"
    )
    body = api.get("/api/reports/day-close", {"date": timezone.localdate().isoformat()}).json()

    assert refund.status_code == 200, refund.content
    assert refund.json()["refund_amount"] == "3780.00"
    assert body["total_collected"] == "18780.00"
    assert body["refunded_by_method"] == [
        {"method": "cash", "amount": "0.00"},
        {"method": "card", "amount": "0.00"},
        {"method": "upi", "amount": "3780.00"},
        {"method": "bank_transfer", "amount": "0.00"},
    ]
    assert body["total_refunded"] == "3780.00"
    assert body["net_collected"] == "15000.00"


def test_a_voided_package_sale_counts_its_money_in_and_out_once_each(manager):
    sale = sell_facial_series(manager)

    invoice_void(invoice=sale.invoice, reason="Sold by mistake", user=manager)
    report = selectors.day_close(day=timezone.localdate())

    assert report["by_method"][0] == {"method": "cash", "amount": D("3780.00")}
    assert report["refunded_by_method"][0] == {"method": "cash", "amount": D("3780.00")}
    assert (report["total_collected"], report["total_refunded"], report["net_collected"]) == (
        D("3780.00"), D("3780.00"), D("0.00"),
    )
    assert report["voided"] == 1


def test_a_cashier_sees_only_the_refunds_they_paid(manager):
    sell_facial_series(manager)
    other = sell_facial_series(manager)
    invoice_void(invoice=other.invoice, reason="Sold by mistake", user=manager)
    cashier = UserFactory(username="close-cashier", groups=["Cashier"])

    mine = selectors.day_close(day=timezone.localdate(), cashier=cashier)

    assert (mine["total_refunded"], mine["net_collected"]) == (D("0.00"), D("0.00"))


def test_the_day_close_tab_shows_the_money_paid_back(client, manager):
    sale = sell_facial_series(manager)
    invoice_void(invoice=sale.invoice, reason="Sold by mistake", user=manager)
    client.force_login(manager)

    html = client.get("/reports?tab=day-close").content.decode()

    assert 'data-testid="day-close-refunded">₹3,780.00<' in html
    assert 'data-testid="day-close-net">₹0.00<' in html
    table = html[html.index('data-testid="table-day-close-refunds"'):]
    assert "<td>Cash</td><td class=\"text-end\">₹3,780.00</td>" in table[: table.index("</table>")]


def test_the_day_close_download_carries_the_refunds_and_the_net(api, manager):
    sale = sell_facial_series(manager)
    invoice_void(invoice=sale.invoice, reason="Sold by mistake", user=manager)

    lines = api.get("/api/reports/day-close", {"format": "csv"}).content.decode().splitlines()

    assert "Paid back,Cash,,3780.00" in lines
    assert lines[-1] == "Net,Net collected,,0.00"
