"""Which steps a handout holds: the engine decides, as at the kiosk."""

from __future__ import annotations

from dfhelper.config import Config
from dfhelper.engine.session import Session
from dfhelper.flowlang.library import Library
from dfhelper.handout.route import Route, main_route, session_route


def steps(route: Route) -> list[str]:
    """The route's step ids, in order."""
    return [stop.step for stop in route.stops]


def test_the_main_route_skips_steps_whose_condition_is_false(library: Library) -> None:
    route = main_route(library, "h")
    assert steps(route) == ["intro", "ask", "try_it", "done"]
    assert route.ending == "end"


def test_different_facts_give_different_steps(library: Library) -> None:
    without_phone = main_route(library, "h", facts={"has_smartphone": False})
    with_phone = main_route(library, "h", facts={"has_smartphone": True})
    assert steps(without_phone) == ["intro", "phone_tip", "ask", "try_it", "done"]
    assert steps(with_phone) == ["intro", "ask", "try_it", "done"]


def test_a_choice_takes_the_first_answer_that_does_not_hand_over_to_staff(library: Library) -> None:
    route = main_route(library, "h")
    ask = next(stop for stop in route.stops if stop.step == "ask")
    assert ask.answer == "online"  # "staff", listed first, goes straight to an escalation


def test_a_called_flow_is_walked_in_place(library: Library) -> None:
    route = main_route(library, "caller")
    assert [(s.flow, s.step) for s in route.stops] == [
        ("caller", "welcome"),
        ("h", "intro"),
        ("h", "ask"),
        ("h", "try_it"),
        ("h", "done"),  # the called flow's end, shown before going back
        ("caller", "finish"),
    ]


def test_a_loop_is_cut_off_by_the_step_limit(library: Library) -> None:
    route = main_route(library, "h", max_steps=2)
    assert route.ending == "limit"
    assert steps(route) == ["intro", "ask"]


def test_a_sessions_route_is_what_the_patient_actually_did(library: Library, config: Config) -> None:
    session = Session(library, "h", facts={"has_smartphone": False}, settings=config.engine)
    session.answer()  # intro
    session.answer()  # phone_tip
    session.answer("online")
    session.answer("no")  # it did not open: fix, then try again
    session.answer()
    session.answer("yes")
    assert session.finished
    before = session.to_dict()
    route = session_route(session)
    assert steps(route) == ["intro", "phone_tip", "ask", "try_it", "fix", "done"]  # try_it once
    assert route.ending == "end"
    assert session.to_dict() == before  # the patient's session is not touched


def test_going_back_leaves_the_undone_answer_out(library: Library) -> None:
    session = Session(library, "h")
    session.answer()
    session.answer("online")
    session.answer("no")
    assert session.back()  # not the fix after all
    session.answer("yes")
    assert steps(session_route(session)) == ["intro", "ask", "try_it", "done"]


def test_an_unfinished_session_goes_on_by_the_main_route(library: Library) -> None:
    session = Session(library, "h")
    session.answer()
    route = session_route(session)
    assert steps(route) == ["intro", "ask", "try_it", "done"]
    assert not session.finished
    assert session.step_id == "ask"
    open_route = session_route(session, continue_on=False)
    assert (steps(open_route), open_route.ending) == (["intro", "ask"], "open")


def test_a_session_handed_over_to_staff_ends_at_the_hand_over(library: Library) -> None:
    session = Session(library, "h")
    session.answer()
    session.answer("staff")
    route = session_route(session)
    assert steps(route) == ["intro", "ask", "to_staff"]
    assert route.ending == "escalate"
    assert route.stops[1].answer == "staff"
