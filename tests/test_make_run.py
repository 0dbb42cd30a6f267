"""A newcomer's first `make run`: installs only what runs the app, writes a development .env,
keeps the worker's output out of the terminal, and says how to choose HOST and PORT.

The Makefile is read with `make -n` (print, run nothing) in a temporary copy, so nothing is installed.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_INHERITED = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "MAKEFLAGS", "MAKELEVEL", "HOST", "PORT")


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}


def make_dry_run(directory: Path, *args: str) -> str:
    result = subprocess.run(
        ["make", "-n", *args], cwd=directory, env=clean_env(), capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def makefile_copy(tmp_path: Path) -> Path:
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def project_copy(tmp_path: Path) -> Path:
    """The project's source without its virtualenv, databases, .env or logs."""
    target = tmp_path / "project"
    shutil.copytree(
        ROOT,
        target,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", ".env", "var", "staticfiles", "media", "db.sqlite3*", "test_db.sqlite3*",
            "__pycache__", "node_modules", "test-results", ".hypothesis", ".schemathesis", ".*_cache",
        ),
    )
    return target


def run_python(directory: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=directory, env=clean_env(), capture_output=True, text=True, timeout=120
    )


# --- item 17: `make run` installs requirements.txt, the test targets add requirements-dev.txt ---------


def test_make_run_installs_what_runs_the_app_and_not_the_test_tools(tmp_path):
    plan = make_dry_run(makefile_copy(tmp_path), "run")

    assert "-r requirements.txt" in plan
    assert "requirements-dev.txt" not in plan


def test_make_test_and_lint_add_the_test_tools(tmp_path):
    directory = makefile_copy(tmp_path)

    for target in ("test", "lint", "bench"):
        plan = make_dry_run(directory, target)
        assert "-r requirements.txt" in plan, target
        assert "-r requirements-dev.txt" in plan, target


def test_each_requirements_file_is_installed_once_and_again_when_it_changes(tmp_path):
    directory = makefile_copy(tmp_path)
    bin_dir = directory / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").touch()
    for name in ("requirements.txt", "requirements-dev.txt"):
        os.utime(directory / name, (1_000_000, 1_000_000))
    (directory / ".venv" / ".installed-run").touch()
    (directory / ".venv" / ".installed-dev").touch()

    assert "pip install" not in make_dry_run(directory, "run")
    assert "pip install" not in make_dry_run(directory, "test")

    (directory / "requirements-dev.txt").touch()  # newer than its stamp
    assert "pip install" not in make_dry_run(directory, "run")
    assert "-r requirements-dev.txt" in make_dry_run(directory, "test")

    (directory / "requirements.txt").touch()
    assert "-r requirements.txt" in make_dry_run(directory, "run")


# --- item 18: the worker's e-mails and SMS go to a log file, not the terminal ---------------------------


def test_make_run_sends_the_workers_output_to_a_log_file_and_says_where(tmp_path):
    plan = make_dry_run(makefile_copy(tmp_path), "run")

    worker_line = next(line for line in plan.splitlines() if "manage.py db_worker --no-reload" in line)
    assert "manage.py db_worker --no-reload >>var/log/worker.log 2>&1 &" in worker_line
    assert "mkdir -p var/log/" in plan
    assert "its output: var/log/worker.log" in plan
    assert "manage.py migrate --noinput --verbosity 0 --skip-checks" in plan
    # seed_demo's stdout (the logins) stays in the terminal.
    seed_line = next(line for line in plan.splitlines() if "manage.py seed_demo" in line)
    assert ">" not in seed_line.replace("2>>var/log/worker.log", "")
    assert "/var/" in (ROOT / ".gitignore").read_text().splitlines()


# --- item 19: a development .env, so management commands work as the README writes them ---------------


def test_devenv_writes_debug_and_a_long_random_key_and_never_overwrites(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()

    assert run_python(ROOT, "-m", "spa_pkg.devenv", str(first)).returncode == 0
    assert run_python(ROOT, "-m", "spa_pkg.devenv", str(second)).returncode == 0
    written = (first / ".env").read_text()

    values = dict(line.split("=", 1) for line in written.splitlines() if line and not line.startswith("#"))
    assert values["DEBUG"] == "true"
    assert len(values["SECRET_KEY"]) >= 50
    assert values["SECRET_KEY"] not in (second / ".env").read_text()  # a new key each time

    again = run_python(ROOT, "-m", "spa_pkg.devenv", str(first))
    assert again.returncode == 0
    assert (first / ".env").read_text() == written


def test_devenv_keeps_an_existing_env_file(tmp_path):
    (tmp_path / ".env").write_text("DATABASE_URL=postgres://spa@db/spa\n")

    assert run_python(ROOT, "-m", "spa_pkg.devenv", str(tmp_path)).returncode == 0

    assert (tmp_path / ".env").read_text() == "DATABASE_URL=postgres://spa@db/spa\n"


def test_management_commands_work_with_the_dev_env_and_nothing_exported(tmp_path):
    project = project_copy(tmp_path)
    assert "SECRET_KEY is not set" in run_python(project, "manage.py", "check").stderr  # as today

    assert run_python(project, "-m", "spa_pkg.devenv").returncode == 0
    result = run_python(project, "manage.py", "check")

    assert result.returncode == 0, result.stderr
    assert "make run" in (project / ".env").read_text()


def test_make_run_writes_the_dev_env_before_any_management_command(tmp_path):
    plan = make_dry_run(makefile_copy(tmp_path), "run").splitlines()

    devenv = next(i for i, line in enumerate(plan) if "-m spa_pkg.devenv" in line)
    first_command = next(i for i, line in enumerate(plan) if "manage.py" in line)
    assert devenv < first_command


# --- item 20: HOST and PORT ------------------------------------------------------------------------------


def test_host_and_port_choose_the_address_and_are_documented(tmp_path):
    directory = makefile_copy(tmp_path)

    plan = make_dry_run(directory, "run", "HOST=0.0.0.0", "PORT=8080")

    assert "manage.py runserver 0.0.0.0:8080" in plan
    assert "http://0.0.0.0:8080/" in plan
    help_lines = (ROOT / "Makefile").read_text().split("\n\n", 1)[0]
    assert "HOST=" in help_lines and "PORT=" in help_lines
    readme = (ROOT / "README.md").read_text()
    try_it = readme.split("## Try it: two commands", 1)[1].split("\n## ", 1)[0]
    assert "make run PORT=" in try_it
    assert "HOST=0.0.0.0" in try_it
