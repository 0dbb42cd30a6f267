"""The project's settings plus the test-only app of an eighth package kind (tests/kindapp)."""
from spa_pkg.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.kindapp"]  # noqa: F405
