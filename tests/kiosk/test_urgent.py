"""Red flags at the kiosk: the urgent screen, a priority request, going back only when safe; privacy."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from textual.widgets import Button, Static

from dfhelper.config import PathsConfig
from dfhelper.engine import text as t
from dfhelper.kiosk import strings as s
from dfhelper.kiosk.app import KioskApp
from dfhelper.kiosk.screens import (
    ConfirmBackScreen,
    PrivacyScreen,
    StepScreen,
    TasksScreen,
    UrgentScreen,
    WelcomeScreen,
)
from dfhelper.kiosk.widgets import KioskInput
from tests.helpers import flow_text, write
from tests.kiosk.conftest import MakeApp, kiosk_config, make_core
from tests.kiosk.test_screens import plain, to_step, to_tasks


def screen_text(app: KioskApp) -> str:
    return " ".join(str(w.render()) for w in app.screen.query(Static))


async def test_a_red_flag_typed_in_the_search_box_stops_and_calls_staff(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 30)) as pilot:
        await to_tasks(pilot)
        await pilot.click("#search")
        await pilot.press(*"chest pain and sweating")
        await pilot.pause()
        assert isinstance(app.screen, UrgentScreen)
        shown = screen_text(app)
        assert t.URGENT_HEADING in shown
        assert "call 999 now" in shown
        assert "111" in shown
        assert app.core is not None
        assert app.core.outbox is not None
        [request] = app.core.outbox.all()
        assert request.priority is True
        assert request.reason == "red_flag_chest_pain"
        assert plain(app, "#ticket") == request.ticket


async def test_going_back_from_the_urgent_screen_needs_a_confirmation(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 30)) as pilot:
        await to_tasks(pilot)
        await pilot.click("#search")
        await pilot.press(*"i cant breath")
        await pilot.pause()
        assert isinstance(app.screen, UrgentScreen)
        await pilot.click("#urgent-back")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmBackScreen)
        assert app.screen.focused is not None
        assert app.screen.focused.id == "stay"  # staying is the default
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, UrgentScreen)
        await pilot.click("#urgent-back")
        await pilot.pause()
        await pilot.click("#go-back")
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        assert app.screen.query_one("#search", KioskInput).value == ""  # the words are not kept
        assert app.core is not None
        assert app.core.outbox is not None
        assert len(app.core.outbox.all()) == 1  # the priority request stays with reception


async def test_a_red_flag_in_another_language_shows_the_guidance_in_english_too(make_app: MakeApp) -> None:
    app = make_app(languages=("en", "pl"), min_translation_coverage=0.0)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("2")  # Polski
        await pilot.pause()
        await pilot.click("#search")
        await pilot.press(*"I want to die")  # English words are checked in every language
        await pilot.pause()
        assert isinstance(app.screen, UrgentScreen)
        shown = screen_text(app)
        assert s.IN_ENGLISH_TOO in shown
        assert t.MENTAL_HEALTH in shown  # self-harm leads with the mental health route, in English too
        assert t.EMERGENCY in shown


async def test_a_red_flag_typed_as_an_answer_is_caught_before_matching(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    write(
        flows,
        flow_text(
            "- id: what\n  kind: text\n  text: What went wrong?\n  options:\n"
            "    - {value: id, text: They asked for ID, match: [passport], next: done}\n"
            "- id: done\n  kind: end\n  text: Done.\n",
            flow_id="t",
        ),
    )
    config = kiosk_config(tmp_path / "data", languages=("en",))
    config = dataclasses.replace(config, paths=PathsConfig(flows=(flows,), data_dir=tmp_path / "data"))
    app = KioskApp(config, core=make_core(config))
    async with app.run_test(size=(80, 30)) as pilot:
        await to_step(pilot, "t")
        assert isinstance(app.screen, StepScreen)
        await pilot.click("#typed")
        await pilot.press(*"my lips are swelling", "enter")
        await pilot.pause()
        assert isinstance(app.screen, UrgentScreen)
        assert app.core is not None
        assert app.core.outbox is not None
        [request] = app.core.outbox.all()
        assert (request.priority, request.reason, request.flow, request.step) == (
            True,
            "red_flag_allergy",
            "t",
            "what",
        )


async def test_the_privacy_notice_opens_from_the_welcome_screen_without_starting(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        await pilot.click("#privacy")
        await pilot.pause()
        assert isinstance(app.screen, PrivacyScreen)
        shown = screen_text(app)
        assert s.PRIVACY_NOT_ASKED in shown
        assert s.NO_PASSWORDS in shown
        assert app.visit is None  # nothing started
        await pilot.click("#privacy-close")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert app.visit is None


async def test_the_privacy_notice_is_reached_by_keyboard_too(make_app: MakeApp) -> None:
    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        app.screen.query_one("#privacy", Button).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PrivacyScreen)
