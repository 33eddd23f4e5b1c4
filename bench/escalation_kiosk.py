"""One kiosk process for the escalation benchmark: asks for help COUNT times, printing when each was asked.

``python -m bench.escalation_kiosk MODE DATA_DIR STORE_URL COUNT MEAN_GAP SEED``

- ``dfhelper``: what the kiosk does: commit to the outbox, wake the sender thread,
  which delivers to the desk store.
- ``raw``: the floor: one plain INSERT straight into a table of the same database
  (SQLite in WAL with full sync, or PostgreSQL with a NOTIFY), no outbox or sender.

Prints ``<id> <time asked>`` per request, then waits until everything is delivered.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import time
import uuid
from pathlib import Path


def main() -> int:
    """Run one kiosk's requests."""
    mode, data_dir, url, count, gap, seed = sys.argv[1:7]
    rng = random.Random(int(seed))
    if mode == "dfhelper":
        from dfhelper.escalation.outbox import NewRequest, Outbox
        from dfhelper.escalation.sender import Sender
        from dfhelper.escalation.store import open_store

        box = Outbox(Path(data_dir) / "outbox.sqlite3")
        sender = Sender(box.path, lambda: open_store(url), poll_seconds=1.0)
        sender.start()
        while not sender.connected:  # a kiosk is up long before anyone presses help
            time.sleep(0.01)
        for _ in range(int(count)):
            asked = time.time()
            saved = box.add(NewRequest(kiosk=f"bench {seed}", lang="en", reason="asked_for_help"))
            sender.wake()
            print(saved.id, asked, flush=True)
            time.sleep(rng.expovariate(1 / float(gap)))
        while box.pending():
            time.sleep(0.05)
        sender.stop()
        return 0
    insert = _raw_inserter(url)
    for _ in range(int(count)):
        asked = time.time()
        request_id = str(uuid.uuid4())
        insert(request_id)
        print(request_id, asked, flush=True)
        time.sleep(rng.expovariate(1 / float(gap)))
    return 0


def _raw_inserter(url: str):  # type: ignore[no-untyped-def]
    if url.startswith("sqlite:///"):
        db = sqlite3.connect(url.removeprefix("sqlite://"), isolation_level=None, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")

        def insert_sqlite(request_id: str) -> None:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO raw (id) VALUES (?)", (request_id,))
            db.execute("COMMIT")

        return insert_sqlite
    import psycopg

    conn = psycopg.connect(url, autocommit=True)

    def insert_pg(request_id: str) -> None:
        with conn.transaction():
            conn.execute("INSERT INTO raw (id) VALUES (%s)", (request_id,))
            conn.execute("NOTIFY raw")

    return insert_pg


if __name__ == "__main__":
    sys.exit(main())
