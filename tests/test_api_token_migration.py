"""The migration that makes tokens expire keeps today's tokens working for one lifetime, and gives managers Revoke."""
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("api_tokens", "0001_token_life")]
AFTER = [("api_tokens", "0002_existing_tokens_and_managers")]


@pytest.fixture
def migrator():
    """Yield an executor; put every app back on its latest migration afterwards, whatever happened."""
    yield MigrationExecutor(connection)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_token_made_before_tokens_expired_gets_one_lifetime_from_the_migration(migrator):
    migrator.migrate(BEFORE)
    old = migrator.loader.project_state(BEFORE).apps
    user = old.get_model("auth", "User").objects.create(username="integrator")
    token = old.get_model("authtoken", "Token").objects.create(key="f" * 40, user=user)
    old.get_model("authtoken", "Token").objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=400))

    migrator = MigrationExecutor(connection)
    migrator.migrate(AFTER)

    new = migrator.loader.project_state(AFTER).apps
    life = new.get_model("api_tokens", "TokenLife").objects.get(token_id="f" * 40)
    assert timezone.now() - life.last_used_at < timedelta(minutes=1)
    manager = new.get_model("auth", "Group").objects.get(name="Manager")
    assert set(
        manager.permissions.filter(content_type__app_label="api_tokens").values_list("codename", flat=True)
    ) == {"view_tokenlife", "delete_tokenlife"}
