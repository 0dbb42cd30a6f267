"""The journal built from the history (migration packages 0020, issue 22), both ways, on rows.

Each test migrates back to 0019, writes ledger rows with the historical models (or has the
demo written, then migrates back, which clears the journal), migrates forward and reads the
journal back; the fixture puts every app back on its latest migration.
"""
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum
from djmoney.money import Money

from packages.models import PackageAssignment, PackageUsage
from packages.valuation import AssignmentValues, assignment_value
from tests.factories import role_group

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("packages", "0019_usage_kinds_time_release_expiry")]
AFTER = [("packages", "0023_journal_lines_and_holders_from_history")]  # the journal and what 0023 adds to it
TODAY = date.today()


def assignments_then():
    """Assignments read with the columns the schema has at AFTER: a field a later migration adds is not there yet."""
    state = MigrationExecutor(connection).loader.project_state(AFTER[0])
    fields = state.apps.get_model("packages", "PackageAssignment")._meta.concrete_fields
    return PackageAssignment.objects.only(*(field.name for field in fields))


def inr(amount) -> Money:
    return Money(Decimal(amount), "INR")


@pytest.fixture
def migrator():
    yield MigrationExecutor(connection)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(target):
    MigrationExecutor(connection).migrate(target)


class History:
    """Rows written as the code before the journal wrote them, with the historical models."""

    def __init__(self):
        apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        self.Assignment = apps.get_model("packages", "PackageAssignment")
        self.Usage = apps.get_model("packages", "PackageUsage")
        Branch = apps.get_model("branches", "Branch")
        self.branch = Branch.objects.order_by("pk").first() or Branch.objects.create(
            code="MAIN", name="Main", address="MG Road", gstin="29ABCFE1234F1Z5", state_code="29"
        )
        self.content_type, _ = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
            app_label="packages", model="servicepackage"
        )
        self.customer = apps.get_model("customers", "Customer").objects.create(name="Kavya Reddy", phone="+919845077120")

    def sell(self, package_type, *, sale_value, on, sessions=0, credit="0", status="active", expires_on=None, **extra):
        assignment = self.Assignment.objects.create(
            customer=self.customer, branch=self.branch, package_type=package_type, template_type=self.content_type,
            template_id=1, package_name=f"A {package_type}", total_sessions=sessions, remaining_sessions=sessions,
            credit_amount=inr(credit), credit_remaining=inr(credit), price_paid=inr(sale_value),
            sale_value=inr(sale_value), assigned_on=on, expires_on=expires_on, status=status, **extra,
        )
        self.row(assignment, "sale", on, sessions=sessions, credit=credit)
        return assignment

    def row(self, assignment, kind, on, *, sessions=0, credit="0", value="0", **extra):
        """A ledger row moving the balance by `sessions` / `credit`, dated `on` (noon, local time)."""
        assignment.refresh_from_db()
        credit = Decimal(credit)
        row = self.Usage.objects.create(
            assignment=assignment, branch=self.branch, kind=kind, value=inr(value),
            sessions_delta=sessions, sessions_before=assignment.remaining_sessions,
            sessions_after=assignment.remaining_sessions + sessions,
            credit_delta=inr(credit), credit_before=assignment.credit_remaining,
            credit_after=assignment.credit_remaining + inr(credit), **extra,
        )
        at = datetime.combine(on, time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))
        self.Usage.objects.filter(pk=row.pk).update(created_at=at)
        if kind != "sale":
            grows = {"credit_amount": assignment.credit_amount + inr(credit)} if kind == "top_up" else {
                "credit_used": assignment.credit_used - inr(credit)
            }
            self.Assignment.objects.filter(pk=assignment.pk).update(
                remaining_sessions=assignment.remaining_sessions + sessions,
                used_sessions=assignment.used_sessions - sessions,
                credit_remaining=assignment.credit_remaining + inr(credit),
                **grows,
            )
        return row


def journal(assignment_id):
    return list(PackageUsage.objects.filter(assignment_id=assignment_id).order_by("created_at", "pk"))


def held(assignment_id) -> Decimal:
    return assignments_then().get(pk=assignment_id).value_held.amount


def summed(assignment_id) -> Decimal:
    total = PackageUsage.objects.filter(assignment_id=assignment_id).aggregate(s=Sum("value_delta"))["s"]
    return total or Decimal("0")


def test_sessions_redeemed_and_a_void_given_back_replay_by_the_rules(migrator):
    migrator.migrate(BEFORE)
    history = History()
    sold = TODAY - timedelta(days=40)
    package = history.sell("service_package", sale_value="3050.85", sessions=4, on=sold,
                           expires_on=TODAY + timedelta(days=300))
    history.row(package, "redeem", sold + timedelta(days=5), sessions=-1, invoice_number="INV-1", invoice_line_id=11)
    history.row(package, "redeem", sold + timedelta(days=9), sessions=-1, invoice_number="INV-2", invoice_line_id=12)
    history.row(package, "reversal", sold + timedelta(days=10), sessions=1, invoice_number="CN-1",
                invoice_line_id=12, note="Gives back INV-2")

    migrate(AFTER)

    sale, first, second, reversal = journal(package.pk)
    assert (sale.event, sale.business_day, sale.value_delta.amount) == ("sale", sold, Decimal("3050.85"))
    assert (sale.package_type, sale.home_branch_id) == ("service_package", history.branch.pk)
    assert (first.event, first.value_delta.amount) == ("redemption", Decimal("-762.71"))  # 3050.85 x 1/4, half-up
    assert second.value_delta.amount == Decimal("-762.71")  # 2288.14 x 1/3
    assert (reversal.event, reversal.reverses_id, reversal.value_delta.amount) == (
        "redemption", second.pk, Decimal("762.71")
    )
    assert reversal.business_day == sold + timedelta(days=10)
    assert held(package.pk) == summed(package.pk) == Decimal("2288.14")
    assert held(package.pk) == assignment_value(assignments_then().get(pk=package.pk), TODAY)


def test_credit_top_up_refund_transfer_and_cancel_end_where_they_should(migrator):
    migrator.migrate(BEFORE)
    history = History()
    sold = TODAY - timedelta(days=60)
    # 15,000 paid for 17,500 of credit, then 5,000 more for 5,000: sale value 20,000 now.
    prepaid = history.sell("prepaid", sale_value="20000", credit="17500", on=sold)
    history.row(prepaid, "top_up", sold + timedelta(days=3), credit="5000", value="5000")
    history.row(prepaid, "redeem", sold + timedelta(days=4), credit="-2250", invoice_number="INV-3")
    refunded = history.sell("service_package", sale_value="1000", sessions=2, on=sold, status="refunded",
                            closed_on=sold + timedelta(days=20))
    history.row(refunded, "refund", sold + timedelta(days=20), sessions=-2, value="1180")
    moved = history.sell("service_package", sale_value="900", sessions=3, on=sold, status="transferred")
    history.row(moved, "redeem", sold + timedelta(days=2), sessions=-1)
    history.row(moved, "transfer_out", sold + timedelta(days=7), sessions=-2, value="600")
    voided = history.sell("kitty_party", sale_value="8000", credit="9000", on=sold, status="cancelled")
    history.row(voided, "cancel", sold, credit="-9000", value="8000")

    migrate(AFTER)

    sale, top_up, redemption = journal(prepaid.pk)
    assert sale.value_delta.amount == Decimal("15000")  # the sale, without what the top-up added
    assert (top_up.event, top_up.value_delta.amount) == ("top_up", Decimal("5000"))
    # 20,000 held for 22,500 of credit: 2,250 spent releases 2,000.
    assert (redemption.event, redemption.value_delta.amount) == ("redemption", Decimal("-2000.00"))
    assert held(prepaid.pk) == summed(prepaid.pk) == Decimal("18000.00")
    assert held(prepaid.pk) == assignment_value(assignments_then().get(pk=prepaid.pk), TODAY)

    assert [(r.event, r.value_delta.amount) for r in journal(refunded.pk)] == [
        ("sale", Decimal("1000")), ("refund", Decimal("-1000"))
    ]
    assert [(r.event, r.value_delta.amount) for r in journal(moved.pk)] == [
        ("sale", Decimal("900")), ("redemption", Decimal("-300.00")), ("transfer_out", Decimal("-600.00"))
    ]
    sale, cancel = journal(voided.pk)
    assert (cancel.event, cancel.reverses_id, cancel.value_delta.amount) == ("sale", sale.pk, Decimal("-8000"))
    for closed in (refunded, moved, voided):
        assert held(closed.pk) == summed(closed.pk) == 0


def test_expired_value_left_is_breakage_and_time_kinds_release_by_the_day(migrator):
    migrator.migrate(BEFORE)
    history = History()
    sold = TODAY - timedelta(days=200)
    expired = history.sell("service_package", sale_value="1200", sessions=3, on=sold, status="expired",
                           expires_on=TODAY - timedelta(days=10))
    history.row(expired, "redeem", sold + timedelta(days=1), sessions=-1)
    membership = history.sell("membership", sale_value="3650", on=sold, expires_on=sold + timedelta(days=365),
                              status="refunded", closed_on=sold + timedelta(days=73))
    history.row(membership, "redeem", sold + timedelta(days=30))  # a bill: no value by itself
    history.row(membership, "refund", sold + timedelta(days=73), value="2920")
    holding = history.sell("yearly_membership", sale_value="3650", on=sold, expires_on=sold + timedelta(days=365))
    history.row(holding, "extension", sold + timedelta(days=100))

    migrate(AFTER)

    rows = journal(expired.pk)
    assert [(r.event, r.value_delta.amount) for r in rows] == [
        ("sale", Decimal("1200")), ("redemption", Decimal("-400.00")), ("expiry", Decimal("-800.00"))
    ]
    assert rows[-1].business_day == TODAY - timedelta(days=9)
    assert held(expired.pk) == summed(expired.pk) == 0

    events = sorted((r.business_day, r.event, r.value_delta.amount) for r in journal(membership.pk))
    # 73 of 365 days gone: 2,920 left, released by time on the refund's day, then refunded.
    assert events == [
        (sold, "sale", Decimal("3650")),
        (sold + timedelta(days=30), "redemption", Decimal("0")),
        (sold + timedelta(days=73), "redemption", Decimal("-730.00")),
        (sold + timedelta(days=73), "refund", Decimal("-2920.00")),
    ]
    assert held(membership.pk) == 0

    # An extension first releases by time (100 of 365 days), then is a note.
    events = sorted((r.business_day, r.event, r.value_delta.amount) for r in journal(holding.pk))
    assert events[1:] == [
        (sold + timedelta(days=100), "note", Decimal("0")),
        (sold + timedelta(days=100), "redemption", Decimal("-1000.00")),
    ]
    assert held(holding.pk) == summed(holding.pk) == Decimal("2650.00")
    # Today's straight-line value is lower still: the reports take off what the days since released.
    assert assignment_value(assignments_then().get(pk=holding.pk), TODAY) < held(holding.pk)

    migrate(BEFORE)  # back: rows made here gone, every journal column cleared

    assert PackageUsage.objects.filter(assignment_id=expired.pk).count() == 2
    assert PackageUsage.objects.filter(assignment_id__in=[membership.pk, holding.pk]).count() == 5
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM package_usage WHERE business_day IS NOT NULL OR event <> 'note' "
            "OR value_delta <> 0 OR reverses_id IS NOT NULL OR home_branch_id IS NOT NULL"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT COUNT(*) FROM service_package_assignment WHERE value_held <> 0")
        assert cursor.fetchone()[0] == 0


def test_the_demo_history_ends_with_the_journal_equal_to_the_valuation(migrator):
    role_group("Manager"), role_group("Cashier")  # a transactional test's flush removed them
    call_command("seed_demo", stdout=StringIO())
    migrator.migrate(BEFORE)

    migrate(AFTER)

    assignments = list(assignments_then())
    assert {a.package_type for a in assignments} >= {
        "service_package", "prepaid", "membership", "yearly_membership", "student_offer", "kitty_party"
    }
    assert not PackageUsage.objects.filter(business_day=None).exists()
    for assignment in assignments:
        label = f"{assignment.pk} {assignment.package_type} {assignment.status}"
        assert summed(assignment.pk) == assignment.value_held.amount, label
        value = assignment_value(assignment, TODAY)
        shares = assignment_value(replace(AssignmentValues.of(assignment), value_held=None), TODAY)
        if assignment.status not in ("active", "paused"):
            assert assignment.value_held.amount == 0, label
        elif assignment.usages.filter(kind="top_up").exists():
            # Credit bought at two rates (15,000 for 17,500, then 5,000 for 5,500): the journal
            # keeps each rupee's price, the shares average (credit left x sale value / credit
            # total); the valuation is the journal's.
            assert value == assignment.value_held.amount != shares, label
        elif assignment.kind.has_sessions or assignment.kind.is_credit:
            assert value == assignment.value_held.amount == shares, label
        else:
            assert value <= assignment.value_held.amount <= assignment.sale_value.amount, label


LINES_BEFORE = [("packages", "0022_journal_lines_and_holders")]
LIABILITY_COLUMNS = ("value_after", "holders_delta", "sessions_held_delta", "credit_held_delta", "line_from", "line_end")


def liability_columns() -> dict[int, tuple]:
    return {row[0]: row[1:] for row in PackageUsage.objects.values_list("pk", *LIABILITY_COLUMNS)}


def test_the_liability_columns_are_cleared_and_rebuilt_as_the_writer_wrote_them(migrator):
    from packages.journal_summary import journal_fold
    from packages.models import JournalDay
    from reports.selectors import liability

    role_group("Manager"), role_group("Cashier")  # a transactional test's flush removed them
    call_command("seed_demo", stdout=StringIO())
    journal_fold(settle=timedelta(0))
    written = liability_columns()
    # A package whose expiry moved (extended, paused) has only its current expiry for a line in the history.
    moved = set(PackageUsage.objects.filter(kind__in=["extension", "pause", "resume"]).values_list("assignment_id", flat=True))
    days = [TODAY - timedelta(days=days) for days in (0, 30, 90)]
    before = [liability(as_of=day) for day in days]

    migrator.migrate(LINES_BEFORE)  # back: every column cleared, the summary emptied
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM package_usage WHERE value_after <> 0 OR holders_delta <> 0 OR sessions_held_delta <> 0 "
            "OR credit_held_delta <> 0 OR line_from IS NOT NULL OR line_end IS NOT NULL"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT COUNT(*) FROM package_journal_day")
        assert cursor.fetchone()[0] == 0

    migrate(AFTER)

    rebuilt = liability_columns()
    kept = PackageUsage.objects.exclude(assignment_id__in=moved).values_list("pk", flat=True)
    assert len(kept) > 20
    assert {pk: rebuilt[pk] for pk in kept} == {pk: written[pk] for pk in kept}
    assert not JournalDay.objects.exists()
    by_sessions_and_credit = ("service_package", "prepaid", "kitty_party")  # time kinds: the lines, checked above
    for day, figures in zip(days, before, strict=True):
        again = {row["package_type"]: row for row in liability(as_of=day)["by_kind"]}
        for row in figures["by_kind"]:
            if row["package_type"] in by_sessions_and_credit:
                assert again[row["package_type"]] == row, day
