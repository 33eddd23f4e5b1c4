"""SVG snapshots of the desk: the list (urgent, overdue, claimed and new requests) and the outcome box.

Deterministic: a fixed clock, requests made at fixed times, no watcher thread.
Update after an intended change with
``python -m pytest tests/desk/test_snapshots.py --snapshot-update`` and look at the result.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from dfhelper.desk.app import DeskApp, ResolveScreen
from dfhelper.escalation.store import DeskStore
from tests.desk.conftest import FixedClock, Kiosks, make_app

SnapCompare = Callable[..., bool]


@pytest.fixture
def busy_desk(tmp_path: Path, desk_url: str, clock: FixedClock, kiosks: Kiosks, store: DeskStore) -> DeskApp:
    """Ten past nine: one waiting 15 minutes (overdue), one claimed, one new, one urgent."""
    kiosks.ask(-5, kiosk="Kiosk by the door")
    claimed = kiosks.ask(
        -2, kiosk="Waiting room", lang="ur", needs=[], flow="register-with-gp", step="address"
    )
    kiosks.ask(6, kiosk="Kiosk by the door", lang="bn", needs=["wants_easy_read"], step="choose_pharmacy")
    kiosks.ask(7, kiosk="Waiting room", lang="en", needs=[], priority=True, flow=None, step=None)
    store.claim(claimed.id, "Reception")
    return make_app(tmp_path, desk_url, clock, watch=False, realert_seconds=600)


def test_the_list_shows_urgent_overdue_claimed_and_new_requests(
    snap_compare: SnapCompare, busy_desk: DeskApp
) -> None:
    assert snap_compare(busy_desk, terminal_size=(120, 14))


def test_the_outcome_box_lists_every_outcome(snap_compare: SnapCompare, busy_desk: DeskApp) -> None:
    async def open_box(pilot: Pilot[Any]) -> None:
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ResolveScreen)

    assert snap_compare(busy_desk, run_before=open_box, terminal_size=(120, 22))
