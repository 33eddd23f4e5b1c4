"""The kiosk's local outbox: a help request is committed here before the screen says "saved".

One SQLite file on the kiosk's own disk, opened by `dfhelper.escalation.localdb`
(WAL, ``synchronous=FULL``, checked; ``BEGIN IMMEDIATE`` for writes; never on a
network share). The sender (`dfhelper.escalation.sender`) takes requests from
here to the desk store and marks them delivered once the store has them.

Each request gets a random id (its idempotency key, made before it is first
stored) and a short ticket number the patient can read out at the desk. The
request holds ids and choices only: nothing that identifies the patient.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from dfhelper.escalation import localdb
from dfhelper.escalation.localdb import filesystem_type, private_dir

SCHEMA_VERSION = 2

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
    delivered_at TEXT,                  -- set when the desk store has it
    webhook_at  TEXT                    -- set when the practice's webhook has it (if one is set)
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
    webhook_at: str | None = None

    def to_json(self) -> dict[str, object]:
        """What the desk store and a webhook receive (ids and choices only)."""
        return {
            "id": self.id,
            "ticket": self.ticket,
            "created_at": self.created_at,
            "kiosk": self.kiosk,
            "flow": self.flow,
            "step": self.step,
            "lang": self.lang,
            "reason": self.reason,
            "priority": self.priority,
            "steps_tried": list(self.steps_tried),
            "needs": list(self.needs),
        }


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
        webhook_at=row["webhook_at"],
    )


class Outbox:
    """Help requests saved on this kiosk, waiting to reach the desk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = localdb.connect(path, "help-request outbox")
        except localdb.LocalDbError as e:
            raise OutboxError(str(e)) from e
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version == 1:  # version 1 had no webhook column
                with localdb.write(self._db):
                    self._db.execute("ALTER TABLE help_requests ADD COLUMN webhook_at TEXT")
            localdb.create_schema(self._db, _SCHEMA, SCHEMA_VERSION)
        except sqlite3.Error as e:
            self._db.close()
            raise OutboxError(f"{path}: cannot prepare the help-request outbox: {e}") from e

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    def _write(self) -> AbstractContextManager[None]:
        return localdb.write(self._db)

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
                        *sqlite_values(request),
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
        self._stamp("delivered_at", request_id, now)

    def webhook_pending(self) -> list[HelpRequest]:
        """Requests the practice's webhook has not yet accepted, oldest first."""
        rows = self._db.execute(
            "SELECT * FROM help_requests WHERE webhook_at IS NULL ORDER BY created_at, rowid"
        ).fetchall()
        return [_row(r) for r in rows]

    def mark_webhook_sent(self, request_id: str, *, now: dt.datetime | None = None) -> None:
        """Record that the practice's webhook accepted this request."""
        self._stamp("webhook_at", request_id, now)

    def _stamp(self, column: str, request_id: str, now: dt.datetime | None) -> None:
        stamp = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
        with self._write():
            self._db.execute(
                f"UPDATE help_requests SET {column} = ? WHERE id = ? AND {column} IS NULL",
                (stamp, request_id),
            )

    def forget_before(self, cutoff: dt.datetime, *, webhook: bool = False) -> int:
        """Delete delivered requests created before ``cutoff`` (kept no longer than needed).

        With ``webhook``, a request the webhook has not yet accepted is kept too.
        """
        with self._write():
            cursor = self._db.execute(
                "DELETE FROM help_requests WHERE delivered_at IS NOT NULL AND created_at < ?"
                " AND (webhook_at IS NOT NULL OR NOT ?)",
                (cutoff.astimezone(dt.UTC).isoformat(timespec="seconds"), int(webhook)),
            )
        return cursor.rowcount


def sqlite_values(request: NewRequest | HelpRequest) -> tuple[object, ...]:
    """A request's own columns as SQLite keeps them (in the outbox and the SQLite desk store):
    kiosk, flow, step, lang, reason, priority, steps_tried, needs."""
    return (
        request.kiosk,
        request.flow,
        request.step,
        request.lang,
        request.reason,
        int(request.priority),
        json.dumps(list(request.steps_tried)),
        json.dumps(list(request.needs)),
    )


def default_path(data_dir: Path) -> Path:
    """Where the outbox lives in a data folder."""
    return data_dir / "outbox.sqlite3"


__all__ = [
    "HelpRequest",
    "NewRequest",
    "Outbox",
    "OutboxError",
    "default_path",
    "filesystem_type",
    "private_dir",
]
