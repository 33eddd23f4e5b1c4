"""The sender: takes help requests from the kiosk's outbox to the desk store, exactly once.

At-least-once delivery plus an idempotent store gives exactly once at the desk:

1. the kiosk commits the request to its outbox (with its id, made first);
2. the sender delivers it to the store, which accepts each id once;
3. only then does the sender mark it delivered in the outbox.

Killed between 2 and 3 (a lost acknowledgement), the next pass delivers it again
and the store ignores the repeat. Unreachable, the sender retries with growing
pauses (`RetryPolicy`), and any new request wakes it at once.

The sender also reads back the state of this kiosk's recent requests (claimed,
resolved) and when a desk was last watching, so the help screen can say
"someone is coming" or "please go to the desk". An optional webhook (JSON POST
to a team chat the practice already uses) gets each new request the same way,
with its own retries.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dfhelper.escalation.outbox import HelpRequest, Outbox, OutboxError
from dfhelper.escalation.store import DeskStore, RemoteState, StoreError, StoreUnavailable

log = logging.getLogger(__name__)

WATCH_HOURS = 12
"""How long after a request the sender keeps reading its state back for the help screen."""

KEEP_HOURS = 24
"""Delivered requests are deleted from the kiosk's outbox after this long (the desk has them)."""

PRUNE_EVERY_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Pauses between failed attempts: ``first``, then times ``factor``, at most ``most`` seconds."""

    first: float = 0.5
    factor: float = 2.0
    most: float = 30.0

    def pause(self, failures: int) -> float:
        """The pause after ``failures`` failures in a row (1 or more)."""
        return float(min(self.first * self.factor ** max(failures - 1, 0), self.most))


@dataclass(frozen=True, slots=True)
class SendStatus:
    """What the sender knows about one request, for the help screen."""

    delivered: bool
    remote: RemoteState | None
    store_ok_age: float | None
    """Seconds since the store last answered (None: it never has, this run)."""
    desk_seen: dt.datetime | None
    """When a desk last said it was watching (None: never, or not known yet)."""


Fault = Callable[[str], None]
"""Called with the name of each point in a send (tests kill the process there)."""


def _no_fault(point: str) -> None:
    return None


class Sender:
    """Delivers one outbox to one desk store, in a thread of its own or a pass at a time."""

    def __init__(
        self,
        outbox_path: Path,
        connect: Callable[[], DeskStore],
        *,
        webhook_url: str = "",
        retry: RetryPolicy | None = None,
        poll_seconds: float = 1.0,
        fault: Fault = _no_fault,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.outbox_path = outbox_path
        self._connect = connect
        self.webhook_url = webhook_url
        self.retry = retry or RetryPolicy()
        self.poll_seconds = poll_seconds
        self._fault = fault
        self._clock = clock
        self._outbox: Outbox | None = None
        self._store: DeskStore | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._remote: dict[str, RemoteState] = {}
        self._delivered: set[str] = set()
        self._store_ok_at: float | None = None
        self._desk_seen: dt.datetime | None = None
        self.failures = 0
        self._webhook_failures = 0
        self._webhook_next = 0.0
        self._pruned_at: float | None = None

    # -- one pass -----------------------------------------------------------------------------

    def _open(self) -> tuple[Outbox, DeskStore]:
        if self._outbox is None:
            self._outbox = Outbox(self.outbox_path)  # the sender's own connection
        if self._store is None:
            try:
                self._store = self._connect()
            except StoreError as e:
                raise StoreUnavailable(str(e)) from e
        return self._outbox, self._store

    def run_once(self) -> None:
        """Deliver what is pending, post webhooks, read states back. Raises `StoreUnavailable`."""
        outbox, store = self._open()
        for request in outbox.pending():
            self._fault("before-deliver")
            store.deliver(request)
            self._fault("after-deliver")
            outbox.mark_delivered(request.id)
            self._fault("after-mark")
        self._post_webhooks(outbox)
        since = dt.datetime.now(dt.UTC) - dt.timedelta(hours=WATCH_HOURS)
        watched = [
            r.id
            for r in outbox.all()
            if r.delivered_at is not None
            and _after(r.created_at, since)
            and (r.id not in self._remote or self._remote[r.id].state != "resolved")
        ]
        states = store.states(watched) if watched else {}
        seen = store.desk_last_seen()
        if self._pruned_at is None or self._clock() - self._pruned_at >= PRUNE_EVERY_SECONDS:
            cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(hours=KEEP_HOURS)
            outbox.forget_before(cutoff, webhook=bool(self.webhook_url))
            self._pruned_at = self._clock()
        with self._lock:
            self._remote.update(states)
            self._delivered.update(watched)
            self._desk_seen = seen
            self._store_ok_at = self._clock()

    def _post_webhooks(self, outbox: Outbox) -> None:
        if not self.webhook_url or self._clock() < self._webhook_next:
            return
        for request in outbox.webhook_pending():
            try:
                post_json(self.webhook_url, webhook_payload(request))
            except OSError as e:
                self._webhook_failures += 1
                self._webhook_next = self._clock() + self.retry.pause(self._webhook_failures)
                log.warning("webhook: not accepted (%s); will retry", type(e).__name__)
                return
            outbox.mark_webhook_sent(request.id)
            self._webhook_failures = 0

    # -- the thread ---------------------------------------------------------------------------

    def start(self) -> None:
        """Run in a background thread until `stop`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="dfhelper-sender", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """A new request was saved: send now."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread and close connections."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.close()

    def _drop_store(self) -> None:
        store, self._store = self._store, None
        if store is not None:
            try:
                store.close()
            except Exception:  # a broken connection may fail to close; it is dropped anyway
                log.debug("sender: closing the store failed", exc_info=True)

    def close(self) -> None:
        """Close the outbox and store connections."""
        self._drop_store()
        if self._outbox is not None:
            self._outbox.close()
            self._outbox = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except (StoreUnavailable, OutboxError) as e:
                self.failures += 1
                pause = self.retry.pause(self.failures)
                log.warning("sender: desk store not reachable (%s); retrying in %.1f s", e, pause)
                if self.failures > 1:
                    self._drop_store()  # connect afresh next time
                self._stop.wait(pause)
                continue
            except Exception:  # never let the sender die quietly
                self.failures += 1
                log.exception("sender: unexpected error")
                self._stop.wait(self.retry.pause(self.failures))
                continue
            self.failures = 0
            self._wake.wait(self.poll_seconds)
            self._wake.clear()

    # -- what the help screen reads ------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """True once the desk store has answered a whole pass."""
        with self._lock:
            return self._store_ok_at is not None

    def status(self, request: HelpRequest) -> SendStatus:
        """What is known about ``request`` now (cheap: no I/O)."""
        with self._lock:
            age = None if self._store_ok_at is None else self._clock() - self._store_ok_at
            return SendStatus(
                delivered=request.id in self._delivered,
                remote=self._remote.get(request.id),
                store_ok_age=age,
                desk_seen=self._desk_seen,
            )


def _after(stamp: str, since: dt.datetime) -> bool:
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return False
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)) >= since


def webhook_payload(request: HelpRequest) -> dict[str, object]:
    """What a team chat receives: a one-line summary and the request's fields (nothing identifying)."""
    where = f"{request.flow}:{request.step}" if request.flow else "the start screen"
    urgent = "URGENT " if request.priority else ""
    return {
        "text": f"{urgent}Help needed at {request.kiosk}: ticket {request.ticket}, {request.lang}, {where}",
        "request": request.to_json(),
    }


def post_json(url: str, payload: dict[str, object], *, timeout: float = 10.0) -> None:
    """POST ``payload`` as JSON; any answer other than 2xx raises OSError."""
    import urllib.error  # imported when first needed: it pulls in http and email (slow at start-up)
    import urllib.request

    if not url.startswith(("https://", "http://")):
        raise OSError(f"not an http(s) URL: {url[:40]}")
    body = json.dumps(payload).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            if not 200 <= response.status < 300:
                raise OSError(f"HTTP {response.status}")
    except urllib.error.HTTPError as e:
        raise OSError(f"HTTP {e.code}") from None
