"""Scheduled work on packages, for Celery beat (the same job as `manage.py expire_packages`)."""
from celery import shared_task

from .services import assignments_expire


@shared_task(name="packages.tasks.expire_packages")
def expire_packages() -> int:
    """Mark active packages past their date as expired; return how many."""
    return assignments_expire()
