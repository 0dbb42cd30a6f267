"""Writes on notifications: queue the reminders that are due, send them at most once, resend.

Where sends run (docs/notifications.md): never in a request. A bill, a status change or the
admin's resend only writes rows and hands them to the worker after commit
(`notifications_dispatch`): a Celery task per row with CELERY_BROKER_URL, else one
`deliver_notifications` task for `manage.py db_worker`. The cron commands are not requests:
`send_reminders` sends in its own process, through the same `notifications_deliver`.

At most once: a reminder is one row, unique on (assignment, kind, threshold, channel),
inserted with `bulk_create(ignore_conflicts=True)` so a second run adds nothing.

One lease at a time: a sender takes the lease on ONE row (`claimed_at` = now,
`attempts + 1`) in one committed UPDATE ... RETURNING, sends it, and writes the outcome
(sent, failed, or queued again for a retry) with the lease given back, before it takes the
next row. So a sender killed with SIGKILL leaves one row leased, the one in flight, and
every other row untouched for the next run. A lease older than NOTIFICATION_CLAIM_TIMEOUT
(5 minutes; far above the longest live send, 2 x SMS_GATEWAY_TIMEOUT) belongs to a dead
sender:
- gateway channels (`http`, idempotent): the row is tried again automatically, by the next
  claim of any sender, with the same idempotency key (the row's id). The gateway delivers
  once per key, so a message goes at most once per gateway acknowledgement;
- e-mail and console (nothing can dedupe them): the row is marked failed, "Interrupted while
  sending", and is not retried on its own. The trade-off: the send may have gone before the
  kill, and a second copy is worse than none, so at most one message per killed sender waits
  for a manager's Resend in the admin, instead of every claimed row as before.
Two senders never hold one row: the claim's WHERE is the lock (PostgreSQL also skips rows
another sender is taking, FOR UPDATE SKIP LOCKED; SQLite writers queue).
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from customers.consent import allows, current, latest_status
from packages.kinds import all_kinds, kind_for
from packages.models import AssignmentStatus, PackageAssignment

from .channels import Outgoing, SendFailed, SendRefused, address_of, backend_for, e164
from .messages import Compiled, customer_sms, message_context, templates_by_key, with_links
from .models import Channel, Notification, NotificationKind, NotificationStatus

OPTED_OUT = "The customer opted out of reminders."
NO_CONSENT = {
    Channel.EMAIL: "The customer withdrew consent to e-mail reminders.",
    Channel.SMS: "The customer withdrew consent to SMS reminders.",
    Channel.WHATSAPP: "No WhatsApp opt-in from the customer (or it was withdrawn).",
}
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


def channels() -> list[str]:
    """The channels each reminder goes on (REMINDER_CHANNELS), in a fixed order."""
    wanted = {name.strip().lower() for name in settings.REMINDER_CHANNELS}
    return [channel for channel in Channel.values if channel in wanted]


def _rows(found: Iterable[tuple], *, kind: str, threshold: int | None) -> Iterable[Notification]:
    """One row per channel for each (assignment id, customer id, email, phone, consent per channel...)."""
    wanted = channels()
    for assignment_id, customer_id, email, phone, *statuses in found:
        contact = _Contact(email=email, phone=phone)
        consent = dict(zip(Channel.values, statuses, strict=True))
        opted_out = not any(allows(status, channel) for channel, status in consent.items())
        for channel in wanted:
            address, why_not = address_of(contact, channel)
            row = Notification(
                customer_id=customer_id, assignment_id=assignment_id, kind=kind, threshold=threshold, channel=channel
            )
            if opted_out:
                row.status, row.error = NotificationStatus.SKIPPED, OPTED_OUT
            elif not allows(consent[channel], channel):
                row.status, row.error = NotificationStatus.SKIPPED, NO_CONSENT[channel]
            elif not address:
                row.status, row.error = NotificationStatus.SKIPPED, why_not
            else:
                row.recipient = address
            yield row


@dataclass(frozen=True)
class _Contact:
    email: str
    phone: str


CONTACT_FIELDS = ("pk", "customer_id", "customer__email", "customer__phone", *(f"consent_{c}" for c in Channel.values))


def _with_consent(assignments):
    """`assignments` with the latest consent status of each channel (consent_email, ...): one query still."""
    return assignments.annotate(
        **{f"consent_{channel}": latest_status(channel, "customer_id") for channel in Channel.values}
    )


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
            _with_consent(PackageAssignment.objects.filter(status=AssignmentStatus.ACTIVE, expires_on__range=(first, last)))
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
    found = list(_with_consent(found).order_by("pk").values_list(*CONTACT_FIELDS))
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
    deferred: list[int] = field(default_factory=list)  # quiet hours: they wait for `resume_at`
    resume_at: datetime | None = None


def _clock(value: str) -> time | None:
    return time.fromisoformat(value) if value else None


def quiet_until(now: datetime | None = None) -> datetime | None:
    """When the quiet hours around `now` end (an aware datetime), or None when `now` is not in them.

    QUIET_HOURS_START and QUIET_HOURS_END are local times (TIME_ZONE, IST by default); a window
    that starts later than it ends runs over midnight (21:00-09:00). The start is quiet, the end is not.
    """
    start, end = _clock(settings.QUIET_HOURS_START), _clock(settings.QUIET_HOURS_END)
    if start is None or end is None or start == end:
        return None
    local = timezone.localtime(now or timezone.now())
    moment = local.time()
    over_midnight = start > end
    quiet = (moment >= start or moment < end) if over_midnight else (start <= moment < end)
    if not quiet:
        return None
    day = local.date() if moment < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=local.tzinfo)


def _defer(ids: list[int] | None, until: datetime) -> list[int]:
    """Make the queued, unleased rows (among `ids` if given) wait until `until`; return their ids."""
    rows = Notification.objects.filter(status=NotificationStatus.QUEUED, claimed_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    waiting = list(rows.values_list("pk", flat=True))
    rows.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=until)).update(
        next_attempt_at=until, updated_at=timezone.now()
    )
    return waiting


def _idempotent_channels() -> list[str]:
    """The channels whose backend drops a copy it already took (the gateway, by idempotency key)."""
    return [channel for channel in Channel.values if backend_for(channel).idempotent]


def _claim_next(ids: list[int] | None = None) -> int | None:
    """Take the lease on the next sendable row (among `ids` if given) in one statement; return its id.

    Sendable: queued and not leased, or leased by a worker that died (the lease expired) on a
    channel whose gateway dedups by idempotency key, with attempts left. UPDATE ... RETURNING
    (SQLite 3.35+, PostgreSQL), committed alone or with the previous message's outcome, always
    before the send starts. On PostgreSQL the inner SELECT skips rows another worker is taking.
    """
    if ids is not None and not ids:
        return None
    quote, ops = connection.ops.quote_name, connection.ops
    table = quote(Notification._meta.db_table)
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT)
    idempotent = _idempotent_channels()
    column = {name: quote(name) for name in ("id", "status", "claimed_at", "attempts", "channel", "updated_at")}
    sendable = f"{column['claimed_at']} IS NULL"
    params: list = []
    # Quiet hours: a row deferred to next_attempt_at waits for it.
    due = f"({quote('next_attempt_at')} IS NULL OR {quote('next_attempt_at')} <= %s)"
    if idempotent:
        sendable = (
            f"({sendable} OR ({column['claimed_at']} < %s AND {column['attempts']} < %s "
            f"AND {column['channel']} IN ({', '.join(['%s'] * len(idempotent))})))"
        )
        params += [ops.adapt_datetimefield_value(cutoff), settings.NOTIFICATION_MAX_ATTEMPTS, *idempotent]
    where = f"{column['status']} = %s AND {sendable} AND {due}"
    params = [NotificationStatus.QUEUED.value, *params, ops.adapt_datetimefield_value(now)]
    if ids is not None:
        where += f" AND {column['id']} IN ({', '.join(['%s'] * len(ids))})"
        params += list(ids)
    skip_locked = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    sql = (
        f"UPDATE {table} SET {column['claimed_at']} = %s, {column['attempts']} = {column['attempts']} + 1, "
        f"{column['updated_at']} = %s WHERE {column['id']} = (SELECT {column['id']} FROM {table} WHERE {where} "
        f"ORDER BY {column['id']} LIMIT 1{skip_locked}) AND {where} RETURNING {column['id']}"
    )
    stamp = ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [stamp, stamp, *params, *params])
        row = cursor.fetchone()
    return row[0] if row else None


class _Sender:
    """Sends leased rows one by one; keeps the compiled templates and the backends of one run."""

    def __init__(self, on_date: date | None):
        self.on_date = on_date or timezone.localdate()
        self.templates, self.compiled, self.backends = templates_by_key(), {}, {}
        self.report = SendReport()

    def run(self, ids: list[int] | None, *, once: bool = False) -> SendReport:
        """Lease, send and mark rows (among `ids` if given) until none is sendable.

        The outcome of one message is committed together with the lease on the next (one
        commit a message); either way the lease is committed before its send starts. `once`:
        each row is tried at most once in this run (a Celery task retries later).
        """
        remaining = None if ids is None else sorted(set(ids))
        if self._quiet(remaining):
            return self.report
        pk = _claim_next(remaining)
        while pk is not None:
            if once:
                remaining.remove(pk)
            outcome = self.send(pk)
            with transaction.atomic():
                Notification.objects.filter(pk=pk).update(claimed_at=None, updated_at=timezone.now(), **outcome)
                pk = None if self._quiet(remaining) else _claim_next(remaining)
        return self.report

    def _quiet(self, remaining: list[int] | None) -> bool:
        """Inside quiet hours: defer what is left to the window's opening and say so."""
        until = quiet_until()
        if until is None:
            return False
        self.report.deferred, self.report.resume_at = _defer(remaining, until), until
        return True

    def send(self, pk: int) -> dict:
        """Send the row this worker holds the lease on; return its outcome (the fields to write)."""
        row = Notification.objects.select_related("assignment", "customer").get(pk=pk)
        row.assignment.customer = row.customer
        status = current(row.customer)[row.channel]
        if not allows(status, row.channel):  # withdrawn after the row was written: takes effect at once
            return {"status": NotificationStatus.SKIPPED, "error": NO_CONSENT[row.channel]}
        key = (row.kind, row.channel)
        if key not in self.compiled:
            self.compiled[key] = Compiled(self.templates[key])
        context = message_context(row.assignment, on_date=self.on_date, channel=row.channel)
        message = with_links(self.compiled[key].render(context), context, row.channel)
        if row.channel not in self.backends:
            self.backends[row.channel] = backend_for(row.channel)
        try:
            provider_id = self.backends[row.channel].send(
                Outgoing(
                    notification_id=row.pk, channel=row.channel, to=row.recipient, message=message,
                    stop_url=context["stop_url"], template=self.templates[key], context=context,
                )
            )
        except SendFailed as exc:
            if isinstance(exc, SendRefused) or row.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                self.report.failed.append(row.pk)
                return {"status": NotificationStatus.FAILED, "error": str(exc)[:2000]}
            self.report.retry.append(row.pk)
            return {"status": NotificationStatus.QUEUED, "error": str(exc)[:2000]}
        self.report.sent.append(row.pk)
        return {
            "status": NotificationStatus.SENT, "error": "", "provider_message_id": provider_id,
            "sent_at": timezone.now(),
        }


def notifications_send(ids: Iterable[int], *, on_date: date | None = None) -> SendReport:
    """Try each sendable row among `ids` once, one lease at a time (a Celery task retries later)."""
    return _Sender(on_date).run(list(ids), once=True)


def stale_claims_recover() -> tuple[int, int]:
    """Deal with rows a dead worker leased and never marked; return (released for retry, failed).

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
    """The queued, unclaimed rows (among `ids` if given) not waiting for quiet hours to end, oldest first."""
    rows = Notification.objects.filter(status=NotificationStatus.QUEUED, claimed_at__isnull=True).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())
    )
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    rows = rows.order_by("pk").values_list("pk", flat=True)
    return list(rows[:limit] if limit else rows)


def notifications_deliver(ids: Iterable[int] | None = None, *, on_date: date | None = None) -> SendReport:
    """Send every sendable row (among `ids` if given) in this process, one lease at a time.

    The worker's job (`db_worker` runs it through `tasks.deliver_notifications`) and the
    cron job's (`send_reminders`). Dead workers' leases are dealt with first. A failed try
    is retried at once, up to NOTIFICATION_MAX_ATTEMPTS (a Celery worker waits between
    tries instead); attempts only grow, so this ends.
    """
    stale_claims_recover()
    report = _Sender(on_date).run(None if ids is None else list(ids))
    report.retry = [pk for pk in report.retry if pk not in report.sent and pk not in report.failed]
    return report


def _celery() -> bool:
    """Whether sends go to Celery on Redis (CELERY_BROKER_URL set and tasks not run in process)."""
    return bool(settings.CELERY_BROKER_URL) and not settings.CELERY_TASK_ALWAYS_EAGER


def notifications_dispatch(ids: list[int]) -> None:
    """Hand `ids` to the worker after commit: one Celery task each on Redis, else one `db_worker` task.

    Never sends here: this runs in requests (a bill, the admin's resend), and a request
    never waits on a gateway (docs/notifications.md).
    """
    if not ids:
        return
    from . import tasks

    if _celery():
        transaction.on_commit(lambda: [tasks.send_notification.delay(pk) for pk in ids])
    else:
        transaction.on_commit(tasks.deliver_notifications.enqueue)


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
    if not _celery():  # a command is not a request: it sends, through the worker's own code path
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


# --- the customer's side -----------------------------------------------------------------------

# Texts of the customer's side are no Notification row (no package, no reminder kind): their
# idempotency reference is the caller's, offset past any row id, so the gateway never mistakes
# one for a reminder.
CUSTOMER_SMS_REFERENCE = 2**62


def customer_sms_send(*, phone: str, key: str, context: dict, reference: int) -> str:
    """Send the customer's-side SMS `key` (messages.CUSTOMER_SMS) to `phone` now; return the provider's id.

    The worker's job (portal.tasks), never a request's. `reference` (the caller's row id) is the
    idempotency key: a retry of one message is one message. Raises SendFailed.
    """
    to = e164(phone)
    if not to:
        raise SendFailed("The customer has no phone number.")
    outgoing = Outgoing(
        notification_id=CUSTOMER_SMS_REFERENCE + reference, channel=Channel.SMS, to=to, message=customer_sms(key, context)
    )
    return backend_for(Channel.SMS).send(outgoing)
