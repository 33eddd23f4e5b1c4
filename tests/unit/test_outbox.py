"""The kiosk's outbox keeps a help request through a crash, and refuses unsafe places."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dfhelper.escalation import localdb
from dfhelper.escalation import outbox as ob
from dfhelper.escalation.outbox import NewRequest, Outbox, OutboxError


def request(**changes: object) -> NewRequest:
    base: dict[str, object] = {"kiosk": "Front", "lang": "pl", "reason": "asked_for_help"}
    base.update(changes)
    return NewRequest(**base)  # type: ignore[arg-type]


def test_outbox_is_wal_with_full_sync(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3")
    db = sqlite3.connect(tmp_path / "o.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert box._db.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_tickets_count_up_per_kiosk_and_day(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3")
    day1 = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)
    day2 = dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC)
    tickets = [box.add(request(), now=day1).ticket for _ in range(3)]
    assert tickets == ["001", "002", "003"]
    assert box.add(request(kiosk="Upstairs"), now=day1).ticket == "001"
    assert box.add(request(), now=day2).ticket == "001"


def test_request_round_trips_with_nothing_identifying(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3")
    saved = box.add(
        request(flow="f", step="s", steps_tried=["f:a", "f:s"], needs=["needs_interpreter"], priority=True)
    )
    again = Outbox(tmp_path / "o.sqlite3").get(saved.id)
    assert again == saved
    assert again.steps_tried == ("f:a", "f:s")
    assert again.needs == ("needs_interpreter",)
    columns = {
        r[1] for r in sqlite3.connect(tmp_path / "o.sqlite3").execute("PRAGMA table_info(help_requests)")
    }
    assert not columns & {"name", "nhs_number", "phone", "email", "postcode", "text"}


def test_pending_until_delivered(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3")
    a = box.add(request())
    b = box.add(request())
    box.mark_delivered(a.id)
    assert [r.id for r in box.pending()] == [b.id]


def test_a_committed_request_survives_the_process_being_killed(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from dfhelper.escalation.outbox import Outbox, NewRequest
        box = Outbox(Path({str(path)!r}))
        saved = box.add(NewRequest(kiosk="k", lang="en", reason="r"))
        print(saved.id, flush=True)
        box._db.execute("BEGIN IMMEDIATE")
        box._db.execute("INSERT INTO help_requests (id, ticket, created_at, day, kiosk, lang, reason,"
                        " steps_tried, needs) VALUES ('half', '999', 'x', 'x', 'k', 'en', 'r', '[]', '[]')")
        os._exit(9)  # killed inside an open transaction
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert run.returncode == 9
    saved_id = run.stdout.strip()
    box = Outbox(path)
    assert box.get(saved_id) is not None
    assert box.get("half") is None
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_network_share_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(localdb, "filesystem_type", lambda path: "cifs")
    with pytest.raises(OutboxError, match="network share"):
        Outbox(tmp_path / "o.sqlite3")


def test_filesystem_type_finds_the_deepest_mount() -> None:
    assert ob.filesystem_type(Path("/proc/self")) == "proc"


def test_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutboxError, match="outbox"):
        Outbox(blocker / "o.sqlite3")


def test_outbox_folder_is_private(tmp_path: Path) -> None:
    Outbox(tmp_path / "data" / "o.sqlite3")
    assert (tmp_path / "data").stat().st_mode & 0o077 == 0


def test_delivered_requests_are_forgotten_after_a_day_and_undelivered_ones_never(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3")
    old = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
    delivered, waiting, hooked = (
        box.add(request(), now=old),
        box.add(request(), now=old),
        box.add(request(), now=old),
    )
    recent = box.add(request(), now=dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC))
    for r in (delivered, hooked, recent):
        box.mark_delivered(r.id)
    box.mark_webhook_sent(hooked.id)
    cutoff = dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)
    assert box.forget_before(cutoff, webhook=True) == 1  # only the one the webhook also has
    assert {r.id for r in box.all()} == {delivered.id, waiting.id, recent.id}
    assert box.forget_before(cutoff) == 1
    assert {r.id for r in box.all()} == {waiting.id, recent.id}
