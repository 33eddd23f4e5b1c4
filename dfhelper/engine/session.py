"""The engine: one patient's way through a flow, as a pure state machine.

A `Session` knows where the patient is (a stack of flows, for ``call`` steps),
what they answered, the facts they chose to share, and how they got here (so
``back`` works). Every rule about what the patient sees next lives here, so a
test can reach it without a screen; front ends call `answer`, `answer_facts`,
`answer_text`, `back`, `restart` and `request_help`, and show `view()`.

The whole state is a plain dict (`to_dict` / `from_dict`) of ids and values.
Text a patient types is matched and then dropped: only the answer value it
matched is kept.

Rules (each tested in ``tests/unit/test_session.py``):

- A step whose ``when`` is false is skipped; the next step in the file is tried.
- A ``call`` step is never shown: the called flow starts, and when it reaches
  an ``end``, that end is shown; continuing returns to the step after the call.
- A flow with ``requires`` first asks whether each required flow was done (a
  flow finished earlier in the session counts); "no" runs it first.
- ``escalate`` ends the session as escalated; a top-level ``end`` as finished.
- Stuck signals: a check answered "no" ``check_failures_before_stuck`` times;
  a step shown ``revisits_before_stuck`` times; two typed answers in a row
  that match nothing; the patient asking for help. Each is reported once per
  step and sets `offer_help`, so the front end can offer staff help.
"""

from __future__ import annotations

import copy
import dataclasses
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from dfhelper.config import EngineConfig
from dfhelper.engine import matching
from dfhelper.engine import text as t
from dfhelper.engine.events import Event, EventKind, Stuck
from dfhelper.engine.text import EnglishTranslator, Shown, Translator
from dfhelper.flowlang import templates
from dfhelper.flowlang.facts import FACT_NAMES, FACTS
from dfhelper.flowlang.hours import localised
from dfhelper.flowlang.library import Library
from dfhelper.flowlang.model import (
    Call,
    Check,
    Choice,
    Circumstances,
    End,
    Escalate,
    Flow,
    Say,
    Step,
    TextInput,
)
from dfhelper.flowlang.validate import answerable, successors

STATE_VERSION = 1


class Thresholds(Protocol):
    """The engine's settings (`dfhelper.config.EngineConfig` has these)."""

    @property
    def check_failures_before_stuck(self) -> int: ...
    @property
    def revisits_before_stuck(self) -> int: ...
    @property
    def text_accept_score(self) -> float: ...
    @property
    def text_confirm_score(self) -> float: ...


class InvalidAnswer(ValueError):
    """An answer the current step does not offer. Front ends offer only valid ones."""


@dataclass(frozen=True, slots=True)
class OptionView:
    """One answer a patient can give."""

    value: str
    text: Shown


@dataclass(frozen=True, slots=True)
class FactView:
    """One circumstance to tick, with what is already known."""

    name: str
    text: Shown
    value: bool | None


@dataclass(frozen=True, slots=True)
class LinkView:
    """A web address to show as text or QR (never to open)."""

    url: str
    text: Shown


@dataclass(frozen=True, slots=True)
class Progress:
    """ "Step 3 of about 8"."""

    position: int
    estimate: int


@dataclass(frozen=True, slots=True)
class StepView:
    """Everything a front end needs to show the current step, already in the patient's language.

    ``kind`` is the step kind, or one of the engine's own: ``requires`` ("have
    you done X first?") and ``confirm`` ("did you mean X?").
    """

    flow: str
    step: str
    kind: str
    text: Shown
    options: tuple[OptionView, ...] = ()
    question: Shown | None = None
    help: Shown | None = None
    facts: tuple[FactView, ...] = ()
    links: tuple[LinkView, ...] = ()
    what_next: tuple[Shown, ...] = ()
    volunteer_notes: str | None = None
    sources: tuple[str, ...] = ()
    reason: str | None = None
    terminal: bool = False
    offer_help: bool = False
    notice: Shown | None = None
    progress: Progress = Progress(1, 1)


@dataclass(frozen=True, slots=True)
class TextResult:
    """What happened to some typed text."""

    kind: matching.MatchKind
    value: str | None
    score: float


def _key(flow: str, step: str) -> str:
    return f"{flow}:{step}"


class Session:
    """One patient's way through one flow (and any flows it calls)."""

    def __init__(
        self,
        library: Library,
        flow_id: str,
        *,
        facts: Mapping[str, bool] | None = None,
        practice: Mapping[str, Any] | None = None,
        settings: Thresholds | None = None,
        translator: Translator | None = None,
        listener: Callable[[Event], None] | None = None,
        _state: Mapping[str, Any] | None = None,
    ) -> None:
        if flow_id not in library:
            raise KeyError(flow_id)
        self.library = library
        self.root = flow_id
        self.practice = dict(practice or {})
        self.settings: Thresholds = settings or EngineConfig()
        self.translator: Translator = translator or EnglishTranslator()
        self.events: list[Event] = []
        """Events not yet taken by `drain_events`."""
        self._listener = listener
        self._initial_facts = {k: bool(v) for k, v in (facts or {}).items() if k in FACT_NAMES}
        if _state is not None:
            self._load_state(_state)
        else:
            self._reset()
            self._settle()

    # -- state ---------------------------------------------------------------------------------

    def _reset(self) -> None:
        self.stack: list[dict[str, str | None]] = [{"flow": self.root, "step": None}]
        self.answers: dict[str, dict[str, str]] = {}
        self.facts: dict[str, bool] = dict(self._initial_facts)
        self.done: list[str] = []
        self.gate: str | None = None
        self.pending: dict[str, Any] | None = None
        self.history: list[dict[str, Any]] = []
        self.visits: dict[str, int] = {}
        self.check_failures: dict[str, int] = {}
        self.no_matches: dict[str, int] = {}
        self.signalled: list[str] = []
        self.status = "active"
        self.outcome: dict[str, str] | None = None
        self.offer_help = False
        self.notice: str | None = None
        self.answered = 0

    _SNAPSHOT = ("stack", "answers", "facts", "done", "gate", "pending", "notice", "answered")

    def _snapshot(self) -> dict[str, Any]:
        return {name: copy.deepcopy(getattr(self, name)) for name in self._SNAPSHOT}

    def to_dict(self) -> dict[str, Any]:
        """The whole state as plain data (ids and values only)."""
        return {
            "version": STATE_VERSION,
            "root": self.root,
            "initial_facts": dict(self._initial_facts),
            **self._snapshot(),
            "history": copy.deepcopy(self.history),
            "visits": dict(self.visits),
            "check_failures": dict(self.check_failures),
            "no_matches": dict(self.no_matches),
            "signalled": list(self.signalled),
            "status": self.status,
            "outcome": dict(self.outcome) if self.outcome else None,
            "offer_help": self.offer_help,
        }

    @classmethod
    def from_dict(cls, library: Library, state: Mapping[str, Any], **kwargs: Any) -> Session:
        """A session restored from `to_dict` output."""
        if state.get("version") != STATE_VERSION:
            raise ValueError("session state from another version")
        return cls(library, str(state["root"]), facts=state.get("initial_facts"), _state=state, **kwargs)

    def _load_state(self, state: Mapping[str, Any]) -> None:
        self._reset()
        for name in self._SNAPSHOT:
            setattr(self, name, copy.deepcopy(state[name]))
        self.history = copy.deepcopy(list(state["history"]))
        self.visits = dict(state["visits"])
        self.check_failures = dict(state["check_failures"])
        self.no_matches = dict(state["no_matches"])
        self.signalled = list(state["signalled"])
        self.status = str(state["status"])
        self.outcome = dict(state["outcome"]) if state["outcome"] else None
        self.offer_help = bool(state["offer_help"])

    # -- where we are --------------------------------------------------------------------------

    @property
    def flow_id(self) -> str:
        """The flow the patient is in now."""
        return str(self.stack[-1]["flow"])

    @property
    def flow(self) -> Flow:
        """The flow the patient is in now."""
        return self.library.flow(self.flow_id)

    @property
    def step_id(self) -> str:
        """The current step's id (or the engine's own: ``requires:<flow>``)."""
        if self.gate is not None:
            return f"requires:{self.gate}"
        return str(self.stack[-1]["step"])

    @property
    def step(self) -> Step | None:
        """The current flow step (None while asking about a required flow)."""
        if self.gate is not None:
            return None
        return self.flow.step(self.step_id)

    @property
    def finished(self) -> bool:
        """True once the session reached a top-level end or an escalation."""
        return self.status != "active"

    def drain_events(self) -> list[Event]:
        """The events since the last call, oldest first."""
        events, self.events = self.events, []
        return events

    def _emit(self, kind: EventKind, flow: str, step: str, **data: Any) -> None:
        event = Event(kind, flow, step, data)
        self.events.append(event)
        if self._listener is not None:
            self._listener(event)

    def context(self, flow: Flow | None = None) -> dict[str, Any]:
        """What templates and conditions see: facts, answers, practice, helpers."""
        flow = flow or self.flow
        answers: dict[str, str | None] = dict.fromkeys(answerable(flow))
        answers.update(self.answers.get(flow.id, {}))
        practice = self.practice
        if isinstance(practice.get("opening_hours"), str):  # days and times, in the patient's language
            hours = localised(practice["opening_hours"], self.translator.locale)
            practice = {**practice, "opening_hours": hours}
        return {
            "facts": {name: self.facts.get(name) for name in FACT_NAMES},
            "answers": answers,
            "practice": practice,
            **templates.make_helpers(self.translator.locale),
        }

    # -- moving --------------------------------------------------------------------------------

    def _settle(self) -> None:
        """Move forward over skipped, call and return steps to one the patient sees."""
        for _ in range(10_000):  # bounded: validated flows settle in a few moves
            frame = self.stack[-1]
            flow = self.library.flow(str(frame["flow"]))
            if frame["step"] is None:
                missing = [r for r in flow.requires if r not in self.done and r in self.library]
                if missing:
                    self.gate = missing[0]
                    self._shown()
                    return
                frame["step"] = flow.start_step
            step = flow.step(str(frame["step"]))
            if step.when is not None and not templates.evaluate(
                step.when, self.context(flow), where=_key(flow.id, step.id)
            ):
                following = flow.following(step.id)
                if following is None:  # validation forbids this; never strand a patient
                    self._escalate(flow.id, step.id, "flow_error")
                    return
                frame["step"] = following
                continue
            if isinstance(step, Call):
                if step.flow not in self.library:
                    self._escalate(flow.id, step.id, "flow_unavailable")
                    return
                self.stack.append({"flow": step.flow, "step": None})
                continue
            if isinstance(step, Escalate):
                self._escalate(flow.id, step.id, step.reason, priority=step.priority)
                return
            if isinstance(step, End) and len(self.stack) == 1:
                self.status = "finished"
                self.outcome = {"kind": "end", "flow": flow.id, "step": step.id}
                self._emit(EventKind.FINISHED, flow.id, step.id)
                return
            self._shown()
            return
        self._escalate(self.flow_id, self.step_id, "flow_error")  # pragma: no cover - defensive

    def _shown(self) -> None:
        flow, step = self.flow_id, self.step_id
        key = _key(flow, step)
        self.visits[key] = self.visits.get(key, 0) + 1
        self._emit(EventKind.STEP_SHOWN, flow, step, step_kind=self._kind())
        if self.visits[key] >= self.settings.revisits_before_stuck:
            self._signal(Stuck.BACK_AND_FORTH, flow, step)

    def _escalate(self, flow: str, step: str, reason: str, *, priority: bool = False) -> None:
        self.status = "escalated"
        self.outcome = {"kind": "escalate", "flow": flow, "step": step, "reason": reason}
        if priority:
            self.outcome["priority"] = "true"  # a red flag: the desk sees it first
        self._emit(EventKind.ESCALATED, flow, step, reason=reason)

    def _signal(self, why: Stuck, flow: str, step: str) -> None:
        token = f"{why.value}@{_key(flow, step)}"
        if token in self.signalled:
            return
        self.signalled.append(token)
        self.offer_help = True
        self._emit(EventKind.STUCK, flow, step, signal=why.value)

    def _go(self, target: str | None) -> None:
        """Leave the current step for ``target`` (None: the following step), then settle."""
        frame = self.stack[-1]
        flow = self.flow
        resolved = flow.resolve(str(frame["step"]), target)
        if resolved is None:
            self._escalate(flow.id, str(frame["step"]), "flow_error")
            return
        frame["step"] = resolved
        self._settle()

    def _return_from_call(self) -> None:
        finished = self.flow_id
        if finished not in self.done:
            self.done.append(finished)
        self.stack.pop()
        frame = self.stack[-1]
        if frame["step"] is None:  # we ran a required flow before this one started
            self._settle()
            return
        caller = self.library.flow(str(frame["flow"]))
        call = caller.step(str(frame["step"]))
        assert isinstance(call, Call)
        self._go(call.next)

    def _kind(self) -> str:
        if self.gate is not None:
            return "requires"
        if self.pending is not None:
            return "confirm"
        step = self.step
        assert step is not None
        return step.kind

    def _begin_answer(self) -> None:
        if self.finished:
            raise InvalidAnswer("the session has ended")
        self.history.append(self._snapshot())
        self.notice = None
        self.answered += 1

    def _record(self, value: str) -> None:
        self._emit(EventKind.ANSWERED, self.flow_id, self.step_id, value=value)

    def answer(self, value: str | None = None) -> None:
        """Answer the current step with an option value (say and end: no value, or ``continue``)."""
        kind = self._kind()
        offered = {o.value for o in self._options()}
        chosen = value if value is not None else "continue"
        if chosen not in offered:
            raise InvalidAnswer(f"{chosen!r} is not an answer to {self.step_id} ({kind})")
        self._begin_answer()
        self._record(chosen)
        if kind == "requires":
            required, self.gate = str(self.gate), None
            if chosen == "yes":
                self.done.append(required)
                self._settle()
            else:
                self.stack.append({"flow": required, "step": None})
                self._settle()
            return
        if kind == "confirm":
            pending, self.pending = dict(self.pending or {}), None
            if chosen == "yes":
                self._accept_text(str(pending["value"]))
            else:
                self._no_match()
            return
        step = self.step
        if isinstance(step, Say):
            self._go(step.next)
        elif isinstance(step, Choice):
            option = next(o for o in step.options if o.value == chosen)
            self._set_answer(step.id, chosen)
            self._apply_sets(option.sets)
            self._go(option.next)
        elif isinstance(step, Check):
            self._set_answer(step.id, chosen)
            if chosen == "yes":
                self._go(step.next)
            else:
                key = _key(self.flow_id, step.id)
                self.check_failures[key] = self.check_failures.get(key, 0) + 1
                if self.check_failures[key] >= self.settings.check_failures_before_stuck:
                    self._signal(Stuck.CHECK_FAILED, self.flow_id, step.id)
                self._go(step.no)
        elif isinstance(step, End):
            self._return_from_call()
        else:  # pragma: no cover - _options offers nothing for other kinds
            raise InvalidAnswer(f"{kind} steps are answered another way")

    def answer_facts(self, facts: Mapping[str, bool]) -> None:
        """Answer a circumstances step: the ticked facts are true, the others listed are false."""
        step = self.step
        if not isinstance(step, Circumstances) or self.pending is not None:
            raise InvalidAnswer(f"{self.step_id} is not a circumstances step")
        unknown = set(facts) - set(step.facts)
        if unknown:
            raise InvalidAnswer(f"not asked here: {', '.join(sorted(unknown))}")
        self._begin_answer()
        for name in step.facts:
            self.facts[name] = bool(facts.get(name, False))
        self._record(",".join(sorted(n for n in step.facts if self.facts[n])))
        self._go(step.next)

    def answer_text(self, typed: str) -> TextResult:
        """Answer a text step with what the patient typed. Only the matched value is kept."""
        step = self.step
        if not isinstance(step, TextInput) or self.pending is not None:
            raise InvalidAnswer(f"{self.step_id} is not a text step")
        found = matching.best(
            typed,
            self._candidates(step),
            accept=self.settings.text_accept_score,
            confirm=self.settings.text_confirm_score,
        )
        self._begin_answer()
        if found.kind is matching.MatchKind.ACCEPTED and found.value is not None:
            self._accept_text(found.value)
        elif found.kind is matching.MatchKind.CONFIRM:
            self.pending = {"value": found.value, "score": round(found.score, 1)}
            self._shown()
        else:
            self._no_match()
        return TextResult(found.kind, found.value, found.score)

    def _candidates(self, step: TextInput) -> list[matching.Candidate]:
        out: list[matching.Candidate] = []
        for option in step.options:
            phrases = [option.text, *option.match, option.value.replace("_", " ")]
            for i, phrase in enumerate(phrases):
                out.append(matching.Candidate(option.value, phrase))
                if i < 1 + len(option.match):
                    field = "text" if i == 0 else f"match.{i - 1}"
                    shown = self.translator.flow_text(
                        self.flow_id, step.id, f"option.{option.value}.{field}", phrase
                    )
                    if not shown.fallback and shown.text != phrase:
                        # a translation may hold several phrases, separated by " | "
                        for part in shown.text.split("|"):
                            if part.strip():
                                out.append(matching.Candidate(option.value, part.strip()))
        return out

    def _accept_text(self, value: str) -> None:
        step = self.step
        assert isinstance(step, TextInput)
        option = next(o for o in step.options if o.value == value)
        self._set_answer(step.id, value)
        self._record(value)
        self.no_matches.pop(_key(self.flow_id, step.id), None)
        self._apply_sets(option.sets)
        self._go(option.next)

    def _no_match(self) -> None:
        step = self.step
        assert isinstance(step, TextInput)
        key = _key(self.flow_id, step.id)
        self.no_matches[key] = self.no_matches.get(key, 0) + 1
        self._record("")
        if self.no_matches[key] >= 2:
            self._signal(Stuck.NO_MATCH, self.flow_id, step.id)
        if step.no_match is not None:
            self._go(step.no_match)
        else:
            self.notice = t.NO_MATCH
            self._shown()

    def _set_answer(self, step_id: str, value: str) -> None:
        self.answers.setdefault(self.flow_id, {})[step_id] = value

    def _apply_sets(self, entries: Iterable[str]) -> None:
        for entry in entries:
            if entry.startswith("not "):
                self.facts[entry[4:].strip()] = False
            else:
                self.facts[entry.strip()] = True

    def back(self) -> bool:
        """Go back one answer (undoing it). False when already at the start."""
        if not self.history:
            return False
        snapshot = self.history.pop()
        for name in self._SNAPSHOT:
            setattr(self, name, snapshot[name])
        self.status = "active"
        self.outcome = None
        self._emit(EventKind.BACK, self.flow_id, self.step_id)
        self._shown()
        return True

    def restart(self) -> None:
        """Start the flow again from the beginning, forgetting every answer."""
        self._emit(EventKind.RESTARTED, self.flow_id, self.step_id)
        self._reset()
        self._settle()

    def paused(self) -> None:
        """The front end saw a long pause on this step: offer help (never call staff unasked)."""
        if not self.finished:
            self._signal(Stuck.LONG_PAUSE, self.flow_id, self.step_id)

    def request_help(self, reason: str = Stuck.ASKED_FOR_HELP.value, *, priority: bool = False) -> None:
        """The patient asked for a person (or a red flag did, with ``priority``): end as escalated."""
        if self.finished:
            return
        self.history.append(self._snapshot())  # so `back` returns to where they asked
        self._signal(Stuck.ASKED_FOR_HELP, self.flow_id, self.step_id)
        self._escalate(self.flow_id, self.step_id, reason, priority=priority)

    # -- what the patient sees -----------------------------------------------------------------

    def _ui(self, english: str, **params: str) -> Shown:
        shown = self.translator.ui(english)
        return dataclasses.replace(shown, text=shown.text.format(**params)) if params else shown

    def _flow_text(self, flow: Flow, step: Step | None, field: str, english: str) -> Shown:
        step_id = step.id if step else None
        shown = self.translator.flow_text(flow.id, step_id, field, english)
        rendered = templates.render(shown.text, self.context(flow), where=_key(flow.id, step_id or ""))
        return dataclasses.replace(shown, text=rendered)

    def _options(self) -> tuple[OptionView, ...]:
        kind = self._kind()
        if kind == "requires":
            return (
                OptionView("yes", self._ui(t.REQUIRES_YES)),
                OptionView("no", self._ui(t.REQUIRES_NO)),
            )
        if kind == "confirm":
            return (OptionView("yes", self._ui(t.YES)), OptionView("no", self._ui(t.NO)))
        step = self.step
        flow = self.flow
        if isinstance(step, Say | End):
            return (OptionView("continue", self._ui(t.CONTINUE)),) if not self.finished else ()
        if isinstance(step, Check):
            if step.question:  # the flow asks its own yes/no question
                return (OptionView("yes", self._ui(t.YES)), OptionView("no", self._ui(t.NO)))
            return (
                OptionView("yes", self._ui(t.YES_IT_WORKED)),
                OptionView("no", self._ui(t.NO_IT_DID_NOT)),
            )
        if isinstance(step, Choice | TextInput):
            return tuple(
                OptionView(o.value, self._flow_text(flow, step, f"option.{o.value}.text", o.text))
                for o in step.options
            )
        return ()

    def view(self) -> StepView:
        """The current step, ready to show (after the end: the last step reached)."""
        progress = self.progress()
        if self.gate is not None:
            info = self.library.infos[self.gate]
            title = self.translator.flow_text(info.id, None, "title", info.title).text
            return StepView(
                flow=self.flow_id,
                step=self.step_id,
                kind="requires",
                text=self._ui(t.REQUIRES, title=title),
                options=self._options(),
                offer_help=self.offer_help,
                progress=progress,
            )
        flow_id, step_id = self.flow_id, self.step_id
        if self.outcome is not None:
            flow_id, step_id = self.outcome["flow"], self.outcome["step"]
        flow = self.library.flow(flow_id)
        step = flow.step(step_id)
        base: dict[str, Any] = {
            "flow": flow.id,
            "step": step.id,
            "kind": step.kind,
            "text": self._flow_text(flow, step, "text", step.text),
            "help": self._flow_text(flow, step, "help", step.help) if step.help else None,
            "links": tuple(
                LinkView(link.url, self._flow_text(flow, step, f"link.{i}", link.text))
                for i, link in enumerate(step.links)
            ),
            "volunteer_notes": step.volunteer_notes,
            "sources": step.sources,
            "terminal": self.finished,
            "offer_help": self.offer_help,
            "notice": self._ui(self.notice) if self.notice else None,
            "progress": progress,
        }
        if self.pending is not None and isinstance(step, TextInput):
            option = next(o for o in step.options if o.value == self.pending["value"])
            label = self._flow_text(flow, step, f"option.{option.value}.text", option.text).text
            base.update(kind="confirm", text=self._ui(t.CONFIRM, option=label), help=None)
        elif isinstance(step, Check):
            base["question"] = (
                self._flow_text(flow, step, "question", step.question)
                if step.question
                else self._ui(t.DID_IT_WORK)
            )
        elif isinstance(step, Circumstances):
            base["facts"] = tuple(
                FactView(name, self._ui(_fact_label(name)), self.facts.get(name)) for name in step.facts
            )
        elif isinstance(step, End):
            base["what_next"] = tuple(
                self._flow_text(flow, step, f"what_next.{i}", item) for i, item in enumerate(step.what_next)
            )
        elif isinstance(step, Escalate):
            base["reason"] = step.reason
        if (
            self.outcome is not None
            and self.outcome.get("kind") == "escalate"
            and not isinstance(step, Escalate)
        ):
            base["reason"] = self.outcome.get("reason")
        base["options"] = self._options() if not self.finished else ()
        return StepView(**base)

    def progress(self) -> Progress:
        """Where the patient is, and roughly how many steps there are in all."""
        position = self.answered + 1
        if self.finished or self.gate is not None:
            return Progress(position, position)
        remaining = remaining_steps(self.flow).get(self.step_id, 0)
        return Progress(position, position + remaining)


_FACT_LABELS = {f.name: f.label for f in FACTS}


def _fact_label(name: str) -> str:
    return _FACT_LABELS[name]


_REMAINING: dict[str, tuple[Flow, dict[str, int]]] = {}


def remaining_steps(flow: Flow) -> dict[str, int]:
    """For each step, the fewest steps after it before an end or escalation (cached per flow)."""
    cached = _REMAINING.get(flow.id)
    if cached is not None and cached[0] is flow:
        return cached[1]
    reverse: dict[str, list[str]] = {s.id: [] for s in flow.steps}
    for step in flow.steps:
        for target in successors(flow, step):
            reverse[target].append(step.id)
    distance: dict[str, int] = {}
    queue: deque[str] = deque()
    for step in flow.steps:
        if step.terminal:
            distance[step.id] = 0
            queue.append(step.id)
    while queue:
        current = queue.popleft()
        for before in reverse[current]:
            if before not in distance:
                distance[before] = distance[current] + 1
                queue.append(before)
    _REMAINING[flow.id] = (flow, distance)
    return distance
