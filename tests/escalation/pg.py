"""A throwaway PostgreSQL server for tests, from the machine's own PostgreSQL binaries.

Tests that need PostgreSQL use the ``pg_server`` fixture. When the binaries are
missing they are skipped, unless ``DFHELPER_REQUIRE_POSTGRES=1`` (set by
``.ci/run``), which makes that a failure. Each test gets a fresh database.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest


def _binaries() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class PgServer:
    """One PostgreSQL server in a temporary folder, on a Unix socket."""

    bin: Path
    data: Path
    sockets: Path
    port: int
    as_user: list[str]

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        """Start (or restart) the server and wait until it accepts connections."""
        options = f"-k {self.sockets} -c listen_addresses='' -p {self.port} -F -c max_connections=200"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-w",
            "-l",
            str(self.data / "log.txt"),
            "start",
        )

    def stop(self) -> None:
        """Stop the server at once (connections are cut)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        """A URL for one database on this server."""
        return f"postgresql://postgres@/{database}?host={self.sockets}&port={self.port}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)


def start_server() -> PgServer | None:
    """A new server, or None when PostgreSQL cannot be started here."""
    folder = _binaries()
    if folder is None:
        return None
    root = Path(tempfile.mkdtemp(prefix="dfhelper-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root: run the server as postgres
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            return None
        os.chown(root, pw.pw_uid, pw.pw_gid)
        os.chown(sockets, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*as_user, str(folder / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    server = PgServer(folder, data, sockets, _free_port(), as_user)
    server.start()
    return server


def require_or_skip(reason: str) -> None:
    """Skip, or fail when CI says PostgreSQL must be tested."""
    if os.environ.get("DFHELPER_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required here (DFHELPER_REQUIRE_POSTGRES=1): {reason}")
    pytest.skip(reason)
