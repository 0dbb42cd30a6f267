"""billing 0013/0014 on a shop with day sequences: one row per financial year, and no new number meets an old one."""
from datetime import date

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from billing.models import NumberSequence
from billing.numbering import next_number

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("billing", "0012_managers_override_package_price")]
# What a shop counted per day before: two days of 2025-26, two of 2026-27 (and a receipt day).
DAYS = [
    ("INV", "2026-03-30", 3), ("INV", "2026-03-31", 2), ("INV", "2026-04-01", 4), ("INV", "2026-12-07", 12),
    ("REC", "2026-12-07", 12),
]


@pytest.fixture
def migrator():
    """Yield an executor; put every app back on its latest migration afterwards, whatever happened."""
    yield MigrationExecutor(connection)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate_a_shop_with_day_sequences(migrator) -> list[tuple[str, int, int]]:
    migrator.migrate(BEFORE)
    old = migrator.loader.project_state(BEFORE).apps
    branch, _ = old.get_model("branches", "Branch").objects.get_or_create(
        code="MAIN", defaults={"name": "Lotus", "address": "MG Road", "gstin": "29ABCFE1234F1Z5", "state_code": "29"}
    )
    branch_id = branch.pk
    for series, day, last in DAYS:
        old.get_model("billing", "NumberSequence").objects.create(
            branch_id=branch_id, series=series, day=day, last_value=last
        )
    migrator = MigrationExecutor(connection)
    migrator.migrate(migrator.loader.graph.leaf_nodes())
    return sorted(NumberSequence.objects.values_list("series", "financial_year", "last_value"))


def test_a_format_that_prints_the_year_starts_a_new_series_at_1(migrator):
    assert migrate_a_shop_with_day_sequences(migrator) == [("INV", 2025, 0), ("INV", 2026, 0), ("REC", 2026, 0)]

    with transaction.atomic():
        assert next_number("INV", day=date(2026, 12, 7)) == "MAIN/26-27/00001"


@override_settings(INVOICE_NUMBER_FORMAT="INV{date:%y%m%d}{seq:04d}")
def test_a_format_that_prints_the_day_continues_after_every_number_of_its_year(migrator):
    # INV2612070001 to INV2612070012 were issued on 7 December; 4 + 12 numbers in 2026-27 so far.
    assert migrate_a_shop_with_day_sequences(migrator) == [("INV", 2025, 5), ("INV", 2026, 16), ("REC", 2026, 0)]

    with transaction.atomic():
        assert next_number("INV", day=date(2026, 12, 7)) == "INV2612070017"


def test_going_back_gives_each_year_the_row_of_its_first_day(migrator):
    migrate_a_shop_with_day_sequences(migrator)
    migrator = MigrationExecutor(connection)
    migrator.migrate(BEFORE)

    old = migrator.loader.project_state(BEFORE).apps
    rows = old.get_model("billing", "NumberSequence").objects.values_list("series", "day", "last_value")
    assert sorted((series, day.isoformat(), last) for series, day, last in rows) == [
        ("INV", "2025-04-01", 0), ("INV", "2026-04-01", 0), ("REC", "2026-04-01", 0),
    ]
