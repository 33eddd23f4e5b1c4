"""SQLite files that must keep what they are told: the kiosk's outbox and the embedded desk store.

Each file is on this machine's own disk, in WAL mode with ``synchronous=FULL``
(the only setting that keeps a commit through a power cut), checked when it
opens: if SQLite cannot give us that, it refuses to open rather than promise
what it cannot keep. Writes use ``BEGIN IMMEDIATE`` so two processes never
deadlock on an upgrade from read to write.

A file on a network share is refused: SQLite's WAL needs shared memory on one
host, and locking over SMB/NFS is unreliable.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "fuse.sshfs", "sshfs", "9p", "afs", "ncpfs", "davfs"}
)

BUSY_TIMEOUT_MS = 10_000


class LocalDbError(Exception):
    """The file cannot be used safely; the message says why and what to do."""


def filesystem_type(path: Path) -> str | None:
    """The type of filesystem ``path`` is on, from /proc/mounts (None where unknown)."""
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = str(path.resolve())
    best, kind = "", None
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount = parts[1].replace("\\040", " ")
        inside = target == mount or target.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) > len(best):
            best, kind = mount, parts[2]
    return kind


def private_dir(path: Path) -> Path:
    """Make ``path`` a folder only this user can read (help requests are not for other users)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path


def connect(path: Path, what: str, *, private: bool = True) -> sqlite3.Connection:
    """Open ``path`` in WAL mode with full sync, or raise `LocalDbError` saying why not.

    ``what`` names the file for messages ("help-request outbox"). ``private`` makes its
    folder readable by this user only (the desk store may be shared with a desk user).
    """
    fs = filesystem_type(path.parent if not path.exists() else path)
    if fs in NETWORK_FILESYSTEMS:
        raise LocalDbError(
            f"{path}: this folder is on a network share ({fs}). SQLite is only safe on this machine's "
            "own disk: use a local folder, or a PostgreSQL desk store for several machines."
        )
    try:
        if private:
            private_dir(path.parent)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        # one connection may be opened in a loader thread and used in the UI thread (never at once)
        db = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
    except (OSError, sqlite3.Error) as e:
        raise LocalDbError(f"{path}: cannot open the {what}: {e}") from e
    db.row_factory = sqlite3.Row
    try:
        db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        db.execute("PRAGMA synchronous=FULL")
        sync = db.execute("PRAGMA synchronous").fetchone()[0]
        if str(mode).lower() != "wal" or int(sync) != 2:
            raise LocalDbError(
                f"{path}: SQLite would not keep the {what} safe (journal_mode={mode}, "
                f"synchronous={sync}; need wal and 2). Use a folder on a local disk."
            )
    except sqlite3.Error as e:
        db.close()
        raise LocalDbError(f"{path}: cannot prepare the {what}: {e}") from e
    except LocalDbError:
        db.close()
        raise
    return db


@contextmanager
def write(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taken at once (``BEGIN IMMEDIATE``), rolled back on any error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")


def create_schema(db: sqlite3.Connection, schema: str, version: int) -> None:
    """Run ``schema`` (statements separated by ``;``) and stamp its version, in one transaction."""
    with write(db):
        for statement in filter(None, (s.strip() for s in schema.split(";"))):
            db.execute(statement)
        db.execute(f"PRAGMA user_version={int(version)}")
