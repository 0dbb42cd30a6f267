"""`manage.py migrate` alone makes a working site: the database cache's table comes with the migrations."""
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from branches.migrating import database_cache_tables

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_without_cache_table():
    """A database as `migrate` leaves it, minus the cache table that the test runner adds by itself."""
    with connection.schema_editor() as editor:
        for table in database_cache_tables():
            editor.execute(f"DROP TABLE IF EXISTS {editor.quote_name(table)}")
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    call_command("createcachetable", verbosity=0)


def migrate_branches_from_the_start_of_the_cache_table():
    MigrationExecutor(connection).migrate([("branches", "0002_first_branch")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_migrate_alone_creates_the_database_cache_table_and_sign_in_answers(database_without_cache_table):
    assert database_cache_tables() == ["spa_pkg_cache"]

    migrate_branches_from_the_start_of_the_cache_table()

    assert "spa_pkg_cache" in connection.introspection.table_names()
    response = Client().post("/login", {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200


def test_the_cache_table_migration_goes_back_and_forward(database_without_cache_table):
    migrate_branches_from_the_start_of_the_cache_table()
    MigrationExecutor(connection).migrate([("branches", "0002_first_branch")])

    assert "spa_pkg_cache" not in connection.introspection.table_names()
