"""Reads on packages that span relations, with their joins inside (one query budget each)."""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from spa_pkg.money import ZERO

from .models import (
    AssignmentStatus,
    BenefitType,
    KittyParty,
    PackageAssignment,
    PackageBenefitTracker,
    PackageType,
    StudentOffer,
)
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


def _template_terms(model, field: str):
    return Subquery(model.objects.filter(pk=OuterRef("template_id")).values(field)[:1])


def _annotated_assignments() -> QuerySet[PackageAssignment]:
    """Assignments with the template terms billing needs that trackers do not hold."""
    return PackageAssignment.objects.select_related("service").annotate(
        offer_valid_days=_template_terms(StudentOffer, "valid_days"),
        offer_valid_from=_template_terms(StudentOffer, "valid_from"),
        offer_valid_to=_template_terms(StudentOffer, "valid_to"),
        kitty_min_guests=_template_terms(KittyParty, "min_guests"),
    )


def _holding(
    assignment: PackageAssignment, trackers: list[PackageBenefitTracker], kitty_services: frozenset[int]
) -> Holding:
    kind = assignment.package_type
    discount = next(
        (tracker.discount_percent for tracker in trackers if tracker.benefit_type == BenefitType.DISCOUNT), ZERO
    )
    fields = {
        "assignment_id": assignment.pk,
        "package_type": kind,
        "name": assignment.package_name,
        "status": assignment.status,
        "assigned_on": assignment.assigned_on,
        "expires_on": assignment.expires_on,
        "service_id": assignment.service_id,
        "service_name": assignment.service.name if assignment.service_id else "",
        "remaining_sessions": assignment.remaining_sessions,
        "credit_remaining": assignment.credit_remaining.amount,
    }
    if kind == PackageType.MEMBERSHIP:
        fields["included_service_ids"] = frozenset(
            tracker.service_id
            for tracker in trackers
            if tracker.benefit_type == BenefitType.UNLIMITED and tracker.service_id is not None
        )
    elif kind == PackageType.STUDENT_OFFER:
        offer_start = next((t.valid_from for t in trackers if t.benefit_type == BenefitType.DISCOUNT), None)
        fields.update(
            discount_percent=discount,
            valid_from=max(filter(None, (offer_start, assignment.offer_valid_from)), default=None),
            valid_to=assignment.offer_valid_to,
            valid_days=assignment.offer_valid_days or "",
        )
    elif kind == PackageType.YEARLY_MEMBERSHIP:
        fields["discount_percent"] = discount
    elif kind == PackageType.KITTY_PARTY:
        fields.update(included_service_ids=kitty_services, min_guests=assignment.kitty_min_guests or 0)
    return Holding(**fields)


def billing_holdings(*, customer_id: int) -> list[Holding]:
    """Return every package the customer holds as a `Holding`, in three queries whatever their number."""
    assignments = list(_annotated_assignments().filter(customer_id=customer_id).order_by("pk"))
    trackers: dict[int, list[PackageBenefitTracker]] = defaultdict(list)
    for tracker in PackageBenefitTracker.objects.filter(customer_id=customer_id).order_by("pk"):
        trackers[tracker.assignment_id].append(tracker)
    kitty_ids = PackageAssignment.objects.filter(
        customer_id=customer_id, package_type=PackageType.KITTY_PARTY
    ).values("template_id")
    included: dict[int, set[int]] = defaultdict(set)
    through = KittyParty.services_included.through
    for kitty_id, service_id in through.objects.filter(kittyparty_id__in=Subquery(kitty_ids)).values_list(
        "kittyparty_id", "service_id"
    ):
        included[kitty_id].add(service_id)
    return [
        _holding(
            assignment,
            trackers[assignment.pk],
            frozenset(included[assignment.template_id]) if assignment.package_type == PackageType.KITTY_PARTY
            else frozenset(),
        )
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
