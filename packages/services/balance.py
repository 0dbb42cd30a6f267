"""Check every balance against its ledger: `balances_reconcile` (reconcile_packages).

Spending and giving back balances is the one writer's, `packages.ledger` (docs/journal.md);
its names are re-exported here for the callers that import them from this module.
"""
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.money import ZERO, format_inr, quantize_money

from ..kinds import all_kinds
from ..ledger import (
    BenefitsTaken,
    BenefitUse,
    benefits_spend,
    benefits_take,
    releases_by_time,
    trackers_sync,
    usages_reverse,
)
from ..locks import lock_assignments
from ..models import (
    AssignmentStatus,
    BenefitType,
    JournalEvent,
    PackageAssignment,
    PackageBenefitTracker,
    UsageKind,
)
from ..valuation import HOLDING_STATUSES, AssignmentValues, assignment_value
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


PAISA = Decimal("0.01")


def _counted_differences(assignment: PackageAssignment) -> list[str]:
    """What the journal's rows count for the liability (docs/journal.md "The snapshot") against the package.

    Their holders add up to 1 while it holds value (0 otherwise), their sessions and credit
    held to its balance while it holds value (none otherwise).
    """
    holding = assignment.value_held.amount > 0
    expected = (
        int(holding),
        assignment.remaining_sessions if holding else 0,
        assignment.credit_remaining.amount if holding else ZERO,
    )
    counted = (
        assignment.journal_holders, assignment.journal_sessions_held, quantize_money(assignment.journal_credit_held)
    )
    if counted == expected:
        return []
    return [
        f"is counted by its journal as {counted[0]} package(s) holding {counted[1]} session(s) and "
        f"{format_inr(counted[2])} of credit, not {expected[0]}, {expected[1]} and {format_inr(expected[2])}"
    ]


def _journal_differences(assignment: PackageAssignment, on_date) -> list[str]:
    """The value journal against `value_held` and the valuation, in plain words.

    - every ledger row is a journal row (it has a business day);
    - the rows' value changes add up to `value_held`, and what they count for the liability to
      the package's balance (`_counted_differences`);
    - a package that holds nothing any more (refunded, transferred, cancelled, completed) holds ₹0.00;
    - a holding session or credit package holds what `packages.valuation` gives on the day,
      within a paisa per journal row (each release is rounded half-up on its own). One whose
      balance was topped up, adjusted, reinstated or imported is left out: the journal values
      credit at the price paid for it and sessions given for free at nothing, the valuation
      averages the sale value over the whole balance, so the two part ways by design;
    - a holding membership, yearly membership or student offer holds no more than its sale
      value and no less than its straight line on the day (it falls by the day between rows),
      unless its expiry was extended (the line then rises above what is held).
    """
    found = []
    held = assignment.value_held.amount
    summed = quantize_money(assignment.journal_value)
    if assignment.outside_journal:
        found.append(
            f"has {assignment.outside_journal} ledger row(s) with no business day, outside the value journal "
            "(run manage.py migrate to build it from the history)"
        )
    if summed != held:
        found.append(f"holds {format_inr(held)} (value_held), but its journal rows add up to {format_inr(summed)}")
    found.extend(_counted_differences(assignment))
    if assignment.status not in HOLDING_STATUSES:
        # An expired package a void gave sessions back to holds them until an expiry row takes
        # them (the writer's to decide); every other closed package holds nothing.
        if held and assignment.status != AssignmentStatus.EXPIRED:
            found.append(f"is {assignment.status} but still holds {format_inr(held)} by its journal, not {format_inr(ZERO)}")
        return found
    if assignment.is_expired_on(on_date):
        return found  # the status check says it should have expired
    # The shares of the sale value (sessions, credit or days left), worked out afresh: a check of
    # the journal, which the valuation of a journalled package otherwise just reads.
    value = assignment_value(replace(AssignmentValues.of(assignment), value_held=None), on_date)
    if releases_by_time(assignment.package_type):
        if held > assignment.sale_value.amount:
            found.append(
                f"holds {format_inr(held)} by its journal, more than its sale value {format_inr(assignment.sale_value.amount)}"
            )
        elif held < 0:
            found.append(f"holds {format_inr(held)} by its journal, below nothing")
        elif held < value and not assignment.extensions:  # an extension raises the line above what is held
            found.append(
                f"holds {format_inr(held)} by its journal, less than the {format_inr(value)} its straight line "
                f"still holds on {on_date:%d %b %Y}"
            )
        return found
    if assignment.repriced:
        return found
    if abs(value - held) > PAISA * max(assignment.ledger_rows, 1):
        found.append(
            f"holds {format_inr(held)} by its journal, but its {assignment.kind.balance_kind or 'value'} left is worth "
            f"{format_inr(value)} on {on_date:%d %b %Y} (packages.valuation)"
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
    truth, and which side is wrong needs a person (an adjustment row, usually). The value
    journal is checked too (`_journal_differences`), on `on_date` (default today).
    """
    from .assign import tracker_rows_for

    on_date = on_date or timezone.localdate()

    report = ReconcileReport()
    templates = _all_templates()
    expected_keys: dict[tuple, set] = {}  # the tracker rows a kind of sale makes depend on the template and service
    assignments = PackageAssignment.objects.annotate(
        ledger_rows=Count("usages"),
        ledger_sessions=Coalesce(Sum("usages__sessions_delta"), 0),
        ledger_credit=Coalesce(Sum("usages__credit_delta"), Decimal("0")),
        journal_value=Coalesce(Sum("usages__value_delta"), Decimal("0")),
        journal_holders=Coalesce(Sum("usages__holders_delta"), 0),
        journal_sessions_held=Coalesce(Sum("usages__sessions_held_delta"), 0),
        journal_credit_held=Coalesce(Sum("usages__credit_held_delta"), Decimal("0")),
        outside_journal=Count("usages", filter=Q(usages__business_day__isnull=True)),
        repriced=Count(
            "usages",
            filter=Q(usages__kind__in=[UsageKind.TOP_UP, UsageKind.ADJUSTMENT])
            | Q(usages__event__in=[JournalEvent.REINSTATEMENT, JournalEvent.IMPORT]),
        ),
        extensions=Count("usages", filter=Q(usages__kind=UsageKind.EXTENSION)),
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
            found = _ledger_differences(assignment) + _journal_differences(assignment, on_date)
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
