"""The desk store: where help requests wait for a person, behind one small protocol.

Two real implementations, chosen by a URL in the practice configuration
(``[desk] store_url``):

- ``sqlite:///path/to/desk.sqlite3`` (the default, in the data folder): kiosk and
  desk on one machine, or a volunteer's laptop. Never on a network share.
- ``postgresql://...``: several kiosks and desks, or a group of practices.

Every store accepts each request id (the idempotency key the kiosk made before
first saving it) once: delivering it again changes nothing, so a sender may
retry after a lost acknowledgement without making a second request.

A request is ``open`` until someone at a desk claims it ("I'm coming"), then
``claimed``, then ``resolved`` with a short outcome from `OUTCOMES`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import unquote, urlsplit

from dfhelper.escalation.outbox import HelpRequest
from dfhelper.insights.model import UsageEvent

State = Literal["open", "claimed", "resolved"]

OUTCOMES: dict[str, str] = {
    "helped_at_kiosk": "Helped at the kiosk",
    "helped_at_desk": "Helped at the desk",
    "come_to_desk": "Asked to come to the desk",
    "booked_session": "Booked a longer session with a digital helper",
    "referred": "Referred to another service",
    "left": "Patient had left",
    "duplicate": "Already dealt with (duplicate)",
}
"""Outcome codes a desk may resolve a request with, and how the desk shows them."""

COME_TO_DESK = "come_to_desk"
"""The outcome that tells the patient at the kiosk to go to the desk."""


class StoreError(Exception):
    """The desk store cannot be set up (bad URL, unsafe place); the message says what to do."""


class StoreUnavailable(Exception):
    """The desk store cannot be reached just now; try again later."""


@dataclass(frozen=True, slots=True)
class DeskRequest:
    """A help request as the desk sees it."""

    id: str
    ticket: str
    created_at: dt.datetime
    received_at: dt.datetime
    kiosk: str
    flow: str | None
    step: str | None
    lang: str
    reason: str
    priority: bool
    steps_tried: tuple[str, ...]
    needs: tuple[str, ...]
    state: State = "open"
    claimed_by: str | None = None
    claimed_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    outcome: str | None = None

    def age(self, now: dt.datetime) -> dt.timedelta:
        """How long the patient has been waiting."""
        return max(now - self.created_at, dt.timedelta(0))

    def to_json(self) -> dict[str, object]:
        """A plain dict for ``dfhelper desk list --format json``."""
        out: dict[str, object] = {}
        for f in dataclasses.fields(self):
            name, value = f.name, getattr(self, f.name)
            if isinstance(value, dt.datetime):
                value = value.isoformat(timespec="seconds")
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out


@dataclass(frozen=True, slots=True)
class RemoteState:
    """What a kiosk needs to know about one of its requests."""

    state: State
    outcome: str | None = None


class DeskStore(Protocol):
    """Where help requests wait for a person. Methods raise `StoreUnavailable` when unreachable."""

    def deliver(self, request: HelpRequest) -> bool:
        """Accept a request (True) or recognise one already accepted (False): never twice."""
        ...

    def states(self, ids: Sequence[str]) -> dict[str, RemoteState]:
        """The state of each known request among ``ids``."""
        ...

    def open_requests(self) -> list[DeskRequest]:
        """Requests not yet resolved: priority first, then oldest first."""
        ...

    def get(self, request_id: str) -> DeskRequest | None:
        """One request by id."""
        ...

    def claim(self, request_id: str, desk: str) -> bool:
        """Someone at ``desk`` is going to the patient. False if it is not open any more."""
        ...

    def claim_next(self, desk: str) -> DeskRequest | None:
        """Claim the most urgent open request; two desks never get the same one."""
        ...

    def resolve(self, request_id: str, desk: str, outcome: str) -> bool:
        """Close a request with an outcome from `OUTCOMES`. False if it was already resolved."""
        ...

    def heartbeat(self, desk: str) -> None:
        """Record that a desk is open and watching."""
        ...

    def desk_last_seen(self) -> dt.datetime | None:
        """When any desk last said it was watching (None: never)."""
        ...

    def wait(self, timeout: float) -> None:
        """Return when something may have changed, or after ``timeout`` seconds."""
        ...

    def add_events(self, events: Sequence[UsageEvent]) -> None:
        """Store a batch of anonymous usage events (for `dfhelper report`)."""
        ...

    def events(
        self, since: dt.datetime, until: dt.datetime, *, without_steps: bool = False
    ) -> Iterator[UsageEvent]:
        """Usage events in [since, until), grouped by session, in time order (optionally no steps)."""
        ...

    def step_reach(self, since: dt.datetime, until: dt.datetime) -> list[tuple[str, str, int, str]]:
        """(flow, step, sessions that reached it, first reached) for [since, until)."""
        ...

    def requests_between(self, since: dt.datetime, until: dt.datetime) -> list[DeskRequest]:
        """Every help request asked for in [since, until), whatever its state."""
        ...

    def close(self) -> None:
        """Let go of connections and files."""
        ...


def check_outcome(outcome: str) -> None:
    """Refuse an outcome code the desk does not offer."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; choose from: {', '.join(OUTCOMES)}")


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite:///absolute/path`` URL."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost") or not parts.path:
        raise StoreError(
            f"{url}: a SQLite desk store URL names a local file, e.g. sqlite:///var/lib/dfhelper/desk.sqlite3"
        )
    return Path(unquote(parts.path))


def default_url(data_dir: Path) -> str:
    """The embedded default: a SQLite file in the data folder."""
    return f"sqlite:///{(data_dir / 'desk.sqlite3').resolve()}"


def open_store(url: str) -> DeskStore:
    """The store a URL names (``sqlite:///...`` or ``postgresql://...``)."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        from dfhelper.escalation.sqlite_store import SqliteStore

        return SqliteStore(sqlite_path(url))
    if scheme in ("postgresql", "postgres"):
        from dfhelper.escalation.pg_store import PostgresStore

        return PostgresStore(url)
    raise StoreError(
        f"{redact_url(url)}: the desk store URL must start with sqlite:/// or postgresql:// "
        "(set [desk] store_url in the practice configuration)."
    )


def redact_url(url: str) -> str:
    """A URL safe to show or log: any password replaced."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()
