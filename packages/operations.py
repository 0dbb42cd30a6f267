"""What a manager may do to a package after the sale: one row per operation (docs/design.md "Lifecycle").

The assignment admin shows a button per operation and its confirmation page; the counter
(/integrated-billing) shows the same buttons on a customer's package row, linking to that
page. Both read this table: the permission each needs (core.permissions), the statuses
and the kinds it applies to. The services decide; this only says when a button is worth
showing. The pages themselves are plugged into the assignment admin (packages.admin for
transfer, extend and adjust; billing.admin for refund and top-up, which move money).
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from core.permissions import user_may

from .kinds import all_kinds
from .kinds.base import Kind
from .models import AssignmentStatus, PackageAssignment

ACTIVE, PAUSED, COMPLETED, EXPIRED = (
    AssignmentStatus.ACTIVE, AssignmentStatus.PAUSED, AssignmentStatus.COMPLETED, AssignmentStatus.EXPIRED,
)
ID_PLACEHOLDER = "0"  # what the counter replaces with a package id in `url_pattern`


def _any_kind(kind: Kind) -> bool:
    return True


def _with_balance(kind: Kind) -> bool:
    return kind.has_sessions or kind.is_credit


def _credit(kind: Kind) -> bool:
    return kind.is_credit


@dataclass(frozen=True)
class Operation:
    name: str  # in the URL: /admin/packages/packageassignment/<id>/<name>/
    label: str  # the button
    action: str  # its key in core.permissions.PERMISSIONS
    statuses: frozenset[str]
    for_kind: Callable[[Kind], bool]
    description: str  # what it does, on the confirmation page

    @property
    def url_name(self) -> str:
        return f"admin:packages_packageassignment_{self.name.replace('-', '_')}"

    def url(self, assignment_id) -> str:
        return reverse(self.url_name, args=[assignment_id])

    def applies(self, assignment: PackageAssignment) -> bool:
        """Tell whether the button is worth showing for `assignment` (the service still checks)."""
        return assignment.status in self.statuses and self.for_kind(assignment.kind)

    def package_types(self) -> list[str]:
        return [kind.package_type for kind in all_kinds() if self.for_kind(kind)]


OPERATIONS: dict[str, Operation] = {
    operation.name: operation
    for operation in (
        Operation(
            "refund", "Refund", "refund_assignment", frozenset({ACTIVE, PAUSED}), _any_kind,
            "Pays back what the package still holds (or less), issues a credit note against the sale invoice "
            "for a taxed package or a refund voucher for credit, and ends the package as refunded.",
        ),
        Operation(
            "transfer", "Transfer", "transfer_assignment", frozenset({ACTIVE, PAUSED}), _any_kind,
            "Moves what is left to another customer as a new package with the same expiry; "
            "this one ends as transferred. No money moves.",
        ),
        Operation(
            "extend", "Extend", "extend_assignment", frozenset({ACTIVE, PAUSED, EXPIRED}), _any_kind,
            "Gives the package a later expiry; an expired package becomes active again.",
        ),
        Operation(
            "adjust", "Adjust balance", "adjust_balance", frozenset({ACTIVE, PAUSED, COMPLETED, EXPIRED}),
            _with_balance,
            "Corrects the balance by adding or taking away sessions or credit; it never goes below zero. "
            "The ledger keeps the correction as an adjustment row with your reason.",
        ),
        Operation(
            "top-up", "Top up", "top_up_assignment", frozenset({ACTIVE, PAUSED, COMPLETED}), _credit,
            "Adds credit to the same package for a payment, with a receipt voucher.",
        ),
    )
}


def operations_for(user) -> list[Operation]:
    """Return the operations `user` holds the permission of, in table order."""
    return [operation for operation in OPERATIONS.values() if user_may(user, operation.action)]


def counter_operations(user) -> list[dict]:
    """Describe the operations `user` may do for the counter's package rows (plain data for its script)."""
    return [
        {
            "name": operation.name,
            "label": operation.label,
            "url_pattern": operation.url(ID_PLACEHOLDER),
            "statuses": sorted(operation.statuses),
            "package_types": operation.package_types(),
        }
        for operation in operations_for(user)
    ]
