"""The expiry sweep racing a change of two packages: threads against the real database.

The sweep is one set-based UPDATE. Like every other writer it must take the assignments in
primary-key order (billing/locks.py states the order); walking them in table order, it held
one package while waiting for another that a transaction working in id order held, and one of
the two died of a deadlock.
"""
import threading
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from packages.models import PackageAssignment
from packages.services import assignment_create, assignment_extend, assignments_expire
from tests.billing.test_concurrency import run_in_threads
from tests.factories import ServicePackageFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_expiry_sweep_takes_packages_in_id_order_so_it_never_deadlocks_with_a_change_of_two(
    manager, customer, facial
):
    today = timezone.localdate()
    first = assignment_create(
        customer=customer, template=ServicePackageFactory(), service=facial, expires_on=today + timedelta(days=40)
    )
    second = assignment_create(
        customer=customer, template=ServicePackageFactory(), service=facial, expires_on=today + timedelta(days=20)
    )
    # The first package's row is written again, so the table and the expiry index both list the second first.
    assignment_extend(assignment_id=first.pk, expires_on=today + timedelta(days=50), user=manager, reason="Travel")
    sweep_day, new_expiry = today + timedelta(days=60), today + timedelta(days=70)
    holding_first = threading.Event()

    def work(index):
        if index == 0:  # a manager extends both, in id order, in one transaction
            with transaction.atomic():
                assignment_extend(assignment_id=first.pk, expires_on=new_expiry, user=manager, reason="Both")
                holding_first.set()
                time.sleep(1)  # the sweep meets the first package meanwhile, and waits
                assignment_extend(assignment_id=second.pk, expires_on=new_expiry, user=manager, reason="Both")
            return None
        holding_first.wait(timeout=10)
        return assignments_expire(on_date=sweep_day)

    (_, expired), errors = run_in_threads(work, count=2)

    assert errors == []
    assert expired == 0  # it waited for the extension and found both packages valid on the sweep day
    assert set(PackageAssignment.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", "expires_on")) == {
        ("active", new_expiry)
    }
