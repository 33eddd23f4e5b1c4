"""Fixtures for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _close_kiosk_cores() -> Iterator[None]:
    """Stop the sender threads of kiosk cores a test made, so none outlive it."""
    yield
    from tests.kiosk.conftest import OPEN_CORES

    while OPEN_CORES:
        OPEN_CORES.pop().close()
