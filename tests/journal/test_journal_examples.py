"""The issue's figures, end to end over HTTP (issue 22): what the counter and the managers do, what the reports say.

tests/reports/test_journal.py checks each report against journal rows written by hand;
here the rows are written by the real sale, bill, refund, transfer and top-up endpoints,
on the days the clock says, and read back through /api/reports.
"""
from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tests.factories import (
    CustomerFactory,
    PrepaidPackageFactory,
    ServiceFactory,
    ServicePackageFactory,
    UserFactory,
    inr,
)
from tests.journal.conftest import noon

pytestmark = pytest.mark.django_db
D = Decimal




@pytest.fixture
def manager(db):
    return UserFactory(username="figures-manager", groups=["Manager"])


@pytest.fixture
def manager_api(clock, manager):
    client = APIClient()
    client.force_login(manager)
    return client


@pytest.fixture
def move(clock, manager_api, manager):
    """Move the clock to a day, the manager logging in again that morning (a session does not last weeks)."""

    def to(day: date) -> None:
        clock.move_to(noon(day))
        manager_api.force_login(manager)

    return to


@pytest.fixture
def facial(db):
    return ServiceFactory(name="Hydrating Facial", price=inr("1200.00"), gst_rate=D("5.00"))


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is True, body
    return body


def sell(api, customer, template, service=None, **assignment) -> int:
    body = {
        "assignment": {
            "customer_id": customer.pk, "package_type": template.package_type, "package_id": template.pk,
            "service_id": service.pk if service else None, **assignment,
        },
        "payment": {"collect": True, "method": "cash"},
        "invoice": {"create": True},
        "receipt": {"generate": True, "pdf": False},
    }
    return ok(api.post("/packages/api/assign-and-pay", body, format="json"), status=201)["assignment_id"]


def bill(api, customer, service, quantity=1) -> dict:
    body = {
        "customer_id": customer.pk, "items": [{"type": "service", "id": service.pk, "quantity": quantity}],
        "use_credit": True, "payments": [{"method": "cash"}],
    }
    return ok(api.post("/integrated-billing/invoices", body, format="json"), status=201)


def report(api, name, **query) -> dict:
    return ok(api.get(f"/api/reports/{name}", {key.rstrip("_"): value for key, value in query.items()}))


def by_kind(rows, kind="service_package") -> dict:
    (row,) = [row for row in rows if row["package_type"] == kind]
    return row


def test_a_used_session_releases_857_14_in_redemptions_and_the_liability_falls_by_as_much(manager_api, move, facial):
    customer = CustomerFactory()
    # 3+1 facial for 3,600 with 5% GST inside: 3,428.57 of value, four sessions of 857.14 (the last takes the paisa).
    sell(manager_api, customer, ServicePackageFactory(), facial, price_paid="3600.00")
    before = report(manager_api, "liability", as_of="2026-10-01")
    assert D(by_kind(before["by_kind"])["value"]) == D("3428.57")

    move(date(2026, 10, 5))
    bill(manager_api, customer, facial)

    redeemed = by_kind(report(manager_api, "redemptions", from_="2026-10-05", to="2026-10-05")["rows"])
    assert (redeemed["sessions_redeemed"], D(redeemed["value_redeemed"])) == (1, D("857.14"))
    after = report(manager_api, "liability", as_of="2026-10-05")
    assert D(after["total"]) == D(before["total"]) - D("857.14") == D("2571.43")
    rolled = by_kind(report(manager_api, "liability-rollforward", from_="2026-10-01", to="2026-10-05")["rows"])
    assert (D(rolled["sold"]), D(rolled["redeemed"]), D(rolled["closing"])) == (D("3428.57"), D("857.14"), D("2571.43"))


def test_a_refund_today_does_not_move_a_past_days_liability(manager_api, move, facial):
    customer = CustomerFactory()
    package = sell(manager_api, customer, ServicePackageFactory(), facial, price_paid="3600.00")
    move(date(2026, 10, 5))
    bill(manager_api, customer, facial)
    move(date(2026, 10, 20))
    before = report(manager_api, "liability", as_of="2026-10-19")

    ok(manager_api.post(f"/api/assignments/{package}/refund", {"reason": "Moving away", "method": "cash"}, format="json"))

    assert report(manager_api, "liability", as_of="2026-10-19") == before
    assert D(before["total"]) == D("2571.43")
    assert D(report(manager_api, "liability", as_of="2026-10-20")["total"]) == D("0.00")
    rolled = by_kind(report(manager_api, "liability-rollforward", from_="2026-10-20", to="2026-10-20")["rows"])
    assert (D(rolled["opening"]), D(rolled["refunded"]), D(rolled["closing"])) == (D("2571.43"), D("2571.43"), D("0.00"))


def test_a_top_up_in_november_leaves_octobers_sales_as_they_were(manager_api, move):
    customer = CustomerFactory()
    package = sell(manager_api, customer, PrepaidPackageFactory())  # 17,500 of credit for 15,000
    october = report(manager_api, "package-sales", from_="2026-10-01", to="2026-10-31", group="month")

    move(date(2026, 11, 10))
    ok(manager_api.post(
        f"/api/assignments/{package}/top-up",
        {"credit": "5000.00", "price_paid": "4500.00", "payment": {"method": "cash"}}, format="json",
    ))

    assert report(manager_api, "package-sales", from_="2026-10-01", to="2026-10-31", group="month") == october
    assert [(row["period"], D(row["taxable_value"])) for row in october["rows"]] == [("2026-10", D("15000.00"))]
    november = report(manager_api, "package-sales", from_="2026-11-01", to="2026-11-30", group="month")
    assert [(row["period"], row["sold"], D(row["taxable_value"])) for row in november["rows"]] == [("2026-11", 0, D("4500.00"))]
    rolled = by_kind(report(manager_api, "liability-rollforward", from_="2026-11-01", to="2026-11-30")["rows"], "prepaid")
    assert (D(rolled["sold"]), D(rolled["topped_up"]), D(rolled["closing"])) == (D("0.00"), D("4500.00"), D("19500.00"))


def test_a_transfer_is_no_sale(manager_api, move, facial):
    giver, taker = CustomerFactory(), CustomerFactory()
    package = sell(manager_api, giver, ServicePackageFactory(), facial, price_paid="3600.00")
    move(date(2026, 10, 8))

    ok(manager_api.post(f"/api/assignments/{package}/transfer", {"to_customer_id": taker.pk, "reason": "A gift"}, format="json"))

    assert report(manager_api, "package-sales", from_="2026-10-08", to="2026-10-08", group="day")["rows"] == []
    sold = report(manager_api, "package-sales", from_="2026-10-01", to="2026-10-31", group="month")
    assert sold["totals"]["sold"] == 1
    rolled = by_kind(report(manager_api, "liability-rollforward", from_="2026-10-08", to="2026-10-08")["rows"])
    assert (D(rolled["sold"]), D(rolled["transferred_in"]), D(rolled["transferred_out"])) == (
        D("0.00"), D("3428.57"), D("3428.57"),
    )
    assert D(rolled["closing"]) == D(rolled["opening"]) == D("3428.57")
