"""Every status change goes through one service, which sends `status_changed` after commit."""
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from packages.exceptions import StatusChangeRefused
from packages.locks import lock_assignments
from packages.models import PackageAssignment, PackageBenefitTracker
from packages.services import (
    BenefitUse,
    StatusReason,
    assignment_create,
    assignment_pause,
    assignment_status_change,
    assignments_expire,
    benefits_spend,
)
from tests.billing.conftest import ledger_stays_reconciled  # noqa: F401  (autouse: reconcile after each test)
from tests.factories import ServicePackageFactory

pytestmark = pytest.mark.django_db


def yesterday():
    """Read when a test runs, not at import: a run that crosses midnight (IST) stays right."""
    return timezone.localdate() - timedelta(days=1)


@pytest.fixture
def package(customer, facial):
    return assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)


def reach(assignment, status: str) -> None:
    """Bring a fresh package to `status` the way the shop does: use it up, or let its date pass."""
    if status == "completed":
        with transaction.atomic():
            locked = lock_assignments([assignment.pk])
            benefits_spend(assignments=locked, uses=[BenefitUse(assignment.pk, quantity=4, sessions=4)])
    else:
        PackageAssignment.objects.filter(pk=assignment.pk).update(expires_on=yesterday())
        assignments_expire()
    assert PackageAssignment.objects.get(pk=assignment.pk).status == status


def change(assignment, new_status, reason=StatusReason.PAUSED, user=None) -> bool:
    with transaction.atomic():
        locked = lock_assignments([assignment.pk])[assignment.pk]
        return assignment_status_change(assignment=locked, new_status=new_status, reason=reason, user=user)


def test_a_change_moves_assignment_and_trackers_and_is_announced_only_after_commit(
    package, manager, status_news, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        changed = change(package, "paused", StatusReason.PAUSED, manager)
        heard_before_commit = list(status_news)

    package.refresh_from_db()
    assert (changed, package.status) == (True, "paused")
    assert not PackageBenefitTracker.objects.get(assignment=package).is_active
    assert heard_before_commit == []
    assert status_news == [(package.pk, "active", "paused", "paused", manager)]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("expired", "paused", "The package is expired and cannot become paused."),
        ("completed", "refunded", "The package is completed and cannot become refunded."),
        ("completed", "paused", "The package is completed and cannot become paused."),
    ],
)
def test_a_move_the_lifecycle_does_not_have_is_refused(
    package, old, new, message, status_news, django_capture_on_commit_callbacks
):
    reach(package, old)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(StatusChangeRefused) as refused:
        change(package, new)

    assert (refused.value.message, refused.value.errors) == (message, {"status": [message]})
    assert PackageAssignment.objects.get(pk=package.pk).status == old
    assert status_news == []


def test_asking_for_the_status_it_has_changes_nothing_and_says_nothing(
    package, status_news, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        changed = change(package, "active")

    assert (changed, status_news) == (False, [])


def test_a_rolled_back_change_sends_nothing(package, manager, status_news, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        assignment_pause(assignment=package, user=manager)
        raise RuntimeError("something later in the same transaction fails")

    assert (callbacks, status_news) == ([], [])
    assert PackageAssignment.objects.get(pk=package.pk).status == "active"


@pytest.mark.django_db(transaction=True)
def test_news_follows_a_real_commit_and_not_a_real_rollback(customer, facial, manager, status_news):
    package = assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)

    with pytest.raises(RuntimeError), transaction.atomic():
        assignment_pause(assignment=package, user=manager)
        raise RuntimeError("rolled back")
    heard_after_rollback = list(status_news)
    assignment_pause(assignment=package, user=manager)

    assert heard_after_rollback == []
    assert status_news == [(package.pk, "active", "paused", "paused", manager)]


def expire() -> str:
    out = StringIO()
    call_command("expire_packages", stdout=out)
    return out.getvalue().strip()


@pytest.mark.parametrize("past_date", [1, 12])
def test_the_expiry_sweep_announces_each_expired_package_in_a_fixed_number_of_queries(
    customer, facial, manager, past_date, status_news, django_capture_on_commit_callbacks, django_assert_num_queries
):
    template = ServicePackageFactory()
    old = [assignment_create(customer=customer, template=template, service=facial) for _ in range(past_date)]
    current = assignment_create(customer=customer, template=template, service=facial)
    resting = assignment_create(customer=customer, template=template, service=facial)
    assignment_pause(assignment=resting, user=manager)
    PackageAssignment.objects.filter(pk__in=[a.pk for a in old] + [resting.pk]).update(expires_on=yesterday())

    # SAVEPOINT, INSERT ... SELECT the journal's expiry rows, UPDATE ... RETURNING, UPDATE the trackers,
    # RELEASE: the same for 1 or 50,000 rows (docs/journal.md "Expiry").
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(5):
        message = expire()

    assert message == f"{past_date} package(s) marked expired."
    assert status_news == [(a.pk, "active", "expired", "expired", None) for a in old]
    statuses = dict(PackageAssignment.objects.values_list("pk", "status"))
    assert {statuses[a.pk] for a in old} == {"expired"}
    assert (statuses[current.pk], statuses[resting.pk]) == ("active", "paused")
    assert not PackageBenefitTracker.objects.filter(assignment__in=old, is_active=True).exists()


def test_a_second_sweep_finds_nothing_and_says_nothing(package, status_news, django_capture_on_commit_callbacks):
    PackageAssignment.objects.filter(pk=package.pk).update(expires_on=yesterday())
    with django_capture_on_commit_callbacks(execute=True):
        expire()
    status_news.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = expire()

    assert (message, callbacks, status_news) == ("0 package(s) marked expired.", [], [])
