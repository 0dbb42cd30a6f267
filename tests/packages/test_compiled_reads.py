"""The counter's hot reads, compiled once per connection (core.compiled): same rows as the ORM, new ids each call."""
import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.db.transaction import TransactionManagementError

from core.compiled import CompiledQuery
from packages.locks import HOLDINGS_LOCK
from packages.models import PackageAssignment
from packages.selectors import HOLDINGS, TRACKERS, holdings_queryset, trackers_queryset
from packages.services import assignment_create
from tests.billing.conftest import hold_many
from tests.factories import CustomerFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def holders(facial):
    """One customer holding a 3+1 facial and one package of every other kind (some paused), one a 3+1 only."""
    customers = [CustomerFactory(), CustomerFactory()]
    for customer in customers:
        assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)
    hold_many(customers[0], facial, 6)
    return customers


def test_the_compiled_reads_return_what_the_orm_returns_for_each_customer(holders, django_assert_num_queries):
    for customer in holders:
        with django_assert_num_queries(2):
            rows, trackers = HOLDINGS.run(customer_id=customer.pk), TRACKERS.run(customer_id=customer.pk)

        assert rows == list(holdings_queryset(customer.pk))
        assert trackers == list(trackers_queryset(customer.pk))
        assert {row["customer_id"] for row in rows} == {customer.pk}
        assert rows[0].package_name  # read like a model: rows are `Row`s
    assert [len(HOLDINGS.run(customer_id=customer.pk)) for customer in holders] == [7, 1]
    # Dates come back as dates and money as Decimal on SQLite too (the compiler's converters).
    assert type(rows[0]["assigned_on"]).__name__ == "date"
    assert type(rows[0]["credit_remaining"]).__name__ == "Decimal"


def test_a_customer_without_packages_gets_no_rows(db):
    assert HOLDINGS.run(customer_id=CustomerFactory().pk) == []


def _failure(read):
    try:
        read()
    except TransactionManagementError as error:
        return type(error)
    return None


@pytest.mark.django_db(transaction=True)
def test_the_lock_outside_a_transaction_fails_as_the_orms_does(facial):
    customer = CustomerFactory()
    assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)
    with transaction.atomic():
        assert len(HOLDINGS_LOCK.run(customer_id=customer.pk)) == 1

    orm = _failure(lambda: list(holdings_queryset(customer.pk, for_update=True)))
    compiled = _failure(lambda: HOLDINGS_LOCK.run(customer_id=customer.pk))

    assert compiled == orm
    assert orm is (TransactionManagementError if connection.features.has_select_for_update else None)


def test_an_id_the_sql_holds_twice_is_refused_when_compiled(db):
    twice = CompiledQuery(
        lambda customer_id: PackageAssignment.objects.filter(
            Q(customer_id=customer_id) | Q(branch_id=customer_id)
        ).values("id")
    )

    with pytest.raises(ValueError, match="appears 2 times"):
        twice.run(customer_id=1)


def test_only_values_querysets_are_compiled(db):
    models = CompiledQuery(lambda customer_id: PackageAssignment.objects.filter(customer_id=customer_id))

    with pytest.raises(TypeError):
        models.run(customer_id=1)
