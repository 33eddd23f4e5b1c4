"""Fixtures for rehearse: the shipped flows, the default configuration."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dfhelper import resources
from dfhelper.config import Config
from dfhelper.flowlang.library import Library
from dfhelper.rehearse.app import RehearseApp, make_app

MakeRehearse = Callable[[], RehearseApp]

LANGUAGES = [("en", "English (en)"), ("pl", "Polish (pl)")]


@pytest.fixture(scope="session")
def shipped() -> Library:
    """The shipped flows."""
    return Library.load([resources.flows_dir()])


@pytest.fixture
def make_rehearse(shipped: Library) -> MakeRehearse:
    """A rehearse app over the shipped flows, offering English and Polish."""

    def make() -> RehearseApp:
        return make_app(Config(), shipped, resources.locales_dir(), languages=list(LANGUAGES))

    return make
