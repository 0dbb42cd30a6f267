"""Every lock on package balances, written once. Lock in primary-key order: no deadlocks."""
from collections.abc import Iterable

from .models import PackageAssignment, PackageBenefitTracker


def lock_assignments(ids: Iterable[int]) -> dict[int, PackageAssignment]:
    """Lock the assignments (and then their trackers) in id order; return them by id."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    assignments = {
        assignment.pk: assignment
        for assignment in PackageAssignment.objects.filter(pk__in=ids).order_by("pk").select_for_update(of=("self",))
    }
    list(PackageBenefitTracker.objects.filter(assignment_id__in=ids).order_by("pk").select_for_update(of=("self",)))
    return assignments
