"""The kiosk cannot be left, copied from, screenshotted or crashed by a patient; idle visits are wiped."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from textual import events
from textual.command import CommandPalette

from dfhelper.kiosk.app import STAFF_CHORD, KioskApp
from dfhelper.kiosk.launch import EXIT_CRASHED, EXIT_STAFF
from dfhelper.kiosk.screens import (
    HelpScreen,
    StaffPinScreen,
    StepScreen,
    StillThereScreen,
    TasksScreen,
    WelcomeScreen,
)
from dfhelper.kiosk.widgets import KioskInput
from dfhelper.pin import hash_pin
from tests.kiosk.conftest import FakeClock, MakeApp
from tests.kiosk.test_screens import to_step, to_tasks

ESCAPE_KEYS = [
    "ctrl+q",
    "ctrl+c",
    "ctrl+p",
    "ctrl+z",
    "ctrl+backslash",
    "ctrl+s",
    "escape",
    *(f"f{n}" for n in range(1, 13)),
]


async def test_no_bindings_are_inherited(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.ENABLE_COMMAND_PALETTE is False
        assert app.ALLOW_SELECT is False
        await to_step(pilot, "repeat-prescription")
        keys = {key for key, _ in app.screen._bindings}
        app_keys = {key for key, _ in app._bindings}
        assert keys <= {"tab", "down", "shift+tab", "up"}
        assert app_keys == set()


@pytest.mark.parametrize("where", ["tasks", "search box", "step", "help"])
async def test_escape_keys_do_nothing(make_app: MakeApp, where: str) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        if where == "tasks":
            await to_tasks(pilot)
        elif where == "search box":
            await to_tasks(pilot)
            await pilot.click("#search")
        elif where == "step":
            await to_step(pilot, "repeat-prescription")
        else:
            await to_step(pilot, "repeat-prescription")
            await pilot.click("#stuck")
            await pilot.pause()
        screen = app.screen
        for key in ESCAPE_KEYS:
            await pilot.press(key)
            await pilot.pause()
            assert app.is_running, key
            assert app.screen is screen, key
            assert not isinstance(app.screen, CommandPalette)
        assert app.return_code is None


async def test_escape_keys_on_the_welcome_screen_only_start_a_visit(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, TasksScreen)


async def test_palette_quit_screenshot_and_browser_actions_are_off(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_command_palette()
        await app.action_quit()
        app.action_help_quit()
        app.action_suspend_process()
        app.action_screenshot()
        assert app.save_screenshot() == ""
        app.open_url("https://evil.example/")
        await app.action_simulate_key("ctrl+q")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, WelcomeScreen)
        assert not [p for p in tmp_path.iterdir() if p.suffix == ".svg"]


async def test_nothing_reaches_the_clipboard(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_tasks(pilot)
        await pilot.click("#search")
        await pilot.press(*"my secret", "ctrl+shift+a", "ctrl+c", "ctrl+x")
        await pilot.pause()
        app.copy_to_clipboard("leak")
        assert app.clipboard == ""
        assert app.screen.query_one("#search", KioskInput).value == "my secret"


async def test_typed_markup_and_escape_sequences_are_harmless(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_tasks(pilot)
        await pilot.click("#search")
        box = app.screen.query_one("#search", KioskInput)
        for text in ("[/]", "[@click=app.quit]Tap[/]", "a]b[c", "[link='https://evil.example']x[/]", "\\"):
            box.value = ""
            await pilot.press(*text)
            await pilot.pause()
            assert app.is_running
        box.value = ""
        box.post_message(events.Paste("Ali\x1b[2Jce\u202e"))
        await pilot.pause()
        assert "\x1b" not in box.value
        assert "\u202e" not in box.value
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running


async def test_staff_chord_without_a_pin_does_nothing(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_tasks(pilot)
        await pilot.press(*STAFF_CHORD)
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        assert app.is_running


async def test_staff_leave_with_the_chord_and_the_pin(make_app: MakeApp) -> None:
    app = make_app(languages=("en",), staff_pin_hash=hash_pin("2468"))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_tasks(pilot)
        await pilot.press(*STAFF_CHORD)
        await pilot.pause()
        assert isinstance(app.screen, StaffPinScreen)
        await pilot.press(*"1111", "enter")
        await pilot.pause()
        assert app.is_running
        assert "not right" in str(app.screen.query_one("#pin-message").render())
        await pilot.press(*"2468", "enter")
        await pilot.pause()
    assert app.return_code == EXIT_STAFF


async def test_three_wrong_pins_close_the_pin_box(make_app: MakeApp) -> None:
    app = make_app(languages=("en",), staff_pin_hash=hash_pin("2468"))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_tasks(pilot)
        await pilot.press(*STAFF_CHORD)
        await pilot.pause()
        for _ in range(3):
            await pilot.press(*"9999", "enter")
            await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        assert app.is_running


async def test_still_there_then_more_time_keeps_the_place(make_app: MakeApp) -> None:
    clock = FakeClock()
    app = make_app(languages=("en",), idle_seconds=60, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription")
        await pilot.press("1")
        await pilot.pause()
        clock.advance(59)
        app.kiosk_idle_tick()
        await pilot.pause()
        assert isinstance(app.screen, StepScreen)
        clock.advance(2)
        app.kiosk_idle_tick()
        await pilot.pause()
        assert isinstance(app.screen, StillThereScreen)
        await pilot.click("#more-time")
        await pilot.pause()
        assert isinstance(app.screen, StepScreen)
        assert app.visit is not None
        assert app.visit.session is not None
        assert app.visit.session.step_id == "can_log_in"


async def test_idle_wipe_leaves_nothing_behind(make_app: MakeApp) -> None:
    clock = FakeClock()
    app = make_app(languages=("en",), idle_seconds=60, still_there_seconds=20, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        first_welcome = app.screen
        await to_tasks(pilot)
        await pilot.click("#search")
        await pilot.press(*"my private words")
        await pilot.pause()
        old_box = app.screen.query_one("#search", KioskInput)
        app.notify("a note for this patient")
        clock.advance(61)
        app.kiosk_idle_tick()
        await pilot.pause()
        still = app.screen
        assert isinstance(still, StillThereScreen)
        for _ in range(20):
            still.tick()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.visit is None
        assert isinstance(app.screen, WelcomeScreen)
        assert app.screen is not first_welcome
        assert len(app.screen_stack) == 2  # the blank base and the new welcome
        assert not app._notifications
        assert app.wipes == 1
        await to_tasks(pilot)
        box = app.screen.query_one("#search", KioskInput)
        assert box is not old_box
        assert box.value == ""
        await pilot.click("#search")
        await pilot.press("ctrl+z", "ctrl+y")
        await pilot.pause()
        assert box.value == ""
        assert app.clipboard == ""


async def test_finishing_wipes_at_once(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription")
        await pilot.click("#stuck")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.click("#all-done")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.visit is None
        assert isinstance(app.screen, WelcomeScreen)


async def test_a_crash_is_logged_without_patient_text_and_exits_for_a_restart(
    make_app: MakeApp, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(languages=("en",))

    def broken(query: str) -> None:
        raise RuntimeError(f"cannot search for {query!r}")

    caplog.set_level(logging.ERROR)
    with pytest.raises(RuntimeError):  # noqa: PT012 - the error comes out when the app stops
        async with app.run_test(size=(80, 24)) as pilot:
            await to_tasks(pilot)
            assert app.visit is not None
            app.visit.search = broken  # type: ignore[method-assign,assignment]
            await pilot.click("#search")
            await pilot.press(*"SECRET")
            await pilot.pause()
    assert app.return_code == EXIT_CRASHED
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged
    assert "search" in logged
    assert "SECRET" not in logged


def test_textual_settings_in_the_environment_are_refused(tmp_path: Path) -> None:
    import io

    from dfhelper.cli import main

    config = tmp_path / "c.toml"
    config.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    err = io.StringIO()
    before = dict(os.environ)
    code = main(
        ["--config", str(config), "kiosk"],
        env={"TEXTUAL": "devtools", "TEXTUAL_PRESS": "ctrl+q"},
        stdout=io.StringIO(),
        stderr=err,
    )
    assert code == 2
    assert "TEXTUAL" in err.getvalue()
    assert dict(os.environ) == before  # the test process itself was not touched


def test_app_is_a_kiosk_app() -> None:
    assert issubclass(KioskApp, object)
