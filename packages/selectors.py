"""Reads on packages that span relations, with their joins inside (one query budget each)."""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from django.db.models import F, Q, QuerySet, Subquery

from .kinds import all_kinds, kind_for
from .models import AssignmentStatus, PackageAssignment, PackageBenefitTracker
from .rules import Holding


def customer_packages(*, customer_id: int, on_date: date | None = None) -> QuerySet[PackageAssignment]:
    """Return the customer's assignments, soonest expiry first (never-expiring last), in one query.

    Without `on_date` every assignment is listed (history included); with it, only
    those still of use that day: active or paused, not completed, not past their date.
    """
    assignments = PackageAssignment.objects.filter(customer_id=customer_id).select_related("service")
    if on_date is not None:
        assignments = assignments.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on_date),
            status__in=[AssignmentStatus.ACTIVE, AssignmentStatus.PAUSED],
        )
    return assignments.order_by(F("expires_on").asc(nulls_last=True), "pk")


def _annotated_assignments() -> QuerySet[PackageAssignment]:
    """Assignments with the template terms billing needs that trackers do not hold (each kind names its own)."""
    annotations = {}
    for kind in all_kinds():
        annotations.update(kind.holding_annotations())
    return PackageAssignment.objects.select_related("service").annotate(**annotations)


def _holding(assignment: PackageAssignment, trackers: list[PackageBenefitTracker], extra: dict) -> Holding:
    kind = kind_for(assignment.package_type)
    return Holding(
        assignment_id=assignment.pk,
        package_type=kind.package_type,
        name=assignment.package_name,
        status=assignment.status,
        assigned_on=assignment.assigned_on,
        expires_on=assignment.expires_on,
        service_id=assignment.service_id,
        service_name=assignment.service.name if assignment.service_id else "",
        remaining_sessions=assignment.remaining_sessions,
        credit_remaining=assignment.credit_remaining.amount,
        **kind.holding_terms(assignment, trackers, extra),
    )


def billing_holdings(*, customer_id: int) -> list[Holding]:
    """Return every package the customer holds as a `Holding`, in three queries whatever their number.

    (Plus one per kind with terms in a table of their own: the kitty party's included services.)
    """
    assignments = list(_annotated_assignments().filter(customer_id=customer_id).order_by("pk"))
    trackers: dict[int, list[PackageBenefitTracker]] = defaultdict(list)
    for tracker in PackageBenefitTracker.objects.filter(customer_id=customer_id).order_by("pk"):
        trackers[tracker.assignment_id].append(tracker)
    held = PackageAssignment.objects.filter(customer_id=customer_id)
    extras = {
        kind.package_type: kind.prefetch_terms(Subquery(held.filter(package_type=kind.package_type).values("template_id")))
        for kind in all_kinds()
    }
    return [
        _holding(assignment, trackers[assignment.pk], extras[assignment.package_type].get(assignment.template_id, {}))
        for assignment in assignments
    ]


def refreshed_holdings(holdings: Iterable[Holding], locked: dict[int, PackageAssignment]) -> list[Holding]:
    """Return the holdings with the balances and status of the rows just locked."""
    fresh = []
    for holding in holdings:
        row = locked.get(holding.assignment_id)
        if row is not None:
            holding = replace(
                holding,
                status=row.status,
                assigned_on=row.assigned_on,
                expires_on=row.expires_on,
                remaining_sessions=row.remaining_sessions,
                credit_remaining=row.credit_remaining.amount,
            )
        fresh.append(holding)
    return fresh
