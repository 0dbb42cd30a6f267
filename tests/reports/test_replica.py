"""Reports read the reports replica when REPORTS_DATABASE_URL names one; nothing is written there.

The test settings give the `reports` alias as a mirror of the test database (a second
connection to the same database), so a test can see which connection each statement took.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext, override_settings

from core.routers import report_reads, reports_db
from packages.models import PackageAssignment

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "reports"])


def settings_with(**env) -> dict:
    """What spa_pkg.settings makes of the environment, in a fresh process."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'aliases': sorted(settings.DATABASES), 'reports': settings.REPORTS_DATABASE, "
        "'replica': settings.DATABASES.get('reports', {}).get('NAME'), 'routers': settings.DATABASE_ROUTERS}))"
    )
    environ = {k: v for k, v in os.environ.items() if k not in ("REPORTS_DATABASE_URL", "DATABASE_URL")}
    environ.update(DJANGO_SETTINGS_MODULE="spa_pkg.settings", SECRET_KEY="test-only", DEBUG="false", **env)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_without_reports_database_url_there_is_one_database():
    assert settings_with() == {"aliases": ["default"], "reports": None, "replica": None, "routers": []}


def test_reports_database_url_adds_the_reports_alias():
    found = settings_with(REPORTS_DATABASE_URL="postgres://postgres@127.0.0.1:5433/spa_replica")
    assert found["aliases"] == ["default", "reports"]
    assert (found["reports"], found["replica"]) == ("reports", "spa_replica")
    assert found["routers"] == ["core.routers.ReportsRouter"]


def report_statements(client, shop, path):
    client.force_login(shop.manager)
    with CaptureQueriesContext(connections["default"]) as on_default, \
            CaptureQueriesContext(connections["reports"]) as on_replica:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return response, on_default, on_replica


def mentions(queries, table: str) -> list[str]:
    return [query["sql"] for query in queries if table in query["sql"]]


def on_default_answer(client) -> list[dict]:
    """The liability as the default database gives it, through the same API."""
    with override_settings(REPORTS_DATABASE=None):
        return client.get("/api/reports/liability").json()["by_kind"]


def test_without_a_replica_reports_read_the_default_database(client, shop):
    assert reports_db() == "default"
    response, on_default, on_replica = report_statements(client, shop, "/api/reports/liability")
    assert mentions(on_default, "package_usage")  # the liability reads the journal
    assert not on_replica.captured_queries
    assert response.json()["by_kind"] == on_default_answer(client)


@override_settings(REPORTS_DATABASE="reports")
def test_with_a_replica_the_reports_read_it_and_the_rest_reads_default(client, shop):
    assert reports_db() == "reports"
    response, on_default, on_replica = report_statements(client, shop, "/api/reports/liability")
    assert mentions(on_replica, "package_usage")  # the liability reads the journal
    assert not mentions(on_default, "package_usage")  # the session and the user stay on default
    assert response.json()["by_kind"] == on_default_answer(client)

    _, on_default, on_replica = report_statements(client, shop, "/reports?tab=day_close")
    assert mentions(on_replica, "billing_invoice") and not mentions(on_default, "billing_invoice")


@override_settings(REPORTS_DATABASE="reports")
def test_a_write_made_while_reading_reports_goes_to_default(shop):
    with CaptureQueriesContext(connections["default"]) as on_default, \
            CaptureQueriesContext(connections["reports"]) as on_replica, report_reads() as alias:
        assignment = PackageAssignment.objects.get(pk=shop.series.pk)  # read on the replica
        assignment.notes = "Read on the replica, written on default"
        assignment.save(update_fields=["notes"])
    assert alias == "reports"
    assert assignment._state.db == "default"
    assert [q for q in on_replica.captured_queries if q["sql"].startswith("SELECT")]
    assert not [q for q in on_replica.captured_queries if q["sql"].startswith("UPDATE")]
    assert [q for q in on_default.captured_queries if q["sql"].startswith("UPDATE")]
