"""The project's settings plus the test-only app of an eighth package kind (tests/kindapp)."""
from spa_pkg.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.kindapp"]  # noqa: F405

# Tasks run in process in the tests, whatever the environment says (tests/ops start a real worker).
CELERY_BROKER_URL = ""
CELERY_TASK_ALWAYS_EAGER = True
