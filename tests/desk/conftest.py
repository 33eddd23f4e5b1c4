"""Fixtures for the desk: a real SQLite desk store in the test's folder, requests at fixed times, a clock."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from dfhelper.config import Config, DeskConfig, PathsConfig
from dfhelper.desk.app import DeskApp
from dfhelper.escalation.outbox import HelpRequest, Outbox
from dfhelper.escalation.store import DeskStore, open_store
from tests.escalation.conftest import new_request, pg_server, store_url

__all__ = ["pg_server", "store_url"]  # the escalation fixtures, for tests that run on both stores

START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
"""When the first test request is made (a Monday morning)."""

TITLES = {"repeat-prescription": "Order a repeat prescription", "register-with-gp": "Register with a GP"}


class FixedClock:
    """A desk clock that stands still until the test moves it."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


class Kiosks:
    """Makes help requests as a kiosk would (through its outbox) and delivers them to the desk store."""

    def __init__(self, folder: Path, store: DeskStore) -> None:
        self.outbox = Outbox(folder / "outbox.sqlite3")
        self.store = store

    def ask(self, minutes_after_start: float = 0, **changes: object) -> HelpRequest:
        """A request made ``minutes_after_start`` after `START`, delivered."""
        saved = self.outbox.add(new_request(**changes), now=START + dt.timedelta(minutes=minutes_after_start))
        assert self.store.deliver(saved)
        return saved

    def close(self) -> None:
        self.outbox.close()


def desk_config(data_dir: Path, **desk: object) -> Config:
    """The default configuration with the test's data folder and some desk settings."""
    return dataclasses.replace(
        Config(),
        desk=dataclasses.replace(DeskConfig(), **desk),  # type: ignore[arg-type]
        paths=PathsConfig(data_dir=data_dir),
    )


@pytest.fixture
def desk_url(tmp_path: Path) -> str:
    """A SQLite desk store in the test's folder."""
    return f"sqlite:///{tmp_path / 'desk' / 'desk.sqlite3'}"


@pytest.fixture
def store(desk_url: str) -> Iterator[DeskStore]:
    """The test's own connection to the desk store (the app opens its own)."""
    opened = open_store(desk_url)
    yield opened
    opened.close()


@pytest.fixture
def kiosks(tmp_path: Path, store: DeskStore) -> Iterator[Kiosks]:
    """Make requests: ``kiosks.ask(5, priority=True)``."""
    made = Kiosks(tmp_path, store)
    yield made
    made.close()


@pytest.fixture
def clock() -> FixedClock:
    """Ten minutes after `START`, standing still."""
    return FixedClock(START + dt.timedelta(minutes=10))


def make_app(tmp_path: Path, url: str, clock: FixedClock, *, watch: bool = True, **desk: object) -> DeskApp:
    """A desk app on ``url`` with the fixed clock, UTC times and the test titles."""
    return DeskApp(
        desk_config(tmp_path / "data", **desk),
        url,
        clock=clock,
        titles=TITLES,
        tz=dt.UTC,
        watch=watch,
    )
