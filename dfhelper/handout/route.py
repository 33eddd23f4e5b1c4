"""Which steps a handout holds: the route one patient took, or the main route for their facts.

The route is found by driving the real engine `Session`, so ``when:`` conditions,
``call`` steps and ``requires`` are decided exactly as at the kiosk. Two ways in:

- `session_route`: a kiosk or assist session's own history (the steps actually
  shown and left, in order, ``back`` already undone by the engine), then, if the
  session has not finished, the main route on from where it stands.
- `main_route`: for ``dfhelper handout FLOW --fact ...``, the way a patient with
  those facts most likely goes: ``say`` continues, ``check`` is answered yes (it
  worked), ``choice`` and ``text`` take the first answer that does not lead
  straight to a hand-over to staff (tried on a copy of the session, so a
  ``when:`` or a ``call`` in between counts), ``circumstances`` ticks the facts
  already known to be true, a required flow counts as done. It stops at the
  end or a hand-over, or after ``max_steps`` (a loop guard).

A `Stop` keeps the session's whole state at that step (ids and values only, no
text), so the handout can show each step in any language later, with the
answers and facts that held there. Nothing here changes the session it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from dfhelper.engine.session import Session, Thresholds
from dfhelper.engine.text import EnglishTranslator
from dfhelper.flowlang.library import Library
from dfhelper.flowlang.model import Choice, Circumstances, TextInput

MAX_STEPS = 200
"""The most steps a route may have before it is cut off (flows loop only through "try again")."""

Ending = Literal["end", "escalate", "open", "limit"]
"""How a route stops: a top-level end, a hand-over to staff, still on the way (a session's own
route that was not continued), or cut off by the loop guard."""


@dataclass(frozen=True, slots=True)
class Stop:
    """One step of the route, as the patient saw it (or would see it)."""

    flow: str
    step: str
    kind: str
    """The step kind: say, check, choice, text, circumstances, end or escalate."""
    state: Mapping[str, Any]
    """The session's state at this step (`Session.to_dict`, without its history)."""
    answer: str | None = None
    """The answer's value, for choice and text steps (None: not answered, or another kind)."""


@dataclass(frozen=True, slots=True)
class Route:
    """The steps a handout shows, in order, and how the route ends."""

    root: str
    stops: tuple[Stop, ...]
    ending: Ending


def _state(session: Session) -> dict[str, Any]:
    state = session.to_dict()
    state["history"] = []
    return state


def _copy(session: Session) -> Session:
    """A copy of ``session`` that reports to no one, in English (route decisions need no language)."""
    return Session.from_dict(
        session.library,
        _state(session),
        practice=session.practice,
        settings=session.settings,
        translator=EnglishTranslator(),
    )


def _answer(session: Session, value: str) -> None:
    """Answer the current choice or text step with the option ``value``, as a patient would."""
    step = session.step
    if isinstance(step, TextInput):
        option = next(o for o in step.options if o.value == value)
        session.answer_text(option.text)  # its own English text matches it
        if session.pending is not None:  # "Did you mean ...?"
            session.answer("yes" if session.pending.get("value") == value else "no")
    else:
        session.answer(value)


def _leads_to_staff(session: Session, value: str) -> bool:
    trial = _copy(session)
    _answer(trial, value)
    return trial.status == "escalated"


def _pick(session: Session) -> str:
    """The first answer that does not hand the patient straight over to staff (else the first)."""
    step = session.step
    assert isinstance(step, Choice | TextInput)
    values = [o.value for o in step.options]
    return next((v for v in values if not _leads_to_staff(session, v)), values[0])


def _finish(session: Session, stops: list[Stop]) -> Ending:
    """The step the session ended on (an end or a hand-over), added to ``stops``."""
    outcome = session.outcome or {}
    flow, step = str(outcome.get("flow", session.flow_id)), str(outcome.get("step", session.step_id))
    kind = session.library.flow(flow).step(step).kind
    stops.append(Stop(flow, step, kind, _state(session)))
    return "end" if session.status == "finished" else "escalate"


def _walk_on(session: Session, stops: list[Stop], max_steps: int) -> Ending:
    """Follow the main route from where ``session`` stands (it is moved along)."""
    for _ in range(max_steps):
        if session.finished:
            return _finish(session, stops)
        if session.gate is not None:  # "have you done X first?": count it as done
            session.answer("yes")
            continue
        step = session.step
        assert step is not None
        if session.pending is not None:
            session.answer("yes")
            continue
        here = Stop(session.flow_id, step.id, step.kind, _state(session))
        if isinstance(step, Choice | TextInput):
            value = _pick(session)
            stops.append(Stop(here.flow, here.step, here.kind, here.state, value))
            _answer(session, value)
        elif isinstance(step, Circumstances):
            stops.append(here)
            session.answer_facts({name: True for name in step.facts if session.facts.get(name) is True})
        else:  # say, check (it worked), and the end of a called flow (go back to the caller)
            stops.append(here)
            session.answer("yes" if step.kind == "check" else "continue")
    return "limit"


def main_route(
    library: Library,
    flow_id: str,
    *,
    facts: Mapping[str, bool] | None = None,
    practice: Mapping[str, Any] | None = None,
    settings: Thresholds | None = None,
    max_steps: int = MAX_STEPS,
) -> Route:
    """The main route through ``flow_id`` for a patient with ``facts`` (KeyError: no such flow)."""
    session = Session(
        library, flow_id, facts=facts, practice=practice, settings=settings, translator=EnglishTranslator()
    )
    stops: list[Stop] = []
    ending = _walk_on(session, stops, max_steps)
    return Route(flow_id, tuple(stops), ending)


def session_route(session: Session, *, continue_on: bool = True, max_steps: int = MAX_STEPS) -> Route:
    """The steps ``session`` showed and left, in order, then where it ended or the main route on.

    A step seen more than once (a "try again" loop) is kept once, where it was first seen.
    ``continue_on`` False stops at the current step of an unfinished session (ending ``open``).
    """
    base = _state(session)
    base.update(status="active", outcome=None)
    stops: list[Stop] = []
    history = list(session.history)
    for i, snapshot in enumerate(history):
        if snapshot.get("gate") is not None or snapshot.get("pending") is not None:
            continue  # the engine's own questions ("have you done X?", "did you mean X?")
        frame = snapshot["stack"][-1]
        flow, step_id = str(frame["flow"]), str(frame["step"])
        step = session.library.flow(flow).step(step_id)
        later = history[i + 1]["answers"] if i + 1 < len(history) else session.answers
        answer = later.get(flow, {}).get(step_id) if isinstance(step, Choice | TextInput) else None
        stops.append(Stop(flow, step_id, step.kind, {**base, **snapshot}, answer))
    if session.finished:
        ending = _finish(session, stops)
    elif continue_on:
        ending = _walk_on(_copy(session), stops, max_steps)
    else:
        current = session.step
        if current is not None and session.pending is None:
            stops.append(Stop(session.flow_id, current.id, current.kind, _state(session)))
        ending = "open"
    seen: set[tuple[str, str]] = set()
    unique: list[Stop] = []
    for stop in stops:
        if (stop.flow, stop.step) not in seen:
            seen.add((stop.flow, stop.step))
            unique.append(stop)
    return Route(session.root, tuple(unique), ending)
