"""Celery tasks: the daily reminder run (beat) and one send per notification, with retries.

Without CELERY_BROKER_URL these run eagerly in the caller's process.
"""
from celery import shared_task
from django.conf import settings

from .services import notifications_send, reminders_run

BACKOFF_SECONDS = (30, 120, 600, 1800)


@shared_task(name="notifications.tasks.send_reminders")
def send_reminders() -> dict:
    """Write the reminders due today and queue a send task for each (the same job as the command)."""
    run = reminders_run()
    return {"written": run.written, "queued": run.queued, "released": run.released, "interrupted": run.interrupted}


@shared_task(bind=True, name="notifications.tasks.send_notification", max_retries=None)
def send_notification(self, notification_id: int) -> str:
    """Send one notification (claimed first, so a redelivered task sends nothing); retry with backoff."""
    report = notifications_send([notification_id])
    if report.retry and self.request.retries + 1 < settings.NOTIFICATION_MAX_ATTEMPTS:
        raise self.retry(countdown=BACKOFF_SECONDS[min(self.request.retries, len(BACKOFF_SECONDS) - 1)])
    return "sent" if report.sent else "failed" if report.failed or report.retry else "nothing to send"
