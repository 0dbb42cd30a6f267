"""Every figure of every report on the known shop (tests/reports/conftest.py), to the paisa."""
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from reports import selectors

KINDS = ["prepaid", "service_package", "membership", "student_offer", "yearly_membership", "kitty_party"]
D = Decimal


def by_type(rows):
    return {row["package_type"]: row for row in rows}


def test_liability_lists_all_six_kinds_in_order_with_what_each_still_holds(shop):
    report = selectors.liability(as_of=shop.today)

    assert [row["package_type"] for row in report["by_kind"]] == KINDS
    rows = by_type(report["by_kind"])
    # 16,240 of 17,500 credit bought for 15,000: 13,920.00.
    assert rows["prepaid"] == {
        "package_type": "prepaid", "packages": 1, "sessions_left": 0, "credit_left": D("16240.00"), "value": D("13920.00"),
    }
    # 3 of 4 sessions of a 3,600 sale (the voided bill's session came back; the lapsed package holds nothing).
    assert rows["service_package"] == {
        "package_type": "service_package", "packages": 1, "sessions_left": 3, "credit_left": D("0.00"), "value": D("2700.00"),
    }
    assert rows["membership"]["value"] == D("50000.00")
    assert rows["kitty_party"] == {
        "package_type": "kitty_party", "packages": 0, "sessions_left": 0, "credit_left": D("0.00"), "value": D("0.00"),
    }
    assert report["total"] == D("66620.00")
    assert report["as_of"] == shop.today


def test_liability_values_a_membership_by_the_days_left(shop):
    as_of = shop.today + timedelta(days=73)
    days_total = (shop.membership.expires_on - shop.membership.assigned_on).days

    report = selectors.liability(as_of=as_of)

    expected = (D("50000") * (days_total - 73) / days_total).quantize(D("0.01"))
    assert by_type(report["by_kind"])["membership"]["value"] == expected
    assert report["total"] == D("13920.00") + D("2700.00") + expected


def test_the_forecast_counts_each_package_in_its_month_of_expiry(shop):
    report = selectors.liability_forecast(months=13, today=shop.today)

    months = {row["month"]: row for row in report["months"]}
    assert len(report["months"]) == 13
    assert report["months"][0]["month"] == shop.today.strftime("%Y-%m")
    series_month = shop.series.expires_on.strftime("%Y-%m")
    assert by_type(months[series_month]["by_kind"])["service_package"]["value"] == D("2700.00")
    prepaid_month = months[shop.prepaid.expires_on.strftime("%Y-%m")]
    assert by_type(prepaid_month["by_kind"])["prepaid"]["value"] == D("13920.00")
    # A membership holds nothing on its last day: nothing of it expires unused.
    assert sum(row["total"] for row in report["months"]) == D("16620.00")
    assert [row["package_type"] for row in prepaid_month["by_kind"]] == KINDS


def test_the_forecast_leaves_out_what_expires_after_its_months(shop):
    report = selectors.liability_forecast(months=1, today=shop.today)

    assert [row["total"] for row in report["months"]] == [D("0.00")]


def test_package_sales_by_month_with_gst_and_totals(shop):
    report = selectors.package_sales(date_from=shop.today - relativedelta(months=6), date_to=shop.today, group="month")

    month, lapsed_month = shop.today.strftime("%Y-%m"), shop.lapsed.assigned_on.strftime("%Y-%m")
    assert report["rows"] == [
        {"period": lapsed_month, "package_type": "service_package", "sold": 1, "top_ups": 0,
         "taxable_value": D("3600.00"), "gst": D("180.00"), "total": D("3780.00")},
        {"period": month, "package_type": "prepaid", "sold": 1, "top_ups": 0,
         "taxable_value": D("15000.00"), "gst": D("0.00"), "total": D("15000.00")},
        {"period": month, "package_type": "service_package", "sold": 1, "top_ups": 0,
         "taxable_value": D("3600.00"), "gst": D("180.00"), "total": D("3780.00")},
        {"period": month, "package_type": "membership", "sold": 1, "top_ups": 0,
         "taxable_value": D("50000.00"), "gst": D("2500.00"), "total": D("52500.00")},
    ]
    assert report["totals"] == {
        "sold": 4, "top_ups": 0, "taxable_value": D("72200.00"), "gst": D("2860.00"), "total": D("75060.00"),
    }


def test_package_sales_by_day_keeps_to_the_range(shop):
    report = selectors.package_sales(date_from=shop.today, date_to=shop.today, group="day")

    assert {row["period"] for row in report["rows"]} == {shop.today.isoformat()}
    assert report["totals"]["sold"] == 3
    assert report["totals"]["total"] == D("71280.00")


def test_redemptions_are_net_of_voids(shop):
    report = selectors.redemptions(date_from=shop.today, date_to=shop.today)

    assert [row["package_type"] for row in report["rows"]] == KINDS
    rows = by_type(report["rows"])
    # A session of a 3,600 3+1 releases 900.00 of value; the bill listed it at 1,200.
    assert rows["service_package"] == {
        "package_type": "service_package", "sessions_redeemed": 1, "value_redeemed": D("900.00"), "credit_spent": D("0.00"),
        "list_price": D("1200.00"),
    }
    # 1,260 of 17,500 credit bought for 15,000 releases 1,080.00.
    assert rows["prepaid"] == {
        "package_type": "prepaid", "sessions_redeemed": 0, "value_redeemed": D("1080.00"), "credit_spent": D("1260.00"),
        "list_price": D("1260.00"),
    }
    assert rows["membership"]["value_redeemed"] == D("0.00")


def test_redemptions_outside_the_range_count_nothing(shop):
    report = selectors.redemptions(date_from=shop.today - timedelta(days=9), date_to=shop.today - timedelta(days=1))

    assert all(row["sessions_redeemed"] == 0 and row["value_redeemed"] == 0 for row in report["rows"])


def test_breakage_is_the_value_held_on_the_day_of_expiry(shop):
    report = selectors.breakage(date_from=shop.today - timedelta(days=30), date_to=shop.today + timedelta(days=400))

    rows = by_type(report["rows"])
    # The lapsed 3+1 expired ten days ago with all 4 sessions: its whole 3,600. Nothing later has expired yet.
    assert rows["service_package"] == {"package_type": "service_package", "packages": 1, "value": D("3600.00")}
    assert report["total"] == D("3600.00")
    assert [row["package_type"] for row in report["rows"]] == KINDS


def test_expiring_lists_the_call_list_soonest_first(shop):
    report = selectors.expiring(within_days=200, today=shop.today)

    assert report["packages"] == [
        {
            "assignment_id": shop.series.pk, "customer_id": shop.customer.pk, "customer_name": "Asha Rao",
            "phone": "+919800000001", "package_name": shop.series.package_name, "package_type": "service_package",
            "expires_on": shop.series.expires_on, "sessions_left": 3, "credit_left": D("0.00"), "value": D("2700.00"),
        }
    ]
    assert len(selectors.expiring(within_days=400, today=shop.today)["packages"]) == 3


def test_day_close_counts_invoices_voids_and_money_in_by_method_and_cashier(shop):
    report = selectors.day_close(day=shop.today)

    # Three package-sale invoices of today (manager; the lapsed package's is dated 100 days ago, its
    # cash taken today) and two bills (cashier) stand; one bill was voided.
    assert report["invoices"] == 4
    assert report["voided"] == 1
    assert report["by_method"] == [
        {"method": "cash", "amount": D("7560.00")},
        {"method": "card", "amount": D("52500.00")},
        {"method": "upi", "amount": D("15000.00")},
        {"method": "bank_transfer", "amount": D("0.00")},
    ]
    assert report["by_cashier"] == [
        {"cashier": "reports-cashier", "invoices": 2, "amount": D("0.00")},
        {"cashier": "reports-manager", "invoices": 2, "amount": D("75060.00")},
    ]
    assert report["total_collected"] == D("75060.00")


def test_day_close_for_one_cashier_shows_only_their_own(shop):
    report = selectors.day_close(day=shop.today, cashier=shop.cashier)

    assert (report["invoices"], report["voided"], report["total_collected"]) == (2, 1, D("0.00"))
    assert [row["cashier"] for row in report["by_cashier"]] == ["reports-cashier"]
