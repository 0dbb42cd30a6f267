"""The journal's daily summary (docs/journal.md "The daily summary"): sums per day, selling branch, kind and event.

The journal is append-only, so the sums of its rows up to an id never change. `journal_fold`
adds the rows above the watermark (`JournalFold.upto_id`) to `JournalDay` and moves the
watermark; `journal_totals` reads the folded sums plus the rows above the watermark, live,
in one statement, so a report of any period reads a few thousand summary rows and the rows
written since the last fold, whatever the size of the journal.

The race: ids are taken when a row is inserted, not when its transaction commits, so a row
with an id below a committed one can still be invisible (its transaction still open). A fold
therefore moves the watermark only up to the last row created `settle` ago (five minutes by
default): a bill's transaction lasts milliseconds, and the writer never keeps one open for
minutes. A row committed later than that below the watermark would be missed by the summary;
`summary_differences` (run by `reconcile_packages`) finds it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Max, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import JournalDay, JournalFold, PackageUsage
from .valuation_sql import Paise

SETTLE = timedelta(minutes=5)
GROUP = ("business_day", "home_branch", "package_type", "event")
# Each summed figure: its JournalDay column and the sum of journal rows it keeps.
FIGURES = {
    "rows": Count("pk"),
    "value_paise": Sum(Paise("value_delta")),
    "sessions": Coalesce(Sum("sessions_delta"), 0),
    "credit_paise": Sum(Paise("credit_delta")),
    "holders": Coalesce(Sum("holders_delta"), 0),
    "sessions_held": Coalesce(Sum("sessions_held_delta"), 0),
    "credit_held_paise": Sum(Paise("credit_held_delta")),
}
# What `journal_totals` answers per group, by the JournalDay column it sums.
TOTALS = {
    "rows": "rows", "value_paise": "paise", "sessions": "sessions", "credit_paise": "credit_paise",
    "holders": "holders", "sessions_held": "sessions_held", "credit_held_paise": "credit_held_paise",
}


def _sums(rows):
    """The journal rows' FIGURES per GROUP, each under its JournalDay column's name prefixed `sum_`."""
    return rows.order_by().values(*GROUP).annotate(**{f"sum_{name}": total for name, total in FIGURES.items()})


@dataclass(frozen=True)
class Fold:
    upto_id: int
    rows: int
    groups: int


def _watermark() -> JournalFold:
    return JournalFold.objects.get_or_create(pk=1, defaults={"upto_id": 0})[0]


def journal_fold(*, settle: timedelta = SETTLE, now=None) -> Fold:
    """Fold the journal rows above the watermark that were written at least `settle` ago; return what was folded.

    One transaction: the watermark row is locked (a second fold waits, then finds nothing new),
    the rows are summed per group in one GROUP BY and inserted, and the watermark moves.
    """
    now = now or timezone.now()
    _watermark()
    with transaction.atomic():
        mark = JournalFold.objects.select_for_update().get(pk=1)
        upto = (
            PackageUsage.objects.filter(pk__gt=mark.upto_id, created_at__lte=now - settle).aggregate(upto=Max("pk"))["upto"]
        )
        if upto is None:
            return Fold(upto_id=mark.upto_id, rows=0, groups=0)
        sums = list(_sums(PackageUsage.objects.filter(pk__gt=mark.upto_id, pk__lte=upto)))
        JournalDay.objects.bulk_create(
            [
                JournalDay(
                    business_day=row["business_day"], home_branch_id=row["home_branch"],
                    package_type=row["package_type"], event=row["event"],
                    **{name: int(row[f"sum_{name}"] or 0) for name in FIGURES},
                )
                for row in sums
            ],
            batch_size=1000,
        )
        mark.upto_id, mark.folded_at = upto, now
        mark.save(update_fields=["upto_id", "folded_at"])
    return Fold(upto_id=upto, rows=sum(row["sum_rows"] for row in sums), groups=len(sums))


def journal_totals(*, group_by: tuple[str, ...], day_to: date | None = None, day_from: date | None = None, home_branch=None):
    """Return, per `group_by` (fields of GROUP), the sums of the journal rows in the days given (either end open).

    Each dict has the group's fields and `paise`, `sessions`, `credit_paise` (whole paise),
    `rows`, and what the liability counts: `holders`, `sessions_held`, `credit_held_paise`.
    One statement: the folded sums UNION ALL the live rows above the watermark, added up here
    per group.
    """
    days = {}
    if day_to is not None:
        days["business_day__lte"] = day_to
    if day_from is not None:
        days["business_day__gte"] = day_from
    if home_branch is not None:
        days["home_branch"] = home_branch
    folded = (
        JournalDay.objects.filter(**days)
        .order_by()
        .values(*group_by)
        .annotate(**{f"sum_{name}": Sum(name) for name in FIGURES}, live=Value(0))
    )
    mark = Coalesce(Subquery(JournalFold.objects.filter(pk=1).values("upto_id")[:1]), 0)
    live = (
        PackageUsage.objects.filter(**days)
        .filter(pk__gt=mark)
        .order_by()
        .values(*group_by)
        .annotate(**{f"sum_{name}": total for name, total in FIGURES.items()}, live=Value(1))
    )
    totals: dict[tuple, dict] = {}
    for row in folded.union(live, all=True):
        key = tuple(row[field] for field in group_by)
        total = totals.setdefault(key, {**{field: row[field] for field in group_by}, **dict.fromkeys(TOTALS.values(), 0)})
        for name, answer in TOTALS.items():
            total[answer] += int(row[f"sum_{name}"] or 0)
    return list(totals.values())


def summary_differences() -> list[str]:
    """Compare the summary with the journal rows up to the watermark, per group; return what differs."""
    mark = _watermark().upto_id
    folded = {
        tuple(row[field] for field in GROUP): row
        for row in JournalDay.objects.order_by().values(*GROUP).annotate(**{f"sum_{name}": Sum(name) for name in FIGURES})
    }
    journal = {tuple(row[field] for field in GROUP): row for row in _sums(PackageUsage.objects.filter(pk__lte=mark))}
    differences = []
    for key in sorted(set(folded) | set(journal), key=str):
        a, b = folded.get(key, {}), journal.get(key, {})
        figures = [(int(a.get(f"sum_{name}") or 0), int(b.get(f"sum_{name}") or 0)) for name in FIGURES]
        if any(x != y for x, y in figures):
            differences.append(
                f"journal summary {key[0]} branch {key[1]} {key[2]} {key[3]}: "
                f"summary {'/'.join(FIGURES)} {[x for x, _ in figures]}, journal {[y for _, y in figures]}"
            )
    return differences

