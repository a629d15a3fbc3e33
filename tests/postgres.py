"""A real PostgreSQL server for the tests, in a temporary directory on 127.0.0.1, and a fresh database per
test (recipe in ../shared/notes/test-servers.md: initdb refuses root, so root runs it as `nobody`)."""

from __future__ import annotations

import itertools
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import psycopg

from tests.servers import free_port, wait_for_port

USER = "foi"
# Durability is not under test: without fsync a database is created in milliseconds, not seconds.
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not versions:
        raise RuntimeError(f"{name} not found: install the postgresql Debian package (scripts/test.sh does)")
    return str(versions[-1])


class Postgres:
    """One server for the session; `new_database()` gives each test an empty database of its own."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.port = free_port()
        self._names = itertools.count(1)

    def _run(self, *args: str) -> None:
        command = " ".join(shlex.quote(a) for a in args)
        if os.geteuid() == 0:
            subprocess.run(["su", "-s", "/bin/sh", "nobody", "-c", command], check=True, capture_output=True)
        else:
            subprocess.run(args, check=True, capture_output=True)

    def start(self) -> None:
        os.chmod(self.dir, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "nobody")
        data = str(self.dir / "data")
        self._run(_binary("initdb"), "-D", data, "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 {FAST}"
        self._run(_binary("pg_ctl"), "-D", data, "-o", options, "-l", str(self.dir / "log"), "-w", "start")
        wait_for_port(self.port)

    def stop(self) -> None:
        self._run(_binary("pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop")

    def url(self, name: str = "postgres") -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{name}"

    def _admin(self, sql: str) -> None:
        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def new_database(self) -> str:
        name = f"t{next(self._names)}"
        self._admin(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        # FORCE ends sessions a test left open (a lease's connection, an engine not disposed).
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
