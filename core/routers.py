"""Send the reports' reads to the reports replica when there is one (settings.REPORTS_DATABASE).

A report is a long read of the whole journal; on a streaming replica it costs the counter's
database nothing. The report views run their selectors inside `report_reads()`; the router
sends every read made there to the replica. Writes always go to `default`, and nothing is
migrated on the replica (it is a copy of `default`, read-only). Without REPORTS_DATABASE_URL
everything reads and writes `default`, as before.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

_reading_reports: ContextVar[bool] = ContextVar("reading_reports", default=False)


def reports_db() -> str:
    """The database alias the reports read: the replica's when one is configured, else `default`."""
    return getattr(settings, "REPORTS_DATABASE", None) or DEFAULT_DB_ALIAS


@contextmanager
def report_reads() -> Iterator[str]:
    """Within the block, reads go to `reports_db()` (yielded); writes still go to `default`."""
    token = _reading_reports.set(True)
    try:
        yield reports_db()
    finally:
        _reading_reports.reset(token)


class ReportsRouter:
    def db_for_read(self, model, **hints):
        if _reading_reports.get():
            return reports_db()
        return None

    def db_for_write(self, model, **hints):
        # Never the replica, even for a row a report read there.
        return DEFAULT_DB_ALIAS if getattr(settings, "REPORTS_DATABASE", None) else None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as default

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        replica = getattr(settings, "REPORTS_DATABASE", None)
        return False if replica and db == replica else None
