"""The one writer of package balances and of the value journal (docs/journal.md).

Nothing else changes an assignment's sessions, credit or `value_held`, or its tracker
mirrors, and nothing else writes a `PackageUsage` row: the services (bills, voids, sales,
refunds, transfers, top-ups, adjustments, extensions, the expiry sweep) decide and check,
then call one of the functions here. Each change goes the same way:

1. move the balance of a locked assignment in memory (`_move`), sessions and credit and
   the value it holds together;
2. build its journal row with `_journal_row`, the only place a row is made: event, business
   day, signed value, kind, home branch, branch, the row a void reverses;
3. write the balances of every assignment touched in one UPDATE and their trackers in one
   more (`_store_balances`), and the rows in one INSERT (`_insert`).

The value rules (docs/journal.md "Value"): a sale holds its sale value; a redemption of q of
r sessions (or rupees of credit) left releases `held x q / r` half-up to the paisa, the last
one all that is held; refunds, transfers out and expiries take all that is held; time kinds
(memberships, yearly memberships, student offers) fall straight-line by the day, written as
a catch-up row before any other value event on them, each such row recording the line in
force after it (docs/journal.md "Time kinds"). Every row also carries what the liability
counts: value after, holders, sessions and credit held (docs/journal.md "The snapshot").

Call everything inside the caller's transaction, on assignments locked with
`packages.locks` (primary-key order). The speed tricks of the hot path
(`core.compiled_writes`) are private to this module and the invoice writer.
"""
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import partial

from django.db import connection, transaction
from django.utils import timezone

from core.compiled_writes import insert_all, insert_many
from core.money import ZERO, format_inr, inr, quantize_money

from .exceptions import AfterSaleRefused, InsufficientBalance, PackageNotActive
from .kinds import all_kinds, kind_for
from .locks import lock_assignments
from .models import (
    AssignmentStatus,
    BenefitType,
    JournalEvent,
    PackageAssignment,
    PackageBenefitTracker,
    PackageUsage,
    UsageKind,
)
from .signals import BalanceLeft, balances_spent

# -- the business day ------------------------------------------------------------------------


def business_day(at: datetime | None = None) -> date:
    """Return the shop's day (settings.TIME_ZONE, IST) at `at` (now if None): 23:30 IST on the 7th is the 7th."""
    return timezone.localdate(at)


# -- value -----------------------------------------------------------------------------------


def releases_by_time(package_type: str) -> bool:
    """Tell whether a kind's value falls by the day (no sessions, no credit): membership, yearly, student offer."""
    kind = kind_for(package_type)
    return not (kind.has_sessions or kind.is_credit)


def time_kinds() -> list[str]:
    """Return the package types whose value falls by the day."""
    return [kind.package_type for kind in all_kinds() if releases_by_time(kind.package_type)]


def release(held: Decimal, used, left) -> Decimal:
    """Return the value `used` of `left` (sessions or rupees of credit) releases from `held`, half-up to the paisa.

    The last of it (`used >= left`) takes all that is held, so no paisa is left behind
    (docs/journal.md "Value").
    """
    if used <= 0 or held == 0:
        return ZERO
    if used >= left:
        return held
    return quantize_money(held * Decimal(used) / Decimal(left))


# -- one use of one package on one invoice line ---------------------------------------------


@dataclass(frozen=True)
class BenefitUse:
    """One use of one package on one invoice line."""

    assignment_id: int
    quantity: int = 0  # units the package covered on the line
    sessions: int = 0  # sessions spent (service packages)
    credit: Decimal = ZERO  # credit spent (prepaid, kitty party)
    value: Decimal = ZERO  # rupees the customer did not pay because of the package
    item_name: str = ""
    invoice_number: str = ""
    invoice_line_id: int | None = None
    line_position: int | None = None  # the invoice line, when its id is not known yet (`BenefitsTaken.write`)


def _require_atomic():
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Balance changes must run inside the transaction that locked the assignments.")


# -- the statements --------------------------------------------------------------------------


def _update_each(model, key: str, values: dict[str, dict], *, now, where: str, params: list) -> None:
    """One UPDATE of `model`'s rows matching `where`: each column set per row by `key` (`values[column][key]`).

    `SET col = CASE key WHEN k1 THEN v1 ... ELSE col END`, written by hand: the ORM's Case and
    When cost more to build than the database spends on the statement, on every bill.
    """
    meta, quote = model._meta, connection.ops.quote_name
    key_column = quote(meta.get_field(key).column)
    assignments, arguments = [], []
    for name, by_key in values.items():
        model_field = meta.get_field(name)
        column = quote(model_field.column)
        whens = " ".join(["WHEN %s THEN %s"] * len(by_key))
        assignments.append(f"{column} = CASE {key_column} {whens} ELSE {column} END")
        for pk, value in by_key.items():
            arguments += [pk, model_field.get_db_prep_save(value, connection)]
    updated_at = meta.get_field("updated_at")
    assignments.append(f"{quote(updated_at.column)} = %s")
    arguments.append(updated_at.get_db_prep_save(now, connection))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} WHERE {where}", arguments + params)


def _in(model, name: str, count: int) -> str:
    return f"{connection.ops.quote_name(model._meta.get_field(name).column)} IN ({', '.join(['%s'] * count)})"


def _amount(value):
    return getattr(value, "amount", value)


def _store_balances(assignments: Sequence[PackageAssignment]) -> None:
    """Write the in-memory balances of locked assignments: one UPDATE of them, one of their trackers.

    However many packages a bill spends, two statements: each row takes its own values, the
    value held with them (docs/journal.md "Why value_held").
    """
    if not assignments:
        return
    now = timezone.now()
    ids = [a.pk for a in assignments]
    columns = (
        "total_sessions", "used_sessions", "remaining_sessions", "credit_amount", "credit_used", "credit_remaining",
        "value_held",
    )
    _update_each(
        PackageAssignment, "id",
        {name: {a.pk: _amount(getattr(a, name)) for a in assignments} for name in columns},
        now=now, where=_in(PackageAssignment, "id", len(ids)), params=ids,
    )
    sessions = [a for a in assignments if a.has_sessions]
    credit = [a for a in assignments if a.is_credit and not a.has_sessions]
    values, where, params = {}, [], []
    benefit = connection.ops.quote_name(PackageBenefitTracker._meta.get_field("benefit_type").column)
    for group, benefit_type, fields in (
        (sessions, BenefitType.FREE, (("total_count", "total_sessions"), ("used_count", "used_sessions"),
                                      ("remaining_count", "remaining_sessions"))),
        (credit, BenefitType.PREPAID, (("balance_total", "credit_amount"), ("balance_used", "credit_used"),
                                       ("balance_remaining", "credit_remaining"))),
    ):
        if not group:
            continue
        for name, attr in fields:
            values[name] = {a.pk: _amount(getattr(a, attr)) for a in group}
        where.append(f"({_in(PackageBenefitTracker, 'assignment', len(group))} AND {benefit} = %s)")
        params += [*(a.pk for a in group), benefit_type.value]
    if values:
        _update_each(PackageBenefitTracker, "assignment", values, now=now, where=" OR ".join(where), params=params)


def _insert(rows: list[PackageUsage], *, returning: bool = True) -> list[PackageUsage]:
    """INSERT the journal rows in one statement (`returning=False`: their ids are not read back)."""
    return insert_all(rows, returning=returning)


# -- one movement, one row -------------------------------------------------------------------


def _move(
    assignment: PackageAssignment, *, sessions: int = 0, credit: Decimal = ZERO, value: Decimal = ZERO,
    grant: bool = False,
) -> tuple[tuple, tuple]:
    """Change the in-memory balance by signed deltas; return (sessions, credit, value held) before and after.

    `grant`: what the package grants changes (its totals: a top-up, an adjustment, the balance
    a refund, a transfer or a void takes away) rather than what the customer used (a bill
    or its void).
    """
    before = _state(assignment)
    if grant:
        assignment.total_sessions += sessions
        assignment.credit_amount = inr(assignment.credit_amount.amount + credit)
    else:
        assignment.used_sessions -= sessions
        assignment.credit_used = inr(assignment.credit_used.amount - credit)
    assignment.remaining_sessions += sessions
    assignment.credit_remaining = inr(assignment.credit_remaining.amount + credit)
    assignment.value_held = inr(assignment.value_held.amount + value)
    return before, _state(assignment)


def _state(assignment: PackageAssignment) -> tuple[int, Decimal, Decimal]:
    """(sessions left, credit left, value held) of an assignment as it stands in memory."""
    return assignment.remaining_sessions, assignment.credit_remaining.amount, assignment.value_held.amount


def _counted(state: tuple) -> tuple[int, Decimal]:
    """The sessions and credit the liability counts for a package in `state`: all it has while it holds value, else none."""
    sessions, credit, held = state
    return (sessions, credit) if held > 0 else (0, ZERO)


# `line_end` of `_journal_row` when not given: the expiry in force (none while paused).
IN_FORCE = object()


@dataclass(frozen=True)
class Line:
    """A time kind's straight line (docs/journal.md "Time kinds"): `held` on `start`, falling to nothing on `end`.

    No `end` (paused, or no expiry): it holds `held` until a later row says otherwise.
    """

    start: date | None
    end: date | None
    held: Decimal

    def value_on(self, day: date) -> Decimal:
        """What the line gives on `day` (on or after the row that set it), half-up to the paisa.

        The same figure as `packages.valuation_sql.line_value_sql`, in paise.
        """
        if self.end is None or self.start is None or day <= self.start:
            return self.held
        if day >= self.end:
            return ZERO
        return quantize_money(self.held * (self.end - day).days / (self.end - self.start).days)


def _line_end(assignment: PackageAssignment):
    return None if assignment.status == AssignmentStatus.PAUSED else assignment.expires_on


def line_in_force(assignment: PackageAssignment) -> Line:
    """The line a time-kind assignment follows now: the one its last row with a line set (one query)."""
    row = (
        PackageUsage.objects.filter(assignment_id=assignment.pk, line_from__isnull=False)
        .order_by("-business_day", "-pk")
        .values("line_from", "line_end", "value_after")
        .first()
    )
    if row is None:  # no row set it: the sale's line, from the start to the expiry
        return Line(start=assignment.assigned_on, end=assignment.expires_on, held=assignment.sale_value.amount)
    return Line(start=row["line_from"], end=row["line_end"], held=row["value_after"])


def _journal_row(
    assignment: PackageAssignment,
    *,
    event: str,
    kind: str,
    before: tuple,
    after: tuple,
    value_delta: Decimal,
    day: date,
    branch_id: int | None = None,
    reverses: PackageUsage | None = None,
    item_name: str = "",
    quantity: int = 0,
    value: Decimal = ZERO,
    invoice_number: str = "",
    invoice_line_id: int | None = None,
    note: str = "",
    user=None,
    line: bool = False,
    line_from: date | None = None,
    line_end=IN_FORCE,
) -> PackageUsage:
    """Build the journal row of one movement: the one way a `PackageUsage` is made (docs/journal.md "Rows").

    `branch_id` is where it happened (the home branch, the one that sold it, if None).
    `before` and `after` are (sessions, credit, value held). Every row carries what the
    liability counts (docs/journal.md "The snapshot"): the value held after it, +1/-1 when the
    package starts or stops holding value, and the change in the sessions and credit counted
    while it holds value. `line`: on a time kind, the row also sets the straight line in force
    after it, from `line_from` (the row's day, or the package's start if later) to `line_end`
    (the expiry in force unless given; none while paused).
    """
    counted_before, counted_after = _counted(before), _counted(after)
    sets_line = line and releases_by_time(assignment.package_type)
    if line_end is IN_FORCE:
        line_end = _line_end(assignment)
    return PackageUsage(
        assignment=assignment,
        branch_id=branch_id or assignment.branch_id,
        kind=kind,
        event=event,
        business_day=day,
        value_delta=inr(value_delta),
        package_type=assignment.package_type,
        home_branch_id=assignment.branch_id,
        reverses=reverses,
        item_name=item_name[:160],
        quantity=quantity,
        value=inr(value),
        sessions_delta=after[0] - before[0],
        sessions_before=before[0],
        sessions_after=after[0],
        credit_delta=inr(after[1] - before[1]),
        credit_before=inr(before[1]),
        credit_after=inr(after[1]),
        invoice_number=invoice_number,
        invoice_line_id=invoice_line_id,
        note=note[:255],
        created_by=user,
        value_after=inr(after[2]),
        holders_delta=(after[2] > 0) - (before[2] > 0),
        sessions_held_delta=counted_after[0] - counted_before[0],
        credit_held_delta=inr(counted_after[1] - counted_before[1]),
        line_from=(line_from or max(day, assignment.assigned_on)) if sets_line else None,
        line_end=line_end if sets_line else None,
    )


def _entry(
    assignment: PackageAssignment, *, event: str, kind: str, sessions: int = 0, credit: Decimal = ZERO,
    value_delta: Decimal = ZERO, grant: bool = False, line: bool = True, **row,
) -> PackageUsage:
    """Move a locked assignment's balance and value by signed deltas and return its (unsaved) journal row.

    A time kind's row sets its line (`line`): every event after the sale but a bill and its void.
    """
    before, after = _move(assignment, sessions=sessions, credit=quantize_money(credit), value=value_delta, grant=grant)
    return _journal_row(
        assignment, event=event, kind=kind, before=before, after=after, value_delta=value_delta, line=line, **row
    )


def _catch_up(assignment: PackageAssignment, *, day: date, **row) -> list[PackageUsage]:
    """For a time kind, the redemption row bringing what it holds down to its line's value on `day`.

    Written before any other value event on it (refund, transfer, expiry, adjustment,
    extension, pause, resume): docs/journal.md "Time kinds". The line is the one its last row
    set (`line_in_force`), so the row is what the liability already counted by that day.
    Nothing for other kinds, nor while paused (the line stands still).
    """
    if not releases_by_time(assignment.package_type):
        return []
    held = assignment.value_held.amount
    target = min(line_in_force(assignment).value_on(day), held)
    if target >= held:
        return []
    return [
        _entry(
            assignment, event=JournalEvent.REDEMPTION, kind=UsageKind.TIME_RELEASE, value_delta=target - held,
            day=day, item_name=f"Used up by time to {day:%d %b %Y}", **row,
        )
    ]


def _status(assignment: PackageAssignment, new_status: str, reason, user) -> None:
    # Imported here: packages.services imports this module (docs/journal.md "The one writer").
    from .services.status import assignment_status_change

    assignment_status_change(assignment=assignment, new_status=new_status, reason=reason, user=user)


def _status_follow(assignments: Iterable[PackageAssignment], reason, user) -> None:
    """Complete what is used up; reopen a completed package that got something back."""
    from .services.status import status_for_balance

    for assignment in assignments:
        _status(assignment, status_for_balance(assignment), reason, user)


# -- the sale and the other openings ----------------------------------------------------------


def assignment_open(
    assignment: PackageAssignment,
    *,
    trackers,
    event: str,
    kind: str,
    value: Decimal,
    paid: Decimal = ZERO,
    day: date | None = None,
    branch_id: int | None = None,
    item_name: str = "",
    note: str = "",
    user=None,
    number: str = "",
) -> PackageUsage:
    """Save a new assignment holding `value`, its trackers (`trackers(assignment)`) and its opening row.

    `paid` is the money of the event the usage history shows (the price paid for a sale).

    The assignment comes unsaved with the balance it grants (sessions, credit); `event` is
    sale, renewal, transfer_in or import. One INSERT each for the assignment, its trackers
    and the row.
    """
    _require_atomic()
    assignment.value_held = inr(value)
    assignment.save()
    PackageBenefitTracker.objects.bulk_create(trackers(assignment))
    row = _journal_row(
        assignment, event=event, kind=kind, before=(0, ZERO, ZERO), after=_state(assignment), value_delta=value,
        day=day or business_day(), branch_id=branch_id, item_name=item_name or assignment.package_name,
        value=paid, note=note, user=user, invoice_number=number, line=True, line_from=assignment.assigned_on,
    )
    return _insert([row])[0]


def assignments_import(
    openings: Sequence[tuple[PackageAssignment, Decimal]],
    *,
    trackers,
    day: date,
    branch_id: int | None = None,
    note: str = "",
    user=None,
    batch_size: int = 500,
) -> None:
    """Save many new assignments brought in from an earlier system, each holding its value, with an `import` row each.

    `openings` pairs an unsaved assignment (with the balance it still grants) with the value
    it holds; `trackers(assignment)` gives its tracker rows. The same rows as
    `assignment_open` with event `import`, written in bulk (`insert_many`): a few INSERTs
    for thousands of assignments, trackers and journal rows (packages.importing).
    """
    _require_atomic()
    assignments = []
    for assignment, value in openings:
        assignment.value_held = inr(value)
        assignments.append(assignment)
    insert_many(assignments, batch_size=batch_size)  # their ids come back: the trackers and rows need them
    insert_many([row for assignment in assignments for row in trackers(assignment)], returning=False, batch_size=batch_size)
    insert_many(
        [
            _journal_row(
                assignment, event=JournalEvent.IMPORT, kind=UsageKind.IMPORT, before=(0, ZERO, ZERO),
                after=_state(assignment), value_delta=assignment.value_held.amount, day=day, branch_id=branch_id,
                item_name=assignment.package_name, value=assignment.price_paid.amount, note=note, user=user,
                line=True,  # a time kind falls from what it holds on the day it is brought in
            )
            for assignment in assignments
        ],
        returning=False, batch_size=batch_size,
    )


# -- bills and their voids --------------------------------------------------------------------


@dataclass
class BenefitsTaken:
    """Uses checked against locked balances and taken in memory: nothing written until `write`."""

    uses: list[tuple[BenefitUse, tuple, tuple, Decimal]] = field(default_factory=list)  # use, before, after, value
    touched: dict[int, PackageAssignment] = field(default_factory=dict)
    assignments: dict[int, PackageAssignment] = field(default_factory=dict)

    def write(
        self, *, user=None, branch_id: int | None = None, invoice_number: str = "",
        line_ids: dict[int, int] | None = None, returning: bool = True, day: date | None = None,
    ) -> list[PackageUsage]:
        """Write the balances and the journal rows (one redemption per use), in the caller's transaction.

        `invoice_number` and `line_ids` (invoice line id by a use's `line_position`) fill in
        what was not known when the uses were taken; `day` is the bill's date, its business day (today
        if None). `returning=False` leaves the rows' ids unread (see
        `core.compiled_writes.insert_all`): nothing then waits on the database.
        """
        _require_atomic()
        day = day or business_day()
        rows = []
        for use, before, after, released in self.uses:
            if use.line_position is not None and line_ids is not None:
                use = replace(use, invoice_line_id=line_ids[use.line_position])
            if invoice_number:
                use = replace(use, invoice_number=invoice_number)
            rows.append(
                _journal_row(
                    self.assignments[use.assignment_id], event=JournalEvent.REDEMPTION, kind=UsageKind.REDEEM,
                    before=before, after=after, value_delta=-released, day=day, branch_id=branch_id,
                    item_name=use.item_name, quantity=use.quantity, value=use.value,
                    invoice_number=use.invoice_number, invoice_line_id=use.invoice_line_id, user=user,
                )
            )
        touched = self.touched
        _store_balances(list(touched.values()))
        _insert(rows, returning=returning)
        _status_follow(touched.values(), _reason("EXHAUSTED"), user)
        if touched:
            # News after commit: a bill that rolls back tells nobody its balance fell.
            left = {
                pk: BalanceLeft(a.package_type, a.remaining_sessions, a.credit_remaining.amount)
                for pk, a in touched.items()
            }
            transaction.on_commit(
                partial(balances_spent.send, sender=PackageAssignment, assignment_ids=sorted(touched), left=left)
            )
        return rows


def _reason(name: str):
    from .services.status import StatusReason

    return StatusReason[name]


def benefits_take(*, assignments: Mapping[int, PackageAssignment], uses: Sequence[BenefitUse]) -> BenefitsTaken:
    """Check each use against its locked assignment again and take it from the balance in memory.

    Raises before anything is written if a package is not active or its balance is short.
    The assignments show their balances (and the value they hold) after the bill from here
    on (a receipt can print them). A use releases `held x used / left` (docs/journal.md
    "Value"); a time kind's use releases nothing (its value falls by the day).
    """
    _require_atomic()
    taken = BenefitsTaken()
    for use in uses:
        assignment = assignments[use.assignment_id]
        taken.assignments[assignment.pk] = assignment
        if assignment.status != AssignmentStatus.ACTIVE:
            raise PackageNotActive(f'"{assignment.package_name}" is {assignment.get_status_display().lower()}.')
        credit = quantize_money(use.credit)
        if use.sessions > assignment.remaining_sessions:
            raise InsufficientBalance(
                f'"{assignment.package_name}" has {assignment.remaining_sessions} sessions left, not {use.sessions}.'
            )
        if credit > assignment.credit_remaining.amount:
            raise InsufficientBalance(
                f'"{assignment.package_name}" has {format_inr(assignment.credit_remaining.amount)} of credit left, '
                f"not {format_inr(credit)}."
            )
        held = assignment.value_held.amount
        if use.sessions:
            released = release(held, use.sessions, assignment.remaining_sessions)
        elif credit:
            released = release(held, credit, assignment.credit_remaining.amount)
        else:
            released = ZERO
        before, after = _move(assignment, sessions=-use.sessions, credit=-credit, value=-released)
        taken.uses.append((use, before, after, released))
        if use.sessions or credit:
            taken.touched[assignment.pk] = assignment
    return taken


def benefits_spend(
    *, assignments: Mapping[int, PackageAssignment], uses: Sequence[BenefitUse], user=None, branch_id: int | None = None,
    day: date | None = None,
) -> list[PackageUsage]:
    """Spend the uses on locked assignments: check each balance again, write journal rows (at `branch_id`) and balances."""
    return benefits_take(assignments=assignments, uses=uses).write(
        user=user, branch_id=branch_id, day=day
    )


def usages_reverse(
    *, invoice_number: str, reversal_number: str, user=None, branch_id: int | None = None, day: date | None = None,
) -> list[PackageAssignment]:
    """Give back everything the invoice's redemption rows took; return the assignments given back.

    Each row gets its reversal (docs/journal.md "Reversals"): the same event, every delta
    negated (the sessions or credit back, the value it released held again), `reverses`
    pointing at it, dated the day of the void.
    """
    _require_atomic()
    day = day or business_day()
    taken = list(
        PackageUsage.objects.filter(
            invoice_number=invoice_number, kind=UsageKind.REDEEM, reversed_by__isnull=True
        ).order_by("pk")
    )
    if not taken:
        return []
    assignments = lock_assignments(row.assignment_id for row in taken)
    rows, touched = [], {}
    for row in taken:
        assignment = assignments[row.assignment_id]
        rows.append(
            _entry(
                assignment, event=row.event or JournalEvent.REDEMPTION, kind=UsageKind.REVERSAL,
                sessions=-row.sessions_delta, credit=-row.credit_delta.amount, value_delta=-row.value_delta.amount,
                day=day, branch_id=branch_id, reverses=row, item_name=row.item_name, quantity=row.quantity,
                value=row.value.amount, invoice_number=reversal_number, invoice_line_id=row.invoice_line_id,
                note=f"Gives back {invoice_number}", user=user, line=False,
            )
        )
        touched[assignment.pk] = assignment
    _insert(rows)
    _store_balances(list(touched.values()))
    _status_follow(touched.values(), _reason("GIVEN_BACK"), user)
    return list(touched.values())


# -- after the sale ---------------------------------------------------------------------------


def _write(assignment: PackageAssignment, rows: list[PackageUsage]) -> list[PackageUsage]:
    _store_balances([assignment])
    return _insert(rows)


def _opening_row(assignment: PackageAssignment) -> PackageUsage | None:
    """The row that sold the assignment (a sale or a renewal), not reversed yet."""
    return (
        PackageUsage.objects.filter(assignment_id=assignment.pk, kind=UsageKind.SALE, reversed_by__isnull=True)
        .order_by("pk")
        .first()
    )


_CLOSING = {
    UsageKind.REFUND: JournalEvent.REFUND,
    UsageKind.TRANSFER_OUT: JournalEvent.TRANSFER_OUT,
}


def assignment_close(
    *,
    assignment: PackageAssignment,
    status: str,
    kind: str,
    reason: str,
    user,
    item_name: str,
    value: Decimal = ZERO,
    number: str = "",
    on_date: date | None = None,
    branch_id: int | None = None,
) -> PackageUsage:
    """End a locked assignment: take away all it has left and all the value it holds, and set `status`.

    `status` is refunded, transferred or cancelled, `kind` the matching usage kind (refund,
    transfer_out, cancel); `number` the document that says so (credit note, refund voucher);
    `value` the rupees the row reports (a refund's amount). A refund or transfer of a time
    kind first catches up its straight-line release; a cancel (the sale voided) reverses the
    sale row instead (docs/journal.md "Reversals"). Returns the closing row.
    """
    from .services.status import StatusReason

    _require_atomic()
    day = on_date or business_day()
    common = {"day": day, "branch_id": branch_id, "user": user}
    reverses = None
    if kind == UsageKind.CANCEL:
        rows = []
        reverses = _opening_row(assignment)
        event = reverses.event if reverses is not None and reverses.event != JournalEvent.NOTE else JournalEvent.SALE
    else:
        rows = _catch_up(assignment, **common)
        event = _CLOSING[kind]
    rows.append(
        _entry(
            assignment, event=event, kind=kind, sessions=-assignment.remaining_sessions,
            credit=-assignment.credit_remaining.amount, value_delta=-assignment.value_held.amount, grant=True,
            reverses=reverses, item_name=item_name, value=value, invoice_number=number, note=reason, **common,
        )
    )
    _write(assignment, rows)
    assignment.closed_on = day
    PackageAssignment.objects.filter(pk=assignment.pk).update(closed_on=day)
    reasons = {
        AssignmentStatus.REFUNDED: StatusReason.REFUNDED,
        AssignmentStatus.TRANSFERRED: StatusReason.TRANSFERRED,
        AssignmentStatus.CANCELLED: StatusReason.CANCELLED,
    }
    _status(assignment, status, reasons[status], user)
    return rows[-1]


def assignment_credit_add(
    *, assignment: PackageAssignment, credit: Decimal, price_paid: Decimal, user, number: str, note: str = "",
    on_date: date | None = None, branch_id: int | None = None,
) -> PackageUsage:
    """Top up a locked credit assignment: more credit, more price paid and sale value, a `top_up` row of +price paid.

    Billing's `assignment_top_up` calls it with the receipt voucher's number, after its checks.
    Credit carries no GST at sale, so the value held grows by the price paid.
    """
    _require_atomic()
    price_paid = quantize_money(price_paid)
    row = _entry(
        assignment, event=JournalEvent.TOP_UP, kind=UsageKind.TOP_UP, credit=credit, value_delta=price_paid,
        grant=True, day=on_date or business_day(), branch_id=branch_id,
        item_name=f"Top-up: {format_inr(credit)} of credit for {format_inr(price_paid)}", value=price_paid,
        note=note or "Credit topped up", user=user, invoice_number=number,
    )
    _write(assignment, [row])
    assignment.price_paid = inr(assignment.price_paid.amount + price_paid)
    assignment.sale_value = inr(assignment.sale_value.amount + price_paid)
    PackageAssignment.objects.filter(pk=assignment.pk).update(
        price_paid=assignment.price_paid, sale_value=assignment.sale_value
    )
    _status_follow([assignment], _reason("TOPPED_UP"), user)
    return row


def transfer_record(
    old: PackageAssignment, new: PackageAssignment, *, trackers, reason: str, user, on_date: date,
    out_name: str, in_name: str,
) -> tuple[PackageUsage, PackageUsage]:
    """Move what a locked assignment holds to `new` (unsaved, another customer's): transfer_out, then transfer_in.

    The old one's time kind first catches up; `new` gets its balance and, as its sale value,
    the value moved. The old one becomes `transferred`; its row's name ends with the new
    one's id (`out_name (package <id>)`).
    """
    sessions, credit = old.remaining_sessions, old.credit_remaining.amount
    catch_up = _catch_up(old, day=on_date, user=user)
    if catch_up:
        _write(old, catch_up)
    moved = old.value_held.amount
    new.total_sessions = new.remaining_sessions = sessions
    new.used_sessions = 0
    new.credit_amount = new.credit_remaining = inr(credit)
    new.credit_used = inr(0)
    new.sale_value = inr(moved)
    opening = assignment_open(
        new, trackers=trackers, event=JournalEvent.TRANSFER_IN, kind=UsageKind.TRANSFER_IN, value=moved, paid=moved,
        day=on_date, item_name=in_name, note=reason, user=user,
    )
    closing = assignment_close(
        assignment=old, status=AssignmentStatus.TRANSFERRED, kind=UsageKind.TRANSFER_OUT, reason=reason, user=user,
        item_name=f"{out_name} (package {new.pk})", value=moved, on_date=on_date,
    )
    return closing, opening


def balance_adjust(
    assignment: PackageAssignment, *, sessions: int = 0, credit: Decimal = ZERO, item_name: str, note: str, user,
    on_date: date | None = None,
) -> PackageUsage:
    """Correct a locked balance by +-sessions or +-credit: an `adjustment` row, then the status follows.

    Taking away releases `held x removed / left` (all when nothing is left); adding for free
    moves no value (docs/journal.md "Value"). Never below zero.
    """
    _require_atomic()
    credit = quantize_money(credit)
    if assignment.remaining_sessions + sessions < 0 or assignment.credit_remaining.amount + credit < 0:
        message = "A balance cannot go below zero."
        field_name = "sessions" if sessions else "credit"
        raise AfterSaleRefused(message, errors={field_name: [message]})
    day = on_date or business_day()
    rows = _catch_up(assignment, day=day, user=user)
    held = assignment.value_held.amount
    if sessions < 0:
        value = -release(held, -sessions, assignment.remaining_sessions)
    elif credit < 0:
        value = -release(held, -credit, assignment.credit_remaining.amount)
    else:
        value = ZERO
    rows.append(
        _entry(
            assignment, event=JournalEvent.ADJUSTMENT, kind=UsageKind.ADJUSTMENT, sessions=sessions, credit=credit,
            value_delta=value, grant=True, day=day, item_name=item_name, note=note, user=user,
        )
    )
    _write(assignment, rows)
    _status_follow([assignment], _reason("ADJUSTED"), user)
    return rows[-1]


def extension_record(
    assignment: PackageAssignment, *, expires_on: date, item_name: str, note: str, user, on_date: date | None = None
) -> PackageUsage:
    """Write what an extension of expiry to `expires_on` does to the value, before the new expiry is stored.

    A time kind catches up on its old line; an expired package gets back what its expiry
    took (the reversal of the expiry row); then a `note` row (no value) says the expiry moved
    and, on a time kind, starts its new line to `expires_on` (still none while paused).
    """
    _require_atomic()
    day = on_date or business_day()
    rows = _catch_up(assignment, day=day, user=user)
    if assignment.status == AssignmentStatus.EXPIRED:
        expired = (
            PackageUsage.objects.filter(
                assignment_id=assignment.pk, event=JournalEvent.EXPIRY, reverses__isnull=True, reversed_by__isnull=True
            )
            .order_by("-pk")
            .first()
        )
        if expired is not None and expired.value_delta.amount:
            rows.append(
                _entry(
                    assignment, event=JournalEvent.EXPIRY, kind=UsageKind.EXTENSION,
                    value_delta=-expired.value_delta.amount, day=day, reverses=expired,
                    item_name="Expiry undone by an extension", note=note, user=user,
                )
            )
    line_end = None if assignment.status == AssignmentStatus.PAUSED else expires_on
    rows.append(
        _entry(assignment, event=JournalEvent.NOTE, kind=UsageKind.EXTENSION, day=day, item_name=item_name, note=note,
               user=user, line_end=line_end)
    )
    _write(assignment, rows)
    return rows[-1]


def pause_record(assignment: PackageAssignment, *, user, on_date: date) -> list[PackageUsage]:
    """Stop a locked time kind's line for a pause: its catch-up to `on_date`, then a `pause` row holding what is left.

    Other kinds release nothing by the day, so their pause writes nothing here.
    """
    _require_atomic()
    if not releases_by_time(assignment.package_type):
        return []
    rows = _catch_up(assignment, day=on_date, user=user)
    rows.append(
        _entry(assignment, event=JournalEvent.NOTE, kind=UsageKind.PAUSE, day=on_date, item_name="Paused", user=user,
               line_end=None)
    )
    return _write(assignment, rows)


def resume_record(assignment: PackageAssignment, *, user, on_date: date) -> list[PackageUsage]:
    """Start a locked time kind's line again on resume: a `resume` row from what it holds on `on_date` to its new expiry.

    The caller has pushed `expires_on` back by the days paused. Other kinds: nothing.
    """
    _require_atomic()
    if not releases_by_time(assignment.package_type):
        return []
    rows = _catch_up(assignment, day=on_date, user=user)
    rows.append(
        _entry(assignment, event=JournalEvent.NOTE, kind=UsageKind.RESUME, day=on_date,
               item_name=f"Resumed, expires {assignment.expires_on:%d %b %Y}" if assignment.expires_on else "Resumed",
               user=user, line_end=assignment.expires_on)
    )
    return _write(assignment, rows)


def expiry_record(assignment: PackageAssignment, *, user=None, on_date: date | None = None) -> PackageUsage:
    """Write the expiry of one locked assignment (a resume found it past its date): catch-up, then `expiry` −held.

    The caller sets the status in the same transaction. The sweep (`expiries_record`)
    writes the same rows for every package due at once.
    """
    _require_atomic()
    day = on_date or business_day()
    rows = _catch_up(assignment, day=day, user=user)
    rows.append(
        _entry(
            assignment, event=JournalEvent.EXPIRY, kind=UsageKind.EXPIRY, value_delta=-assignment.value_held.amount,
            day=day, item_name="Expired", user=user,
        )
    )
    _write(assignment, rows)
    return rows[-1]


def _expiry_rows_sql(on_date: date, now) -> tuple[str, list]:
    """INSERT ... SELECT the expiry sweep's rows, for every active package past its date: one statement.

    Step 1, for a time kind still holding value: its catch-up redemption, down to its
    straight-line value on a day past its expiry, nothing. Step 2, for each: the `expiry`
    row taking what is left (nothing, for a time kind). Where rows are locked (PostgreSQL)
    the SELECT locks the assignments in id order, as every writer does (billing/locks.py).
    """
    ops, quote = connection.ops, connection.ops.quote_name
    meta = PackageAssignment._meta
    a = {name: f"a.{quote(meta.get_field(name).column)}" for name in (
        "id", "branch", "status", "expires_on", "remaining_sessions", "credit_remaining", "value_held", "package_type",
    )}
    kinds = time_kinds()
    is_time = f"{a['package_type']} IN ({', '.join(['%s'] * len(kinds))})" if kinds else "1 = 0"
    day = ops.adapt_datefield_value(on_date)
    stamp = ops.adapt_datetimefield_value(now)
    takes = f"{a['value_held']} > 0 AND (s.step = 1 OR NOT ({is_time}))"  # the row that takes what is held
    # Every column of the row: an SQL expression and its parameters (the rest take their defaults).
    given = {
        "assignment": (a["id"], []),
        "branch": (a["branch"], []),
        "home_branch": (a["branch"], []),
        "package_type": (a["package_type"], []),
        "kind": ("CASE s.step WHEN 1 THEN %s ELSE %s END", [UsageKind.TIME_RELEASE.value, UsageKind.EXPIRY.value]),
        "event": ("CASE s.step WHEN 1 THEN %s ELSE %s END", [JournalEvent.REDEMPTION.value, JournalEvent.EXPIRY.value]),
        "item_name": ("CASE s.step WHEN 1 THEN %s ELSE %s END", [f"Used up by time to {on_date:%d %b %Y}", "Expired"]),
        "business_day": ("%s", [day]),
        "created_at": ("%s", [stamp]),
        "sessions_before": (a["remaining_sessions"], []),
        "sessions_after": (a["remaining_sessions"], []),
        "credit_before": (a["credit_remaining"], []),
        "credit_after": (a["credit_remaining"], []),
        "value_delta": (
            f"CASE WHEN s.step = 1 OR NOT ({is_time}) THEN 0 - {a['value_held']} ELSE 0 END", [*kinds],
        ),
        # What the liability counts (docs/journal.md "The snapshot"): the row taking the value stops
        # the package holding and takes back the sessions and credit it counted; value after: 0.
        "holders_delta": (f"CASE WHEN {takes} THEN -1 ELSE 0 END", [*kinds]),
        "sessions_held_delta": (f"CASE WHEN {takes} THEN 0 - {a['remaining_sessions']} ELSE 0 END", [*kinds]),
        "credit_held_delta": (f"CASE WHEN {takes} THEN 0 - {a['credit_remaining']} ELSE 0 END", [*kinds]),
        # A time kind's line ends with it: both rows hold nothing after them.
        "line_from": (f"CASE WHEN {is_time} THEN %s END", [*kinds, day]),
        "line_end": (f"CASE WHEN {is_time} THEN {a['expires_on']} END", [*kinds]),
    }
    columns, expressions, params = [], [], []
    usage = PackageUsage._meta
    for model_field in usage.concrete_fields:
        if model_field.primary_key:
            continue
        columns.append(quote(model_field.column))
        if model_field.name in given:
            sql, args = given[model_field.name]
            expressions.append(sql)
            params += args
        else:
            expressions.append("%s")
            params.append(model_field.get_db_prep_save(model_field.get_default(), connection))
    where = (
        f"{a['status']} = %s AND {a['expires_on']} < %s "
        f"AND (s.step = 2 OR ({is_time} AND {a['value_held']} <> 0))"
    )
    params += [AssignmentStatus.ACTIVE.value, day, *kinds]
    lock = " FOR NO KEY UPDATE OF a" if connection.features.has_select_for_update else ""
    sql = (
        f"INSERT INTO {quote(usage.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} FROM {quote(meta.db_table)} a "
        f"CROSS JOIN (SELECT 1 AS step UNION ALL SELECT 2 AS step) s "
        f"WHERE {where} ORDER BY {a['id']}, s.step{lock}"
    )
    return sql, params


def expiries_record(on_date: date) -> list[int]:
    """Expire every active package past its date on `on_date`: journal rows, status and value held, set-based.

    Two statements whatever the number of rows: the rows (`_expiry_rows_sql`), then one
    UPDATE of the assignments to `expired` holding nothing, RETURNING their ids (the ORM's
    update() answers a count only; the ids are the news). One statement cannot miss or
    double-count a row that changes between a SELECT and an UPDATE; where rows are locked
    (PostgreSQL) they are already, in id order, by the first.
    """
    _require_atomic()
    now = timezone.now()
    sql, params = _expiry_rows_sql(on_date, now)
    meta, quote, ops = PackageAssignment._meta, connection.ops.quote_name, connection.ops
    column = {name: quote(meta.get_field(name).column) for name in ("id", "status", "updated_at", "expires_on", "value_held")}
    update = (
        f"UPDATE {quote(meta.db_table)} SET {column['status']} = %s, {column['value_held']} = %s, "
        f"{column['updated_at']} = %s WHERE {column['status']} = %s AND {column['expires_on']} < %s "
        f"RETURNING {column['id']}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.execute(update, [
            AssignmentStatus.EXPIRED.value, meta.get_field("value_held").get_db_prep_save(ZERO, connection),
            ops.adapt_datetimefield_value(now), AssignmentStatus.ACTIVE.value, ops.adapt_datefield_value(on_date),
        ])
        return sorted(row[0] for row in cursor.fetchall())


def trackers_sync(assignment: PackageAssignment) -> None:
    """Write a locked assignment's balances to its trackers again (reconcile's repair)."""
    _store_balances([assignment])
