"""News that packages send upward; receivers live in the apps that listen (reminders, reports).

`status_changed` is sent by `packages.services.status` once per assignment whose status
moved, after the transaction commits (never for a rollback), with keyword arguments:

- `assignment_id`: the assignment's id (read it again: the row may have moved since);
- `old_status`, `new_status`: `AssignmentStatus` values;
- `reason`: a `StatusReason` value (`exhausted`, `given_back`, `paused`, `resumed`,
  `expired`, `reconciled`);
- `user`: who made the change, or None (the expiry sweep, reconcile).

`balances_spent` is sent by `packages.services.benefits_spend` once per bill that spent
something, after the transaction commits (never for a rollback), with `assignment_ids`:
the assignments whose sessions or credit went down, and `left`: for each of them a
`BalanceLeft` (kind, sessions and credit this bill left), so a receiver can pass over a
bill that left plenty without a query. Low-balance reminders listen to it.

A receiver only reacts to the news; it never holds a rule the services need.
"""
from decimal import Decimal
from typing import NamedTuple

from django.dispatch import Signal


class BalanceLeft(NamedTuple):
    package_type: str
    sessions: int
    credit: Decimal


status_changed = Signal()  # sender=PackageAssignment; see the module docstring for the arguments
balances_spent = Signal()  # sender=PackageAssignment, assignment_ids=[...], left={id: BalanceLeft}
