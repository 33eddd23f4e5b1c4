"""Fixtures: the same store tests run against SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dfhelper.escalation.outbox import NewRequest
from dfhelper.escalation.store import DeskStore, open_store
from tests.escalation.pg import PgServer, require_or_skip, start_server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL server per test process."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        require_or_skip("psycopg is not installed (pip install -e '.[dev]')")
    server = start_server()
    if server is None:
        require_or_skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    assert server is not None
    yield server
    try:
        server.stop()
    finally:
        shutil.rmtree(server.data.parent, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty desk store of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'desk' / 'desk.sqlite3'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return server.new_database()


@pytest.fixture
def connect(store_url: str) -> Iterator[Callable[[], DeskStore]]:
    """Opens a new connection to the test's store (several may be open at once)."""
    opened: list[DeskStore] = []

    def make() -> DeskStore:
        store = open_store(store_url)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


def new_request(**changes: object) -> NewRequest:
    """A help request as a kiosk would make it."""
    base: dict[str, object] = {
        "kiosk": "Waiting room",
        "lang": "pl",
        "reason": "asked_for_help",
        "flow": "repeat-prescription",
        "step": "can_log_in",
        "steps_tried": ["repeat-prescription:intro", "repeat-prescription:can_log_in"],
        "needs": ["needs_interpreter"],
    }
    base.update(changes)
    return NewRequest(**base)  # type: ignore[arg-type]
