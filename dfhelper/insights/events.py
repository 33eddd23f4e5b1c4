"""Writing usage events off the interface's path.

`EventLog.record` only puts the event on a queue; a thread of its own writes
batches to the store (the same `DeskStore` as the help requests). A slow disk or an
unreachable PostgreSQL never delays a key press. Events are for counting, not
for patients' safety: if the store cannot be reached for long, the oldest
waiting events are dropped (and the count of drops logged) rather than
growing memory without end.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable

from dfhelper.escalation.store import DeskStore, StoreError, StoreUnavailable
from dfhelper.insights.model import UsageEvent

log = logging.getLogger(__name__)

BATCH = 500
MAX_WAITING = 10_000


class EventLog:
    """Queues events and writes them in batches from a thread of its own."""

    def __init__(self, connect: Callable[[], DeskStore], *, flush_seconds: float = 1.0) -> None:
        self._connect = connect
        self.flush_seconds = flush_seconds
        self._queue: queue.SimpleQueue[UsageEvent | None] = queue.SimpleQueue()
        self._waiting: deque[UsageEvent] = deque()
        self._store: DeskStore | None = None
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self.dropped = 0
        self.written = 0

    def record(self, event: UsageEvent) -> None:
        """Queue one event (never blocks)."""
        self._idle.clear()
        self._queue.put(event)

    def start(self) -> None:
        """Write in the background until `close`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="dfhelper-events", daemon=True)
            self._thread.start()

    def close(self, timeout: float = 5.0) -> None:
        """Write what is waiting (as far as the store allows) and stop."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None
        else:
            self._drain()
            self._write()
        if self._store is not None:
            self._store.close()
            self._store = None

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """For tests: True once everything recorded so far is written."""
        return self._idle.wait(timeout)

    def _drain(self) -> bool:
        """Move queued events to the waiting list; False when asked to stop."""
        go_on = True
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return go_on
            if item is None:
                go_on = False
            else:
                self._waiting.append(item)
                if len(self._waiting) > MAX_WAITING:
                    self._waiting.popleft()
                    self.dropped += 1

    def _write(self) -> None:
        while self._waiting:
            batch = [self._waiting[i] for i in range(min(BATCH, len(self._waiting)))]
            try:
                if self._store is None:
                    self._store = self._connect()
                self._store.add_events(batch)
            except (StoreUnavailable, StoreError) as e:
                log.warning("usage events: store not reachable (%s); %d waiting", e, len(self._waiting))
                if self._store is not None:
                    try:
                        self._store.close()
                    finally:
                        self._store = None
                return
            for _ in batch:
                self._waiting.popleft()
            self.written += len(batch)

    def _loop(self) -> None:
        running = True
        while running:
            try:
                first = self._queue.get(timeout=self.flush_seconds)
            except queue.Empty:
                pass
            else:
                if first is None:
                    running = False
                else:
                    self._waiting.append(first)
            running = self._drain() and running
            try:
                self._write()
            except Exception:  # never let the writer die quietly
                log.exception("usage events: unexpected error")
                time.sleep(self.flush_seconds)
            if not self._waiting and self._queue.empty():
                self._idle.set()
        if self.dropped:
            log.warning("usage events: %d dropped while the store was unreachable", self.dropped)
