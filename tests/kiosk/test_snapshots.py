"""SVG snapshots of the kiosk's key screens in several scripts (Latin, Arabic, Bengali, Gurmukhi).

Update after an intended change with ``python -m pytest tests/kiosk/test_snapshots.py --snapshot-update``
and look at the report before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from dfhelper.escalation.store import default_url, open_store
from dfhelper.kiosk.app import KioskApp
from dfhelper.kiosk.phases import HelpPhase
from dfhelper.kiosk.screens import WelcomeScreen
from tests.kiosk.conftest import MakeApp

LANGUAGES = ["en", "pl", "ur", "bn"]
"""Languages for the welcome, search and help screens."""
OFFERED = [*LANGUAGES, "pa", "ar", "en@easyread"]
"""The kiosk under test offers these, in this order (number keys 1 to 7)."""
ORDER = {code: i for i, code in enumerate(OFFERED)}

SnapCompare = Callable[..., bool]


def app_for(make_app: MakeApp, **kiosk: Any) -> KioskApp:
    return make_app(languages=tuple(OFFERED), min_translation_coverage=0.0, **kiosk)


async def choose(pilot: Pilot[Any], lang: str) -> None:
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(str(ORDER[lang] + 1))
    await pilot.pause()


async def at_step(pilot: Pilot[Any], lang: str) -> None:
    await choose(pilot, lang)
    app = pilot.app
    assert isinstance(app, KioskApp)
    app.start_task("repeat-prescription")
    await pilot.pause()
    await pilot.click("#skip")
    await pilot.pause()
    await pilot.press("1")
    await pilot.pause()


def run(steps: Callable[[Pilot[Any]], Awaitable[None]]) -> Callable[[Pilot[Any]], Awaitable[None]]:
    return steps


@pytest.mark.parametrize("lang", LANGUAGES)
def test_welcome(snap_compare: SnapCompare, make_app: MakeApp, lang: str) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, WelcomeScreen)
        for _ in range(ORDER[lang]):
            screen.next_language()
        await pilot.pause()

    assert snap_compare(app_for(make_app), run_before=show, terminal_size=(80, 24))


def test_language(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app_for(make_app), run_before=show, terminal_size=(80, 24))


def test_every_shipped_language_listed(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        await pilot.press("enter")
        await pilot.pause()

    app = make_app()  # the default: every shipped language that qualifies
    assert snap_compare(app, run_before=show, terminal_size=(100, 50))


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_every_task_has_a_tile(snap_compare: SnapCompare, make_app: MakeApp, lang: str) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        await choose(pilot, lang)

    assert snap_compare(app_for(make_app), run_before=show, terminal_size=(100, 50))


SEARCHES = {"en": "presciption", "pl": "recpta", "ur": "نسخہ", "bn": "ডাক্তার"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search(snap_compare: SnapCompare, make_app: MakeApp, lang: str) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        await choose(pilot, lang)
        await pilot.click("#search")
        await pilot.press(*SEARCHES[lang])
        await pilot.pause()

    assert snap_compare(app_for(make_app), run_before=show, terminal_size=(80, 24))


@pytest.mark.parametrize("lang", [*LANGUAGES, "pa", "en@easyread"])
def test_step(snap_compare: SnapCompare, make_app: MakeApp, lang: str) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        await at_step(pilot, lang)

    assert snap_compare(app_for(make_app), run_before=show, terminal_size=(80, 24))


@pytest.mark.parametrize("rtl", ["terminal", "reorder"])
@pytest.mark.parametrize("lang", ["ur", "ar"])
def test_step_right_to_left_under_each_rtl_setting(
    snap_compare: SnapCompare, make_app: MakeApp, lang: str, rtl: str
) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        await at_step(pilot, lang)

    assert snap_compare(app_for(make_app, rtl=rtl), run_before=show, terminal_size=(100, 30))


def test_step_high_contrast(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        await at_step(pilot, "en")

    assert snap_compare(app_for(make_app, theme="high-contrast"), run_before=show, terminal_size=(80, 24))


async def until_phase(pilot: Pilot[Any], phase: HelpPhase) -> None:
    """Wait for the help request to reach ``phase`` (the sender works in the background)."""
    app = pilot.app
    assert isinstance(app, KioskApp)
    for _ in range(200):
        if app.visit is not None and app.visit.help_phase() is phase:
            break
        await pilot.pause(0.05)
    await pilot.pause(0.6)  # the screen follows every half second


@pytest.mark.parametrize("lang", LANGUAGES)
def test_help_requested_with_no_desk_open(snap_compare: SnapCompare, make_app: MakeApp, lang: str) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        await at_step(pilot, lang)
        await pilot.click("#stuck")
        await until_phase(pilot, HelpPhase.GO_TO_DESK)

    assert snap_compare(app_for(make_app), run_before=show, terminal_size=(80, 24))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_help_claimed_at_the_desk(snap_compare: SnapCompare, make_app: MakeApp, lang: str) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, KioskApp)
        assert app.core is not None
        assert app.core.config.paths.data_dir is not None
        desk = open_store(default_url(app.core.config.paths.data_dir))
        desk.heartbeat("Reception")
        await at_step(pilot, lang)
        await pilot.click("#stuck")
        await until_phase(pilot, HelpPhase.AT_DESK)
        assert app.visit is not None
        assert app.visit.help is not None
        assert app.visit.help.request is not None
        desk.claim(app.visit.help.request.id, "Reception")
        desk.close()
        await until_phase(pilot, HelpPhase.COMING)

    assert snap_compare(app_for(make_app), run_before=show, terminal_size=(80, 24))


def test_finished_with_qr_code(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        await choose(pilot, "en")
        app = pilot.app
        assert isinstance(app, KioskApp)
        app.start_task("repeat-prescription")
        await pilot.pause()
        await pilot.click("#skip")
        for _ in range(10):
            await pilot.press("1")
            await pilot.pause()

    assert snap_compare(app_for(make_app), run_before=show, terminal_size=(100, 50))


URGENT_TYPED = {"en": "chest pain and sweating", "bn": "chest pain"}


@pytest.mark.parametrize("lang", ["en", "bn", "ar"])
def test_urgent_screen_after_a_red_flag(snap_compare: SnapCompare, make_app: MakeApp, lang: str) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        await choose(pilot, lang)
        await pilot.click("#search")
        await pilot.press(*URGENT_TYPED.get(lang, "chest pain"))
        await until_phase(pilot, HelpPhase.GO_TO_DESK)

    assert snap_compare(app_for(make_app), run_before=show, terminal_size=(100, 40))


def test_privacy_notice_from_the_welcome_screen(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.click("#privacy")
        await pilot.pause()

    assert snap_compare(app_for(make_app), run_before=show, terminal_size=(80, 30))
