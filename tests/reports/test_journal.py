"""Reports as sums of journal rows (docs/reports.md): snapshots, the roll-forward, sales, redemptions, breakage, inter-branch.

Rows are written directly (tests.factories.JournalRowFactory) with the assignments they belong
to, so each figure is worked out by hand from the rows above it.
"""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from reports import selectors
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    JournalRowFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ServicePackageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal
KINDS = ["prepaid", "service_package", "membership", "student_offer", "yearly_membership", "kitty_party"]
COLUMNS = [
    "package_type", "opening", "sold", "topped_up", "imported", "transferred_in", "redeemed", "refunded",
    "transferred_out", "expired", "adjusted", "closing",
]


def by_type(rows):
    return {row["package_type"]: row for row in rows}


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def api():
    client = APIClient()
    client.force_login(UserFactory(username="journal-manager", groups=["Manager"]))
    return client


def facial_series(sold_on, **extra):
    """A 3+1 facial sold on `sold_on` for 3,600: four sessions at 900.00 of value each."""
    assignment = AssignmentFactory(
        template=ServicePackageFactory(), assigned_on=sold_on, sale_value="3600.00",
        total_sessions=4, remaining_sessions=4, **extra,
    )
    JournalRowFactory(assignment=assignment, event="sale", business_day=sold_on, value_delta="3600.00", sessions_delta=4)
    return assignment


def gold_credit(sold_on, **extra):
    """Prepaid credit of 17,500 bought on `sold_on` for 15,000."""
    assignment = AssignmentFactory(
        template=PrepaidPackageFactory(), assigned_on=sold_on, sale_value="15000.00",
        credit_amount="17500.00", credit_remaining="17500.00", **extra,
    )
    JournalRowFactory(
        assignment=assignment, event="sale", business_day=sold_on, value_delta="15000.00", credit_delta="17500.00"
    )
    return assignment


def club(sold_on, days=365, value="36500.00"):
    """A membership sold on `sold_on` for `value`, running `days` days: 100.00 a day at the defaults."""
    assignment = AssignmentFactory(
        template=MembershipFactory(), assigned_on=sold_on, expires_on=sold_on + timedelta(days=days), sale_value=value,
    )
    JournalRowFactory(assignment=assignment, event="sale", business_day=sold_on, value_delta=value)
    return assignment


# --- 1. the liability is a snapshot ---------------------------------------------------------


def test_a_refund_today_leaves_yesterdays_liability_unchanged(today):
    series = facial_series(today - timedelta(days=120))
    JournalRowFactory(assignment=series, event="redemption", business_day=today - timedelta(days=90),
                      value_delta="-900.00", sessions_delta=-1)
    yesterday = selectors.liability(as_of=today - timedelta(days=1))
    # Refunded today: the rest of its value leaves the journal today, and the row says so.
    JournalRowFactory(assignment=series, event="refund", business_day=today, value_delta="-2700.00", sessions_delta=-3)
    series.status, series.remaining_sessions, series.used_sessions = "refunded", 0, 4
    series.save()

    again = selectors.liability(as_of=today - timedelta(days=1))

    assert again == yesterday
    assert by_type(again["by_kind"])["service_package"] == {
        "package_type": "service_package", "packages": 1, "sessions_left": 3, "credit_left": D("0.00"), "value": D("2700.00"),
    }
    assert again["total"] == D("2700.00")
    assert selectors.liability(as_of=today)["total"] == D("0.00")
    # Before it was sold it held nothing.
    assert selectors.liability(as_of=today - timedelta(days=121))["total"] == D("0.00")


def test_a_package_past_expiry_holds_its_rows_until_the_expiry_row(today):
    series = facial_series(today - timedelta(days=200), expires_on=today - timedelta(days=10))
    JournalRowFactory(assignment=series, event="expiry", business_day=today - timedelta(days=9),
                      value_delta="-3600.00", sessions_delta=-4)

    assert selectors.liability(as_of=today - timedelta(days=10))["total"] == D("3600.00")
    assert selectors.liability(as_of=today - timedelta(days=9))["total"] == D("0.00")


def test_a_membership_releases_its_value_by_the_day_since_its_last_row(today):
    sold = today - timedelta(days=200)
    membership = club(sold)

    def value(day):
        return by_type(selectors.liability(as_of=day)["by_kind"])["membership"]

    # 36,500 over 365 days: 100.00 a day.
    assert value(sold + timedelta(days=100)) == {
        "package_type": "membership", "packages": 1, "sessions_left": 0, "credit_left": D("0.00"), "value": D("26500.00"),
    }
    # Refunded today: the writer's catch-up row brings it to the line (16,500.00), the refund takes the rest.
    JournalRowFactory(assignment=membership, event="redemption", business_day=today, value_delta="-20000.00")
    JournalRowFactory(assignment=membership, event="refund", business_day=today, value_delta="-16500.00")
    membership.status = "refunded"
    membership.save()

    assert value(sold + timedelta(days=100))["value"] == D("26500.00")
    assert value(today - timedelta(days=1))["value"] == D("16600.00")
    assert value(today)["value"] == D("0.00")
    assert value(today)["packages"] == 0


def test_a_membership_holds_nothing_once_past_its_last_day(today):
    club(today - timedelta(days=400))

    assert selectors.liability(as_of=today)["total"] == D("0.00")


def test_the_liability_of_a_branch_counts_the_packages_it_sold(today):
    indiranagar, koramangala = BranchFactory(code="IND"), BranchFactory(code="KOR")
    facial_series(today - timedelta(days=3), branch=indiranagar)
    gold_credit(today - timedelta(days=3), branch=koramangala)

    assert selectors.liability(as_of=today, branch=indiranagar)["total"] == D("3600.00")
    assert selectors.liability(as_of=today, branch=koramangala)["total"] == D("15000.00")
    assert selectors.liability(as_of=today)["total"] == D("18600.00")


def test_the_liability_api_answers_the_snapshot_to_the_paisa(api, today):
    credit = gold_credit(today - timedelta(days=40))
    # 1,260 of 17,500 credit spent: 15,000 x 1,260 / 17,500 = 1,080.00 released.
    JournalRowFactory(assignment=credit, event="redemption", business_day=today - timedelta(days=5),
                      value_delta="-1080.00", credit_delta="-1260.00")
    JournalRowFactory(assignment=credit, event="refund", business_day=today,
                      value_delta="-13920.00", credit_delta="-16240.00")

    body = api.get("/api/reports/liability", {"as_of": (today - timedelta(days=1)).isoformat()}).json()

    assert body["total"] == "13920.00"
    assert body["by_kind"][0] == {
        "package_type": "prepaid", "packages": 1, "sessions_left": 0, "credit_left": "16240.00", "value": "13920.00",
    }


# --- 2. the roll-forward --------------------------------------------------------------------


@pytest.fixture
def month(today):
    """A month of movements from the 1st to the 30th, on packages sold before and during it."""
    start = today - timedelta(days=60)
    end = start + timedelta(days=29)
    before = start - timedelta(days=30)
    # Before the month: a 3+1 (3,600), credit (15,000) and a membership (36,500 for 365 days, from `before`).
    series = facial_series(before)
    credit = gold_credit(before)
    membership = club(before)
    # In the month: a session used (900), 1,260 of credit spent (1,080.00), a new 3+1 sold and voided the
    # next day, a renewal, a top-up, an import, a transfer, an expiry, an adjustment and a reinstatement.
    JournalRowFactory(assignment=series, event="redemption", business_day=start, value_delta="-900.00", sessions_delta=-1)
    JournalRowFactory(assignment=credit, event="redemption", business_day=start + timedelta(days=1),
                      value_delta="-1080.00", credit_delta="-1260.00")
    voided = facial_series(start + timedelta(days=2))
    JournalRowFactory(assignment=voided, event="sale", business_day=start + timedelta(days=3), value_delta="-3600.00",
                      sessions_delta=-4, reverses=voided.usages.get())
    facial_series(start + timedelta(days=4))
    renewal = AssignmentFactory(template=ServicePackageFactory(), assigned_on=start + timedelta(days=5), sale_value="1800.00")
    JournalRowFactory(assignment=renewal, event="renewal", business_day=start + timedelta(days=5), value_delta="1800.00")
    JournalRowFactory(assignment=credit, event="top_up", business_day=start + timedelta(days=6),
                      value_delta="5000.00", credit_delta="5000.00")
    imported = AssignmentFactory(template=ServicePackageFactory(), assigned_on=start + timedelta(days=7), sale_value="999.99")
    JournalRowFactory(assignment=imported, event="import", business_day=start + timedelta(days=7), value_delta="999.99")
    # The 3+1 moves to another customer with its 2,700.00.
    moved = AssignmentFactory(template=ServicePackageFactory(), assigned_on=start + timedelta(days=8), sale_value="2700.00")
    JournalRowFactory(assignment=series, event="transfer_out", business_day=start + timedelta(days=8),
                      value_delta="-2700.00", sessions_delta=-3)
    JournalRowFactory(assignment=moved, event="transfer_in", business_day=start + timedelta(days=8),
                      value_delta="2700.00", sessions_delta=3)
    # The imported package expires, 999.99 unused; the moved one loses a session by correction, then gets it back.
    JournalRowFactory(assignment=imported, event="expiry", business_day=start + timedelta(days=9), value_delta="-999.99")
    JournalRowFactory(assignment=moved, event="adjustment", business_day=start + timedelta(days=10),
                      value_delta="-900.00", sessions_delta=-1)
    JournalRowFactory(assignment=moved, event="reinstatement", business_day=start + timedelta(days=11),
                      value_delta="0.00", sessions_delta=1)
    # After the month: a redemption that must not count.
    JournalRowFactory(assignment=credit, event="redemption", business_day=end + timedelta(days=1), value_delta="-500.00")
    return {"start": start, "end": end, "before": before, "membership": membership}


def test_the_rollforward_ties_opening_to_closing_for_every_kind(month):
    report = selectors.liability_rollforward(date_from=month["start"], date_to=month["end"])

    assert [row["package_type"] for row in report["rows"]] == KINDS
    rows = by_type(report["rows"])
    assert rows["prepaid"] == {
        "package_type": "prepaid", "opening": D("15000.00"), "sold": D("0.00"), "topped_up": D("5000.00"),
        "imported": D("0.00"), "transferred_in": D("0.00"), "redeemed": D("1080.00"), "refunded": D("0.00"),
        "transferred_out": D("0.00"), "expired": D("0.00"), "adjusted": D("0.00"), "closing": D("18920.00"),
    }
    # Sold: 3,600 + 3,600 - 3,600 (voided) + 1,800 (renewal).
    assert rows["service_package"] == {
        "package_type": "service_package", "opening": D("3600.00"), "sold": D("5400.00"), "topped_up": D("0.00"),
        "imported": D("999.99"), "transferred_in": D("2700.00"), "redeemed": D("900.00"), "refunded": D("0.00"),
        "transferred_out": D("2700.00"), "expired": D("999.99"), "adjusted": D("-900.00"), "closing": D("7200.00"),
    }
    # 100.00 a day: 336 days left on the day before the month, 306 on its last day.
    assert rows["membership"]["opening"] == D("33600.00")
    assert rows["membership"]["closing"] == D("30600.00")
    assert rows["membership"]["redeemed"] == D("3000.00")
    for row in [*report["rows"], report["totals"]]:
        assert row["closing"] == (
            row["opening"] + row["sold"] + row["topped_up"] + row["imported"] + row["transferred_in"]
            - row["redeemed"] - row["refunded"] - row["transferred_out"] - row["expired"] + row["adjusted"]
        )
    assert report["totals"]["opening"] == D("52200.00")
    assert report["totals"]["closing"] == D("56720.00")


def test_the_opening_and_closing_are_the_liability_on_the_day_before_and_the_last_day(month):
    report = selectors.liability_rollforward(date_from=month["start"], date_to=month["end"])

    before = selectors.liability(as_of=month["start"] - timedelta(days=1))
    after = selectors.liability(as_of=month["end"])
    assert [row["opening"] for row in report["rows"]] == [row["value"] for row in before["by_kind"]]
    assert [row["closing"] for row in report["rows"]] == [row["value"] for row in after["by_kind"]]


def test_the_rollforward_api_answers_strings_to_the_paisa_in_the_contract_shape(api, month):
    response = api.get(
        "/api/reports/liability-rollforward", {"from": month["start"].isoformat(), "to": month["end"].isoformat()}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert sorted(body) == ["from", "rows", "success", "to", "totals"]
    assert (body["success"], body["from"], body["to"]) == (True, month["start"].isoformat(), month["end"].isoformat())
    assert [list(row) for row in body["rows"]] == [COLUMNS] * 6
    assert list(body["totals"]) == COLUMNS[1:]
    assert body["rows"][1] == {
        "package_type": "service_package", "opening": "3600.00", "sold": "5400.00", "topped_up": "0.00",
        "imported": "999.99", "transferred_in": "2700.00", "redeemed": "900.00", "refunded": "0.00",
        "transferred_out": "2700.00", "expired": "999.99", "adjusted": "-900.00", "closing": "7200.00",
    }
    assert body["totals"] == {
        "opening": "52200.00", "sold": "5400.00", "topped_up": "5000.00", "imported": "999.99",
        "transferred_in": "2700.00", "redeemed": "4980.00", "refunded": "0.00", "transferred_out": "2700.00",
        "expired": "999.99", "adjusted": "-900.00", "closing": "56720.00",
    }


def test_the_rollforward_of_a_branch_counts_its_packages_used_anywhere(api, today):
    indiranagar, koramangala = BranchFactory(code="IND"), BranchFactory(code="KOR")
    series = facial_series(today - timedelta(days=10), branch=indiranagar)
    JournalRowFactory(assignment=series, event="redemption", business_day=today, value_delta="-900.00",
                      sessions_delta=-1, branch=koramangala)
    query = {"from": (today - timedelta(days=10)).isoformat(), "to": today.isoformat()}

    ind = api.get("/api/reports/liability-rollforward", {**query, "branch": "ind"}).json()["totals"]
    kor = api.get("/api/reports/liability-rollforward", {**query, "branch": "KOR"}).json()["totals"]

    assert (ind["sold"], ind["redeemed"], ind["closing"]) == ("3600.00", "900.00", "2700.00")
    assert (kor["sold"], kor["redeemed"], kor["closing"]) == ("0.00", "0.00", "0.00")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "from"),
        ({"to": "soon"}, "to"),
        ({"branch": "NOPE"}, "branch"),
        ({"format": "pdf"}, "format"),
    ],
)
def test_the_rollforward_refuses_bad_inputs_naming_the_parameter(api, query, field):
    response = api.get("/api/reports/liability-rollforward", query)

    assert response.status_code == 400
    assert response.json()["success"] is False
    assert list(response.json()["errors"]) == [field]


def test_a_cashier_may_not_read_the_rollforward_or_inter_branch():
    client = APIClient()
    client.force_login(UserFactory(username="journal-cashier", groups=["Cashier"]))

    assert client.get("/api/reports/liability-rollforward").status_code == 403
    assert client.get("/api/reports/inter-branch").status_code == 403


def test_the_rollforward_runs_in_five_queries_whatever_the_rows(month, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        selectors.liability_rollforward(date_from=month["start"], date_to=month["end"])


# --- 4. package sales -----------------------------------------------------------------------


def test_a_top_up_counts_on_its_own_day_never_in_the_month_of_the_first_sale(today):
    october = today.replace(day=1) - timedelta(days=40)
    credit = gold_credit(october)
    # The top-up raised what the package was sold for; the report reads the rows, each on its day.
    credit.sale_value, credit.price_paid = D("20000.00"), D("20000.00")
    credit.save()
    JournalRowFactory(assignment=credit, event="top_up", business_day=today, value_delta="5000.00", credit_delta="5000.00")

    report = selectors.package_sales(date_from=october.replace(day=1), date_to=today, group="month")

    assert report["rows"] == [
        {"period": october.strftime("%Y-%m"), "package_type": "prepaid", "sold": 1, "top_ups": 0,
         "taxable_value": D("15000.00"), "gst": D("0.00"), "total": D("15000.00")},
        {"period": today.strftime("%Y-%m"), "package_type": "prepaid", "sold": 0, "top_ups": 1,
         "taxable_value": D("5000.00"), "gst": D("0.00"), "total": D("5000.00")},
    ]
    assert report["totals"] == {
        "sold": 1, "top_ups": 1, "taxable_value": D("20000.00"), "gst": D("0.00"), "total": D("20000.00"),
    }


def test_a_transfer_is_no_sale(today):
    series = facial_series(today - timedelta(days=50))
    moved = AssignmentFactory(template=ServicePackageFactory(), assigned_on=today, sale_value="3600.00")
    JournalRowFactory(assignment=series, event="transfer_out", business_day=today, value_delta="-3600.00")
    JournalRowFactory(assignment=moved, event="transfer_in", business_day=today, value_delta="3600.00")

    report = selectors.package_sales(date_from=today, date_to=today, group="day")

    assert report["rows"] == []
    assert report["totals"]["sold"] == 0


def test_a_sale_voided_later_counts_on_its_day_and_nets_out_on_the_void_day(today):
    series = facial_series(today - timedelta(days=1))
    JournalRowFactory(assignment=series, event="sale", business_day=today, value_delta="-3600.00",
                      sessions_delta=-4, reverses=series.usages.get())

    report = selectors.package_sales(date_from=today - timedelta(days=1), date_to=today, group="day")

    assert [(row["period"], row["sold"], row["taxable_value"]) for row in report["rows"]] == [
        ((today - timedelta(days=1)).isoformat(), 1, D("3600.00")), (today.isoformat(), -1, D("-3600.00")),
    ]
    assert report["totals"]["sold"] == 0


# --- 5. redemptions and breakage ------------------------------------------------------------


def test_redemptions_give_the_value_released_and_the_list_price_as_such(today):
    series = facial_series(today - timedelta(days=5))
    used = JournalRowFactory(assignment=series, event="redemption", business_day=today, value_delta="-900.00",
                             sessions_delta=-1, value="1200.00")
    JournalRowFactory(assignment=series, event="redemption", business_day=today, value_delta="-900.00",
                      sessions_delta=-1, value="1200.00")
    JournalRowFactory(assignment=series, event="redemption", business_day=today, value_delta="900.00",
                      sessions_delta=1, value="1200.00", reverses=used)

    rows = by_type(selectors.redemptions(date_from=today, date_to=today)["rows"])

    assert rows["service_package"] == {
        "package_type": "service_package", "sessions_redeemed": 1, "value_redeemed": D("900.00"),
        "credit_spent": D("0.00"), "list_price": D("1200.00"),
    }


def test_breakage_is_the_expiry_rows_in_the_range(today):
    series = facial_series(today - timedelta(days=200))
    JournalRowFactory(assignment=series, event="redemption", business_day=today - timedelta(days=100),
                      value_delta="-900.00", sessions_delta=-1)
    JournalRowFactory(assignment=series, event="expiry", business_day=today - timedelta(days=3),
                      value_delta="-2700.00", sessions_delta=-3)

    inside = selectors.breakage(date_from=today - timedelta(days=3), date_to=today)
    outside = selectors.breakage(date_from=today - timedelta(days=2), date_to=today)

    assert by_type(inside["rows"])["service_package"] == {"package_type": "service_package", "packages": 1, "value": D("2700.00")}
    assert inside["total"] == D("2700.00")
    assert outside["total"] == D("0.00")


# --- 6. inter-branch ------------------------------------------------------------------------


def test_inter_branch_says_what_each_branch_used_of_anothers_packages(api, today):
    indiranagar, koramangala = BranchFactory(code="IND"), BranchFactory(code="KOR")
    series = facial_series(today - timedelta(days=10), branch=indiranagar)
    credit = gold_credit(today - timedelta(days=10), branch=koramangala)
    at_kor = JournalRowFactory(assignment=series, event="redemption", business_day=today, value_delta="-900.00",
                               sessions_delta=-1, branch=koramangala)
    JournalRowFactory(assignment=series, event="redemption", business_day=today, value_delta="-900.00",
                      sessions_delta=-1, branch=koramangala)
    JournalRowFactory(assignment=series, event="redemption", business_day=today, value_delta="900.00",
                      sessions_delta=1, branch=koramangala, reverses=at_kor)
    JournalRowFactory(assignment=series, event="redemption", business_day=today, value_delta="-900.00",
                      sessions_delta=-1)  # used where it was sold: nobody owes anybody
    JournalRowFactory(assignment=credit, event="redemption", business_day=today, value_delta="-1080.00",
                      credit_delta="-1260.00", branch=indiranagar)

    response = api.get("/api/reports/inter-branch", {"from": today.isoformat(), "to": today.isoformat()})

    assert response.status_code == 200, response.content
    assert response.json() == {
        "success": True,
        "rows": [
            {"sold_at": "IND", "used_at": "KOR", "sessions": 1, "value": "900.00"},
            {"sold_at": "KOR", "used_at": "IND", "sessions": 0, "value": "1080.00"},
        ],
    }


def test_the_rollforward_downloads_its_rows_and_a_total_row(api, month):
    query = {"from": month["start"].isoformat(), "to": month["end"].isoformat()}

    lines = api.get("/api/reports/liability-rollforward", {**query, "format": "csv"}).content.decode().splitlines()
    workbook = api.get("/api/reports/liability-rollforward", {**query, "format": "xlsx"})

    assert lines[0] == (
        "Kind,Opening,Sold,Topped up,Imported,Transferred in,Redeemed,Refunded,Transferred out,Expired,Adjusted,Closing"
    )
    assert lines[2] == "Service package,3600.00,5400.00,0.00,999.99,2700.00,900.00,0.00,2700.00,999.99,-900.00,7200.00"
    assert lines[-1] == "Total,52200.00,5400.00,5000.00,999.99,2700.00,4980.00,0.00,2700.00,999.99,-900.00,56720.00"
    assert workbook["Content-Disposition"] == (
        f'attachment; filename="liability-rollforward-{query["from"]}-to-{query["to"]}.xlsx"'
    )


def test_the_inter_branch_download_names_both_branches(api, today):
    indiranagar, koramangala = BranchFactory(code="IND"), BranchFactory(code="KOR")
    series = facial_series(today - timedelta(days=10), branch=indiranagar)
    JournalRowFactory(assignment=series, event="redemption", business_day=today, value_delta="-900.00",
                      sessions_delta=-1, branch=koramangala)

    lines = api.get("/api/reports/inter-branch", {"format": "csv"}).content.decode().splitlines()

    assert lines == ["Sold at,Used at,Sessions,Value released", "IND,KOR,1,900.00", "Total,,1,900.00"]
