"""Branch coverage of a flow, without any screen."""

from __future__ import annotations

from pathlib import Path

from dfhelper.engine.events import Event, EventKind
from dfhelper.engine.session import Session
from dfhelper.flowlang.library import Library
from dfhelper.rehearse.coverage import NO_MATCH, Branch, Coverage, branches_of
from tests.helpers import flow_text, library

FLOW = flow_text(
    """
    - id: ask
      kind: choice
      text: Which way?
      options:
        - {value: left, text: Left, next: sub}
        - {value: right, text: Right, next: typed}
    - id: sub
      kind: call
      flow: other
      next: try_it
    - id: try_it
      kind: check
      text: Try it.
      no: fix
    - id: done
      kind: end
      text: Done.
    - id: fix
      kind: escalate
      text: Ask staff.
      reason: test_fix
    - id: typed
      kind: text
      text: Say something.
      options:
        - {value: hello, text: Hello, next: done}
      no_match: fix
    """
)
OTHER = flow_text("- id: only\n  kind: end\n  text: Other.\n", flow_id="other")


def test_steps_and_branches_of_a_flow(tmp_path: Path) -> None:
    lib = library(tmp_path, t=FLOW, other=OTHER)
    cover = Coverage.of(lib.flow("t"))
    assert cover.steps == ("ask", "try_it", "done", "fix", "typed")  # call steps are never shown
    assert branches_of(lib.flow("t")) == cover.branches
    assert [b.label() for b in cover.branches] == [
        "ask --left--> sub",
        "ask --right--> typed",
        "try_it --yes--> done",
        "try_it --no--> fix",
        "typed --hello--> done",
        f"typed --{NO_MATCH}--> fix",
    ]
    assert cover.summary() == "0 of 5 steps seen, 0 of 6 branches walked"


def test_recording_steps_and_answers(tmp_path: Path) -> None:
    cover = Coverage.of(library(tmp_path, t=FLOW, other=OTHER).flow("t"))
    assert cover.record_step("ask")
    assert not cover.record_step("ask")  # counted once
    assert not cover.record_step("sub")  # not countable
    assert not cover.record_step("nowhere")
    assert cover.record_answer("ask", "left")
    assert not cover.record_answer("ask", "left")
    assert not cover.record_answer("ask", "up")  # not a branch
    assert cover.steps_seen == 1
    assert cover.branches_walked == 1
    assert cover.missing_steps() == ["try_it", "done", "fix", "typed"]
    assert Branch("ask", "left", "sub") not in cover.missing_branches()
    assert not cover.complete


def test_events_from_a_session_fill_coverage(tmp_path: Path) -> None:
    lib: Library = library(tmp_path, t=FLOW, other=OTHER)
    cover = Coverage.of(lib.flow("t"))
    session = Session(lib, "t", listener=cover.record_event)
    session.answer("right")
    session.answer_text("zzqx qxzz")  # matches nothing: the no_match branch, to fix
    assert session.finished
    assert cover.seen_steps == {"ask", "typed", "fix"}
    assert cover.seen_branches == {("ask", "right"), ("typed", NO_MATCH)}
    session.restart()  # coverage is the caller's: kept across restarts
    session.answer("left")
    session.answer()  # the end of the called flow: back to try_it
    session.answer("yes")
    assert cover.seen_steps == {"ask", "typed", "fix", "try_it", "done"}
    assert cover.missing_branches() == [Branch("try_it", "no", "fix"), Branch("typed", "hello", "done")]


def test_events_of_other_flows_are_ignored(tmp_path: Path) -> None:
    cover = Coverage.of(library(tmp_path, t=FLOW, other=OTHER).flow("t"))
    cover.record_event(Event(EventKind.STEP_SHOWN, "other", "ask"))
    cover.record_event(Event(EventKind.ANSWERED, "other", "ask", {"value": "left"}))
    assert cover.steps_seen == 0
    assert cover.branches_walked == 0


def test_every_branch_of_a_shipped_flow_can_be_walked(tmp_path: Path) -> None:
    from dfhelper import resources

    lib = Library.load([resources.flows_dir()])
    cover = Coverage.of(lib.flow("repeat-prescription"))
    assert ("can_log_in", "no_login") in {(b.step, b.value) for b in cover.branches}
    assert "intro" in cover.steps
