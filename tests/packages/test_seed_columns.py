"""The seed's troubleshooting queries run as written on service_package_assignment and package_benefit_tracker."""
from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create
from packages.models import PackageBenefitTracker
from tests.factories import PrepaidPackageFactory, ServicePackageFactory, YearlyMembershipFactory

pytestmark = pytest.mark.django_db

TRACKER_SQL = (
    "SELECT package_assignment_id, total_allocated, balance_total, balance_used, balance_remaining, "
    "discount_percentage, valid_from, valid_to FROM package_benefit_tracker WHERE package_assignment_id = %s"
)
ASSIGNMENT_SQL = (
    "SELECT package_reference_id, credit_amount, remaining_credit, used_credit, "
    "remaining_credit_currency, used_credit_currency FROM service_package_assignment WHERE id = %s"
)


def rows(sql: str, *params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            tuple(Decimal(str(value)) if isinstance(value, float) else value for value in row)
            for row in cursor.fetchall()
        ]


def as_date(value):
    """SQLite answers dates as text through a raw cursor."""
    return value if value is None or not isinstance(value, str) else timezone.datetime.fromisoformat(value).date()


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def sell(customer, cashier, template, **kwargs):
    return assignment_sell(
        customer=customer, template=template, user=cashier, payment=PaymentIn("cash"), **kwargs
    ).assignment


def test_the_seed_queries_show_a_prepaid_credit_after_a_sale_and_a_bill(customer, cashier, facial):
    template = PrepaidPackageFactory()
    prepaid = sell(customer, cashier, template)
    today = timezone.localdate()

    invoice_create(customer=customer, items=[CartItem("service", facial.pk, 1)], cashier=cashier, use_credit=True)

    ((assignment_id, allocated, total, used, remaining, discount, valid_from, valid_to),) = rows(
        TRACKER_SQL, prepaid.pk
    )
    assert (assignment_id, allocated) == (prepaid.pk, 0)
    # A facial at 1,200 + 5% GST = 1,260.00 taken from the credit.
    assert (money(total), money(used), money(remaining)) == (Decimal("17500.00"), Decimal("1260.00"), Decimal("16240.00"))
    assert money(discount) == Decimal("0.00")
    assert (as_date(valid_from), as_date(valid_to)) == (today, today + relativedelta(months=12))
    ((reference, credit, remaining_credit, used_credit, remaining_currency, used_currency),) = rows(
        ASSIGNMENT_SQL, prepaid.pk
    )
    assert reference == template.pk
    assert (money(credit), money(remaining_credit), money(used_credit)) == (
        Decimal("17500.00"), Decimal("16240.00"), Decimal("1260.00")
    )
    assert (remaining_currency, used_currency) == ("INR", "INR")


def test_the_seed_queries_show_the_sessions_of_a_service_package(customer, cashier, facial):
    template = ServicePackageFactory()
    package = sell(customer, cashier, template, service=facial)

    invoice_create(customer=customer, items=[CartItem("service", facial.pk, 1)], cashier=cashier)

    ((assignment_id, allocated, total, used, remaining, _discount, _from, _to),) = rows(TRACKER_SQL, package.pk)
    assert (assignment_id, allocated) == (package.pk, 4)
    assert (money(total), money(used), money(remaining)) == (Decimal("0.00"),) * 3
    assert rows(
        "SELECT used_count, remaining_count FROM package_benefit_tracker WHERE package_assignment_id = %s", package.pk
    ) == [(1, 3)]
    assert rows("SELECT package_reference_id FROM service_package_assignment WHERE id = %s", package.pk) == [
        (template.pk,)
    ]


def test_the_seed_query_shows_the_discount_percentage_of_a_yearly_membership(customer, cashier):
    membership = sell(customer, cashier, YearlyMembershipFactory(discount_percent=Decimal("15.00")))

    ((_id, _allocated, _total, _used, _remaining, discount, _from, valid_to),) = rows(TRACKER_SQL, membership.pk)

    assert money(discount) == Decimal("15.00")
    assert as_date(valid_to) == membership.expires_on


def test_a_tracker_whose_credit_does_not_add_up_is_refused_by_the_database(customer, cashier):
    tracker = PackageBenefitTracker.objects.get(assignment=sell(customer, cashier, PrepaidPackageFactory()))

    with pytest.raises(IntegrityError), transaction.atomic():
        PackageBenefitTracker.objects.filter(pk=tracker.pk).update(balance_used=Decimal("1.00"))


def test_a_void_gives_the_credit_back_to_balance_used_too(customer, cashier, manager, facial):
    from billing.services import invoice_void

    prepaid = sell(customer, cashier, PrepaidPackageFactory())
    bill = invoice_create(customer=customer, items=[CartItem("service", facial.pk, 1)], cashier=cashier, use_credit=True)

    invoice_void(invoice=bill.invoice, reason="Test", user=manager)

    ((_id, _allocated, total, used, remaining, _discount, _from, _to),) = rows(TRACKER_SQL, prepaid.pk)
    assert (money(total), money(used), money(remaining)) == (Decimal("17500.00"), Decimal("0.00"), Decimal("17500.00"))


def test_reconcile_reports_a_credit_tracker_whose_used_balance_drifted(customer, cashier, facial):
    from io import StringIO

    from django.core.management import call_command

    prepaid = sell(customer, cashier, PrepaidPackageFactory(), expires_on=timezone.localdate() + timedelta(days=30))
    PackageBenefitTracker.objects.filter(assignment=prepaid).update(
        balance_total=Decimal("17600.00"), balance_used=Decimal("100.00")
    )

    out = StringIO()
    call_command("reconcile_packages", "--fix", stdout=out)

    assert "₹100.00 used" in out.getvalue()
    tracker = PackageBenefitTracker.objects.get(assignment=prepaid)
    assert (tracker.balance_total.amount, tracker.balance_used.amount) == (Decimal("17500.00"), Decimal("0.00"))
