"""Fixtures for the kiosk: a real configuration, the shipped flows and catalogs, a private data folder."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from dfhelper.cli import load_library, locales_dir, practice_context
from dfhelper.config import Config, KioskConfig, PathsConfig
from dfhelper.kiosk.app import KioskApp
from dfhelper.kiosk.visit import KioskCore

MakeApp = Callable[..., KioskApp]


def kiosk_config(data_dir: Path, **kiosk: object) -> Config:
    """The default configuration with a data folder of the test's own and some kiosk settings."""
    return dataclasses.replace(
        Config(),
        kiosk=dataclasses.replace(KioskConfig(), **kiosk),  # type: ignore[arg-type]
        paths=PathsConfig(data_dir=data_dir),
    )


OPEN_CORES: list[KioskCore] = []
"""Cores made by `make_core`; tests/conftest.py closes them (and stops their senders) after each test."""


def make_core(config: Config) -> KioskCore:
    """The kiosk's long-lived parts, loaded as `dfhelper kiosk` loads them."""
    core = KioskCore.load(
        config,
        load_library(config),
        locales_dir=locales_dir(config),
        data_dir=config.paths.data_dir,
        practice=practice_context(config),
    )
    OPEN_CORES.append(core)
    return core


@pytest.fixture
def make_app(tmp_path: Path) -> MakeApp:
    """Build a kiosk app: ``make_app(languages=("en", "pl"), idle_seconds=30, clock=...)``."""

    def build(*, clock: Callable[[], float] | None = None, **kiosk: object) -> KioskApp:
        config = kiosk_config(tmp_path / "data", **kiosk)
        core = make_core(config)
        if clock is None:
            return KioskApp(config, core=core)
        return KioskApp(config, core=core, clock=clock)

    return build


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
