"""Writes on notifications: queue the reminders that are due, send them at most once, resend.

At most once (README "Reminders"): a reminder is one row, unique on (assignment, kind,
threshold, channel), inserted with `bulk_create(ignore_conflicts=True)` so a second run
adds nothing. A send claims its rows first (`claimed_at`, `attempts + 1`) in one committed
UPDATE ... WHERE status = 'queued' AND claimed_at IS NULL, so two workers (or a task
redelivered by the broker) never both send a row; then sends; then marks the rows sent.
A worker that dies between its claim and its mark leaves the row claimed: after
NOTIFICATION_CLAIM_TIMEOUT a gateway message (whose idempotency key is the row's id) is
tried again, the gateway dropping a copy it already took; an e-mail or console message,
which nothing could dedup, is marked failed rather than risk a second copy.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from packages.kinds import all_kinds, kind_for
from packages.models import AssignmentStatus, PackageAssignment

from .channels import Outgoing, SendFailed, address_of, backend_for
from .messages import Compiled, message_context, templates_by_key
from .models import Channel, Notification, NotificationKind, NotificationStatus

OPTED_OUT = "The customer opted out of reminders."
INTERRUPTED = (
    "Interrupted while sending: it may have gone, so it is not sent again automatically (resend it from the admin)."
)
# Statuses a package may be reminded in, named rather than excluded: refunded, transferred and
# cancelled packages (after-sales statuses) get nothing.
STATUS_OF_KIND = {
    NotificationKind.EXPIRY: AssignmentStatus.ACTIVE,
    NotificationKind.LOW_BALANCE: AssignmentStatus.ACTIVE,
    NotificationKind.COMPLETED: AssignmentStatus.COMPLETED,
    NotificationKind.EXPIRED: AssignmentStatus.EXPIRED,
}
INSERT_BATCH = 1000
SEND_CHUNK = 50


def channels() -> list[str]:
    """The channels each reminder goes on (REMINDER_CHANNELS), in a fixed order."""
    wanted = {name.strip().lower() for name in settings.REMINDER_CHANNELS}
    return [channel for channel in Channel.values if channel in wanted]


def _rows(found: Iterable[tuple], *, kind: str, threshold: int | None) -> Iterable[Notification]:
    """One row per channel for each (assignment id, customer id, email, phone, opted out)."""
    wanted = channels()
    for assignment_id, customer_id, email, phone, opted_out in found:
        contact = _Contact(email=email, phone=phone)
        for channel in wanted:
            address, why_not = address_of(contact, channel)
            row = Notification(
                customer_id=customer_id, assignment_id=assignment_id, kind=kind, threshold=threshold, channel=channel
            )
            if opted_out:
                row.status, row.error = NotificationStatus.SKIPPED, OPTED_OUT
            elif not address:
                row.status, row.error = NotificationStatus.SKIPPED, why_not
            else:
                row.recipient = address
            yield row


@dataclass(frozen=True)
class _Contact:
    email: str
    phone: str


CONTACT_FIELDS = ("pk", "customer_id", "customer__email", "customer__phone", "customer__reminders_opt_out")


def _insert(rows: Iterable[Notification]) -> int:
    """Insert in batches; return how many rows were offered.

    A row already there (same assignment, kind, threshold, channel: written meanwhile by another
    box) is left alone by the database, so the count can be above what was new only in that race.
    """
    count, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) >= INSERT_BATCH:
            Notification.objects.bulk_create(batch, ignore_conflicts=True)
            count, batch = count + len(batch), []
    if batch:
        Notification.objects.bulk_create(batch, ignore_conflicts=True)
        count += len(batch)
    return count


def expiry_bands(on_date: date) -> list[tuple[int, date, date]]:
    """(threshold, first day, last day) of expiry dates each threshold covers on `on_date`.

    With 30, 7 and 1: expiring in 8 to 30 days gets the 30-day reminder, 2 to 7 the 7-day
    one, today or tomorrow the 1-day one. A package sold with 20 days left still hears once;
    a day the schedule missed is caught up by the next run, in the band the date is in then.
    """
    thresholds = sorted(set(settings.REMINDER_DAYS_BEFORE_EXPIRY), reverse=True)
    bands = []
    for index, threshold in enumerate(thresholds):
        closer = thresholds[index + 1] if index + 1 < len(thresholds) else -1
        bands.append((threshold, on_date + timedelta(days=closer + 1), on_date + timedelta(days=threshold)))
    return bands


def expiry_reminders_queue(*, on_date: date | None = None) -> int:
    """Write the expiry reminders due on `on_date`: one query per threshold, inserts in batches."""
    on_date = on_date or timezone.localdate()
    written = 0
    for threshold, first, last in expiry_bands(on_date):
        already = Notification.objects.filter(
            assignment_id=OuterRef("pk"), kind=NotificationKind.EXPIRY, threshold=threshold
        )
        due = (
            PackageAssignment.objects.filter(status=AssignmentStatus.ACTIVE, expires_on__range=(first, last))
            .filter(~Exists(already))
            .order_by("pk")
            .values_list(*CONTACT_FIELDS)
        )
        written += _insert(_rows(list(due), kind=NotificationKind.EXPIRY, threshold=threshold))
    return written


def is_low_balance(package_type: str, sessions: int, credit: Decimal) -> bool:
    """`_low_balance_condition` on values in memory (what a bill left)."""
    kind = kind_for(package_type)
    limit = Decimal(str(settings.LOW_CREDIT_REMINDER))
    return (kind.has_sessions and sessions == 1) or (kind.is_credit and Decimal("0") < credit < limit)


def _low_balance_condition() -> Q:
    sessions = [kind.package_type for kind in all_kinds() if kind.has_sessions]
    credit = [kind.package_type for kind in all_kinds() if kind.is_credit]
    limit = Decimal(str(settings.LOW_CREDIT_REMINDER))
    return Q(package_type__in=sessions, remaining_sessions=1) | Q(
        package_type__in=credit, credit_remaining__gt=0, credit_remaining__lt=limit
    )


def event_notifications_queue(*, assignment_ids: Iterable[int], kind: str) -> list[int]:
    """Write the `kind` notice for those of `assignment_ids` it applies to; return the ids to send."""
    ids = sorted(set(assignment_ids))
    if not ids:
        return []
    found = PackageAssignment.objects.filter(pk__in=ids, status=STATUS_OF_KIND[kind])
    if kind == NotificationKind.LOW_BALANCE:
        found = found.filter(_low_balance_condition())
    found = list(found.order_by("pk").values_list(*CONTACT_FIELDS))
    if not found:
        return []  # the common case (a bill that leaves plenty): one query
    _insert(_rows(found, kind=kind, threshold=None))
    return list(
        Notification.objects.filter(
            assignment_id__in=ids, kind=kind, status=NotificationStatus.QUEUED, claimed_at__isnull=True
        ).values_list("pk", flat=True)
    )


# --- sending ---------------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # gave up: attempts used up
    retry: list[int] = field(default_factory=list)  # failed this time, queued for another try


def _claim(ids: list[int]) -> list[int]:
    """Claim the queued, unclaimed rows among `ids` in one statement; return the ids claimed.

    UPDATE ... RETURNING (SQLite 3.35+, PostgreSQL): the ids are exactly the rows this
    call took, whatever another worker claims at the same moment. Autocommit, or the
    caller's transaction when there is one.
    """
    if not ids:
        return []
    table, quote, ops = Notification._meta.db_table, connection.ops.quote_name, connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"UPDATE {quote(table)} SET {quote('claimed_at')} = %s, {quote('attempts')} = {quote('attempts')} + 1, "
        f"{quote('updated_at')} = %s WHERE {quote('id')} IN ({marks}) AND {quote('status')} = %s "
        f"AND {quote('claimed_at')} IS NULL RETURNING {quote('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, now, *ids, NotificationStatus.QUEUED.value])
        return sorted(row[0] for row in cursor.fetchall())


def notifications_send(ids: Iterable[int], *, on_date: date | None = None) -> SendReport:
    """Claim, send and mark the queued rows among `ids` (a chunk: marks are written together)."""
    report = SendReport()
    claimed = _claim(sorted(set(ids)))
    if not claimed:
        return report
    on_date = on_date or timezone.localdate()
    templates, compiled, backends = templates_by_key(), {}, {}
    rows = list(Notification.objects.filter(pk__in=claimed).select_related("assignment", "customer").order_by("pk"))
    now = timezone.now()
    for row in rows:
        row.assignment.customer = row.customer
        if row.customer.reminders_opt_out:  # opted out after the row was written
            row.status, row.error, row.claimed_at = NotificationStatus.SKIPPED, OPTED_OUT, None
            continue
        key = (row.kind, row.channel)
        if key not in compiled:
            compiled[key] = Compiled(templates[key])
        message = compiled[key].render(message_context(row.assignment, on_date=on_date))
        if row.channel not in backends:
            backends[row.channel] = backend_for(row.channel)
        try:
            row.provider_message_id = backends[row.channel].send(
                Outgoing(notification_id=row.pk, channel=row.channel, to=row.recipient, message=message)
            )
        except SendFailed as exc:
            row.error, row.claimed_at = str(exc)[:2000], None
            if row.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                row.status = NotificationStatus.FAILED
                report.failed.append(row.pk)
            else:
                report.retry.append(row.pk)
            continue
        row.status, row.sent_at, row.error, row.claimed_at = NotificationStatus.SENT, now, "", None
        report.sent.append(row.pk)
    _mark(rows, report, now)
    return report


def _mark(rows: list[Notification], report: SendReport, now) -> None:
    """Write the outcome of a chunk: one UPDATE for the sent ones, their provider ids, then the failures."""
    sent = [row for row in rows if row.status == NotificationStatus.SENT]
    if sent:
        Notification.objects.filter(pk__in=report.sent).update(
            status=NotificationStatus.SENT, sent_at=now, error="", claimed_at=None, updated_at=now
        )
        Notification.objects.bulk_update(sent, ["provider_message_id"])
    failed = [row for row in rows if row.status != NotificationStatus.SENT]
    for row in failed:
        row.updated_at = now
    if failed:
        Notification.objects.bulk_update(failed, ["status", "error", "claimed_at", "updated_at"])


def stale_claims_recover() -> tuple[int, int]:
    """Deal with rows a dead worker claimed and never marked; return (released for retry, failed).

    A gateway message is released: sent again with the same idempotency key. Anything
    else is marked failed, since it may have gone (at most once).
    """
    cutoff = timezone.now() - timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT)
    stale = Notification.objects.filter(status=NotificationStatus.QUEUED, claimed_at__lt=cutoff)
    released = failed = 0
    for channel in Channel.values:
        rows = stale.filter(channel=channel)
        if backend_for(channel).idempotent:
            failed += rows.filter(attempts__gte=settings.NOTIFICATION_MAX_ATTEMPTS).update(
                status=NotificationStatus.FAILED, claimed_at=None, error=INTERRUPTED, updated_at=timezone.now()
            )
            released += rows.update(claimed_at=None, updated_at=timezone.now())
        else:
            failed += rows.update(
                status=NotificationStatus.FAILED, claimed_at=None, error=INTERRUPTED, updated_at=timezone.now()
            )
    return released, failed


def sendable_ids(ids: Iterable[int] | None = None, *, limit: int | None = None) -> list[int]:
    """The queued, unclaimed rows (among `ids` if given), oldest first."""
    rows = Notification.objects.filter(status=NotificationStatus.QUEUED, claimed_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    rows = rows.order_by("pk").values_list("pk", flat=True)
    return list(rows[:limit] if limit else rows)


def notifications_deliver(ids: Iterable[int] | None = None, *, on_date: date | None = None) -> SendReport:
    """Send every queued row (among `ids` if given) in this process, chunk by chunk.

    A failed try is retried at once, up to NOTIFICATION_MAX_ATTEMPTS (a Celery worker
    waits between tries instead); attempts only grow, so this ends.
    """
    ids = None if ids is None else list(ids)
    total = SendReport()
    while True:
        chunk = sendable_ids(ids, limit=SEND_CHUNK)
        if not chunk:
            return total
        report = notifications_send(chunk, on_date=on_date)
        total.sent += report.sent
        total.failed += report.failed
        total.retry = report.retry


def notifications_dispatch(ids: list[int]) -> None:
    """Send `ids`: here and now without a broker, else one Celery task each (after commit)."""
    if not ids:
        return
    if settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(lambda: notifications_deliver(ids))
        return
    from .tasks import send_notification

    transaction.on_commit(lambda: [send_notification.delay(pk) for pk in ids])


@dataclass
class ReminderRun:
    written: int
    released: int
    interrupted: int
    report: SendReport | None
    queued: int


def reminders_run(*, on_date: date | None = None, dispatch: bool = True) -> ReminderRun:
    """The daily job: recover dead claims, write the due expiry reminders, send what is queued.

    Safe to run twice, or on two boxes at once: rows are unique and sends are claimed.
    """
    released, interrupted = stale_claims_recover()
    written = expiry_reminders_queue(on_date=on_date)
    if not dispatch:
        return ReminderRun(written, released, interrupted, None, len(sendable_ids()))
    if settings.CELERY_TASK_ALWAYS_EAGER:
        report = notifications_deliver(on_date=on_date)
        return ReminderRun(written, released, interrupted, report, 0)
    from .tasks import send_notification

    queued = sendable_ids()
    for pk in queued:
        send_notification.delay(pk)
    return ReminderRun(written, released, interrupted, None, len(queued))


def notifications_resend(*, ids: Iterable[int]) -> int:
    """Queue failed rows again (a manager's resend) and send them; return how many."""
    ids = list(
        Notification.objects.filter(pk__in=list(ids), status=NotificationStatus.FAILED).values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=ids).update(
        status=NotificationStatus.QUEUED, claimed_at=None, attempts=0, error="", updated_at=timezone.now()
    )
    notifications_dispatch(ids)
    return len(ids)
