"""Check every balance against its ledger: `balances_reconcile` (reconcile_packages).

Spending and giving back balances is the one writer's, `packages.ledger` (docs/journal.md);
its names are re-exported here for the callers that import them from this module.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.db.models.functions import Coalesce

from spa_pkg.money import format_inr, quantize_money

from ..kinds import all_kinds
from ..ledger import BenefitsTaken, BenefitUse, benefits_spend, benefits_take, trackers_sync, usages_reverse
from ..locks import lock_assignments
from ..models import AssignmentStatus, BenefitType, PackageAssignment, PackageBenefitTracker
from .status import StatusReason, assignment_status_change, status_for_balance

__all__ = [
    "BenefitUse", "BenefitsTaken", "ReconcileReport", "balances_reconcile", "benefits_spend", "benefits_take",
    "usages_reverse",
]


@dataclass
class ReconcileReport:
    checked: int = 0
    differences: list[str] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)


def _all_templates() -> dict[tuple[int, int], object]:
    """Load every template once, keyed by (content type id, id): a spa has tens of them, not thousands."""
    templates = {}
    for model in (kind.model for kind in all_kinds()):
        content_type = ContentType.objects.get_for_model(model)
        queryset = model.objects.all()
        if hasattr(model, "services_included"):
            queryset = queryset.prefetch_related("services_included")
        for template in queryset:
            templates[(content_type.pk, template.pk)] = template
    return templates


def _tracker_differences(assignment: PackageAssignment, trackers: list[dict]) -> list[str]:
    out = []
    for tracker in trackers:
        if tracker["is_active"] != (assignment.status == AssignmentStatus.ACTIVE):
            out.append(f"tracker {tracker['pk']} is_active={tracker['is_active']} but the package is {assignment.status}")
        if tracker["benefit_type"] == BenefitType.FREE and tracker["remaining_count"] != assignment.remaining_sessions:
            out.append(
                f"tracker {tracker['pk']} has {tracker['remaining_count']} sessions, "
                f"the package {assignment.remaining_sessions}"
            )
        if tracker["benefit_type"] == BenefitType.PREPAID and (
            tracker["balance_remaining"] != assignment.credit_remaining.amount
            or tracker["balance_used"] != assignment.credit_used.amount
        ):
            out.append(
                f"tracker {tracker['pk']} has {format_inr(tracker['balance_remaining'])} left and "
                f"{format_inr(tracker['balance_used'])} used, the package {format_inr(assignment.credit_remaining.amount)} "
                f"and {format_inr(assignment.credit_used.amount)}"
            )
    return out


def _ledger_differences(assignment: PackageAssignment) -> list[str]:
    found = []
    if not assignment.ledger_rows:
        found.append("has no ledger rows")
    if assignment.ledger_sessions != assignment.remaining_sessions:
        found.append(f"has {assignment.remaining_sessions} sessions left, the ledger says {assignment.ledger_sessions}")
    if quantize_money(assignment.ledger_credit) != assignment.credit_remaining.amount:
        found.append(
            f"has {format_inr(assignment.credit_remaining.amount)} of credit left, "
            f"the ledger says {format_inr(assignment.ledger_credit)}"
        )
    return found


def _repair(assignment: PackageAssignment, template, have: set, on_date) -> None:
    """Recreate missing tracker rows, sync the trackers with the balance and recompute the status."""
    from .assign import tracker_rows_for

    with transaction.atomic():
        locked = lock_assignments([assignment.pk])[assignment.pk]
        if template is not None:
            PackageBenefitTracker.objects.bulk_create(
                [row for row in tracker_rows_for(locked, template) if (row.service_id, row.benefit_type) not in have]
            )
        trackers_sync(locked)
        assignment_status_change(
            assignment=locked, new_status=status_for_balance(locked, on_date), reason=StatusReason.RECONCILED
        )
        PackageBenefitTracker.objects.filter(assignment_id=locked.pk).update(
            is_active=locked.status == AssignmentStatus.ACTIVE
        )


def balances_reconcile(*, fix: bool = False, on_date=None, chunk_size: int = 2000) -> ReconcileReport:
    """Check every assignment against its ledger, trackers and status; with `fix`, repair trackers and status.

    A balance that disagrees with the ledger is only reported: the ledger is the
    truth, and which side is wrong needs a person (an adjustment row, usually).
    """
    from .assign import tracker_rows_for

    report = ReconcileReport()
    templates = _all_templates()
    expected_keys: dict[tuple, set] = {}  # the tracker rows a kind of sale makes depend on the template and service
    assignments = PackageAssignment.objects.annotate(
        ledger_rows=Count("usages"),
        ledger_sessions=Coalesce(Sum("usages__sessions_delta"), 0),
        ledger_credit=Coalesce(Sum("usages__credit_delta"), Decimal("0")),
    ).order_by("pk")
    # Walk id ranges rather than LIMIT pages: each aggregate then reads its own range only.
    top = PackageAssignment.objects.aggregate(top=Max("pk"))["top"] or 0
    for start in range(0, top, chunk_size):
        chunk = list(assignments.filter(pk__gt=start, pk__lte=start + chunk_size))
        if not chunk:
            continue
        trackers: dict[int, list[dict]] = defaultdict(list)
        for row in PackageBenefitTracker.objects.filter(assignment_id__in=[a.pk for a in chunk]).values(
            "pk", "assignment_id", "service_id", "benefit_type", "remaining_count", "balance_used", "balance_remaining",
            "is_active",
        ):
            trackers[row["assignment_id"]].append(row)
        for assignment in chunk:
            report.checked += 1
            template = templates.get((assignment.template_type_id, assignment.template_id))
            found = _ledger_differences(assignment)
            have = {(row["service_id"], row["benefit_type"]) for row in trackers[assignment.pk]}
            missing = []
            if template is None:
                found.append("has lost its template")
            else:
                key = (assignment.template_type_id, assignment.template_id, assignment.service_id)
                if key not in expected_keys:
                    expected_keys[key] = {
                        (row.service_id, row.benefit_type) for row in tracker_rows_for(assignment, template)
                    }
                missing = expected_keys[key] - have
            if missing:
                found.append(f"is missing {len(missing)} tracker row(s)")
            expected_status = status_for_balance(assignment, on_date)
            if expected_status != assignment.status:
                found.append(f"is {assignment.status} but its balance says {expected_status}")
            tracker_issues = _tracker_differences(assignment, trackers[assignment.pk])
            found.extend(tracker_issues)
            label = f"assignment {assignment.pk} ({assignment.package_name})"
            report.differences.extend(f"{label} {text}" for text in found)
            if fix and (missing or expected_status != assignment.status or tracker_issues):
                _repair(assignment, template, have, on_date)
                report.fixed.append(f"{label}: trackers and status repaired")
    return report
