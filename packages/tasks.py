"""Scheduled work on packages, for Celery beat (the same jobs as `manage.py expire_packages` and `fold_journal`)."""
from celery import shared_task

from .journal_summary import journal_fold
from .services import assignments_expire


@shared_task(name="packages.tasks.expire_packages")
def expire_packages() -> int:
    """Mark active packages past their date as expired; return how many."""
    return assignments_expire()


@shared_task(name="packages.tasks.fold_journal")
def fold_journal() -> int:
    """Fold the journal's settled rows into the daily summary; return how many."""
    return journal_fold().rows
