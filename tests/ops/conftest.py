"""Operations tests: real gunicorn servers on one PostgreSQL database and one Redis, driven over HTTP.

Marked `ops` and left out of the default run; `make test-ops` runs them. They need
PostgreSQL (`OPS_DATABASE_URL`, else `DATABASE_URL`; the role must be allowed to create
databases) and Redis (`REDIS_URL`). Nothing here shares process memory with the servers:
everything the tests know comes from HTTP answers, `manage.py` commands and the database.

Each test gets:
- a database of its own, `<name>_ops`, a fresh copy of `<name>_ops_template` (migrated,
  createcachetable, seed_demo, once per run), dropped afterwards (`OPS_KEEP_DB=1` keeps it);
- a Redis key prefix of its own (`CACHE_KEY_PREFIX`), so it starts with empty throttles and
  never flushes anybody's Redis database; its keys are deleted afterwards;
- servers started with DEBUG=false and a SECRET_KEY of their own, each in its own process
  group, stopped (or killed) at teardown. When a test fails, the tail of every server's log
  is printed with the failure.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(ROOT / "manage.py")]
LOG_TAIL_LINES = 80

# The seed_demo users (billing/management/commands/seed_demo.py).
CASHIER = ("cashier", "cashier123")
MANAGER = ("manager", "manager123")
# Priya Sharma holds the demo "3+1 Facial Package": four sessions of the Hydrating Facial.
PRIYA_PHONE = "98450 12345"
TOKEN_LIMIT = 20  # attempts at the token route before 429 (TOKEN_THROTTLE_RATE, set below)
LOGIN_FAILURE_LIMIT = 5  # failed sign-ins for one username and address before the lockout


def free_port() -> int:
    """A TCP port nobody listens on right now (the kernel picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- HTTP ------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: object
    headers: dict[str, str]

    def __repr__(self) -> str:
        text = json.dumps(self.body) if not isinstance(self.body, str) else self.body
        return f"<HTTP {self.status} {text[:300]}>"


def http_request(port: int, method: str, path: str, body=None, *, token=None, headers=None, timeout=30.0) -> Reply:
    """One request on a fresh connection (so a killed server shows up as an error on this call only)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        sent = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        if token:
            sent["Authorization"] = f"Token {token}"
        sent.update(headers or {})
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        raw = response.read().decode("utf-8", "replace")
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw
        return Reply(response.status, parsed, {name.lower(): value for name, value in response.getheaders()})
    finally:
        connection.close()


# --- servers ---------------------------------------------------------------------------------


class ProcessGroup:
    """A process started in a process group of its own (`start_new_session`), logging to `log_path`."""

    process: subprocess.Popen | None
    log_path: Path

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill9(self) -> int:
        """SIGKILL to the master and every worker at once: a crash, nothing gets to clean up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(timeout=10)
            else:
                # The master is gone; make sure no orphaned worker of its group is left.
                os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Server(ProcessGroup):
    """gunicorn serving spa_pkg on 127.0.0.1:port, in a process group of its own."""

    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    workers: int = 2
    process: subprocess.Popen | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start {self.starts} of {self.name} on {self.url} =====\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "spa_pkg.wsgi:application",
                    "--bind", f"127.0.0.1:{self.port}",
                    "--workers", str(self.workers),
                    "--timeout", "60",
                    "--graceful-timeout", "5",
                    # gunicorn 27 opens a control socket at one fixed path per user: two servers
                    # (or another engineer's) would take it from each other.
                    "--no-control-socket",
                    "--access-logfile", "-",
                    "--error-logfile", "-",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: master and workers go together
            )
        return self

    def wait_ready(self, timeout: float = 60.0) -> Server:
        """Wait until the server answers HTTP (401 from an API route; not the token route, whose
        throttle would count the probe)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"server {self.name} exited with {self.process.returncode} before answering:\n{self.tail()}"
                )
            try:
                http_request(self.port, "GET", "/api/customers", timeout=2)
                return self
            except (OSError, http.client.HTTPException):
                time.sleep(0.1)
        raise AssertionError(f"server {self.name} did not answer on {self.url} within {timeout:.0f} s:\n{self.tail()}")

    def request(self, method: str, path: str, body=None, **kwargs) -> Reply:
        return http_request(self.port, method, path, body, **kwargs)

# --- the stack: database, cache prefix, servers ----------------------------------------------


def postgres_url() -> str:
    url = os.environ.get("OPS_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql"):
        pytest.fail(
            "The ops tests need PostgreSQL: set OPS_DATABASE_URL or DATABASE_URL to a postgres:// URL "
            f"(got {url or 'nothing'}); `make test-ops` defaults to postgres://postgres@127.0.0.1:5432/spa_pkg.",
            pytrace=False,
        )
    return url


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.fail("The ops tests need Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/2).", pytrace=False)
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001 - turned into a readable failure
        pytest.fail(f"Redis does not answer at {url}: {exc}", pytrace=False)
    return url


class Postgres:
    """Makes and drops the ops databases, named after the database in `url` (<name>_ops...)."""

    def __init__(self, url: str):
        self.parts = urlsplit(url)
        self.base = self.parts.path.lstrip("/") or "spa_pkg"
        self.admin = {
            "host": self.parts.hostname or "127.0.0.1",
            "port": self.parts.port or 5432,
            "user": self.parts.username or "postgres",
            "password": self.parts.password or None,
            "dbname": "postgres",
        }

    def url(self, name: str) -> str:
        return self.parts._replace(path="/" + name).geturl()

    def _execute(self, statement, *names: str) -> None:
        import psycopg
        from psycopg import sql

        try:
            with psycopg.connect(**self.admin, autocommit=True, connect_timeout=5) as connection:
                connection.execute(sql.SQL(statement).format(*map(sql.Identifier, names)))
        except psycopg.Error as exc:
            pytest.fail(f"PostgreSQL at {self.admin['host']}:{self.admin['port']}: {exc}", pytrace=False)

    def create(self, name: str, *, template: str | None = None) -> str:
        self.drop(name)
        if template:
            self._execute("CREATE DATABASE {} TEMPLATE {}", name, template)
        else:
            self._execute("CREATE DATABASE {}", name)
        return self.url(name)

    def drop(self, name: str) -> None:
        self._execute("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


def app_env(*, database_url: str, redis: str, cache_prefix: str) -> dict[str, str]:
    """The environment of every server and command: production-like, nothing shared with this process."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PYTEST_", "SQLITE_"))}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        # The project's settings, not the suite's (pytest-django put tests.settings in the
        # environment; it runs Celery tasks in process, and a worker must take them from Redis).
        DJANGO_SETTINGS_MODULE="spa_pkg.settings",
        DATABASE_URL=database_url,
        REDIS_URL=redis,
        CACHE_KEY_PREFIX=cache_prefix,
        # Explicit, as production must: DEBUG off and a key of our own.
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # The limit the tests count to. Per hour rather than the default per minute, so that a
        # slow machine (each wrong password costs a PBKDF2 hash) cannot let the window slide.
        TOKEN_THROTTLE_RATE=f"{TOKEN_LIMIT}/hour",
        NUM_PROXIES="0",
        LOGIN_FAILURE_LIMIT=str(LOGIN_FAILURE_LIMIT),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        # No quiet hours: the reminder tests send now, whatever the hour the suite runs at
        # (inside 21:00-09:00 IST every send would wait for the morning; tests/notifications
        # test the quiet hours themselves).
        QUIET_HOURS_START="",
        QUIET_HOURS_END="",
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    """Run manage.py in `env`; fail with its output when it fails."""
    done = subprocess.run(
        [*MANAGE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(args)} exited with {done.returncode}\n"
            f"--- stdout ---\n{done.stdout[-4000:]}\n--- stderr ---\n{done.stderr[-4000:]}",
            pytrace=False,
        )
    return done.stdout


@pytest.fixture(scope="session")
def ops_template():
    """A migrated, seeded database (<name>_ops_template) that every test copies: migrate once."""
    postgres = Postgres(postgres_url())
    redis = redis_url()
    name = f"{postgres.base}_ops_template"
    env = app_env(database_url=postgres.create(name), redis=redis, cache_prefix=f"spa_pkg_ops_{uuid.uuid4().hex[:12]}")
    try:
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "createcachetable")
        manage(env, "seed_demo")
        # The demo's bills queued their notices for the worker (`make run` starts it); send them
        # (console backends), so every test starts from a shop whose worker has caught up.
        manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0")
        yield postgres, redis, name
    finally:
        postgres.drop(name)


@dataclass
class OpsStack:
    """One test's world: its own copy of the seeded database, its own Redis key prefix, its servers."""

    node: pytest.Item
    work: Path
    postgres: Postgres
    redis: str
    template: str
    servers: list[Server] = field(default_factory=list)

    def __post_init__(self):
        self.database = f"{self.postgres.base}_ops"
        self.cache_prefix = f"spa_pkg_ops_{uuid.uuid4().hex[:12]}"
        self.database_url = self.postgres.create(self.database, template=self.template)
        self.env = app_env(database_url=self.database_url, redis=self.redis, cache_prefix=self.cache_prefix)
        self.node.ops_servers = self.servers

    def redis_keys(self) -> list[str]:
        import redis

        client = redis.Redis.from_url(self.redis)
        return sorted(key.decode() for key in client.scan_iter(match=f"{self.cache_prefix}:*"))

    def close(self) -> None:
        for server in self.servers:
            server.stop()
        try:
            import redis

            client = redis.Redis.from_url(self.redis)
            keys = list(client.scan_iter(match=f"{self.cache_prefix}:*"))
            if keys:
                client.delete(*keys)
        except Exception:  # noqa: BLE001, S110 - best effort: the keys expire anyway
            pass
        if os.environ.get("OPS_KEEP_DB") != "1":
            self.postgres.drop(self.database)

    # commands

    def manage(self, *args: str, timeout: float = 180) -> str:
        return manage(self.env, *args, timeout=timeout)

    def shell_json(self, code: str):
        """Run Python in `manage.py shell` and return the JSON it prints on its last line."""
        output = self.manage("shell", "--no-imports", "-c", code).strip().splitlines()
        return json.loads(output[-1])

    # servers

    def start_servers(self, *names: str, workers: int = 2) -> list[Server]:
        """Start one server per name, each on a free port, and wait until all answer."""
        started = []
        for name in names:
            server = Server(name, free_port(), self.env, self.work / f"server-{name}.log", workers=workers)
            self.servers.append(server)
            started.append(server.start())
        for server in started:
            server.wait_ready()
        return started


@pytest.fixture
def ops(request, tmp_path, ops_template):
    postgres, redis, template = ops_template
    stack = OpsStack(request.node, tmp_path, postgres, redis, template)
    try:
        yield stack
    finally:
        stack.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """A failing ops test shows the end of every server's log (requests, tracebacks)."""
    report = yield
    if report.failed:
        for server in getattr(item, "ops_servers", []):
            report.sections.append((f"server {server.name} log ({server.log_path}, last {LOG_TAIL_LINES} lines)",
                                    server.tail()))
    return report


# --- API steps and checks shared by the tests ------------------------------------------------


def token_for(server: Server, username: str, password: str) -> str:
    reply = server.request("POST", "/api/auth/token/", {"username": username, "password": password})
    assert reply.status == 200, f"no token for {username}: {reply!r}"
    return reply.body["token"]


def bill_body(customer_id: int, service_id: int) -> dict:
    """One session of the service; the rules choose the package; cash takes whatever is payable."""
    return {
        "customer_id": customer_id,
        "items": [{"type": "service", "id": service_id, "quantity": 1}],
        "payments": [{"method": "cash"}],
    }


def customer_packages(server: Server, token: str, customer_id: int) -> list[dict]:
    reply = server.request("GET", f"/integrated-billing/customer-packages/{customer_id}", token=token)
    assert reply.status == 200, reply
    return reply.body["packages"]


def assert_reconciled(stack: OpsStack) -> str:
    """`manage.py reconcile_packages` finds every balance equal to its ledger."""
    output = stack.manage("reconcile_packages")
    summary = re.search(r"(\d+) assignment\(s\) checked, (\d+) difference\(s\)\.", output)
    assert summary is not None, f"unexpected reconcile_packages output:\n{output}"
    assert int(summary.group(2)) == 0 and "DIFF" not in output, f"reconcile_packages found differences:\n{output}"
    return summary.group(0)


# The character between the year and the count of a default number (MAIN/26-27R00007), and its series.
SERIES_OF_MARK = {"/": "INV", "R": "REC", "C": "CN", "V": "RV"}

DOCUMENT_NUMBERS = """
import json
from billing.models import Invoice, NumberSequence
from receipts.models import Receipt
print(json.dumps({
    "invoices": list(Invoice.objects.values_list("number", flat=True)),
    "receipts": list(Receipt.objects.values_list("number", flat=True)),
    "last": {f"{row.series}-{row.financial_year}": row.last_value for row in NumberSequence.objects.all()},
}))
"""


def assert_numbers_gapless(stack: OpsStack) -> dict:
    """Every invoice and receipt number in the database: unique, and each year's series is 1..last, no gap.

    Returns the numbers read ({"invoices": [...], "receipts": [...], "last": {...}}).
    """
    data = stack.shell_json(DOCUMENT_NUMBERS)
    taken: dict[str, list[int]] = defaultdict(list)
    problems = []
    for number in data["invoices"] + data["receipts"]:
        match = re.fullmatch(r"[A-Z0-9]+/(\d\d)-\d\d([/RCV])(\d{5})", number)
        if match is None:
            problems.append(f"{number}: not a final document number")
            continue
        series = SERIES_OF_MARK[match.group(2)]
        taken[f"{series}-20{match.group(1)}"].append(int(match.group(3)))
    for series_day in sorted(set(taken) | set(data["last"])):
        numbers = taken.get(series_day, [])
        last = data["last"].get(series_day, 0)
        duplicates = sorted(number for number, count in Counter(numbers).items() if count > 1)
        missing = sorted(set(range(1, last + 1)) - set(numbers))
        beyond = sorted(number for number in set(numbers) if not 1 <= number <= last)
        if duplicates:
            problems.append(f"{series_day}: duplicated {duplicates}")
        if missing:
            problems.append(f"{series_day}: gaps, {missing} never stored (sequence at {last})")
        if beyond:
            problems.append(f"{series_day}: {beyond} beyond the sequence ({last})")
    assert not problems, "document numbers are not gapless and unique:\n" + "\n".join(problems)
    return data


def sequence_of(number: str) -> tuple[str, int]:
    """("MAIN/26-27/", 7) for MAIN/26-27/00007: the series and the count."""
    return number[:-5], int(number[-5:])


def assert_consecutive(numbers: list[str]) -> None:
    """The numbers are distinct and, series by series, consecutive (no number of another bill among them)."""
    assert len(set(numbers)) == len(numbers), f"duplicate numbers: {sorted(numbers)}"
    by_series = defaultdict(list)
    for number in numbers:
        prefix, seq = sequence_of(number)
        by_series[prefix].append(seq)
    for prefix, seqs in by_series.items():
        seqs.sort()
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), f"{prefix}: not consecutive: {seqs}"
