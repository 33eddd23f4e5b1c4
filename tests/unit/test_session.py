"""The engine's rules, walked without a screen."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest

from dfhelper.engine.events import EventKind
from dfhelper.engine.matching import MatchKind, normalise
from dfhelper.engine.session import InvalidAnswer, Session
from dfhelper.flowlang.library import Library
from tests.helpers import flow_text, write

PRACTICE = {
    "name": "Demo Surgery",
    "phone": "01632 960000",
    "online_form_name": "online form",
    "opening_hours": "Monday to Friday",
    "appointments_online": True,
    "website": "",
}

MAIN = flow_text(
    dedent("""\
    - id: intro
      kind: say
      text: Welcome to {{ practice.name }}.
      help: More about {{ practice.name }}.
    - id: about
      kind: circumstances
      text: Tick what applies.
      facts: [has_smartphone, has_photo_id]
    - id: phone_only
      kind: say
      when: "not facts.has_smartphone"
      text: You can phone {{ practice.phone }}.
    - id: pick
      kind: choice
      text: Do you have the app?
      options:
        - {value: yes_app, text: "Yes", next: try_it}
        - {value: no_app, text: "No", next: staff, sets: ["not has_smartphone"]}
    - id: try_it
      kind: check
      text: Open the app.
      no: fix
      next: what
    - id: fix
      kind: say
      text: Restart your phone.
      next: try_it
    - id: what
      kind: text
      text: What do you need?
      options:
        - {value: prescription, text: Repeat prescription, match: [medicine, tablets], next: login}
        - {value: appointment, text: Book an appointment, match: [see a doctor], next: done}
    - id: login
      kind: call
      flow: helper
    - id: chose
      kind: say
      text: "You chose {{ answers.what }}."
    - id: done
      kind: end
      text: All done.
      what_next: ["Come back any time."]
    - id: staff
      kind: escalate
      reason: no_app
      text: Someone will help you.
    """),
    flow_id="main",
)

HELPER = flow_text(
    dedent("""\
    - id: h1
      kind: say
      text: Helper step.
    - id: h_end
      kind: end
      text: Helper done.
    """),
    flow_id="helper",
)

NEEDS = flow_text(
    dedent("""\
    - id: n1
      kind: say
      text: Needs the helper first.
    - id: n_end
      kind: end
      text: Done.
    """),
    flow_id="needs",
    extra="requires: [helper]\n",
)


@pytest.fixture
def library(tmp_path: Path) -> Library:
    write(tmp_path, MAIN, "main")
    write(tmp_path, HELPER, "helper")
    write(tmp_path, NEEDS, "needs")
    lib = Library.load([tmp_path])
    assert lib.errors == []
    return lib


def start(library: Library, flow: str = "main", **kwargs: object) -> Session:
    return Session(library, flow, practice=PRACTICE, **kwargs)  # type: ignore[arg-type]


def test_templated_text_uses_the_practice_configuration(library: Library) -> None:
    view = start(library).view()
    assert view.text.text == "Welcome to Demo Surgery."
    assert view.help is not None
    assert view.help.text == "More about Demo Surgery."
    assert [o.value for o in view.options] == ["continue"]


def test_circumstances_record_ticked_and_unticked_facts(library: Library) -> None:
    s = start(library)
    s.answer()
    s.answer_facts({"has_smartphone": True})
    assert s.facts == {"has_smartphone": True, "has_photo_id": False}
    assert s.step_id == "pick"  # phone_only skipped: its condition is false


def test_false_condition_skips_to_the_following_step_and_true_shows_it(library: Library) -> None:
    s = start(library)
    s.answer()
    s.answer_facts({})
    assert s.step_id == "phone_only"
    assert s.view().text.text == "You can phone 01632 960000."


def test_facts_given_at_start_are_shown_as_already_known(library: Library) -> None:
    s = start(library, facts={"has_photo_id": True})
    s.answer()
    assert {f.name: f.value for f in s.view().facts} == {"has_smartphone": None, "has_photo_id": True}


def test_choice_sets_facts_and_escalate_ends_the_session(library: Library) -> None:
    s = start(library, facts={"has_smartphone": True})
    s.answer()
    s.answer_facts({"has_smartphone": True})
    s.answer("no_app")
    assert s.facts["has_smartphone"] is False
    assert s.finished
    assert s.outcome == {"kind": "escalate", "flow": "main", "step": "staff", "reason": "no_app"}
    view = s.view()
    assert view.kind == "escalate"
    assert view.reason == "no_app"
    assert view.options == ()


def _to_check(library: Library) -> Session:
    s = start(library)
    s.answer()
    s.answer_facts({"has_smartphone": True})
    s.answer("yes_app")
    assert s.step_id == "try_it"
    return s


def test_check_no_goes_to_the_fix_and_twice_raises_a_stuck_signal(library: Library) -> None:
    s = _to_check(library)
    view = s.view()
    assert view.question is not None
    assert view.question.text == "Did it work?"
    s.answer("no")
    assert s.step_id == "fix"
    s.answer()
    s.drain_events()
    s.answer("no")
    stuck = [e for e in s.drain_events() if e.kind is EventKind.STUCK]
    assert [e.data["signal"] for e in stuck] == ["check_failed"]
    assert s.view().offer_help


def test_coming_back_to_a_step_again_and_again_is_a_stuck_signal(library: Library) -> None:
    s = start(library)
    s.answer()
    s.back()
    s.answer()
    s.back()
    signals = [e.data["signal"] for e in s.drain_events() if e.kind is EventKind.STUCK]
    assert signals == ["back_and_forth"]


def test_back_undoes_the_last_answer_including_its_facts(library: Library) -> None:
    s = start(library)
    s.answer()
    s.answer_facts({"has_smartphone": True, "has_photo_id": True})
    assert s.back()
    assert s.step_id == "about"
    assert s.facts == {}
    assert s.back()
    assert s.step_id == "intro"
    assert not s.back()


def test_text_strong_match_is_accepted_and_only_the_value_is_kept(library: Library) -> None:
    s = _to_check(library)
    s.answer("yes")
    result = s.answer_text("tablts")
    assert result.kind is MatchKind.ACCEPTED
    assert result.value == "prescription"
    assert "tablts" not in json.dumps(s.to_dict())


def test_text_weak_match_is_confirmed_before_it_is_used(library: Library) -> None:
    s = _to_check(library)
    s.answer("yes")
    result = s.answer_text("bok")
    assert result.kind is MatchKind.CONFIRM
    view = s.view()
    assert view.kind == "confirm"
    assert view.text.text == "Did you mean: Book an appointment?"
    s.answer("no")
    assert s.step_id == "what"
    assert s.view().kind == "text"


def test_text_no_match_asks_again_and_twice_is_a_stuck_signal(library: Library) -> None:
    s = _to_check(library)
    s.answer("yes")
    assert s.answer_text("zzqx").kind is MatchKind.NONE
    assert s.view().notice is not None
    s.answer_text("[/]")
    assert s.step_id == "what"
    assert any(e.data.get("signal") == "no_match" for e in s.drain_events())


def test_call_runs_the_other_flow_shows_its_end_then_returns(library: Library) -> None:
    s = _to_check(library)
    s.answer("yes")
    s.answer_text("medicine")
    assert (s.flow_id, s.step_id) == ("helper", "h1")
    s.answer()
    assert (s.flow_id, s.step_id) == ("helper", "h_end")
    assert not s.finished
    s.answer()
    assert (s.flow_id, s.step_id) == ("main", "chose")
    assert s.view().text.text == "You chose prescription."
    assert "helper" in s.done


def test_requires_asks_first_and_runs_the_required_flow_on_no(library: Library) -> None:
    s = start(library, "needs")
    view = s.view()
    assert view.kind == "requires"
    assert "A test flow" in view.text.text
    s.answer("no")
    assert (s.flow_id, s.step_id) == ("helper", "h1")
    s.answer()
    s.answer()
    assert (s.flow_id, s.step_id) == ("needs", "n1")


def test_requires_yes_goes_straight_on(library: Library) -> None:
    s = start(library, "needs")
    s.answer("yes")
    assert s.step_id == "n1"


def test_top_level_end_finishes(library: Library) -> None:
    s = _to_check(library)
    s.answer("yes")
    s.answer_text("see a doctor")
    assert s.finished
    assert s.outcome == {"kind": "end", "flow": "main", "step": "done"}
    assert [w.text for w in s.view().what_next] == ["Come back any time."]


def test_request_help_escalates_from_anywhere(library: Library) -> None:
    s = start(library)
    s.request_help()
    assert s.finished
    assert s.outcome is not None
    assert s.outcome["reason"] == "asked_for_help"
    kinds = [e.kind for e in s.drain_events()]
    assert kinds[-2:] == [EventKind.STUCK, EventKind.ESCALATED]


def test_back_after_asking_for_help_returns_to_the_same_step(library: Library) -> None:
    s = start(library)
    s.answer()
    s.request_help()
    assert s.back()
    assert not s.finished
    assert s.step_id == "about"


def test_invalid_answers_are_refused(library: Library) -> None:
    s = start(library)
    with pytest.raises(InvalidAnswer):
        s.answer("nonsense")
    with pytest.raises(InvalidAnswer):
        s.answer_facts({"has_smartphone": True})
    with pytest.raises(InvalidAnswer):
        s.answer_text("hello")
    s.answer()
    with pytest.raises(InvalidAnswer):
        s.answer_facts({"under_16": True})


def test_restart_forgets_everything(library: Library) -> None:
    s = start(library)
    s.answer()
    s.answer_facts({"has_smartphone": True})
    s.restart()
    assert s.step_id == "intro"
    assert s.facts == {}
    assert s.history == []


def test_state_round_trips_through_json(library: Library) -> None:
    s = _to_check(library)
    s.answer("no")
    restored = Session.from_dict(library, json.loads(json.dumps(s.to_dict())), practice=PRACTICE)
    assert restored.to_dict() == s.to_dict()
    assert restored.view() == s.view()
    restored.back()
    assert restored.step_id == "try_it"


def test_progress_counts_steps_taken_and_estimates_the_rest(library: Library) -> None:
    s = start(library)
    first = s.view().progress
    assert first.position == 1
    assert first.estimate >= 4
    s.answer()
    assert s.view().progress.position == 2


def test_a_broken_template_at_run_time_shows_the_text_with_a_gap_not_a_crash(tmp_path: Path) -> None:
    write(
        tmp_path,
        flow_text(
            dedent("""\
    - id: a
      kind: say
      text: "Your answer: {{ answers.a2 | int }} and {{ format_date('not a date') }}."
    - id: a2
      kind: choice
      text: Which?
      options:
        - {value: one, text: One}
        - {value: two, text: Two}
    - id: done
      kind: end
      text: Done.
    """)
        ),
    )
    lib = Library.load([tmp_path])
    assert lib.errors == []
    view = Session(lib, "t").view()
    assert view.text.text == "Your answer: … and …."


def test_normalise_keeps_combining_marks_and_unifies_forms() -> None:
    assert normalise("Cafe\u0301") == normalise("Café")
    assert normalise("স্বাগতম") == "স্বাগতম"
    assert normalise("  A\u202eB\x1b[2J ") == "ab[2j"
