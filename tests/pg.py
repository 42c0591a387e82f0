"""A throwaway PostgreSQL server for the fleet tests: Debian's binaries (/usr/lib/postgresql/N/bin,
the newest N), a cluster in a temporary folder, on a free port of 127.0.0.1, trust authentication
for 127.0.0.1 only, fsync on. initdb refuses to run as root: when the tests run as root the
binaries run as the `postgres` system user, who owns the folder.

The session fixture `postgres` yields a `Cluster`: `create_database(name) -> dsn` (one fresh database
per test keeps them independent), `dsn(dbname)`, `stop()` (fast shutdown: clients are cut off) and
`start()` (same folder, same port). The server is stopped and its folder deleted at the end of the
session, also when tests fail. Tests that use it start a process: mark them @pytest.mark.integration.
"""
from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

PG_ROOT = Path("/usr/lib/postgresql")
SERVER_USER = "postgres"
"""The system user the binaries run as when the tests run as root (Debian's package creates it)."""


def find_bindir(root: Path = PG_ROOT) -> Path | None:
    """The bin folder of the newest PostgreSQL under root that has initdb and pg_ctl, or None."""
    found = []
    for folder in root.glob("*") if root.is_dir() else ():
        if folder.name.isdigit() and (folder / "bin" / "initdb").is_file() and (folder / "bin" / "pg_ctl").is_file():
            found.append((int(folder.name), folder / "bin"))
    return max(found)[1] if found else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One PostgreSQL server in a temporary folder. `start()` initialises it on first use."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        self.folder = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = free_port()
        self.running = False
        if self.as_root:
            shutil.chown(self.folder, SERVER_USER, SERVER_USER)
        atexit.register(self.remove)  # should the fixture's teardown not run (an interrupted session)

    # -- the binaries, run as a user initdb accepts

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", SERVER_USER, "--"] if self.as_root else []
        r = subprocess.run([*prefix, *args], cwd=self.folder, capture_output=True, text=True, timeout=timeout,
                           env={**os.environ, "LC_ALL": "C", "TZ": "UTC"})
        if r.returncode != 0:
            log = self.log.read_text(errors="replace")[-1500:] if self.log.is_file() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed ({r.returncode}): {r.stderr.strip()} {log}")
        return r

    def _init(self) -> None:
        # -N: initdb does not fsync its own files (faster); the running server does (fsync = on below).
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C", "-N")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\n# tests/pg.py\n"
                       "listen_addresses = '127.0.0.1'\n"
                       f"port = {self.port}\n"
                       f"unix_socket_directories = '{self.folder}'\n"
                       "fsync = on\n"
                       "synchronous_commit = on\n"
                       "shared_buffers = 16MB\n"
                       "max_connections = 30\n"
                       "timezone = 'UTC'\n")
        # Trust, on 127.0.0.1 and the folder's own socket only.
        (self.data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")

    def start(self) -> None:
        """Start the server (initialising the folder the first time); returns once it accepts connections."""
        if self.running:
            return
        first = not self.data.exists()
        if first:
            self._init()
        try:
            self._start()
        except RuntimeError as e:
            if not (first and "could not bind" in str(e)):
                raise
            # Another process took the port between free_port() and now: once more on a new one (the last
            # `port` line of postgresql.conf wins).
            self.port = free_port()
            with open(self.data / "postgresql.conf", "a") as conf:
                conf.write(f"port = {self.port}\n")
            self._start()
        self.running = True

    def _start(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30", "start")

    def stop(self) -> None:
        """Fast shutdown: open connections are cut off, committed data stays."""
        if not self.running:
            return
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")
        self.running = False

    def remove(self) -> None:
        """Stop the server (immediately if a fast stop fails) and delete the folder."""
        try:
            self.stop()
        except (RuntimeError, subprocess.TimeoutExpired):
            try:
                self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- databases

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"

    def create_database(self, name: str) -> str:
        """A new empty database (dropped first if a previous run left one); -> its DSN."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.dsn(), autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.dsn(name)


@pytest.fixture(scope="session")
def postgres():
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(f"no PostgreSQL server binaries under {PG_ROOT} (apt-get install postgresql)")
    if os.geteuid() == 0:
        try:
            import pwd
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            pytest.skip(f"running as root and there is no {SERVER_USER!r} user for initdb to run as")
    cluster = Cluster(bindir)
    try:
        started = time.monotonic()
        cluster.start()
        cluster.startup_s = time.monotonic() - started
        yield cluster
    finally:
        cluster.remove()
