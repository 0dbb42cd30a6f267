"""The columns of 0022 for the rows written before it (issue 22; docs/journal.md "The snapshot", "Time kinds").

Replayed per assignment in id order (the order the writer wrote them):

- value_after: the running sum of value_delta;
- holders_delta: +1 on the row after which the package holds value and did not before, -1 the other way;
- sessions_held_delta, credit_held_delta: the change in the sessions and credit the package counts
  while it holds value (all it has then, none otherwise);
- a time kind's row that is not a bill or a bill's void sets its line: from the row's day (or
  the package's start, if later; a sale from the start) to its expiry. The expiry stored now is the only one known;
  for a package never extended nor paused it is the one in force all along.

The daily summary is then emptied and its watermark set to 0, so the next fold sums the
journal again with the new figures. The reverse clears the columns and the summary the same way.
Works by assignment id ranges, in bounded memory.
"""
from decimal import Decimal

from django.db import migrations
from django.db.models import Max

CHUNK = 2000
ZERO = Decimal("0.00")
TIME_KINDS = {"membership", "yearly_membership", "student_offer"}
NO_LINE = {"redeem", "reversal"}  # bills and their voids move no time kind's line
OPENING = {"sale", "transfer_in"}  # the line starts with the package
FIELDS = ["value_after", "holders_delta", "sessions_held_delta", "credit_held_delta", "line_from", "line_end"]


def _amount(money) -> Decimal:
    return getattr(money, "amount", money) if money is not None else ZERO


def _counted(sessions, credit, held):
    return (sessions, credit) if held > 0 else (0, ZERO)


def _replay(assignment, rows):
    """Fill the new columns of one assignment's rows (in id order) in memory."""
    held = ZERO
    for row in rows:
        before_held = held
        held += _amount(row.value_delta)
        before = _counted(row.sessions_before, _amount(row.credit_before), before_held)
        after = _counted(row.sessions_after, _amount(row.credit_after), held)
        row.value_after = held
        row.holders_delta = int(held > 0) - int(before_held > 0)
        row.sessions_held_delta = after[0] - before[0]
        row.credit_held_delta = after[1] - before[1]
        if assignment.package_type in TIME_KINDS and row.kind not in NO_LINE and row.business_day is not None:
            opening = row.kind in OPENING
            row.line_from = assignment.assigned_on if opening else max(row.business_day, assignment.assigned_on)
            row.line_end = assignment.expires_on


def _summary_reset(apps, db):
    apps.get_model("packages", "JournalDay").objects.using(db).all().delete()
    apps.get_model("packages", "JournalFold").objects.using(db).filter(pk=1).update(upto_id=0, folded_at=None)


def lines_and_holders(apps, schema_editor):
    Assignment = apps.get_model("packages", "PackageAssignment")
    Usage = apps.get_model("packages", "PackageUsage")
    db = schema_editor.connection.alias
    last = Assignment.objects.using(db).aggregate(last=Max("pk"))["last"] or 0
    for start in range(0, last, CHUNK):
        assignments = {a.pk: a for a in Assignment.objects.using(db).filter(pk__gt=start, pk__lte=start + CHUNK)}
        rows = {}
        for row in Usage.objects.using(db).filter(assignment_id__in=assignments).order_by("assignment_id", "pk"):
            rows.setdefault(row.assignment_id, []).append(row)
        for pk, replayed in rows.items():
            _replay(assignments[pk], replayed)
        Usage.objects.using(db).bulk_update([row for replayed in rows.values() for row in replayed], FIELDS, batch_size=500)
    _summary_reset(apps, db)


def cleared(apps, schema_editor):
    db = schema_editor.connection.alias
    apps.get_model("packages", "PackageUsage").objects.using(db).update(
        value_after=ZERO, holders_delta=0, sessions_held_delta=0, credit_held_delta=ZERO, line_from=None, line_end=None
    )
    _summary_reset(apps, db)


class Migration(migrations.Migration):

    dependencies = [
        ("packages", "0022_journal_lines_and_holders"),
    ]

    operations = [
        migrations.RunPython(lines_and_holders, cleared),
    ]
