"""Every lock on package balances, written once: assignments, then their trackers, in primary-key order.

They are the second step of the project's one lock order, which billing/locks.py states
(an invoice being voided, assignments and their trackers, products, the number sequences).
Like every lock there, they are `FOR NO KEY UPDATE`: a row that only refers to a locked
assignment (a refund, a payment, a ledger row written by another transaction) does not
wait for it, so a reference never joins the order.
"""
from collections.abc import Callable, Iterable, Mapping
from functools import partial

from core.compiled import CompiledQuery

from .models import PackageAssignment, PackageBenefitTracker
from .rules import Holding
from .selectors import (
    Row,
    assignment_columns,
    holdings_from_rows,
    holdings_queryset,
    trackers_by_assignment,
    trackers_queryset,
)


def lock_assignments(ids: Iterable[int]) -> dict[int, PackageAssignment]:
    """Lock the assignments (and then their trackers) in id order; return them by id."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    rows = PackageAssignment.objects.filter(pk__in=ids).order_by("pk").select_for_update(no_key=True, of=("self",))
    assignments = {assignment.pk: assignment for assignment in rows}
    trackers = PackageBenefitTracker.objects.filter(assignment_id__in=ids).order_by("pk")
    list(trackers.select_for_update(no_key=True, of=("self",)))
    return assignments


class LockedAssignments(Mapping):
    """The locked assignments by id; each becomes a model instance only when a service asks for it."""

    def __init__(self, rows):
        self._rows = {row.id: row for row in rows}
        self._built: dict[int, PackageAssignment] = {}

    def __getitem__(self, pk: int) -> PackageAssignment:
        if pk not in self._built:
            row = self._rows[pk]
            names = assignment_columns()
            self._built[pk] = PackageAssignment.from_db(PackageAssignment._base_manager.db, names, [row[name] for name in names])
        return self._built[pk]

    def __iter__(self):
        return iter(self._rows)

    def __len__(self):
        return len(self._rows)

    def row(self, pk: int):
        """Return the locked row as read (before any spending), with the caller's annotations."""
        return self._rows[pk]


def holdings_lock(annotate: Callable[[], dict] | None = None) -> CompiledQuery:
    """The statement that locks a customer's assignments, with the caller's columns; build it once, at import.

    `annotate` returns the extra columns by name (`locked.row(pk)[name]`); it is called
    once per database connection, when the statement is compiled.
    """

    def build(customer_id):
        return holdings_queryset(customer_id, for_update=True, annotate=annotate() if annotate else None)

    return CompiledQuery(build, row_class=Row)


HOLDINGS_LOCK = holdings_lock()
TRACKERS_LOCK = CompiledQuery(partial(trackers_queryset, for_update=True), row_class=Row)


def lock_customer_holdings(
    customer_id: int, *, lock: CompiledQuery = HOLDINGS_LOCK
) -> tuple[list[Holding], LockedAssignments]:
    """Lock every assignment of the customer, then their trackers (id order); return the holdings read under the lock.

    The bill is computed once, on these rows: nothing it reads can change before it commits.
    Two statements (three with a kitty party held), and no model built but the ones spent.
    `lock` is a `holdings_lock(...)` carrying the caller's columns.
    """
    rows = lock.run(customer_id=customer_id)
    trackers = trackers_by_assignment(TRACKERS_LOCK.run(customer_id=customer_id)) if rows else {}
    return holdings_from_rows(rows, trackers), LockedAssignments(rows)
