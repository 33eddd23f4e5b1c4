"""The handout from the kiosk's finished screen and from assist mode, driven through Pilot.

The practice's printer is a small script that copies the file it is given into a spool folder
the test reads (as ``lp`` would hand it to CUPS).
"""

from __future__ import annotations

import dataclasses
import re
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Static

from dfhelper.assist.app import AssistApp
from dfhelper.config import Config, HandoutConfig
from dfhelper.handout import strings as hs
from dfhelper.kiosk.app import KioskApp
from dfhelper.kiosk.screens import FinishedScreen
from tests.kiosk.conftest import kiosk_config, make_core
from tests.kiosk.test_screens import to_tasks

FLOW = "repeat-prescription"
TIMEOUT = 30.0


def printer(tmp_path: Path, *, works: bool = True) -> tuple[tuple[str, ...], Path]:
    """A print command (as configured) and the spool folder it copies each file into."""
    spool = tmp_path / "spool"
    spool.mkdir()
    script = tmp_path / "printer.sh"
    body = 'cp "$2" "$1/"\n' if works else 'echo "no paper" >&2\nexit 1\n'
    script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return (str(script), str(spool)), spool


def config_for(tmp_path: Path, print_command: tuple[str, ...] = ()) -> Config:
    config = kiosk_config(tmp_path / "data", languages=("en", "ur", "pl"), min_translation_coverage=0.0)
    return dataclasses.replace(config, handout=HandoutConfig(print_command=print_command))


async def until(pilot: Pilot[Any], done: Callable[[], bool], what: str) -> None:
    """Wait (generously: printing runs in a thread) until ``done()``."""
    deadline = time.monotonic() + TIMEOUT
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.1)


async def finish_in(pilot: Pilot[Any], lang: str) -> None:
    """Start the flow at the kiosk in ``lang`` and answer 1 until it finishes."""
    app = pilot.app
    assert isinstance(app, KioskApp)
    await to_tasks(pilot)
    assert app.visit is not None
    app.visit.choose_language(lang)
    app.start_task(FLOW)
    await pilot.pause()
    await pilot.click("#skip")
    await pilot.pause()
    for _ in range(20):
        if isinstance(app.screen, FinishedScreen):
            return
        await pilot.press("1")
        await pilot.pause()
    assert isinstance(app.screen, FinishedScreen)


def shown(app: KioskApp | AssistApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_the_kiosk_prints_the_steps_the_patient_took_in_their_language(tmp_path: Path) -> None:
    command, spool = printer(tmp_path)
    config = config_for(tmp_path, command)
    app = KioskApp(config, core=make_core(config))
    async with app.run_test(size=(80, 40)) as pilot:
        await finish_in(pilot, "ur")
        assert app.visit is not None
        assert app.visit.session is not None
        walked = [f"{FLOW}:{snapshot['stack'][-1]['step']}" for snapshot in app.visit.session.history]
        button = app.screen.query_one("#print-steps", Button)
        button.focus()
        await pilot.press("enter")
        await until(pilot, lambda: any(spool.iterdir()), "the printer to get the file")
        printed_ur = app.visit.ui(hs.PRINTED).text
        assert printed_ur != hs.PRINTED  # said in Urdu
        await until(pilot, lambda: printed_ur in shown(app, "#print-state"), "the confirmation")
        assert button.disabled  # one press, one copy
    (printed,) = spool.iterdir()
    assert re.fullmatch(rf"{FLOW}-ur-\d{{8}}-\d{{6}}\.html", printed.name)
    html = printed.read_text(encoding="utf-8")
    assert '<html lang="ur" dir="rtl"' in html
    assert re.findall(r'data-step="([^"]+)"', html) == [*walked, f"{FLOW}:done"]
    assert not (tmp_path / "data" / "handouts").exists()  # the kiosk keeps nothing


async def test_a_kiosk_without_a_printer_offers_no_printing(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    app = KioskApp(config, core=make_core(config))
    async with app.run_test(size=(80, 40)) as pilot:
        await finish_in(pilot, "en")
        assert not app.screen.query("#print-steps")


async def test_a_printer_that_fails_sends_the_patient_to_reception(tmp_path: Path) -> None:
    command, _ = printer(tmp_path, works=False)
    config = config_for(tmp_path, command)
    app = KioskApp(config, core=make_core(config))
    async with app.run_test(size=(80, 40)) as pilot:
        await finish_in(pilot, "pl")
        button = app.screen.query_one("#print-steps", Button)
        button.focus()
        await pilot.press("enter")
        assert app.visit is not None
        apology = app.visit.ui(hs.NOT_PRINTED).text
        await until(pilot, lambda: apology in shown(app, "#print-state"), "the apology")
        assert not button.disabled  # staff may fix it and the patient try again


def assist_app(tmp_path: Path, print_command: tuple[str, ...] = ()) -> AssistApp:
    config = config_for(tmp_path, print_command)
    return AssistApp(config, make_core(config), flow=FLOW, lang="pl")


async def test_assist_prints_with_p(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    command, spool = printer(tmp_path)
    app = assist_app(tmp_path, command)
    said: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: said.append(str(message)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")  # past the introduction
        await pilot.press("p")
        await until(pilot, lambda: bool(said), "a message")
    (printed,) = spool.iterdir()
    html = printed.read_text(encoding="utf-8")
    assert '<html lang="pl" dir="ltr"' in html
    assert f'data-step="{FLOW}:done"' in html  # unfinished: the main route on to the end
    assert hs.PRINTED in said[0]  # the helper's English, after the patient's language


async def test_assist_saves_with_p_when_no_printer_is_set_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = assist_app(tmp_path)
    said: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: said.append(str(message)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("p")
        await until(pilot, lambda: bool(said), "a message")
    (saved,) = (tmp_path / "data" / "handouts").iterdir()
    assert re.fullmatch(rf"{FLOW}-pl-\d{{8}}-\d{{6}}\.html", saved.name)
    assert said == [f"Saved the patient's steps: {saved}"]
