"""Pilot tests of the rehearse app, and one SVG snapshot.

Update the snapshot after an intended change with
``python -m pytest tests/rehearse/test_app.py --snapshot-update`` and look at it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from dfhelper.rehearse.app import RehearseApp, StartScreen, WalkScreen
from dfhelper.rehearse.coverage import NO_MATCH
from tests.rehearse.conftest import MakeRehearse

SnapCompare = Callable[..., bool]


def meter(app: RehearseApp) -> str:
    return str(app.screen.query_one("#meter", Static).content)


async def start_flow(pilot: Pilot[Any], flow_id: str) -> None:
    app = pilot.app
    assert isinstance(app.screen, StartScreen)
    flows = app.screen.query_one("#flows", OptionList)
    flows.highlighted = flows.get_option_index(flow_id)
    await pilot.press("s")
    await pilot.pause()
    assert isinstance(app.screen, WalkScreen)


async def test_walking_updates_the_meter(make_rehearse: MakeRehearse) -> None:
    app = make_rehearse()
    async with app.run_test(size=(120, 40)) as pilot:
        await start_flow(pilot, "repeat-prescription")
        cover = app.rehearsal.coverage["repeat-prescription"]
        total = len(cover.steps)
        assert f"1 of {total} steps seen" in meter(app)  # intro (the when-steps are skipped: facts unknown)
        await pilot.press("1")  # continue
        await pilot.press("2")  # can_log_in: no_login -> no_login_yet
        await pilot.pause()
        assert f"3 of {total} steps seen" in meter(app)
        assert "1 of" in meter(app)
        assert "branches walked" in meter(app)
        missing = str(app.screen.query_one("#missing", Static).content)
        assert "can_log_in --can_log_in--> open_prescriptions" in missing
        assert "can_log_in --no_login--> " not in missing
        await pilot.press("b")
        await pilot.pause()
        assert app.rehearsal.session is not None
        assert app.rehearsal.session.step_id == "can_log_in"


async def test_restart_keeps_coverage(make_rehearse: MakeRehearse) -> None:
    app = make_rehearse()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_flow(pilot, "repeat-prescription")
        await pilot.press("1", "2", "2", "1")  # -> no_login_yet -> other_ways -> phone_end
        await pilot.pause()
        session = app.rehearsal.session
        assert session is not None
        assert session.finished
        seen = set(app.rehearsal.coverage["repeat-prescription"].seen_steps)
        await pilot.press("r")
        await pilot.pause()
        assert session.step_id == "intro"
        assert not session.finished
        assert app.rehearsal.coverage["repeat-prescription"].seen_steps == seen
        await pilot.press("escape")  # to the start screen and back: still kept
        await pilot.pause()
        await start_flow(pilot, "repeat-prescription")
        assert app.rehearsal.coverage["repeat-prescription"].seen_steps == seen
        assert f"{len(seen)} of" in meter(app)


async def test_facts_set_on_the_start_screen_drive_conditions(make_rehearse: MakeRehearse) -> None:
    app = make_rehearse()
    async with app.run_test(size=(120, 40)) as pilot:
        facts = app.screen.query_one("#facts", OptionList)
        facts.focus()
        facts.highlighted = facts.get_option_index("has_smartphone")
        await pilot.press("enter", "enter")  # unknown -> yes -> no
        assert app.rehearsal.facts["has_smartphone"] is False
        await start_flow(pilot, "repeat-prescription")
        await pilot.press("1")
        await pilot.pause()
        assert app.rehearsal.session is not None
        assert app.rehearsal.session.step_id == "no_smartphone"
        conditions = str(app.screen.query_one("#conditions", Static).content)
        assert "no_smartphone: facts.has_smartphone == false = true" in conditions
        assert "for_someone_else: facts.acting_for_someone = false" in conditions


async def test_a_scenario_reports_reached_and_missed(make_rehearse: MakeRehearse) -> None:
    app = make_rehearse()
    async with app.run_test(size=(120, 40)) as pilot:
        scenarios = app.screen.query_one("#scenarios", OptionList)
        scenarios.focus()
        scenarios.highlighted = scenarios.get_option_index("no-photo-id")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WalkScreen)
        assert app.rehearsal.facts["has_photo_id"] is False
        # intro, about_you (tick what is set), rights, how: paper form -> the end
        await pilot.press("1", "1", "1", "2")
        await pilot.pause()
        outcome = str(app.screen.query_one("#outcome", Static).content)
        assert "Reached: about_you, rights, how" in outcome
        assert "Missed: what_went_wrong, no_id_needed" in outcome
        await pilot.press("r")  # now the way a good helper goes: a text step, matched by its option
        await pilot.press("1", "1", "1", "4", "1", "1", "2")
        await pilot.pause()
        outcome = str(app.screen.query_one("#outcome", Static).content)
        assert "Missed: none" in outcome
        assert app.rehearsal.session is not None
        assert app.rehearsal.session.finished


async def test_text_step_no_match_branch(make_rehearse: MakeRehearse) -> None:
    app = make_rehearse()
    async with app.run_test(size=(120, 40)) as pilot:
        await start_flow(pilot, "register-with-gp")
        await pilot.press("1", "1", "1", "1", "4")  # nothing ticked: no_address shows; then how
        await pilot.pause()
        session = app.rehearsal.session
        assert session is not None
        assert session.step_id == "what_went_wrong"
        answers = app.rehearsal.answers()
        assert answers[-1].kind == "nomatch"
        await pilot.press(str(len(answers)))
        await pilot.pause()
        assert session.finished
        assert (session.outcome or {}).get("step") == "staff_help"
        assert ("what_went_wrong", NO_MATCH) in app.rehearsal.coverage["register-with-gp"].seen_branches


def test_snapshot_walk_with_coverage(snap_compare: SnapCompare, make_rehearse: MakeRehearse) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        await start_flow(pilot, "repeat-prescription")
        await pilot.press("1", "2")
        await pilot.pause()

    assert snap_compare(make_rehearse(), run_before=show, terminal_size=(120, 40))
