"""The desk console with Pilot, against a real SQLite desk store (and PostgreSQL where it says so)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import Static

from dfhelper.desk import view
from dfhelper.desk.app import REALERT_STYLE, DeskApp, DetailsScreen, RequestTable, ResolveScreen
from dfhelper.escalation.outbox import Outbox
from dfhelper.escalation.store import DeskStore, StoreUnavailable, open_store
from tests.desk.conftest import START, FixedClock, Kiosks, make_app
from tests.escalation.conftest import new_request

SIZE = (130, 30)
FAST = 0.2
"""The watcher's wait in these tests, so an app closes quickly."""


def fast(app: DeskApp) -> DeskApp:
    app.wait_seconds = app.retry_seconds = FAST
    return app


async def until(pilot: Pilot[Any], check: Callable[[], bool], seconds: float = 8.0) -> bool:
    """Let the app run until ``check()`` holds (True) or ``seconds`` pass (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        await pilot.pause(0.05)
    return check()


def listed(app: DeskApp) -> list[str]:
    """The tickets in the table, top to bottom."""
    table = app.query_one(RequestTable)
    return [cell(app, i, "ticket") for i in range(table.row_count)]


def cell(app: DeskApp, row: int, column: str) -> str:
    """The text in one cell of the table (row by position, column by name)."""
    table = app.query_one(RequestTable)
    return table.get_cell_at(Coordinate(row, table.get_column_index(column))).plain.strip()


def banner(app: DeskApp) -> str:
    widget = app.query_one("#banner", Static)
    return str(widget.render()) if widget.display else ""


async def test_open_requests_are_listed_urgent_first_then_the_longest_waiting(
    tmp_path: Path, kiosks: Kiosks, clock: FixedClock, desk_url: str
) -> None:
    kiosks.ask(0)
    kiosks.ask(2)
    kiosks.ask(5, priority=True)

    app = make_app(tmp_path, desk_url, clock, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert listed(app) == ["003", "001", "002"]
        assert cell(app, 0, "flag") == "URGENT"
        assert cell(app, 0, "age") == "5 min"
        assert cell(app, 0, "task") == "Order a repeat prescription"
        assert cell(app, 0, "language") == "Polish"
        assert cell(app, 0, "needs") == "Interpreter"
        title = str(app.query_one("#title", Static).render())
        assert "Reception" in title
        assert "3 waiting (1 urgent)" in title


async def test_c_claims_the_selected_request_for_this_desk(
    tmp_path: Path, kiosks: Kiosks, clock: FixedClock, desk_url: str, store: DeskStore
) -> None:
    first, second = kiosks.ask(0), kiosks.ask(1)

    app = make_app(tmp_path, desk_url, clock, watch=False, name="Front desk")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "c")
        await pilot.pause()
        claimed = store.get(second.id)
        assert claimed is not None
        assert (claimed.state, claimed.claimed_by) == ("claimed", "Front desk")
        assert store.get(first.id).state == "open"  # type: ignore[union-attr]
        assert cell(app, 1, "state") == "Claimed by Front desk"
        assert app.selected_id() == second.id  # the cursor stays on the same patient


async def test_c_on_a_request_someone_already_claimed_leaves_it_with_them(
    tmp_path: Path, kiosks: Kiosks, clock: FixedClock, desk_url: str, store: DeskStore
) -> None:
    asked = kiosks.ask(0)
    store.claim(asked.id, "Back office")

    app = make_app(tmp_path, desk_url, clock, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert store.get(asked.id).claimed_by == "Back office"  # type: ignore[union-attr]


async def test_n_claims_the_most_urgent_request_whichever_is_selected(
    tmp_path: Path, kiosks: Kiosks, clock: FixedClock, desk_url: str, store: DeskStore
) -> None:
    kiosks.ask(0)
    kiosks.ask(1)
    urgent = kiosks.ask(8, priority=True)

    app = make_app(tmp_path, desk_url, clock, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", "n")
        await pilot.pause()
        assert store.get(urgent.id).state == "claimed"  # type: ignore[union-attr]
        assert [r.state for r in store.open_requests()] == ["claimed", "open", "open"]
        assert app.selected_id() == urgent.id
        await pilot.press("n")
        await pilot.pause()
        assert [r.state for r in store.open_requests()] == ["claimed", "claimed", "open"]


async def test_r_then_an_outcome_resolves_the_selected_request(
    tmp_path: Path, kiosks: Kiosks, clock: FixedClock, desk_url: str, store: DeskStore
) -> None:
    first, second = kiosks.ask(0), kiosks.ask(1)

    app = make_app(tmp_path, desk_url, clock, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ResolveScreen)
        await pilot.press("down", "enter")  # the second outcome
        await pilot.pause()
        resolved = store.get(first.id)
        assert resolved is not None
        assert (resolved.state, resolved.outcome, resolved.claimed_by) == (
            "resolved",
            "helped_at_desk",
            "Reception",
        )
        assert listed(app) == [second.ticket]
        await pilot.press("r", "6")  # a number key picks at once: "Patient had left"
        await pilot.pause()
        assert store.get(second.id).outcome == "left"  # type: ignore[union-attr]
        assert listed(app) == []
        assert app.query_one("#empty").display


async def test_escape_in_the_outcome_box_resolves_nothing(
    tmp_path: Path, kiosks: Kiosks, clock: FixedClock, desk_url: str, store: DeskStore
) -> None:
    asked = kiosks.ask(0)

    app = make_app(tmp_path, desk_url, clock, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, ResolveScreen)
        assert store.get(asked.id).state == "open"  # type: ignore[union-attr]


async def test_enter_shows_the_details_and_desk_keys_wait_until_it_is_closed(
    tmp_path: Path, kiosks: Kiosks, clock: FixedClock, desk_url: str, store: DeskStore
) -> None:
    asked = kiosks.ask(0, reason="prescription_not_sent")

    app = make_app(tmp_path, desk_url, clock, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailsScreen)
        shown = str(app.screen.query_one("#details", Static).render())
        assert "Prescription not sent" in shown
        assert "repeat-prescription:intro\n" in shown
        assert "repeat-prescription:can_log_in" in shown
        assert "Asked at" in shown
        assert "09:00" in shown
        await pilot.press("c", "n")  # not while the box is open
        await pilot.pause()
        assert store.get(asked.id).state == "open"  # type: ignore[union-attr]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DetailsScreen)


async def test_a_request_delivered_by_a_kiosk_appears_while_the_desk_runs(
    tmp_path: Path, clock: FixedClock, store_url: str
) -> None:
    """On both stores: the watcher's own connection notices, and the screen reloads by itself."""
    kiosk_side = open_store(store_url)
    box = Outbox(tmp_path / "outbox.sqlite3")
    try:
        app = make_app(tmp_path, store_url, clock)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert listed(app) == []
            saved = box.add(new_request(), now=START)
            kiosk_side.deliver(saved)
            assert await until(pilot, lambda: listed(app) == [saved.ticket], seconds=6)
    finally:
        kiosk_side.close()
        box.close()


async def test_the_desk_tells_the_store_it_is_open(tmp_path: Path, clock: FixedClock, desk_url: str) -> None:
    kiosk_side = open_store(desk_url)
    try:
        app = fast(make_app(tmp_path, desk_url, clock))
        async with app.run_test(size=SIZE) as pilot:
            assert await until(pilot, lambda: kiosk_side.desk_last_seen() is not None)
    finally:
        kiosk_side.close()


async def test_a_new_request_rings_the_bell_but_those_waiting_at_start_do_not(
    tmp_path: Path, kiosks: Kiosks, clock: FixedClock, desk_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    kiosks.ask(9)

    app = make_app(tmp_path, desk_url, clock, watch=False)
    rings: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert rings == []
        kiosks.ask(10)
        app.refresh_requests()
        assert len(rings) == 1
        app.refresh_requests()
        assert len(rings) == 1


async def test_an_unclaimed_request_rings_again_each_realert_period_and_is_highlighted_until_claimed(
    tmp_path: Path, kiosks: Kiosks, desk_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = kiosks.ask(0)
    clock = FixedClock(START)

    app = make_app(tmp_path, desk_url, clock, watch=False, realert_seconds=120)
    rings: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.query_one(RequestTable)

        def state_cell() -> Text:
            return table.get_cell_at(Coordinate(0, table.get_column_index("state")))

        clock.advance(119)
        app.tick()
        assert rings == []
        assert state_cell().plain.strip() == "Waiting"
        clock.advance(1)
        app.tick()
        assert len(rings) == 1
        assert state_cell().plain.strip() == view.TOO_LONG
        assert str(state_cell().style) == REALERT_STYLE
        app.tick()
        clock.advance(60)
        app.tick()
        assert len(rings) == 1  # once per period, not once per second
        clock.advance(60)
        app.tick()
        assert len(rings) == 2
        await pilot.press("c")
        await pilot.pause()
        clock.advance(600)
        app.tick()
        assert len(rings) == 2  # someone is coming: no more alerts
        assert str(state_cell().style) != REALERT_STYLE
        assert app.selected_id() == asked.id


async def test_an_unreachable_store_shows_a_banner_and_the_desk_keeps_running_until_it_is_back(
    tmp_path: Path, clock: FixedClock
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    url = f"sqlite:///{blocker / 'desk.sqlite3'}"

    app = fast(make_app(tmp_path, url, clock))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert banner(app).startswith("Cannot reach the help-request store (")
        assert not app.query_one("#empty").display  # not "Nobody is waiting": nobody knows yet
        assert "Retrying..." in banner(app)
        await pilot.press("c", "n", "r", "enter")
        await pilot.pause(0.5)
        assert app.is_running
        assert banner(app).startswith("Cannot reach")
        blocker.unlink()  # the folder can be made now: the store comes back
        assert await until(pilot, lambda: banner(app) == "")
        assert app.store_problem is None
        assert app.query_one("#empty").display


async def test_a_store_that_fails_while_running_keeps_the_last_list_and_recovers(
    tmp_path: Path, kiosks: Kiosks, clock: FixedClock, desk_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    kiosks.ask(0)

    def down() -> list[Any]:
        raise StoreUnavailable("desk store: disk I/O error")

    app = make_app(tmp_path, desk_url, clock, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app._store is not None
        with monkeypatch.context() as patch:
            patch.setattr(app._store, "open_requests", down)
            app.refresh_requests()
            await pilot.pause()
            assert "(desk store: disk I/O error). Retrying..." in banner(app)
            assert listed(app) == ["001"]
        app.refresh_requests()
        await pilot.pause()
        assert banner(app) == ""


async def test_text_from_a_request_is_shown_literally_never_as_markup(
    tmp_path: Path, kiosks: Kiosks, clock: FixedClock, desk_url: str
) -> None:
    kiosks.ask(0, kiosk="[@click=app.quit]Tap[/]", step="[/]", flow="[link='https://evil.example']x[/link]")

    app = make_app(tmp_path, desk_url, clock, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert cell(app, 0, "kiosk") == "[@click=app.quit]Tap[/]"
        assert cell(app, 0, "step") == "[/]"
        await pilot.press("enter")
        await pilot.pause()
        assert "[@click=app.quit]Tap[/]" in str(app.screen.query_one("#details", Static).render())
        await pilot.click("#details")
        await pilot.pause()
        assert app.is_running


async def test_q_quits(tmp_path: Path, clock: FixedClock, desk_url: str) -> None:
    app = make_app(tmp_path, desk_url, clock, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_an_unexpected_error_stops_the_desk_without_a_traceback_saying_only_its_type_and_place(
    tmp_path: Path, kiosks: Kiosks, clock: FixedClock, desk_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    kiosks.ask(0)
    app = make_app(tmp_path, desk_url, clock, watch=False)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret detail")

    async def drive() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            monkeypatch.setattr(view, "make_rows", broken)
            await pilot.pause(1.5)  # the next tick fails

    with pytest.raises(RuntimeError):
        await drive()
    assert app.return_code == 1
    assert app.crash is not None
    assert app.crash.startswith("RuntimeError at ")
    assert "secret" not in app.crash
