"""The journal's daily summary (docs/journal.md "The daily summary"): folding, reading it with the live rows, checking it.

Rows are written with tests.factories.JournalRowFactory (as in tests/reports/test_journal.py);
the fold runs through its management command or `journal_fold`, and the reports read the sums.
"""
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from packages.journal_summary import journal_fold, journal_totals, summary_differences
from packages.models import JournalDay, JournalFold
from reports import selectors
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    JournalRowFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ServicePackageFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def today():
    return timezone.localdate()


def facial(sold_on, **extra):
    assignment = AssignmentFactory(
        template=ServicePackageFactory(), assigned_on=sold_on, sale_value="3600.00",
        total_sessions=4, remaining_sessions=4, **extra,
    )
    JournalRowFactory(assignment=assignment, event="sale", business_day=sold_on, value_delta="3600.00", sessions_delta=4)
    return assignment


def shop(today):
    """A facial used twice, prepaid credit spent once, a membership: rows over four months."""
    series = facial(today - timedelta(days=120))
    for days in (90, 30):
        JournalRowFactory(assignment=series, event="redemption", business_day=today - timedelta(days=days),
                          value_delta="-900.00", sessions_delta=-1)
    credit = AssignmentFactory(
        template=PrepaidPackageFactory(), assigned_on=today - timedelta(days=60), sale_value="15000.00",
        credit_amount="17500.00", credit_remaining="17500.00",
    )
    JournalRowFactory(assignment=credit, event="sale", business_day=today - timedelta(days=60),
                      value_delta="15000.00", credit_delta="17500.00")
    JournalRowFactory(assignment=credit, event="redemption", business_day=today - timedelta(days=10),
                      value_delta="-1080.00", credit_delta="-1260.00")
    club = AssignmentFactory(template=MembershipFactory(), assigned_on=today - timedelta(days=100),
                             expires_on=today + timedelta(days=265), sale_value="36500.00")
    JournalRowFactory(assignment=club, event="sale", business_day=today - timedelta(days=100), value_delta="36500.00")
    return series


def reports(today):
    return {
        "today": selectors.liability(as_of=today),
        "90 days ago": selectors.liability(as_of=today - timedelta(days=90)),
        "quarter": selectors.liability_rollforward(date_from=today - timedelta(days=100), date_to=today),
        "month": selectors.liability_rollforward(date_from=today - timedelta(days=30), date_to=today - timedelta(days=1)),
    }


def fold_command(settle=0) -> str:
    out = StringIO()
    call_command("fold_journal", "--settle", str(settle), stdout=out)
    return out.getvalue()


def test_the_reports_say_the_same_before_and_after_a_fold(today):
    shop(today)
    before = reports(today)

    output = fold_command()

    assert "6 journal row(s) folded" in output
    assert JournalDay.objects.count() >= 1
    assert reports(today) == before


def test_folding_twice_adds_nothing_the_second_time(today):
    shop(today)
    fold_command()
    summary = sorted(JournalDay.objects.values_list("business_day", "package_type", "event", "rows", "value_paise"))
    before = reports(today)

    assert "0 journal row(s) folded" in fold_command()

    assert sorted(JournalDay.objects.values_list("business_day", "package_type", "event", "rows", "value_paise")) == summary
    assert reports(today) == before


def test_rows_written_after_a_fold_are_counted_live_then_folded(today):
    series = shop(today)
    fold_command()
    JournalRowFactory(assignment=series, event="refund", business_day=today, value_delta="-1800.00", sessions_delta=-2)

    live = reports(today)

    assert live["today"]["by_kind"][1] == {
        "package_type": "service_package", "packages": 0, "sessions_left": 0, "credit_left": D("0.00"), "value": D("0.00"),
    }
    assert {row["package_type"]: row for row in live["quarter"]["rows"]}["service_package"]["refunded"] == D("1800.00")
    assert "1 journal row(s) folded" in fold_command()
    assert reports(today) == live


def test_a_fold_leaves_rows_younger_than_the_settling_time_for_the_next(today):
    shop(today)

    assert "0 journal row(s) folded" in fold_command(settle=300)
    assert JournalFold.objects.get(pk=1).upto_id == 0

    later = journal_fold(now=timezone.now() + timedelta(minutes=6))
    assert later.rows == 6


def test_the_summary_and_the_journal_agree_and_reconcile_says_so(today):
    shop(today)
    other = BranchFactory(code="KOR")
    facial(today - timedelta(days=5), branch=other)
    fold_command()

    assert summary_differences() == []
    out = StringIO()
    call_command("reconcile_packages", stdout=out)
    assert "journal summary" not in out.getvalue()
    by_branch = journal_totals(group_by=("package_type",), day_to=today, home_branch=other)
    assert by_branch == [{
        "package_type": "service_package", "paise": 360000, "sessions": 4, "credit_paise": 0, "rows": 1,
        "holders": 1, "sessions_held": 4, "credit_held_paise": 0,
    }]


def test_reconcile_reports_a_summary_that_differs_from_the_journal(today):
    shop(today)
    fold_command()
    row = JournalDay.objects.filter(package_type="prepaid", event="sale").get()
    row.value_paise += 1
    row.save()

    out = StringIO()
    call_command("reconcile_packages", stdout=out)

    assert summary_differences() != []
    assert "DIFF journal summary" in out.getvalue()
    assert "prepaid sale" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_the_watermark_at_nothing_folded():
    executor = MigrationExecutor(connection)
    executor.migrate([("packages", "0020_journal_from_history")])
    executor = MigrationExecutor(executor.connection)
    executor.migrate([("packages", "0021_journal_daily_summary")])
    try:
        assert JournalFold.objects.get(pk=1).upto_id == 0
        assert not JournalDay.objects.exists()
    finally:
        executor = MigrationExecutor(executor.connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
