"""The value journal for the rows written before it existed (issue 22; docs/journal.md).

Every ledger row without a business day gets one, with its event, its signed change in
value held, the kind and the branch that sold the package, replayed per assignment in
(created_at, pk) order by the value rules; each assignment's `value_held` becomes the sum.

- business day: the local date (TIME_ZONE) of `created_at`; the sale row takes the day the
  package starts (`assigned_on`) unless it was sold ahead of that (a renewal), then its own day;
- sale (renewal when it renews another): + the sale value (less what top-ups added to it);
  top_up: + the price paid; transfer_in: + the value moved (its sale value, less top-ups);
- redeem: sessions or credit: - held x used / left, half-up (all of it when nothing is left);
  memberships, yearly memberships, student offers: 0 (their value falls by time);
- reversal (a void giving a redemption back): the redemption it reverses (matched by invoice
  line, else by the invoice its note names), + what that one released, `reverses` set;
- adjustment: sessions or credit removed release their share, added ones 0;
- refund, transfer_out: - all that is held; cancel (a voided sale): the sale reversed, - held;
- extension: a note, no value.
Time kinds first release by the straight line to the day of a refund, transfer, adjustment,
extension or expiry: a row made here (kind time_release, event redemption), as the writer
(packages/ledger.py) writes one; rows of those two kinds already there are valued the same
way (a time_release to the line on its day, an expiry all that is left). An expired package
still holding value gets an `expiry` row dated the day after it expired; one completed with
value left releases it then. Made rows carry `MADE_HERE` in their note, so the reverse
deletes them; it clears every journal column and `value_held`.

Works by assignment id ranges, so a shop with hundreds of thousands of rows migrates in
bounded memory.
"""
from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.db.models import Max

MADE_HERE = "[journal 0020]"
CHUNK = 1000
PAISA = Decimal("0.01")
ZERO = Decimal("0.00")
SESSION_KINDS = {"service_package"}
CREDIT_KINDS = {"prepaid", "kitty_party"}
TIME_KINDS = {"membership", "yearly_membership", "student_offer"}
CLOSING = {"refunded", "transferred", "cancelled", "expired", "completed"}
ROW_FIELDS = ["event", "business_day", "value_delta", "package_type", "home_branch", "reverses"]


def _paisa(amount) -> Decimal:
    return Decimal(amount).quantize(PAISA, rounding=ROUND_HALF_UP)


def _amount(money) -> Decimal:
    return getattr(money, "amount", money) if money is not None else ZERO


def _measure(assignment) -> str:
    """How the package's value falls: by sessions, by credit or by time."""
    if assignment.package_type in SESSION_KINDS:
        return "sessions"
    if assignment.package_type in CREDIT_KINDS:
        return "credit"
    if assignment.package_type in TIME_KINDS:
        return "time"
    # A kind another app registered: by what it counts.
    if assignment.total_sessions:
        return "sessions"
    return "credit" if _amount(assignment.credit_amount) else "time"


def _straight_line(assignment, day) -> Decimal:
    """The value a time kind holds on `day` (packages.valuation's rule, frozen here)."""
    sale_value = _amount(assignment.sale_value)
    if assignment.expires_on is None:
        return _paisa(sale_value)
    total = (assignment.expires_on - assignment.assigned_on).days
    if total <= 0:
        return _paisa(sale_value)
    left = max((assignment.expires_on - max(day, assignment.assigned_on)).days, 0)
    return _paisa(sale_value * Decimal(left) / total)


def _share(held: Decimal, used, left) -> Decimal:
    """What using `used` of `left` releases of `held`: all of it when nothing is left after."""
    used, left = Decimal(used), Decimal(left)
    if used <= 0 or left <= 0:
        return ZERO
    if used >= left:
        return held
    return _paisa(held * used / left)


class Replay:
    """One assignment's rows replayed by the value rules."""

    def __init__(self, assignment, rows, zone, Usage):
        self.assignment = assignment
        self.rows = rows
        self.zone = zone
        self.Usage = Usage
        self.measure = _measure(assignment)
        self.held = ZERO
        self.changed = []  # existing rows given their journal columns
        self.made = []  # rows made here (time released, expiry)
        self.reversed_ids = {row.reverses_id for row in rows if row.reverses_id}

    def day_of(self, row):
        return row.created_at.astimezone(self.zone).date()

    def make(self, *, event, day, delta, item_name, branch_id):
        a = self.assignment
        self.made.append(
            self.Usage(
                assignment_id=a.pk, branch_id=branch_id, kind="expiry" if event == "expiry" else "time_release",
                item_name=item_name,
                sessions_before=a.remaining_sessions if event == "expiry" else 0,
                sessions_after=a.remaining_sessions if event == "expiry" else 0,
                note=f"{MADE_HERE} {item_name}", event=event, business_day=day, value_delta=delta,
                package_type=a.package_type, home_branch_id=a.branch_id,
            )
        )
        self.held += delta

    def release_by_time(self, day, branch_id):
        """A time kind's fall in value up to `day`, before another value event."""
        if self.measure != "time":
            return
        target = _straight_line(self.assignment, day)
        if target < self.held:
            self.make(
                event="redemption", day=day, delta=target - self.held, branch_id=branch_id,
                item_name=f"Value released by time to {day.isoformat()}",
            )

    def redemption_share(self, row) -> Decimal:
        if self.measure == "sessions":
            return _share(self.held, -row.sessions_delta, row.sessions_before)
        if self.measure == "credit":
            return _share(self.held, -_amount(row.credit_delta), _amount(row.credit_before))
        return ZERO

    def reversed_row(self, row, by_id):
        """The redemption a reversal gives back: same invoice line, else the invoice its note names."""
        candidates = [
            earlier for earlier in by_id.values()
            if earlier.kind == "redeem" and earlier.pk not in self.reversed_ids and earlier.pk < row.pk
        ]
        if row.invoice_line_id is not None:
            for earlier in candidates:
                if earlier.invoice_line_id == row.invoice_line_id:
                    return earlier
        named = row.note.removeprefix("Gives back ").strip()
        for earlier in candidates:
            if earlier.invoice_number and earlier.invoice_number == named and (
                earlier.sessions_delta == -row.sessions_delta
                and _amount(earlier.credit_delta) == -_amount(row.credit_delta)
            ):
                return earlier
        return None

    def run(self):
        a = self.assignment
        top_ups = sum((_amount(row.value) for row in self.rows if row.kind == "top_up"), ZERO)
        by_id = {}
        sale_row = None
        for row in self.rows:
            by_id[row.pk] = row
            if row.business_day is not None:  # written by the journal's writer already
                self.held += _amount(row.value_delta)
                continue
            day = self.day_of(row)
            delta = ZERO
            event = "note"
            kind = row.kind
            if kind == "sale":
                day = min(a.assigned_on, day)
                event = "renewal" if a.renews_id else "sale"
                delta = _amount(a.sale_value) - top_ups
                sale_row = row
            elif kind == "top_up":
                event, delta = "top_up", _amount(row.value)
            elif kind == "transfer_in":  # the value moved is the new assignment's sale value
                event, delta = "transfer_in", _amount(a.sale_value) - top_ups
            elif kind == "redeem":
                event, delta = "redemption", -self.redemption_share(row)
            elif kind == "reversal":
                event = "redemption"
                original = self.reversed_row(row, by_id)
                if original is not None:
                    row.reverses_id = original.pk
                    self.reversed_ids.add(original.pk)
                    delta = -_amount(original.value_delta)
            elif kind == "adjustment":
                self.release_by_time(day, row.branch_id)
                event = "adjustment"
                removed_sessions, removed_credit = -row.sessions_delta, -_amount(row.credit_delta)
                if self.measure == "sessions" and removed_sessions > 0:
                    delta = -_share(self.held, removed_sessions, row.sessions_before)
                elif self.measure == "credit" and removed_credit > 0:
                    delta = -_share(self.held, removed_credit, _amount(row.credit_before))
            elif kind in ("refund", "transfer_out"):
                self.release_by_time(day, row.branch_id)
                event, delta = kind, -self.held
            elif kind == "cancel":
                event, delta = "sale", -self.held
                if sale_row is not None and sale_row.pk not in self.reversed_ids:
                    row.reverses_id = sale_row.pk
                    self.reversed_ids.add(sale_row.pk)
                    event = sale_row.event
            elif kind == "extension":
                self.release_by_time(day, row.branch_id)
            elif kind == "time_release":
                event = "redemption"
                if self.measure == "time":
                    delta = min(_straight_line(a, day) - self.held, ZERO)
            elif kind == "expiry":
                self.release_by_time(day, row.branch_id)
                event, delta = "expiry", -self.held
            row.event = event
            row.business_day = day
            row.value_delta = delta
            row.package_type = a.package_type
            row.home_branch_id = a.branch_id
            self.held += delta
            self.changed.append(row)
        self.close()
        return self.held

    def close(self):
        """A closed package ends holding nothing: expiry is breakage, completion releases the rest."""
        a = self.assignment
        if a.status not in CLOSING or not self.held:
            return
        last = self.rows[-1] if self.rows else None
        branch_id = last.branch_id if last is not None else a.branch_id
        if a.status == "expired" and a.expires_on is not None:
            day = a.expires_on + timedelta(days=1)
            self.release_by_time(day, branch_id)
            if self.held:
                self.make(
                    event="expiry", day=day, delta=-self.held, branch_id=branch_id,
                    item_name=f"Expired unused after {a.expires_on.isoformat()}",
                )
            return
        day = a.closed_on or (last.business_day if last is not None else None) or a.expires_on or a.assigned_on
        self.make(
            event="redemption", day=day, delta=-self.held, branch_id=branch_id,
            item_name=f"Value left when it {a.status if a.status != 'completed' else 'was completed'}",
        )


def journal_from_history(apps, schema_editor):
    Assignment = apps.get_model("packages", "PackageAssignment")
    Usage = apps.get_model("packages", "PackageUsage")
    db = schema_editor.connection.alias
    zone = ZoneInfo(settings.TIME_ZONE)
    top = Assignment.objects.using(db).aggregate(top=Max("pk"))["top"] or 0
    for start in range(0, top, CHUNK):
        assignments = list(
            Assignment.objects.using(db).filter(pk__gt=start, pk__lte=start + CHUNK).order_by("pk")
        )
        if not assignments:
            continue
        rows = defaultdict(list)
        for row in Usage.objects.using(db).filter(
            assignment_id__gt=start, assignment_id__lte=start + CHUNK
        ).order_by("created_at", "pk"):
            rows[row.assignment_id].append(row)
        changed, made, held = [], [], []
        for assignment in assignments:
            replay = Replay(assignment, rows[assignment.pk], zone, Usage)
            value = replay.run()
            changed.extend(replay.changed)
            made.extend(replay.made)
            if _amount(assignment.value_held) != value:
                assignment.value_held = value
                held.append(assignment)
        Usage.objects.using(db).bulk_update(changed, ROW_FIELDS, batch_size=500)
        Usage.objects.using(db).bulk_create(made, batch_size=500)
        Assignment.objects.using(db).bulk_update(held, ["value_held"], batch_size=500)


def journal_cleared(apps, schema_editor):
    Assignment = apps.get_model("packages", "PackageAssignment")
    Usage = apps.get_model("packages", "PackageUsage")
    db = schema_editor.connection.alias
    Usage.objects.using(db).exclude(reverses=None).update(reverses=None)
    Usage.objects.using(db).filter(note__startswith=MADE_HERE).delete()
    Usage.objects.using(db).update(
        event="note", business_day=None, value_delta=ZERO, package_type="", home_branch=None
    )
    Assignment.objects.using(db).update(value_held=ZERO)


class Migration(migrations.Migration):

    dependencies = [
        ("packages", "0019_usage_kinds_time_release_expiry"),
    ]

    operations = [
        migrations.RunPython(journal_from_history, journal_cleared, elidable=True),
    ]
