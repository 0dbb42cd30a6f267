"""The project's settings plus the test-only app of a seventh package kind (tests/kindapp)."""
from spa_pkg.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.kindapp"]  # noqa: F405

# No broker, whatever the environment says (tests/ops start a real worker). A Celery task a test
# calls runs in process; the sends a request hands over wait in the database backend's queue
# (TASKS, as in production) until the test runs the worker (tests/notifications/conftest.py), so
# a test can see that the request itself sent nothing.
CELERY_BROKER_URL = ""
CELERY_TASK_ALWAYS_EAGER = True

# The reports replica's alias (core/routers.py), mirroring the test database: the replica
# tests turn it on with override_settings(REPORTS_DATABASE="reports"); everything else runs
# as a shop without a replica (REPORTS_DATABASE None, unless REPORTS_DATABASE_URL is set).
if "reports" not in DATABASES:  # noqa: F405
    DATABASES["reports"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_ROUTERS = ["core.routers.ReportsRouter"]

# No quiet hours, whatever the clock says when the suite runs: the tests of reminders would
# otherwise pass or wait by the hour of day. tests/notifications/test_quiet_hours.py sets them
# (the default 21:00-09:00) and moves the clock.
QUIET_HOURS_START = QUIET_HOURS_END = ""
