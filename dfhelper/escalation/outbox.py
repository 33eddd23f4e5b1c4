"""The kiosk's local outbox: a help request is committed here before the screen says "saved".

One SQLite file on the kiosk's own disk, in WAL mode with ``synchronous=FULL``
(the only setting that keeps a commit through a power cut), checked when the
outbox opens: if SQLite cannot give us that, the outbox refuses to open rather
than promise what it cannot keep. Writes use ``BEGIN IMMEDIATE`` so two
processes never deadlock on an upgrade from read to write.

Each request gets a random id (its idempotency key, made before it is first
stored) and a short ticket number the patient can read out at the desk. The
request holds ids and choices only: nothing that identifies the patient.

A file on a network share is refused: SQLite's WAL needs shared memory on one
host, and locking over SMB/NFS is unreliable.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA_VERSION = 1

NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "fuse.sshfs", "sshfs", "9p", "afs", "ncpfs", "davfs"}
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS help_requests (
    id          TEXT PRIMARY KEY,       -- uuid4, the idempotency key
    ticket      TEXT NOT NULL,          -- what the patient reads out, e.g. 007
    created_at  TEXT NOT NULL,          -- UTC, ISO 8601
    day         TEXT NOT NULL,          -- local day the ticket belongs to
    kiosk       TEXT NOT NULL,
    flow        TEXT,
    step        TEXT,
    lang        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    priority    INTEGER NOT NULL DEFAULT 0,
    steps_tried TEXT NOT NULL,          -- JSON list of flow:step ids
    needs       TEXT NOT NULL,          -- JSON list of needs the patient chose to share
    delivered_at TEXT                   -- set when the desk store has it
);
CREATE UNIQUE INDEX IF NOT EXISTS help_requests_ticket ON help_requests (kiosk, day, ticket);
"""


class OutboxError(Exception):
    """The outbox cannot be used; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class HelpRequest:
    """One request for a person, as stored."""

    id: str
    ticket: str
    created_at: str
    kiosk: str
    flow: str | None
    step: str | None
    lang: str
    reason: str
    priority: bool = False
    steps_tried: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    delivered_at: str | None = None


@dataclass(frozen=True, slots=True)
class NewRequest:
    """What a front end knows when a patient asks for help."""

    kiosk: str
    lang: str
    reason: str
    flow: str | None = None
    step: str | None = None
    priority: bool = False
    steps_tried: Sequence[str] = ()
    needs: Sequence[str] = field(default_factory=tuple)


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


def _row(row: sqlite3.Row) -> HelpRequest:
    return HelpRequest(
        id=row["id"],
        ticket=row["ticket"],
        created_at=row["created_at"],
        kiosk=row["kiosk"],
        flow=row["flow"],
        step=row["step"],
        lang=row["lang"],
        reason=row["reason"],
        priority=bool(row["priority"]),
        steps_tried=tuple(json.loads(row["steps_tried"])),
        needs=tuple(json.loads(row["needs"])),
        delivered_at=row["delivered_at"],
    )


class Outbox:
    """Help requests saved on this kiosk, waiting to reach the desk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fs = filesystem_type(path.parent if not path.exists() else path)
        if fs in NETWORK_FILESYSTEMS:
            raise OutboxError(
                f"{path}: this folder is on a network share ({fs}). Keep the outbox on the kiosk's own "
                "disk: set [paths] data_dir to a local folder."
            )
        try:
            private_dir(path.parent)
            self._db = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as e:
            raise OutboxError(f"{path}: cannot open the help-request outbox: {e}") from e
        self._db.row_factory = sqlite3.Row
        try:
            mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            self._db.execute("PRAGMA synchronous=FULL")
            sync = self._db.execute("PRAGMA synchronous").fetchone()[0]
            self._db.execute("PRAGMA busy_timeout=10000")
            if str(mode).lower() != "wal" or int(sync) != 2:
                raise OutboxError(
                    f"{path}: SQLite would not keep this outbox safe (journal_mode={mode}, "
                    f"synchronous={sync}; need wal and 2). Use a folder on a local disk."
                )
            with self._write():
                for statement in filter(None, (s.strip() for s in _SCHEMA.split(";"))):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.Error as e:
            self._db.close()
            raise OutboxError(f"{path}: cannot prepare the help-request outbox: {e}") from e

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    @contextmanager
    def _write(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")

    def add(self, request: NewRequest, *, now: dt.datetime | None = None) -> HelpRequest:
        """Store a request durably and give it a ticket. Raises OutboxError if it could not be saved."""
        now = now or dt.datetime.now(dt.UTC)
        day = now.astimezone().date().isoformat()
        request_id = str(uuid.uuid4())
        try:
            with self._write():
                count = self._db.execute(
                    "SELECT COUNT(*) FROM help_requests WHERE kiosk = ? AND day = ?", (request.kiosk, day)
                ).fetchone()[0]
                ticket = f"{count + 1:03d}"
                self._db.execute(
                    "INSERT INTO help_requests (id, ticket, created_at, day, kiosk, flow, step, lang, reason,"
                    " priority, steps_tried, needs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        request_id,
                        ticket,
                        now.isoformat(timespec="seconds"),
                        day,
                        request.kiosk,
                        request.flow,
                        request.step,
                        request.lang,
                        request.reason,
                        int(request.priority),
                        json.dumps(list(request.steps_tried)),
                        json.dumps(list(request.needs)),
                    ),
                )
        except sqlite3.Error as e:
            raise OutboxError(f"could not save the help request: {e}") from e
        found = self.get(request_id)
        assert found is not None
        return found

    def get(self, request_id: str) -> HelpRequest | None:
        """One request by id."""
        row = self._db.execute("SELECT * FROM help_requests WHERE id = ?", (request_id,)).fetchone()
        return _row(row) if row else None

    def pending(self) -> list[HelpRequest]:
        """Requests not yet delivered to the desk, oldest first."""
        rows = self._db.execute(
            "SELECT * FROM help_requests WHERE delivered_at IS NULL ORDER BY created_at, rowid"
        ).fetchall()
        return [_row(r) for r in rows]

    def all(self) -> list[HelpRequest]:
        """Every request, oldest first."""
        return [_row(r) for r in self._db.execute("SELECT * FROM help_requests ORDER BY rowid").fetchall()]

    def mark_delivered(self, request_id: str, *, now: dt.datetime | None = None) -> None:
        """Record that the desk store has this request."""
        stamp = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
        with self._write():
            self._db.execute(
                "UPDATE help_requests SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL",
                (stamp, request_id),
            )


def default_path(data_dir: Path) -> Path:
    """Where the outbox lives in a data folder."""
    return data_dir / "outbox.sqlite3"


def private_dir(path: Path) -> Path:
    """Make ``path`` a folder only this user can read (help requests are not for other users)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path
