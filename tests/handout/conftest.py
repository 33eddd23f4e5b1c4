"""Fixtures for handouts: a small flow folder of the test's own, and the shipped flows and catalogs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from dfhelper import resources
from dfhelper.cli import load_library
from dfhelper.config import Config, PathsConfig
from dfhelper.engine.text import EnglishTranslator, Translator
from dfhelper.flowlang.library import Library
from dfhelper.i18n.catalogs import CatalogTranslator
from tests.helpers import flow_text, write

TODAY = dt.date(2026, 5, 12)

STEPS = """\
- id: intro
  kind: say
  text: "Start here. <script>alert('x')</script> & [b]this[/b] matters."
  sources: ["https://www.nhs.uk/intro"]
- id: phone_tip
  kind: say
  when: "facts.has_smartphone == false"
  text: You can use a computer instead of a phone.
  sources: ["https://www.nhs.uk/no-phone", "https://www.nhs.uk/intro"]
- id: ask
  kind: choice
  text: How would you like to do it?
  options:
    - value: staff
      text: Ask staff
      next: to_staff
    - value: online
      text: Online
      next: try_it
- id: try_it
  kind: check
  text: Open the page and log in.
  question: Did it open?
  no: fix
  links:
    - url: https://www.nhs.uk/page
      text: The page
- id: done
  kind: end
  text: All done at {{ practice.name }}.
  what_next:
    - Wait for a message.
- id: fix
  kind: say
  text: Try again with another browser.
  next: try_it
- id: to_staff
  kind: escalate
  reason: wants_staff
  text: Please ask at reception.
"""

CALLER = """\
- id: welcome
  kind: say
  text: First, the other task.
- id: run_it
  kind: call
  flow: h
- id: finish
  kind: end
  text: Both done.
"""


@pytest.fixture
def flows_dir(tmp_path: Path) -> Path:
    """A folder with flow ``h`` (a say, a conditional say, a choice, a check loop, an end, an
    escalation) and flow ``caller`` (which calls ``h``)."""
    folder = tmp_path / "flows"
    folder.mkdir()
    write(folder, flow_text(STEPS, flow_id="h"), "h")
    write(folder, flow_text(CALLER, flow_id="caller"), "caller")
    return folder


@pytest.fixture
def config(flows_dir: Path, tmp_path: Path) -> Config:
    """The default configuration, with the test flows and a data folder of the test's own."""
    return dataclasses.replace(Config(), paths=PathsConfig(flows=(flows_dir,), data_dir=tmp_path / "data"))


@pytest.fixture
def library(config: Config) -> Library:
    """The test flows, loaded (and checked: no errors)."""
    loaded = load_library(config)
    assert not loaded.errors, loaded.errors
    return loaded


def shipped_translator(lang: str) -> Translator:
    """The translator the kiosk would use for ``lang``, from the shipped catalogs."""
    return EnglishTranslator() if lang == "en" else CatalogTranslator(lang, resources.locales_dir())
