"""What the assist app knows, without any screen: an assisted visit, jumping, branches, outcomes.

An `AssistVisit` is a kiosk `Visit` (languages, translators, sessions, usage
events) whose usage events are recorded with mode ``assist``, with a stack of
paused sessions (open another flow, then come back) and an anonymous outcome
the helper records. Nothing here imports Textual.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dfhelper.engine.session import Session
from dfhelper.flowlang.model import Call, Check, Choice, Circumstances, End, Escalate, Flow, Say, TextInput
from dfhelper.insights.model import UsageEvent
from dfhelper.kiosk.visit import Visit

MODE = "assist"

OUTCOMES: dict[str, str] = {
    "done": "Done",
    "done_with_help": "Done with help",
    "needs_staff": "Needs staff",
    "not_possible_today": "Not possible today",
}
"""Anonymous outcomes a helper can record (code: label)."""

REASONS: dict[str, str] = {
    "no_smartphone": "No smartphone or device",
    "no_login": "Cannot log in (no NHS login)",
    "no_id": "No photo ID",
    "no_email": "No email of their own",
    "service_down": "Website or app not working",
    "language": "Language or reading barrier",
    "out_of_time": "Ran out of time",
    "other": "Other",
}
"""Optional reasons for an outcome (code: label). No free text, ever."""


@dataclass(frozen=True, slots=True)
class Branch:
    """One answer of a step and the step id it leads to (None: out of this flow)."""

    value: str
    target: str | None


def jumpable(flow: Flow) -> list[str]:
    """Steps a helper may jump to: every step a patient can be shown (not calls or escalations)."""
    return [step.id for step in flow.steps if not isinstance(step, Call | Escalate)]


def branches(flow: Flow, step_id: str) -> list[Branch]:
    """Where each answer of ``step_id`` goes (the troubleshooting branches)."""
    step = flow.step(step_id)
    if isinstance(step, Choice | TextInput):
        out = [Branch(o.value, flow.resolve(step.id, o.next)) for o in step.options]
        if isinstance(step, TextInput) and step.no_match:
            out.append(Branch("(no match)", flow.resolve(step.id, step.no_match)))
        return out
    if isinstance(step, Check):
        return [Branch("yes", flow.resolve(step.id, step.next)), Branch("no", flow.resolve(step.id, step.no))]
    if isinstance(step, Say | Circumstances):
        return [Branch("continue", flow.resolve(step.id, step.next))]
    if isinstance(step, End):
        return [Branch("continue", None)]
    return []


def jumped(session: Session, step_id: str, **kwargs: Any) -> Session:
    """A new session like ``session`` but at ``step_id`` of its current flow (``back`` undoes the jump).

    Built from `Session.to_dict` state; ``kwargs`` go to `Session.from_dict` (translator, listener...).
    A top-level end step is reached as the flow's end (the session is finished).
    """
    flow = session.flow
    step = flow.step(step_id)  # KeyError for a step the flow does not have
    if isinstance(step, Call | Escalate):
        raise ValueError(f"cannot jump to a {step.kind} step")
    state = session.to_dict()
    if not session.finished:  # so `back` returns to where the helper jumped from
        state["history"].append({name: state[name] for name in Session._SNAPSHOT})
    stack = [dict(frame) for frame in state["stack"]]
    stack[-1]["step"] = step_id
    state.update(stack=stack, gate=None, pending=None, notice=None, status="active", outcome=None)
    key = f"{flow.id}:{step_id}"
    state["visits"] = {**state["visits"], key: state["visits"].get(key, 0) + 1}
    if isinstance(step, End) and len(stack) == 1:
        state.update(status="finished", outcome={"kind": "end", "flow": flow.id, "step": step_id})
    return Session.from_dict(session.library, state, **kwargs)


@dataclass
class AssistVisit(Visit):
    """A patient helped one-to-one: a kiosk visit with mode ``assist``, paused flows and outcomes."""

    paused: list[Session] = field(default_factory=list)
    """Sessions left to open another flow, the latest last."""

    def _usage(self, kind: str, flow: str | None, step: str | None = None, detail: str | None = None) -> None:
        events = self.core.events
        if events is not None:
            now = dt.datetime.now(dt.UTC)
            events.record(UsageEvent(self.anonymous_id, now, kind, flow, step, self.lang, MODE, detail))

    def choose_language(self, code: str) -> None:
        """Switch the patient's language, keeping their place (in paused flows too)."""
        super().choose_language(code)
        for session in self.paused:
            session.translator = self.translator

    def open_flow(self, flow_id: str) -> Session:
        """Leave the current flow paused and start ``flow_id``."""
        if self.session is not None:
            self.paused.append(self.session)
            self.session = None  # paused, not abandoned
        return self.start(flow_id)

    def return_to_paused(self) -> Session | None:
        """Back to the latest paused flow (the current one counted as abandoned if unfinished)."""
        if not self.paused:
            return None
        self.abandon()
        self.session = self.paused.pop()
        self.session.translator = self.translator
        self.help = None
        return self.session

    def jump(self, step_id: str) -> Session:
        """Move the current session to ``step_id`` of its current flow."""
        session = self.session
        assert session is not None
        self.session = jumped(
            session,
            step_id,
            practice=self.core.practice,
            settings=self.core.config.engine,
            translator=self.translator,
            listener=self._engine_event,
        )
        self._usage("step", self.session.flow_id, step_id, "jump")
        if self.session.finished:
            self._usage("finished", self.session.flow_id, step_id)
        return self.session

    def record_outcome(self, outcome: str, reason: str | None = None) -> str:
        """Record an anonymous outcome (codes from `OUTCOMES` and `REASONS`); returns the detail stored."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        if reason is not None and reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        detail = f"{outcome}:{reason}" if reason else outcome
        session = self.session
        flow = step = None
        if session is not None:
            flow, step = session.flow_id, session.step_id
        self._usage("outcome", flow, step, detail)
        return detail
