"""Pilot tests of `dfhelper assist`: answering, back, jump, language, another flow, outcomes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dfhelper.assist.app import AssistApp, PickScreen
from dfhelper.assist.visit import AssistVisit, branches, jumpable
from dfhelper.escalation.store import default_url, open_store
from dfhelper.insights.model import UsageEvent
from dfhelper.kiosk.visit import KioskCore
from tests.kiosk.conftest import kiosk_config, make_core

FLOW = "repeat-prescription"
OTHER = "register-with-gp"


def core_for(tmp_path: Path) -> KioskCore:
    return make_core(
        kiosk_config(tmp_path / "data", languages=("en", "ur", "pl"), min_translation_coverage=0.0)
    )


def app_for(tmp_path: Path, lang: str = "en") -> AssistApp:
    core = core_for(tmp_path)
    return AssistApp(core.config, core, flow=FLOW, lang=lang)


def stored(core: KioskCore, data: Path) -> list[UsageEvent]:
    assert core.events is not None
    assert core.events.wait_idle()
    store = open_store(default_url(data))
    try:
        now = dt.datetime.now(dt.UTC)
        return list(store.events(now - dt.timedelta(hours=1), now + dt.timedelta(hours=1)))
    finally:
        store.close()


def step(app: AssistApp) -> str:
    assert app.visit.session is not None
    return app.visit.session.step_id


def plain(app: AssistApp, selector: str) -> str:
    from textual.widgets import Static

    return str(app.query_one(selector, Static).render())


async def test_answer_and_back(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        first = step(app)
        await pilot.press("1")
        await pilot.pause()
        assert step(app) != first
        await pilot.press("b")
        await pilot.pause()
        assert step(app) == first


async def test_helper_panel_shows_branches_notes_and_sources(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        app.visit.jump("can_log_in")
        app.show()
        await pilot.pause()
        shown = plain(app, "#h-branches")
        assert "open_prescriptions" in shown
        assert "no_login_yet" in shown
        assert "https://" in plain(app, "#h-sources")  # the flow's, as the step cites none
        app.visit.jump("for_someone_else")
        app.show()
        await pilot.pause()
        assert "ID" in plain(app, "#h-notes")
        assert "https://" in plain(app, "#h-sources")


async def test_jump_to_a_step_then_back(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        first = step(app)
        await pilot.press("j")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PickScreen)
        index = [key for key, _ in screen.choices].index("has_pharmacy")
        screen.action_pick(index)
        await pilot.pause()
        assert step(app) == "has_pharmacy"
        await pilot.press("2")  # "barcode"
        await pilot.pause()
        assert step(app) == "barcode"
        await pilot.press("b")
        await pilot.pause()
        assert step(app) == "has_pharmacy"
        await pilot.press("b")
        await pilot.pause()
        assert step(app) == first  # back undoes the jump itself


async def test_switch_language_keeps_the_place(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        app.visit.jump("can_log_in")
        app.show()
        await pilot.pause()
        english = plain(app, "#p-text")
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        await pilot.press("2")  # ur
        await pilot.pause()
        assert app.visit.lang == "ur"
        assert step(app) == "can_log_in"
        assert plain(app, "#p-text") != english
        assert app.query_one("#patient").has_class("rtl")
        assert plain(app, "#h-text") == english  # the helper still reads English


async def test_open_another_flow_and_come_back(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        here = step(app)
        await pilot.press("f")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PickScreen)
        screen.action_pick([key for key, _ in screen.choices].index(OTHER))
        await pilot.pause()
        assert app.visit.session is not None
        assert app.visit.session.root == OTHER
        assert [s.root for s in app.visit.paused] == [FLOW]
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("1")  # "Back to repeat-prescription" comes first
        await pilot.pause()
        assert app.visit.session.root == FLOW
        assert step(app) == here
        assert app.visit.paused == []


async def test_outcome_is_recorded_with_assist_mode(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("3")  # needs staff
        await pilot.pause()
        await pilot.press("3")  # reason: cannot log in (after "No reason" and "No smartphone")
        await pilot.pause()
        events = stored(app.core, tmp_path / "data")
    assert {e.mode for e in events} == {"assist"}
    kinds = [e.kind for e in events]
    assert "started" in kinds
    assert "step" in kinds
    outcome = [e for e in events if e.kind == "outcome"]
    assert len(outcome) == 1
    assert outcome[0].detail == "needs_staff:no_login"
    assert outcome[0].flow == FLOW


async def test_outcome_without_reason_and_cancel_records_nothing(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o", "escape")
        await pilot.pause()
        await pilot.press("o", "1", "escape")  # outcome chosen, reason cancelled
        await pilot.pause()
        await pilot.press("o", "2", "1")  # done with help, no reason
        await pilot.pause()
        events = stored(app.core, tmp_path / "data")
    assert [e.detail for e in events if e.kind == "outcome"] == ["done_with_help"]


def test_finished_event_in_assist_mode(tmp_path: Path) -> None:
    core = core_for(tmp_path)
    visit = AssistVisit(core)
    visit.start(FLOW)
    visit.jump("done")
    assert visit.session is not None
    assert visit.session.finished
    events = stored(core, tmp_path / "data")
    assert [e.kind for e in events] == ["started", "step", "step", "finished"]
    assert {e.mode for e in events} == {"assist"}


def test_jumpable_and_branches(tmp_path: Path) -> None:
    core = core_for(tmp_path)
    flow = core.library.flow(FLOW)
    steps = jumpable(flow)
    assert "can_log_in" in steps
    assert "not_sent" not in steps  # an escalation is not a place to jump to
    found = {b.value: b.target for b in branches(flow, "open_prescriptions")}
    assert found == {"yes": "choose_medicines", "no": "not_offered"}


def test_jump_to_an_escalation_is_refused(tmp_path: Path) -> None:
    visit = AssistVisit(core_for(tmp_path))
    visit.start(FLOW)
    with pytest.raises(ValueError, match="escalate"):
        visit.jump("not_sent")


async def test_narrow_terminal_puts_the_helper_below_and_h_hides_it(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.query_one("#panels").has_class("narrow")
        await pilot.press("h")
        await pilot.pause()
        assert not app.query_one("#helper").display
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not app.query_one("#panels").has_class("narrow")


async def test_s_reads_the_patients_step_aloud_in_their_language(tmp_path: Path) -> None:
    from tests.kiosk.test_read_aloud import FakeSpeaker

    app = app_for(tmp_path, lang="pl")
    speaker = FakeSpeaker(langs=("pl",))
    app.speaker = speaker
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        stops = speaker.stops
        await pilot.press("1")  # the step changes: reading stops
        await pilot.pause()
        assert speaker.stops > stops
    [(text, lang)] = speaker.said
    assert lang == "pl"
    assert "1. Dalej" in text
