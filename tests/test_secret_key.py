"""With DEBUG off the app refuses to start without SECRET_KEY, in one line; DEBUG=true keeps a dev key."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "a-real-looking-secret-key-9f8e7d6c5b4a39281706f5e4d3c2b1a0-zyxwvutsrqponm"


# Set by the test run itself (pytest-env, the browser tests' conftest), never by a deployment.
NOT_INHERITED = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run a Python process in the project with SECRET_KEY taken out of the environment."""
    environment = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    environment.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


@pytest.fixture(autouse=True)
def no_env_file():
    if (ROOT / ".env").exists():
        pytest.skip("a .env file beside manage.py may set SECRET_KEY")


def test_manage_py_refuses_to_start_without_secret_key_when_debug_is_off_in_one_line():
    result = run("manage.py", "check", DEBUG="false")

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("ImproperlyConfigured: SECRET_KEY is not set")


def test_django_setup_raises_improperly_configured_without_secret_key_when_debug_is_off():
    result = run(
        "-c", "import django; django.setup()", DEBUG="false", DJANGO_SETTINGS_MODULE="spa_pkg.settings"
    )

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set")


def test_debug_true_starts_with_the_development_key_and_check_deploy_says_it_is_insecure():
    assert run("manage.py", "check", DEBUG="true").returncode == 0

    deploy = run("manage.py", "check", "--deploy", DEBUG="true")

    assert "security.W009" in deploy.stderr  # the development key
    assert "security.W018" in deploy.stderr  # DEBUG on


def test_check_deploy_with_a_real_key_warns_about_https_but_not_the_key():
    result = run("manage.py", "check", "--deploy", DEBUG="false", SECRET_KEY=STRONG_KEY)

    assert result.returncode == 0, result.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr
    assert "security.W009" not in result.stderr
    assert "security.W018" not in result.stderr
