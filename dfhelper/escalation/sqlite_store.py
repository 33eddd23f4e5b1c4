"""The embedded desk store: one SQLite file on the machine that runs the kiosk(s) and the desk.

Opened like the outbox (`dfhelper.escalation.localdb`: WAL, full sync, checked,
``BEGIN IMMEDIATE``, refused on a network share). Each request id is accepted
once (``INSERT OR IGNORE``). `wait` watches SQLite's ``data_version``, which
changes when another connection commits, so a desk wakes within a poll interval.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from dfhelper.escalation import localdb
from dfhelper.escalation.outbox import HelpRequest, sqlite_values
from dfhelper.escalation.store import DeskRequest, RemoteState, StoreError, StoreUnavailable, check_outcome
from dfhelper.insights.model import KINDS, UsageEvent

SCHEMA_VERSION = 1
POLL_SECONDS = 0.05

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id          TEXT PRIMARY KEY,       -- the kiosk's idempotency key
    ticket      TEXT NOT NULL,
    created_at  TEXT NOT NULL,          -- when the patient asked (kiosk clock, UTC)
    received_at TEXT NOT NULL,          -- when the store accepted it
    kiosk       TEXT NOT NULL,
    flow        TEXT,
    step        TEXT,
    lang        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    priority    INTEGER NOT NULL DEFAULT 0,
    steps_tried TEXT NOT NULL,
    needs       TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'claimed', 'resolved')),
    claimed_by  TEXT,
    claimed_at  TEXT,
    resolved_at TEXT,
    outcome     TEXT
);
CREATE INDEX IF NOT EXISTS requests_open ON requests (state, priority DESC, created_at);
CREATE TABLE IF NOT EXISTS desks (
    name        TEXT PRIMARY KEY,
    seen_at     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS usage_events (
    id          INTEGER PRIMARY KEY,
    session     TEXT NOT NULL,          -- random, never linked to a person
    at          TEXT NOT NULL,          -- UTC
    kind        TEXT NOT NULL,
    flow        TEXT,
    step        TEXT,
    lang        TEXT NOT NULL,
    mode        TEXT NOT NULL,
    detail      TEXT
);
CREATE INDEX IF NOT EXISTS usage_events_at ON usage_events (at);
CREATE INDEX IF NOT EXISTS usage_events_session ON usage_events (session, at, id);
CREATE INDEX IF NOT EXISTS usage_events_kind ON usage_events (kind, at);
CREATE INDEX IF NOT EXISTS usage_events_steps ON usage_events (kind, flow, step, session, at)
"""

_ORDER = "ORDER BY priority DESC, created_at, rowid"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def _time(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    parsed = dt.datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _request(row: sqlite3.Row) -> DeskRequest:
    created, received = _time(row["created_at"]), _time(row["received_at"])
    assert created is not None
    assert received is not None
    return DeskRequest(
        id=row["id"],
        ticket=row["ticket"],
        created_at=created,
        received_at=received,
        kiosk=row["kiosk"],
        flow=row["flow"],
        step=row["step"],
        lang=row["lang"],
        reason=row["reason"],
        priority=bool(row["priority"]),
        steps_tried=tuple(json.loads(row["steps_tried"])),
        needs=tuple(json.loads(row["needs"])),
        state=row["state"],
        claimed_by=row["claimed_by"],
        claimed_at=_time(row["claimed_at"]),
        resolved_at=_time(row["resolved_at"]),
        outcome=row["outcome"],
    )


class SqliteStore:
    """A `dfhelper.escalation.store.DeskStore` in one local SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            # the folder may be shared with a desk run by another user of this machine
            self._db = localdb.connect(path, "desk store", private=False)
            localdb.create_schema(self._db, _SCHEMA, SCHEMA_VERSION)
        except localdb.LocalDbError as e:
            raise StoreError(str(e)) from e
        except sqlite3.Error as e:
            raise StoreError(f"{path}: cannot prepare the desk store: {e}") from e

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    def _run(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, params)
        except sqlite3.Error as e:
            raise StoreUnavailable(f"desk store {self.path}: {e}") from e

    def deliver(self, request: HelpRequest) -> bool:
        """Accept a request once; a repeat delivery of the same id changes nothing."""
        try:
            with localdb.write(self._db):
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO requests (id, ticket, created_at, received_at, kiosk, flow, step,"
                    " lang, reason, priority, steps_tried, needs) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        request.id,
                        request.ticket,
                        _stamp(_time(request.created_at) or _now()),
                        _stamp(_now()),
                        *sqlite_values(request),
                    ),
                )
        except sqlite3.Error as e:
            raise StoreUnavailable(f"desk store {self.path}: {e}") from e
        return cursor.rowcount == 1

    def states(self, ids: Sequence[str]) -> dict[str, RemoteState]:
        """The state of each known request among ``ids``."""
        out: dict[str, RemoteState] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._run(
                f"SELECT id, state, outcome FROM requests WHERE id IN ({marks})",
                chunk,
            ).fetchall()
            out.update({r["id"]: RemoteState(r["state"], r["outcome"]) for r in rows})
        return out

    def open_requests(self) -> list[DeskRequest]:
        """Requests not yet resolved: priority first, then oldest first."""
        rows = self._run(f"SELECT * FROM requests WHERE state != 'resolved' {_ORDER}").fetchall()
        return [_request(r) for r in rows]

    def get(self, request_id: str) -> DeskRequest | None:
        """One request by id."""
        row = self._run("SELECT * FROM requests WHERE id = ?", (request_id,)).fetchone()
        return _request(row) if row else None

    def _change(self, sql: str, params: Sequence[object]) -> bool:
        try:
            with localdb.write(self._db):
                cursor = self._db.execute(sql, params)
        except sqlite3.Error as e:
            raise StoreUnavailable(f"desk store {self.path}: {e}") from e
        return cursor.rowcount == 1

    def claim(self, request_id: str, desk: str) -> bool:
        """Someone at ``desk`` is going to the patient. False if it is not open any more."""
        return self._change(
            "UPDATE requests SET state = 'claimed', claimed_by = ?, claimed_at = ?"
            " WHERE id = ? AND state = 'open'",
            (desk, _stamp(_now()), request_id),
        )

    def claim_next(self, desk: str) -> DeskRequest | None:
        """Claim the most urgent open request (the write lock keeps two desks apart)."""
        try:
            with localdb.write(self._db):
                row = self._db.execute(
                    f"SELECT id FROM requests WHERE state = 'open' {_ORDER} LIMIT 1"
                ).fetchone()
                if row is None:
                    return None
                self._db.execute(
                    "UPDATE requests SET state = 'claimed', claimed_by = ?, claimed_at = ? WHERE id = ?",
                    (desk, _stamp(_now()), row["id"]),
                )
        except sqlite3.Error as e:
            raise StoreUnavailable(f"desk store {self.path}: {e}") from e
        return self.get(row["id"])

    def resolve(self, request_id: str, desk: str, outcome: str) -> bool:
        """Close a request with an outcome. False if it was already resolved."""
        check_outcome(outcome)
        now = _stamp(_now())
        return self._change(
            "UPDATE requests SET state = 'resolved', outcome = ?, resolved_at = ?,"
            " claimed_by = COALESCE(claimed_by, ?), claimed_at = COALESCE(claimed_at, ?)"
            " WHERE id = ? AND state != 'resolved'",
            (outcome, now, desk, now, request_id),
        )

    def heartbeat(self, desk: str) -> None:
        """Record that a desk is open and watching."""
        self._change(
            "INSERT INTO desks (name, seen_at) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET seen_at = excluded.seen_at",
            (desk, _stamp(_now())),
        )

    def desk_last_seen(self) -> dt.datetime | None:
        """When any desk last said it was watching."""
        row = self._run("SELECT MAX(seen_at) AS seen FROM desks").fetchone()
        return _time(row["seen"]) if row else None

    def wait(self, timeout: float) -> None:
        """Return when another connection has committed, or after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        start = self._run("PRAGMA data_version").fetchone()[0]
        while time.monotonic() < deadline:
            time.sleep(min(POLL_SECONDS, max(deadline - time.monotonic(), 0)))
            if self._run("PRAGMA data_version").fetchone()[0] != start:
                return

    # -- usage events (insights) ---------------------------------------------------------------

    def add_events(self, events: Sequence[UsageEvent]) -> None:
        """Store a batch of anonymous usage events in one transaction."""
        try:
            with localdb.write(self._db):
                self._db.executemany(
                    "INSERT INTO usage_events (session, at, kind, flow, step, lang, mode, detail)"
                    " VALUES (?,?,?,?,?,?,?,?)",
                    [
                        (e.session, _stamp(e.at), e.kind, e.flow, e.step, e.lang, e.mode, e.detail)
                        for e in events
                    ],
                )
        except sqlite3.Error as e:
            raise StoreUnavailable(f"desk store {self.path}: {e}") from e

    def events(
        self, since: dt.datetime, until: dt.datetime, *, without_steps: bool = False
    ) -> Iterator[UsageEvent]:
        """Events in [since, until), grouped by session, in time order (read as plain tuples: fast).

        ``without_steps`` leaves out "step" events (counted by `step_reach` instead).
        """
        cursor = self._db.cursor()
        cursor.row_factory = None
        skip = f" AND kind IN ({', '.join(repr(k) for k in KINDS if k != 'step')})" if without_steps else ""
        try:
            rows = cursor.execute(
                "SELECT session, at, kind, flow, step, lang, mode, detail FROM usage_events"
                f" WHERE at >= ? AND at < ?{skip} ORDER BY session, at, id",
                (_stamp(since), _stamp(until)),
            )
        except sqlite3.Error as e:
            raise StoreUnavailable(f"desk store {self.path}: {e}") from e
        parse = dt.datetime.fromisoformat
        for session, at, kind, flow, step, lang, mode, detail in rows:
            yield UsageEvent(session, parse(at), kind, flow, step, lang, mode, detail)

    def step_reach(self, since: dt.datetime, until: dt.datetime) -> list[tuple[str, str, int, str]]:
        """(flow, step, sessions that reached it, first reached) for [since, until)."""
        rows = self._run(
            "SELECT flow, step, COUNT(DISTINCT session), MIN(at) FROM usage_events"
            " WHERE kind = 'step' AND at >= ? AND at < ? AND flow IS NOT NULL AND step IS NOT NULL"
            " GROUP BY flow, step",
            (_stamp(since), _stamp(until)),
        ).fetchall()
        return [(r[0], r[1], int(r[2]), str(r[3])) for r in rows]

    def requests_between(self, since: dt.datetime, until: dt.datetime) -> list[DeskRequest]:
        """Every help request asked for in [since, until), whatever its state."""
        rows = self._run(
            f"SELECT * FROM requests WHERE created_at >= ? AND created_at < ? {_ORDER}",
            (_stamp(since), _stamp(until)),
        ).fetchall()
        return [_request(r) for r in rows]
