"""Reports read a real streaming replica (REPORTS_DATABASE_URL) while the counter writes the primary.

The test makes a PostgreSQL pair of its own (docs/scaling.md "A reports replica"): a
primary (`initdb`) and a streaming replica of it (`pg_basebackup -R`), on spare ports in a
temporary folder, as the `postgres` user when run as root; the machine's own cluster is only
read (the seeded ops template is copied from it with pg_dump). A gunicorn server writes to
the primary and reads its reports from the replica: a sale shows in the liability report once
the replica has replayed it; with replay paused, a second sale is on the primary and not yet
in the report, which proves where the report reads.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

from tests.ops.conftest import MANAGER, app_env, free_port, token_for

pytestmark = pytest.mark.ops

WAIT = 30.0  # seconds for a cluster to answer or the replica to catch up


def server_bin() -> Path:
    """Debian keeps initdb, pg_ctl and pg_basebackup in the server package's folder, off the PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        pytest.fail("No PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb): install postgresql.",
                    pytrace=False)
    return Path(found[-1]).parent


class Pair:
    """A primary and its streaming replica, each on a free port, in one temporary folder."""

    def __init__(self):
        self.bin = server_bin()
        self.root = Path(tempfile.mkdtemp(prefix="spa_pkg_replica."))
        self.as_postgres = os.geteuid() == 0  # initdb refuses root
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self.primary_port, self.replica_port = free_port(), free_port()
        self.started: list[Path] = []

    def run(self, tool: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
        command = [str(self.bin / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, **kwargs)
        if done.returncode != 0:
            pytest.fail(f"{tool} {' '.join(args)} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}",
                        pytrace=False)
        return done

    def start(self, name: str, port: int) -> None:
        data = self.root / name
        options = f"-p {port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.root / f"{name}.log"), "-w", "start")
        self.started.append(data)

    def up(self) -> Pair:
        primary = self.root / "primary"
        self.run("initdb", "-D", str(primary), "-A", "trust", "-U", "postgres", "--no-sync")
        with (primary / "pg_hba.conf").open("a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self.start("primary", self.primary_port)
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
                 "-D", str(self.root / "replica"), "-R", "-X", "stream", "-c", "fast")
        self.start("replica", self.replica_port)
        return self

    def url(self, port: int, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{name}"

    def connect(self, port: int, name: str = "postgres"):
        return psycopg.connect(self.url(port, name), autocommit=True, connect_timeout=5)

    def caught_up(self) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        with self.connect(self.primary_port) as primary:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + WAIT
        with self.connect(self.replica_port) as replica:
            while time.monotonic() < deadline:
                done = replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0]
                if done:
                    return
                time.sleep(0.05)
        pytest.fail(f"the replica did not replay up to {target} within {WAIT:.0f} s", pytrace=False)

    def down(self) -> None:
        for data in reversed(self.started):
            command = [str(self.bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
            if self.as_postgres:
                command = ["runuser", "-u", "postgres", "--", *command]
            subprocess.run(command, capture_output=True, timeout=60, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def pair():
    started = Pair()
    try:
        yield started.up()
    finally:
        started.down()


def sell_prepaid(server, token: str, phone: str) -> int:
    reply = server.request("GET", "/api/prepaid-packages?is_active=true", token=token)
    assert reply.status == 200 and reply.body["packages"], reply
    template_id = reply.body["packages"][0]["id"]
    reply = server.request("POST", "/api/customers", {"name": "Replica Reader", "phone": phone}, token=token)
    assert reply.status == 201, reply
    reply = server.request("POST", "/packages/api/assign-and-pay", {
        "assignment": {"customer_id": reply.body["id"], "package_type": "prepaid", "package_id": template_id},
        "payment": {"collect": True, "method": "cash"},
    }, token=token)
    assert reply.status == 201, reply
    return reply.body["assignment_id"]


def prepaid_held(server, token: str) -> int:
    reply = server.request("GET", "/api/reports/liability", token=token)
    assert reply.status == 200, reply
    (row,) = [row for row in reply.body["by_kind"] if row["package_type"] == "prepaid"]
    return row["packages"]


def test_reports_read_the_streaming_replica(ops, pair):
    postgres, _, template = ops.postgres, ops.redis, ops.template
    with pair.connect(pair.primary_port) as primary:
        primary.execute("CREATE DATABASE spa_replica")
    dump = subprocess.run(
        [str(pair.bin / "pg_dump"), "--no-owner", "--no-privileges", postgres.url(template)],
        capture_output=True, check=True, timeout=120,
    ).stdout
    subprocess.run(
        [str(pair.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", pair.url(pair.primary_port, "spa_replica")],
        input=dump, capture_output=True, check=True, timeout=120,
    )
    ops.env = app_env(database_url=pair.url(pair.primary_port, "spa_replica"), redis=ops.redis,
                      cache_prefix=ops.cache_prefix)
    ops.env["REPORTS_DATABASE_URL"] = pair.url(pair.replica_port, "spa_replica")
    pair.caught_up()
    (server,) = ops.start_servers("replica")
    token = token_for(server, *MANAGER)
    before = prepaid_held(server, token)

    sell_prepaid(server, token, "98450 77001")
    pair.caught_up()
    assert prepaid_held(server, token) == before + 1

    with pair.connect(pair.replica_port) as replica:
        assert replica.execute("SELECT pg_is_in_recovery()").fetchone()[0]
        replica.execute("SELECT pg_wal_replay_pause()")
        second = sell_prepaid(server, token, "98450 77002")
        with pair.connect(pair.primary_port, "spa_replica") as primary:
            assert primary.execute("SELECT status FROM service_package_assignment WHERE id = %s",
                                   [second]).fetchone() == ("active",)
        assert prepaid_held(server, token) == before + 1  # the report reads the paused replica
        replica.execute("SELECT pg_wal_replay_resume()")
    pair.caught_up()
    assert prepaid_held(server, token) == before + 2
