"""The shared desk store: PostgreSQL, for several kiosks and desks or a group of practices.

The queue is a table. Each request id is accepted once (``ON CONFLICT DO
NOTHING``); "claim the next one" takes a row with ``FOR UPDATE SKIP LOCKED``, so
two desks pressing it at once never get the same patient. ``LISTEN/NOTIFY`` only
wakes desks early: a desk that was not listening misses nothing, because it
reads the table.

Needs the ``psycopg`` package (``pip install 'dfhelper[postgres]'``).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from dfhelper.escalation.outbox import HelpRequest
from dfhelper.escalation.store import (
    DeskRequest,
    RemoteState,
    StoreError,
    StoreUnavailable,
    check_outcome,
    redact_url,
)
from dfhelper.insights.model import UsageEvent

if TYPE_CHECKING:
    import psycopg

CHANNEL = "dfhelper_desk"
SCHEMA_LOCK = 0x0DF4E1  # advisory lock id: one process creates the tables at a time
CONNECT_TIMEOUT = 5

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS dfhelper_requests (
        id          uuid PRIMARY KEY,
        ticket      text NOT NULL,
        created_at  timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        kiosk       text NOT NULL,
        flow        text,
        step        text,
        lang        text NOT NULL,
        reason      text NOT NULL,
        priority    boolean NOT NULL DEFAULT false,
        steps_tried jsonb NOT NULL,
        needs       jsonb NOT NULL,
        state       text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'claimed', 'resolved')),
        claimed_by  text,
        claimed_at  timestamptz,
        resolved_at timestamptz,
        outcome     text
    )""",
    """CREATE INDEX IF NOT EXISTS dfhelper_requests_waiting
        ON dfhelper_requests (priority DESC, created_at) WHERE state <> 'resolved'""",
    """CREATE TABLE IF NOT EXISTS dfhelper_desks (
        name    text PRIMARY KEY,
        seen_at timestamptz NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS dfhelper_events (
        id      bigserial PRIMARY KEY,
        session text NOT NULL,
        at      timestamptz NOT NULL,
        kind    text NOT NULL,
        flow    text,
        step    text,
        lang    text NOT NULL,
        mode    text NOT NULL,
        detail  text
    )""",
    "CREATE INDEX IF NOT EXISTS dfhelper_events_at ON dfhelper_events (at)",
    "CREATE INDEX IF NOT EXISTS dfhelper_events_session ON dfhelper_events (session, at, id)",
    "CREATE INDEX IF NOT EXISTS dfhelper_events_kind ON dfhelper_events (kind, flow, step, session, at)",
]

_COLUMNS = (
    "id::text AS id, ticket, created_at, received_at, kiosk, flow, step, lang, reason, priority,"
    " steps_tried, needs, state, claimed_by, claimed_at, resolved_at, outcome"
)
_ORDER = "ORDER BY priority DESC, created_at, received_at"


def _request(row: dict[str, Any]) -> DeskRequest:
    return DeskRequest(
        id=row["id"],
        ticket=row["ticket"],
        created_at=row["created_at"],
        received_at=row["received_at"],
        kiosk=row["kiosk"],
        flow=row["flow"],
        step=row["step"],
        lang=row["lang"],
        reason=row["reason"],
        priority=row["priority"],
        steps_tried=tuple(row["steps_tried"]),
        needs=tuple(row["needs"]),
        state=row["state"],
        claimed_by=row["claimed_by"],
        claimed_at=row["claimed_at"],
        resolved_at=row["resolved_at"],
        outcome=row["outcome"],
    )


class PostgresStore:
    """A `dfhelper.escalation.store.DeskStore` in PostgreSQL. Reconnects by itself after an outage."""

    def __init__(self, url: str) -> None:
        try:
            import psycopg  # noqa: F401
        except ImportError as e:
            raise StoreError(
                "A PostgreSQL desk store needs the psycopg package: pip install 'dfhelper[postgres]'"
            ) from e
        self.url = url
        self._conn: psycopg.Connection[dict[str, Any]] | None = None
        self._listener: psycopg.Connection[Any] | None = None
        self._lock = threading.Lock()
        self._schema_ready = False

    def __repr__(self) -> str:
        return f"PostgresStore({redact_url(self.url)!r})"

    # -- connections ------------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[dict[str, Any]]:
        import psycopg
        from psycopg.rows import dict_row

        if self._conn is not None and not self._conn.closed and not self._conn.broken:
            return self._conn
        self._conn = None
        try:
            conn = psycopg.connect(self.url, row_factory=dict_row, connect_timeout=CONNECT_TIMEOUT)
        except psycopg.Error as e:
            raise StoreUnavailable(f"desk store {redact_url(self.url)}: {_first_line(e)}") from e
        if not self._schema_ready:
            try:
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                    for statement in _SCHEMA:
                        conn.execute(statement)
            except psycopg.Error as e:
                conn.close()
                raise StoreUnavailable(f"desk store {redact_url(self.url)}: {_first_line(e)}") from e
            self._schema_ready = True
        self._conn = conn
        return conn

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Connection[dict[str, Any]]]:
        """One transaction on a live connection; any database failure becomes `StoreUnavailable`."""
        import psycopg

        with self._lock:
            conn = self._connect()
            try:
                with conn.transaction():
                    yield conn
            except psycopg.Error as e:
                if conn.broken or conn.closed:
                    self._conn = None
                raise StoreUnavailable(f"desk store {redact_url(self.url)}: {_first_line(e)}") from e

    def close(self) -> None:
        """Close both connections."""
        for conn in (self._conn, self._listener):
            if conn is not None:
                conn.close()
        self._conn = self._listener = None

    # -- the protocol -------------------------------------------------------------------------

    def deliver(self, request: HelpRequest) -> bool:
        """Accept a request once; a repeat delivery of the same id changes nothing."""
        import json

        with self._tx() as conn:
            row = conn.execute(
                "INSERT INTO dfhelper_requests (id, ticket, created_at, kiosk, flow, step, lang, reason,"
                " priority, steps_tried, needs) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (id) DO NOTHING RETURNING id",
                (
                    request.id,
                    request.ticket,
                    request.created_at,
                    request.kiosk,
                    request.flow,
                    request.step,
                    request.lang,
                    request.reason,
                    request.priority,
                    json.dumps(list(request.steps_tried)),
                    json.dumps(list(request.needs)),
                ),
            ).fetchone()
            if row is not None:
                conn.execute(f"NOTIFY {CHANNEL}")
        return row is not None

    def states(self, ids: Sequence[str]) -> dict[str, RemoteState]:
        """The state of each known request among ``ids``."""
        if not ids:
            return {}
        with self._tx() as conn:
            rows = conn.execute(
                "SELECT id::text AS id, state, outcome FROM dfhelper_requests WHERE id = ANY(%s::uuid[])",
                (list(ids),),
            ).fetchall()
        return {r["id"]: RemoteState(r["state"], r["outcome"]) for r in rows}

    def open_requests(self) -> list[DeskRequest]:
        """Requests not yet resolved: priority first, then oldest first."""
        with self._tx() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM dfhelper_requests WHERE state <> 'resolved' {_ORDER}"
            ).fetchall()
        return [_request(r) for r in rows]

    def get(self, request_id: str) -> DeskRequest | None:
        """One request by id."""
        with self._tx() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM dfhelper_requests WHERE id = %s::uuid",
                (request_id,),
            ).fetchone()
        return _request(row) if row else None

    def claim(self, request_id: str, desk: str) -> bool:
        """Someone at ``desk`` is going to the patient. False if it is not open any more."""
        with self._tx() as conn:
            row = conn.execute(
                "UPDATE dfhelper_requests SET state = 'claimed', claimed_by = %s, claimed_at = now()"
                " WHERE id = %s::uuid AND state = 'open' RETURNING id",
                (desk, request_id),
            ).fetchone()
            if row is not None:
                conn.execute(f"NOTIFY {CHANNEL}")
        return row is not None

    def claim_next(self, desk: str) -> DeskRequest | None:
        """Claim the most urgent open request; a row another desk is taking is skipped."""
        with self._tx() as conn:
            row = conn.execute(
                f"SELECT id FROM dfhelper_requests WHERE state = 'open' {_ORDER}"
                " LIMIT 1 FOR UPDATE SKIP LOCKED"
            ).fetchone()
            if row is None:
                return None
            claimed = conn.execute(
                "UPDATE dfhelper_requests SET state = 'claimed', claimed_by = %s, claimed_at = now()"
                f" WHERE id = %s RETURNING {_COLUMNS}",
                (desk, row["id"]),
            ).fetchone()
            conn.execute(f"NOTIFY {CHANNEL}")
        return _request(claimed) if claimed else None

    def resolve(self, request_id: str, desk: str, outcome: str) -> bool:
        """Close a request with an outcome. False if it was already resolved."""
        check_outcome(outcome)
        with self._tx() as conn:
            row = conn.execute(
                "UPDATE dfhelper_requests SET state = 'resolved', outcome = %s, resolved_at = now(),"
                " claimed_by = COALESCE(claimed_by, %s), claimed_at = COALESCE(claimed_at, now())"
                " WHERE id = %s::uuid AND state <> 'resolved' RETURNING id",
                (outcome, desk, request_id),
            ).fetchone()
            if row is not None:
                conn.execute(f"NOTIFY {CHANNEL}")
        return row is not None

    def heartbeat(self, desk: str) -> None:
        """Record that a desk is open and watching."""
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO dfhelper_desks (name, seen_at) VALUES (%s, now())"
                " ON CONFLICT (name) DO UPDATE SET seen_at = excluded.seen_at",
                (desk,),
            )

    def desk_last_seen(self) -> dt.datetime | None:
        """When any desk last said it was watching."""
        with self._tx() as conn:
            row = conn.execute("SELECT max(seen_at) AS seen FROM dfhelper_desks").fetchone()
        seen = row["seen"] if row else None
        return seen if isinstance(seen, dt.datetime) else None

    def wait(self, timeout: float) -> None:
        """Return on a notification (a wake-up only), or after ``timeout`` seconds.

        The table stays the truth: callers read it after every return.
        """
        import psycopg

        deadline = time.monotonic() + timeout
        try:
            if self._listener is None or self._listener.closed or self._listener.broken:
                self._listener = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
                self._listener.execute(f"LISTEN {CHANNEL}")
            left = deadline - time.monotonic()
            if left > 0:
                for _ in self._listener.notifies(timeout=left, stop_after=1):
                    break
        except psycopg.Error as e:
            if self._listener is not None:
                self._listener.close()
            self._listener = None
            time.sleep(max(min(deadline - time.monotonic(), 1.0), 0))
            raise StoreUnavailable(f"desk store {redact_url(self.url)}: {_first_line(e)}") from e

    # -- usage events (insights) ---------------------------------------------------------------

    def add_events(self, events: Sequence[UsageEvent]) -> None:
        """Store a batch of anonymous usage events in one transaction."""
        with self._tx() as conn, conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO dfhelper_events (session, at, kind, flow, step, lang, mode, detail)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [(e.session, e.at, e.kind, e.flow, e.step, e.lang, e.mode, e.detail) for e in events],
            )

    def events(
        self, since: dt.datetime, until: dt.datetime, *, without_steps: bool = False
    ) -> Iterator[UsageEvent]:
        """Events in [since, until), grouped by session, in time order (optionally without steps)."""
        skip = " AND kind <> 'step'" if without_steps else ""  # kinds are a fixed set, never patient text
        with self._tx() as conn:
            rows = conn.execute(
                "SELECT session, at, kind, flow, step, lang, mode, detail FROM dfhelper_events"
                f" WHERE at >= %s AND at < %s{skip} ORDER BY session, at, id",
                (since, until),
            ).fetchall()
        for r in rows:
            yield UsageEvent(
                r["session"], r["at"], r["kind"], r["flow"], r["step"], r["lang"], r["mode"], r["detail"]
            )

    def step_reach(self, since: dt.datetime, until: dt.datetime) -> list[tuple[str, str, int, str]]:
        """(flow, step, sessions that reached it, first reached) for [since, until)."""
        with self._tx() as conn:
            rows = conn.execute(
                "SELECT flow, step, COUNT(DISTINCT session) AS n, MIN(at) AS first FROM dfhelper_events"
                " WHERE kind = 'step' AND at >= %s AND at < %s AND flow IS NOT NULL AND step IS NOT NULL"
                " GROUP BY flow, step",
                (since, until),
            ).fetchall()
        return [(r["flow"], r["step"], int(r["n"]), r["first"].isoformat()) for r in rows]

    def requests_between(self, since: dt.datetime, until: dt.datetime) -> list[DeskRequest]:
        """Every help request asked for in [since, until), whatever its state."""
        with self._tx() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM dfhelper_requests"
                f" WHERE created_at >= %s AND created_at < %s {_ORDER}",
                (since, until),
            ).fetchall()
        return [_request(r) for r in rows]


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
