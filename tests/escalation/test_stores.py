"""The desk store protocol, the same tests against SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dfhelper.escalation.outbox import Outbox
from dfhelper.escalation.store import DeskStore, StoreError, open_store, redact_url, sqlite_path
from tests.escalation.conftest import new_request

Connect = Callable[[], DeskStore]


def saved(tmp_path: Path, n: int = 1, **changes: object) -> list:  # type: ignore[type-arg]
    box = Outbox(tmp_path / "outbox.sqlite3")
    return [box.add(new_request(**changes)) for _ in range(n)]


def test_a_request_is_accepted_once_however_often_it_is_delivered(tmp_path: Path, connect: Connect) -> None:
    store = connect()
    (request,) = saved(tmp_path)
    assert store.deliver(request) is True
    assert store.deliver(request) is False
    assert connect().deliver(request) is False  # another connection, as after a restart
    (found,) = store.open_requests()
    assert found.id == request.id
    assert found.ticket == request.ticket
    assert found.state == "open"
    assert found.steps_tried == request.steps_tried
    assert found.needs == ("needs_interpreter",)
    assert found.lang == "pl"
    assert found.flow == "repeat-prescription"


def test_open_requests_put_priority_first_then_the_oldest(tmp_path: Path, connect: Connect) -> None:
    store = connect()
    box = Outbox(tmp_path / "outbox.sqlite3")
    start = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)
    old = box.add(new_request(), now=start)
    new = box.add(new_request(), now=start + dt.timedelta(minutes=5))
    urgent = box.add(new_request(priority=True), now=start + dt.timedelta(minutes=9))
    for r in (new, urgent, old):
        store.deliver(r)
    assert [r.id for r in store.open_requests()] == [urgent.id, old.id, new.id]


def test_claim_then_resolve_and_the_kiosk_can_read_the_state(tmp_path: Path, connect: Connect) -> None:
    store, kiosk_side = connect(), connect()
    a, b = saved(tmp_path, 2)
    store.deliver(a)
    store.deliver(b)
    assert store.claim(a.id, "Reception") is True
    assert store.claim(a.id, "Back office") is False  # already claimed
    states = kiosk_side.states([a.id, b.id, "00000000-0000-4000-8000-000000000000"])
    assert states[a.id].state == "claimed"
    assert states[b.id].state == "open"
    assert len(states) == 2
    claimed = store.get(a.id)
    assert claimed is not None
    assert claimed.claimed_by == "Reception"
    assert store.resolve(a.id, "Reception", "helped_at_kiosk") is True
    assert store.resolve(a.id, "Reception", "helped_at_kiosk") is False
    assert kiosk_side.states([a.id])[a.id].outcome == "helped_at_kiosk"
    assert [r.id for r in store.open_requests()] == [b.id]


def test_an_unknown_outcome_is_refused(tmp_path: Path, connect: Connect) -> None:
    store = connect()
    (a,) = saved(tmp_path)
    store.deliver(a)
    with pytest.raises(ValueError, match="unknown outcome"):
        store.resolve(a.id, "Reception", "made up")


def test_resolving_an_open_request_records_who_dealt_with_it(tmp_path: Path, connect: Connect) -> None:
    store = connect()
    (a,) = saved(tmp_path)
    store.deliver(a)
    store.resolve(a.id, "Reception", "left")
    found = store.get(a.id)
    assert found is not None
    assert (found.state, found.claimed_by, found.outcome) == ("resolved", "Reception", "left")


def test_two_desks_taking_the_next_request_never_get_the_same_one(tmp_path: Path, connect: Connect) -> None:
    setup = connect()
    requests = saved(tmp_path, 20)
    for r in requests:
        setup.deliver(r)
    taken: list[str] = []
    lock = threading.Lock()

    def desk(name: str) -> None:
        store = connect()
        while (got := store.claim_next(name)) is not None:
            with lock:
                taken.append(got.id)

    threads = [threading.Thread(target=desk, args=(f"Desk {i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(taken) == sorted(r.id for r in requests)
    assert setup.claim_next("Late desk") is None


def test_the_kiosk_knows_when_a_desk_last_watched(connect: Connect) -> None:
    store = connect()
    assert store.desk_last_seen() is None
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    connect().heartbeat("Reception")
    seen = store.desk_last_seen()
    assert seen is not None
    assert seen >= before


def test_wait_wakes_early_when_a_request_arrives(tmp_path: Path, connect: Connect) -> None:
    desk, kiosk = connect(), connect()
    (a,) = saved(tmp_path)
    desk.wait(0.01)  # start listening
    threading.Timer(0.2, kiosk.deliver, args=(a,)).start()
    start = time.monotonic()
    desk.wait(10)
    assert time.monotonic() - start < 5
    assert [r.id for r in desk.open_requests()] == [a.id]


def test_wait_returns_after_its_timeout_when_nothing_happens(connect: Connect) -> None:
    store = connect()
    start = time.monotonic()
    store.wait(0.3)
    assert 0.25 <= time.monotonic() - start < 5


def test_desk_json_has_no_identifying_fields(tmp_path: Path, connect: Connect) -> None:
    store = connect()
    (a,) = saved(tmp_path)
    store.deliver(a)
    (found,) = store.open_requests()
    data = found.to_json()
    assert not set(data) & {"name", "nhs_number", "phone", "email", "postcode", "text", "date_of_birth"}
    assert data["ticket"] == a.ticket


def test_a_bad_store_url_says_what_to_write() -> None:
    with pytest.raises(StoreError, match=r"sqlite:/// or postgresql://"):
        open_store("mysql://x")
    with pytest.raises(StoreError, match="local file"):
        sqlite_path("sqlite://server/share/desk.sqlite3")


def test_a_password_never_appears_in_messages() -> None:
    assert (
        redact_url("postgresql://desk:s3cret@db.example/dfhelper")
        == "postgresql://desk:***@db.example/dfhelper"
    )


def test_a_sqlite_desk_store_on_a_network_share_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dfhelper.escalation import localdb

    monkeypatch.setattr(localdb, "filesystem_type", lambda path: "nfs4")
    with pytest.raises(StoreError, match="network share"):
        open_store(f"sqlite:///{tmp_path / 'desk.sqlite3'}")


def test_usage_events_come_back_grouped_by_session_in_time_order(connect: Connect) -> None:
    from dfhelper.insights.model import UsageEvent

    t0 = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    events = [
        UsageEvent("s2", t0 + dt.timedelta(minutes=1), "started", "rx", None, "pl"),
        UsageEvent("s1", t0, "started", "rx", None, "en"),
        UsageEvent("s1", t0 + dt.timedelta(minutes=2), "finished", "rx", "done", "en"),
        UsageEvent(
            "s2", t0 + dt.timedelta(minutes=3), "escalated", "rx", "login", "pl", detail="asked_for_help"
        ),
        UsageEvent("old", t0 - dt.timedelta(days=40), "started", "rx", None, "en"),
    ]
    store = connect()
    store.add_events(events)
    got = list(connect().events(t0 - dt.timedelta(days=1), t0 + dt.timedelta(days=1)))
    assert [(e.session, e.kind) for e in got] == [
        ("s1", "started"), ("s1", "finished"), ("s2", "started"), ("s2", "escalated"),
    ]  # fmt: skip
    assert got[3] == events[3]


def test_requests_between_includes_resolved_ones(tmp_path: Path, connect: Connect) -> None:
    store = connect()
    a, b = saved(tmp_path, 2)
    store.deliver(a)
    store.deliver(b)
    store.resolve(a.id, "Reception", "helped_at_kiosk")
    now = dt.datetime.now(dt.UTC)
    found = store.requests_between(now - dt.timedelta(hours=1), now + dt.timedelta(hours=1))
    assert {r.id: r.state for r in found} == {a.id: "resolved", b.id: "open"}
    assert store.requests_between(now + dt.timedelta(hours=1), now + dt.timedelta(hours=2)) == []
