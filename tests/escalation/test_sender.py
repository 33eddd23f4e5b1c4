"""The sender delivers every saved request to the desk exactly once, through kills and outages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import pytest

from dfhelper.escalation.outbox import HelpRequest, Outbox
from dfhelper.escalation.sender import RetryPolicy, Sender
from dfhelper.escalation.store import DeskStore, RemoteState, StoreUnavailable, open_store
from tests.escalation.conftest import new_request
from tests.escalation.pg import PgServer, require_or_skip, start_server

ROOT = Path(__file__).resolve().parents[2]
FAST = RetryPolicy(first=0.05, factor=2, most=0.2)
Connect = Callable[[], DeskStore]


def run_kiosk(
    outbox: Path, url: str, count: int, kill_at: str = "", kiosk: str = "Waiting room"
) -> list[str]:
    """Run a kiosk process; the ids it said were saved (its screen said "saved" for these)."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.escalation.kiosk_process",
            str(outbox),
            url,
            str(count),
            kill_at,
            "--kiosk",
            kiosk,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,  # the return code is checked below
    )
    if kill_at:
        assert proc.returncode == -9, proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr
    assert "locked" not in proc.stderr
    return [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("saved ")]


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize("kill_at", ["after-save", "before-deliver", "after-deliver", "after-mark"])
def test_a_kiosk_killed_at_any_point_loses_nothing_and_duplicates_nothing(
    tmp_path: Path, store_url: str, connect: Connect, kill_at: str
) -> None:
    outbox = tmp_path / "kiosk" / "outbox.sqlite3"
    saved = run_kiosk(outbox, store_url, 1, "")  # one delivered before the crash
    saved += run_kiosk(outbox, store_url, 3, kill_at)
    # the supervisor restarts the kiosk; its sender takes up what was left
    restarted = Sender(outbox, connect)
    restarted.run_once()
    restarted.close()
    at_desk = [r.id for r in connect().open_requests()]
    assert sorted(at_desk) == sorted(saved)
    assert len(at_desk) == len(set(at_desk))
    assert Outbox(outbox).pending() == []


def test_three_kiosks_and_a_laptop_sending_at_once_all_arrive(
    tmp_path: Path, store_url: str, connect: Connect
) -> None:
    count = 25
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.escalation.kiosk_process",
                str(tmp_path / f"k{i}" / "o.sqlite3"),
                store_url,
                str(count),
                "",
                "--kiosk",
                name,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for i, name in enumerate(["Kiosk 1", "Kiosk 2", "Kiosk 3", "Volunteer laptop"])
    ]
    saved: list[str] = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "locked" not in err
        saved += [line.split()[1] for line in out.splitlines() if line.startswith("saved ")]
    at_desk = connect().open_requests()
    assert len(saved) == 4 * count
    assert sorted(r.id for r in at_desk) == sorted(saved)
    assert {r.kiosk for r in at_desk} == {"Kiosk 1", "Kiosk 2", "Kiosk 3", "Volunteer laptop"}


class Flaky:
    """A store connection that can be cut (raises `StoreUnavailable`) and mended."""

    def __init__(self, connect: Connect) -> None:
        self.connect = connect
        self.down = False
        self.lose_acks = 0

    def __call__(self) -> DeskStore:
        if self.down:
            raise StoreUnavailable("unreachable (test)")
        return cast(DeskStore, _FlakyStore(self, self.connect()))


class _FlakyStore:
    def __init__(self, owner: Flaky, inner: DeskStore) -> None:
        self.owner, self.inner = owner, inner

    def close(self) -> None:
        self.inner.close()

    def __getattr__(self, name: str) -> object:
        if self.owner.down:
            raise StoreUnavailable("unreachable (test)")
        return getattr(self.inner, name)

    def deliver(self, request: HelpRequest) -> bool:
        if self.owner.down:
            raise StoreUnavailable("unreachable (test)")
        accepted = self.inner.deliver(request)
        if self.owner.lose_acks:
            self.owner.lose_acks -= 1
            raise StoreUnavailable("connection lost before the answer arrived (test)")
        return accepted


def test_a_lost_acknowledgement_then_a_retry_gives_one_request(tmp_path: Path, connect: Connect) -> None:
    flaky = Flaky(connect)
    flaky.lose_acks = 1
    box = Outbox(tmp_path / "o.sqlite3")
    request = box.add(new_request())
    sender = Sender(tmp_path / "o.sqlite3", flaky, retry=FAST)
    with pytest.raises(StoreUnavailable):
        sender.run_once()
    assert box.pending() == [request]  # not marked: the sender never heard back
    sender.run_once()
    assert [r.id for r in connect().open_requests()] == [request.id]
    assert box.pending() == []


def test_an_outage_then_recovery_delivers_everything_once(tmp_path: Path, connect: Connect) -> None:
    flaky = Flaky(connect)
    box = Outbox(tmp_path / "o.sqlite3")
    sender = Sender(tmp_path / "o.sqlite3", flaky, retry=FAST, poll_seconds=0.05)
    sender.start()
    try:
        first = box.add(new_request())
        sender.wake()
        wait_for(lambda: sender.status(first).delivered)
        flaky.down = True
        during = [box.add(new_request()) for _ in range(5)]
        sender.wake()
        time.sleep(0.5)
        assert all(not sender.status(r).delivered for r in during)
        assert sender.failures > 0
        flaky.down = False
        wait_for(lambda: all(sender.status(r).delivered for r in during))
    finally:
        sender.stop()
    at_desk = [r.id for r in connect().open_requests()]
    assert sorted(at_desk) == sorted(r.id for r in [first, *during])


def test_the_kiosk_hears_when_its_request_is_claimed(tmp_path: Path, connect: Connect) -> None:
    box = Outbox(tmp_path / "o.sqlite3")
    sender = Sender(tmp_path / "o.sqlite3", connect, retry=FAST, poll_seconds=0.05)
    sender.start()
    try:
        request = box.add(new_request())
        sender.wake()
        wait_for(lambda: sender.status(request).delivered)
        desk = connect()
        desk.heartbeat("Reception")
        assert desk.claim(request.id, "Reception")
        wait_for(lambda: sender.status(request).remote == RemoteState("claimed"))
        assert sender.status(request).desk_seen is not None
        assert desk.resolve(request.id, "Reception", "come_to_desk")
        wait_for(lambda: sender.status(request).remote == RemoteState("resolved", "come_to_desk"))
    finally:
        sender.stop()


def test_the_retry_pause_grows_to_a_limit() -> None:
    policy = RetryPolicy(first=0.5, factor=2, most=4)
    assert [policy.pause(n) for n in range(1, 6)] == [0.5, 1, 2, 4, 4]


def test_a_webhook_gets_each_request_once_with_retries(tmp_path: Path, connect: Connect) -> None:
    import json
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received: list[dict[str, object]] = []
    failures = {"left": 2}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if failures["left"]:
                failures["left"] -= 1
                self.send_response(503)
            else:
                received.append(json.loads(body))
                self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        box = Outbox(tmp_path / "o.sqlite3")
        a, b = box.add(new_request()), box.add(new_request(priority=True))
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        sender = Sender(tmp_path / "o.sqlite3", connect, webhook_url=url, retry=FAST, poll_seconds=0.05)
        sender.start()
        wait_for(lambda: len(received) == 2)
        sender.stop()
    finally:
        server.shutdown()
    assert [r["request"]["id"] for r in received] == [a.id, b.id]  # type: ignore[index]
    assert str(received[1]["text"]).startswith("URGENT Help needed at Waiting room: ticket 002")
    assert box.webhook_pending() == []


@pytest.fixture
def own_pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server of this test's own, which it may stop and start."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        require_or_skip("psycopg is not installed")
    server = start_server()
    if server is None:
        require_or_skip("PostgreSQL's server programs are not installed")
    assert server is not None
    yield server
    shutil.rmtree(server.data.parent, ignore_errors=True)


def test_postgresql_down_for_a_while_then_back_delivers_everything_once(
    tmp_path: Path, own_pg_server: PgServer
) -> None:
    server = own_pg_server
    url = server.new_database()
    box = Outbox(tmp_path / "o.sqlite3")
    sender = Sender(tmp_path / "o.sqlite3", lambda: open_store(url), retry=FAST, poll_seconds=0.05)
    sender.start()
    try:
        first = box.add(new_request())
        sender.wake()
        wait_for(lambda: sender.status(first).delivered)
        server.stop()
        during = [box.add(new_request()) for _ in range(5)]
        sender.wake()
        time.sleep(1.0)
        assert not any(sender.status(r).delivered for r in during)
        server.start()
        wait_for(lambda: all(sender.status(r).delivered for r in during), timeout=30)
    finally:
        sender.stop()
        server.stop()
    server.start()
    try:
        store = open_store(url)
        assert sorted(r.id for r in store.open_requests()) == sorted(r.id for r in [first, *during])
        store.close()
    finally:
        server.stop()
