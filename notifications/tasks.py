"""The workers' jobs: one send per notification on Celery (with retries), or a delivery run on `db_worker`.

With CELERY_BROKER_URL (a chain): beat runs `send_reminders` daily and each message is a
`send_notification` task, acknowledged only once it has run (`acks_late`), so a task whose
worker is killed goes back to Redis after CELERY_VISIBILITY_TIMEOUT and another worker takes
it; the row's lease (notifications.services) keeps it from going twice.

Without a broker (the default, `make run`): `deliver_notifications` is a task of Django's task
framework (the django-tasks backport) on its database backend; `manage.py db_worker` runs it.
"""
from celery import shared_task
from django.conf import settings
from django_tasks import task

from .services import notifications_deliver, notifications_send, reminders_run

# Every countdown stays under CELERY_VISIBILITY_TIMEOUT: Redis hands a task that waits longer
# to a second worker (tests/notifications/test_tasks.py checks it).
BACKOFF_SECONDS = (30, 120, 300, 600)


@shared_task(name="notifications.tasks.send_reminders", acks_late=True, reject_on_worker_lost=True)
def send_reminders() -> dict:
    """Write the reminders due today and queue a send task for each (the same job as the command)."""
    run = reminders_run()
    return {"written": run.written, "queued": run.queued, "released": run.released, "interrupted": run.interrupted}


@shared_task(
    bind=True, name="notifications.tasks.send_notification", max_retries=None, acks_late=True,
    reject_on_worker_lost=True,
)
def send_notification(self, notification_id: int) -> str:
    """Send one notification (leased first, so a redelivered task sends nothing twice); retry with backoff."""
    report = notifications_send([notification_id])
    if report.deferred:  # quiet hours: the daily send_reminders at REMINDER_HOUR sends it (a countdown of hours
        return "deferred"  # would outlive CELERY_VISIBILITY_TIMEOUT)
    if report.retry and self.request.retries + 1 < settings.NOTIFICATION_MAX_ATTEMPTS:
        raise self.retry(countdown=BACKOFF_SECONDS[min(self.request.retries, len(BACKOFF_SECONDS) - 1)])
    return "sent" if report.sent else "failed" if report.failed or report.retry else "nothing to send"


@task()
def deliver_notifications() -> dict:
    """Send every queued notification, one lease at a time (the `db_worker` side of a bill's notice)."""
    report = notifications_deliver()
    if report.deferred:  # quiet hours: run again when they end
        deliver_notifications.using(run_after=report.resume_at).enqueue()
    return {"sent": len(report.sent), "failed": len(report.failed), "deferred": len(report.deferred)}
