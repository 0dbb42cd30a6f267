"""The files under docs/samples/: the demo shop goes live from the demo file in one command (docs/going-live.md)."""
from datetime import datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Sum

from packages.models import PackageAssignment
from packages.services import balances_reconcile
from reports.selectors import liability

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
# The day the demo file was written (bench/import_data.py --today): its packages are in force then.
WRITTEN = datetime(2026, 12, 7, 12, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


def command(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_demo_shop_goes_live_from_the_demo_file_in_one_command():
    with time_machine.travel(WRITTEN, tick=False):
        command("seed_demo")
        before = liability(as_of=WRITTEN.date())["total"]

        assert "2 package(s) to bring in" in command("import_packages", str(SAMPLES / "packages-template.csv"), "--dry-run")
        out = command("import_packages", str(SAMPLES / "demo-import.csv"))

        assert "800 row(s) read; 800 package(s) to bring in" in out
        imported = PackageAssignment.objects.filter(import_reference__isnull=False)
        assert imported.count() == 800
        assert imported.values("customer").distinct().count() == 500
        assert set(imported.values_list("package_type", flat=True)) == {
            "prepaid", "service_package", "membership", "student_offer", "yearly_membership", "kitty_party",
        }
        value = imported.aggregate(total=Sum("value_held"))["total"]
        assert liability(as_of=WRITTEN.date())["total"] == before + value
        assert balances_reconcile().differences == []
