"""Every kiosk screen, driven as a patient would: keys and touches through Textual's Pilot."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Static

from dfhelper.config import DeskConfig
from dfhelper.escalation.store import default_url, open_store
from dfhelper.kiosk.app import KioskApp
from dfhelper.kiosk.screens import (
    CircumstancesScreen,
    FinishedScreen,
    HelpScreen,
    LanguageScreen,
    StepScreen,
    TasksScreen,
    WelcomeScreen,
)
from dfhelper.kiosk.widgets import KioskInput, QRCode
from tests.kiosk.conftest import FakeClock, MakeApp, kiosk_config, make_core


def plain(app: KioskApp, selector: str) -> str:
    """The text a Static shows."""
    return str(app.screen.query_one(selector, Static).render())


async def to_tasks(pilot: Pilot[int]) -> None:
    """From the welcome screen to the task list (choosing English if asked)."""
    await pilot.press("enter")
    await pilot.pause()
    if isinstance(pilot.app.screen, LanguageScreen):
        await pilot.press("1")
        await pilot.pause()


async def to_step(pilot: Pilot[int], flow: str) -> None:
    """Start ``flow`` and skip "What applies to you?"."""
    await to_tasks(pilot)
    app = pilot.app
    assert isinstance(app, KioskApp)
    assert app.visit is not None
    app.start_task(flow)
    await pilot.pause()
    await pilot.click("#skip")
    await pilot.pause()


async def test_welcome_any_key_starts_a_visit(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        assert "Need help with the NHS App" in plain(app, "#welcome-text")
        assert "call 999" in plain(app, "#safety")
        assert app.visit is None
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        assert app.visit is not None


async def test_welcome_a_touch_starts_a_visit(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#welcome-text")
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)


async def test_welcome_the_start_button_starts_a_visit(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#start")
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        assert app.visit is not None


async def test_welcome_waits_for_loading_then_starts(tmp_path: object, make_app: MakeApp) -> None:
    ready = make_app(languages=("en",))
    app = KioskApp(ready.config, load_core=lambda: ready.core)  # type: ignore[return-value,arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)


async def test_language_screen_names_each_language_in_its_own_script(make_app: MakeApp) -> None:
    app = make_app(languages=("en", "pl", "ur", "bn"), min_translation_coverage=0.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LanguageScreen)
        labels = [str(b.label) for b in app.screen.query(".language").results(Button)]
        assert labels[0] == "1  English"
        assert "Polski (Polish)" in labels[1]
        assert "اردو (Urdu)" in labels[2]
        assert "বাংলা (Bangla)" in labels[3] or "বাংলা (Bengali)" in labels[3]


async def test_choosing_a_language_shows_the_tasks_in_it(make_app: MakeApp) -> None:
    app = make_app(languages=("en", "pl"), min_translation_coverage=0.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        assert app.visit is not None
        assert app.visit.lang == "pl"
        heading = str(app.screen.query_one(".heading", Static).render())
        assert heading != "What do you need help with?"
        assert "999" in plain(app, "#safety")


async def test_tiles_start_a_task_by_number_key(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_tasks(pilot)
        tiles = [str(b.label) for b in app.screen.query(".tile").results(Button) if b.display]
        assert any("Order a repeat prescription" in t for t in tiles)
        number = next(i for i, t in enumerate(tiles, 1) if "repeat prescription" in t)
        await pilot.press(str(number))
        await pilot.pause()
        assert isinstance(app.screen, CircumstancesScreen)
        assert app.screen.flow_id == "repeat-prescription"


async def test_search_matches_as_the_patient_types_with_typos(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_tasks(pilot)
        await pilot.click("#search")
        await pilot.press(*"presciption")
        await pilot.pause()
        shown = [str(b.label) for b in app.screen.query(".tile").results(Button) if b.display]
        assert shown
        assert "repeat prescription" in shown[0]
        assert plain(app, "#search-heading") == "Is it one of these?"


async def test_search_asks_did_you_mean_when_unsure(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_tasks(pilot)
        await pilot.click("#search")
        await pilot.press(*"my pills")
        await pilot.pause()
        assert plain(app, "#search-heading") == "Did you mean one of these?"
        shown = [str(b.label) for b in app.screen.query(".tile").results(Button) if b.display]
        assert any("repeat prescription" in s for s in shown)


async def test_search_with_nothing_found_offers_staff_help(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_tasks(pilot)
        await pilot.click("#search")
        await pilot.press(*"zzqx")
        await pilot.pause()
        assert "ask a member of staff" in plain(app, "#search-heading")
        assert not any(b.display for b in app.screen.query(".tile").results(Button))
        await pilot.press("enter")
        assert app.focused is not None
        assert app.focused.id == "stuck"


async def test_circumstances_are_asked_and_reach_the_session(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_tasks(pilot)
        app.start_task("repeat-prescription")
        await pilot.pause()
        assert isinstance(app.screen, CircumstancesScreen)
        await pilot.click("#has_smartphone-no")
        await pilot.click("#has_photo_id-yes")
        await pilot.pause(0.6)
        await pilot.click("#has_photo_id-yes")  # pressed again: taken back
        await pilot.pause()
        await pilot.click("#continue")
        await pilot.pause()
        assert isinstance(app.screen, StepScreen)
        assert app.visit is not None
        assert app.visit.session is not None
        assert app.visit.session.facts == {"has_smartphone": False}


async def test_circumstances_skip_forgets_ticks(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_tasks(pilot)
        app.start_task("repeat-prescription")
        await pilot.pause()
        await pilot.click("#has_smartphone-no")
        await pilot.click("#skip")
        await pilot.pause()
        assert app.visit is not None
        assert app.visit.session is not None
        assert app.visit.session.facts == {}


async def test_step_screen_shows_progress_safety_and_answers(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription")
        assert isinstance(app.screen, StepScreen)
        assert plain(app, "#step-title") == "Order a repeat prescription"
        assert plain(app, "#progress").startswith("Step 1 of about ")
        assert "call 999" in plain(app, "#safety")
        stuck = app.screen.query_one("#stuck", Button)
        assert stuck.display
        assert "I'm stuck - get help" in str(stuck.label)
        await pilot.press("1")
        await pilot.pause()
        assert app.visit is not None
        assert app.visit.session is not None
        assert app.visit.session.step_id == "can_log_in"
        assert plain(app, "#progress").startswith("Step 2 of about ")
        options = [str(b.label) for b in app.screen.query(".option").results(Button) if b.display]
        assert len(options) == 3
        assert options[0].startswith("1  ")


async def test_step_screen_is_one_screen_updated_in_place(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription")
        screen = app.screen
        for _ in range(3):
            await pilot.press("1")
            await pilot.pause()
        assert app.screen is screen


async def test_back_and_start_again(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription")
        session = app.visit.session if app.visit else None
        assert session is not None
        await pilot.press("1")
        await pilot.press("1")
        await pilot.pause()
        assert session.step_id == "open_prescriptions"
        await pilot.click("#back")
        await pilot.pause()
        assert session.step_id == "can_log_in"
        await pilot.click("#restart")
        await pilot.pause()
        assert session.step_id == "intro"
        await pilot.click("#back")  # at the start: back to the tasks
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)


async def test_more_help_shows_the_steps_help(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription")
        more = app.screen.query_one("#more-help", Button)
        help_text = app.screen.query_one("#help", Static)
        assert more.display
        assert not help_text.display
        await pilot.click("#more-help")
        assert help_text.display
        assert str(help_text.render())


async def test_typed_answers_are_matched_and_not_kept(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "register-with-gp")
        session = app.visit.session if app.visit else None
        assert session is not None
        for _ in range(12):
            if session.view().kind == "text" or session.finished:
                break
            if session.view().kind == "circumstances":
                await pilot.click("#facts-done")
            else:
                await pilot.press("1")
            await pilot.pause()
        if session.view().kind != "text":
            return  # the shipped flow reached no text step on this path; covered in unit tests
        typed = app.screen.query_one("#typed", KioskInput)
        assert app.focused is typed
        await pilot.press(*"[/]zz[@click=app.quit]", "enter")
        await pilot.pause()
        assert app.is_running
        assert "[@click" not in str(session.to_dict())


async def test_finishing_a_flow_shows_what_next_and_a_qr_code(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 40)) as pilot:
        await to_step(pilot, "repeat-prescription")
        for _ in range(20):
            if isinstance(app.screen, FinishedScreen):
                break
            await pilot.press("1")
            await pilot.pause()
        assert isinstance(app.screen, FinishedScreen)
        qr = app.screen.query_one("#qr", QRCode)
        assert qr.url.startswith("https://")
        assert plain(app, "#qr-url") == qr.url
        await pilot.click("#another")
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        assert app.visit is not None
        assert app.visit.session is None


async def test_stuck_saves_a_request_and_says_honestly_where_it_is(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription")
        await pilot.press("1")
        await pilot.pause()
        await pilot.click("#stuck")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.core is not None
        assert app.core.outbox is not None
        [saved] = app.core.outbox.all()
        assert saved.flow == "repeat-prescription"
        assert saved.step == "can_log_in"
        assert saved.reason == "asked_for_help"
        assert saved.lang == "en"
        assert plain(app, "#ticket") == saved.ticket == "001"
        # delivered to the desk store, but no desk is open: the patient is sent to reception
        await wait_text(pilot, app, "#help-state", "Please go to reception now")
        assert app.core.config.paths.data_dir is not None
        desk = open_store(default_url(app.core.config.paths.data_dir))
        desk.heartbeat("Reception")
        await wait_text(pilot, app, "#help-state", "Reception has your request")
        assert desk.claim(saved.id, "Reception")
        await wait_text(pilot, app, "#help-state", "Someone is coming")
        desk.close()
        await pilot.click("#back")
        await pilot.pause()
        assert isinstance(app.screen, StepScreen)
        assert app.visit is not None
        assert app.visit.session is not None
        assert not app.visit.session.finished
        assert app.visit.session.step_id == "can_log_in"


async def wait_text(pilot: Pilot[Any], app: KioskApp, selector: str, text: str, timeout: float = 10) -> None:
    """Wait until ``text`` shows in the widget (the sender and the screen work in the background)."""
    deadline = time.monotonic() + timeout
    while text not in plain(app, selector):
        assert time.monotonic() < deadline, f"{text!r} never shown; shows {plain(app, selector)!r}"
        await pilot.pause(0.1)


def _closed(db: sqlite3.Connection) -> None:
    db.close()  # the disk went away


def _read_only(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA query_only=ON")  # SQLite's own read-only refusal


@pytest.mark.parametrize("break_disk", [_closed, _read_only], ids=["gone", "read-only"])
async def test_a_request_that_cannot_be_saved_sends_the_patient_to_the_desk(
    make_app: MakeApp, break_disk: Callable[[sqlite3.Connection], None]
) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.core is not None
        assert app.core.outbox is not None
        break_disk(app.core.outbox._db)
        await to_step(pilot, "repeat-prescription")
        await pilot.click("#stuck")
        await pilot.pause()
        shown = plain(app, "#help-state")
        assert "could not be saved" in shown
        assert "go to reception" in shown
        screen_text = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "is saved" not in screen_text
        assert not app.screen.query("#ticket")


async def test_an_unreachable_desk_sends_the_patient_to_reception_after_a_while(tmp_path: Path) -> None:
    config = kiosk_config(tmp_path / "data", languages=("en",))
    config = dataclasses.replace(
        config, desk=DeskConfig(store_url="sqlite:////proc/no-such-place/desk.sqlite3")
    )
    core = make_core(config)
    clock = [0.0]
    core.clock = lambda: clock[0]
    app = KioskApp(config, core=core)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription")
        await pilot.click("#stuck")
        await pilot.pause(0.5)
        assert "Sending your request" in plain(app, "#help-state")
        clock[0] += config.desk.unreachable_seconds + 1
        await wait_text(pilot, app, "#help-state", "Please go to reception now")


async def test_a_full_disk_on_save_sends_the_patient_to_the_desk(tmp_path: Path) -> None:
    """A real full filesystem (a tiny tmpfs), where this machine allows mounting one."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        app = KioskApp(config := kiosk_config(mount / "data", languages=("en",)), core=make_core(config))
        async with app.run_test(size=(80, 24)) as pilot:
            await to_step(pilot, "repeat-prescription")
            try:  # fill the disk to the last byte
                with (mount / "filler").open("wb") as fh:
                    while True:
                        fh.write(b"\0" * 4096)
                        fh.flush()
            except OSError:
                pass
            await pilot.click("#stuck")
            await pilot.pause()
            shown = plain(app, "#help-state")
            assert "could not be saved" in shown
            assert not app.screen.query("#ticket")
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


async def test_too_small_shows_a_notice_and_keeps_the_place(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription")
        await pilot.press("1")
        await pilot.pause()
        await pilot.resize_terminal(40, 10)
        await pilot.pause()
        assert app.screen.has_class("-too-small")
        assert app.screen.query_one(".too-small").display
        await pilot.resize_terminal(1, 1)
        await pilot.pause()
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert not app.screen.has_class("-too-small")
        assert app.visit is not None
        assert app.visit.session is not None
        assert app.visit.session.step_id == "can_log_in"


async def test_everything_is_reachable_by_keyboard_alone(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_tasks(pilot)
        seen = set()
        for _ in range(24):
            await pilot.press("tab")
            if app.focused is not None:
                seen.add(app.focused.id)
        assert {"search", "tile-0", "tile-1", "back", "stuck"} <= seen


async def test_right_to_left_languages_read_from_the_right(make_app: MakeApp) -> None:
    app = make_app(languages=("en", "ur"), min_translation_coverage=0.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        assert app.screen.has_class("rtl")


async def test_a_long_pause_on_a_step_offers_help_without_calling_staff(make_app: MakeApp) -> None:
    clock = FakeClock()
    app = make_app(languages=("en",), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription")
        assert app.visit is not None
        assert app.visit.session is not None
        assert not app.screen.query_one("#stuck", Button).has_class("-offer")
        clock.advance(app.config.engine.pause_seconds_before_offer - 1)
        app.kiosk_idle_tick()
        await pilot.pause()
        assert not app.visit.session.offer_help
        clock.advance(2)
        app.kiosk_idle_tick()
        await pilot.pause()
        assert app.visit.session.offer_help
        assert app.screen.query_one("#stuck", Button).has_class("-offer")
        assert isinstance(app.screen, StepScreen)  # offered, not called
        assert app.core is not None
        assert app.core.outbox is not None
        assert app.core.outbox.all() == []


def test_reordered_right_to_left_text_keeps_a_web_address_whole_and_drops_the_isolates() -> None:
    from dfhelper.kiosk.widgets import reorder

    shown = reorder("یا \u2066111.nhs.uk\u2069 پر جائیں")
    assert "111.nhs.uk" in shown
    assert not set(shown) & set("\u2066\u2067\u2068\u2069")
    assert "nhs.uk.111" in reorder("یا 111.nhs.uk پر جائیں")  # why translations isolate addresses


def test_reordered_urdu_starting_with_a_latin_name_still_reads_from_the_right() -> None:
    from dfhelper.kiosk.widgets import reorder

    shown = reorder("NHS App میں لاگ ان کریں")
    assert shown.endswith("NHS App")  # the first words read sit at the right-hand end
