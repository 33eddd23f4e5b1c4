"""Branch coverage of a flow: which steps and answers a trainee has walked.

Plain Python, no Textual. A `Coverage` is made from a `Flow`; it knows every
step a patient can be shown and every *branch*: an answer that chooses where to
go (``choice`` and ``text`` options, ``check`` yes/no, a ``text`` step's
``no_match``). Front ends record what was seen (`record_step`, `record_answer`,
or whole engine events with `record_event`) and ask what is still missing.

``call`` steps are never shown (the called flow runs instead), so they are not
counted; a called flow has its own coverage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dfhelper.engine.events import Event, EventKind
from dfhelper.flowlang.model import Call, Check, Choice, Flow, TextInput

NO_MATCH = "no_match"
"""The answer value standing for "typed text matched nothing" on a text step with ``no_match``."""


@dataclass(frozen=True, slots=True)
class Branch:
    """One answer of one step, and the step it leads to (None: the flow's following step or end)."""

    step: str
    value: str
    target: str | None

    def label(self) -> str:
        """``step --value--> target``."""
        return f"{self.step} --{self.value}--> {self.target or '(next)'}"


def branches_of(flow: Flow) -> tuple[Branch, ...]:
    """Every branch in ``flow``, in file order."""
    out: list[Branch] = []
    for step in flow.steps:
        if isinstance(step, Choice):
            out.extend(Branch(step.id, o.value, flow.resolve(step.id, o.next)) for o in step.options)
        elif isinstance(step, TextInput):
            out.extend(Branch(step.id, o.value, flow.resolve(step.id, o.next)) for o in step.options)
            if step.no_match is not None:
                out.append(Branch(step.id, NO_MATCH, step.no_match))
        elif isinstance(step, Check):
            out.append(Branch(step.id, "yes", flow.resolve(step.id, step.next)))
            out.append(Branch(step.id, "no", step.no))
    return tuple(out)


def countable_steps(flow: Flow) -> tuple[str, ...]:
    """The ids of the steps a patient can be shown (every step but ``call``), in file order."""
    return tuple(s.id for s in flow.steps if not isinstance(s, Call))


@dataclass
class Coverage:
    """What has been walked of one flow, kept across restarts."""

    flow_id: str
    steps: tuple[str, ...]
    branches: tuple[Branch, ...]
    seen_steps: set[str] = field(default_factory=set)
    seen_branches: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def of(cls, flow: Flow) -> Coverage:
        """Nothing walked yet of ``flow``."""
        return cls(flow.id, countable_steps(flow), branches_of(flow))

    def record_step(self, step_id: str) -> bool:
        """The step was shown (or reached as an end or escalation). True if it counts and is new."""
        if step_id not in self.steps or step_id in self.seen_steps:
            return False
        self.seen_steps.add(step_id)
        return True

    def record_answer(self, step_id: str, value: str) -> bool:
        """The step was answered with ``value``. True if that is a branch not walked before."""
        key = (step_id, value)
        if key in self.seen_branches or not any((b.step, b.value) == key for b in self.branches):
            return False
        self.seen_branches.add(key)
        return True

    def record_event(self, event: Event) -> None:
        """Record an engine event of this flow (others are ignored)."""
        if event.flow != self.flow_id:
            return
        if event.kind in (EventKind.STEP_SHOWN, EventKind.FINISHED, EventKind.ESCALATED):
            self.record_step(event.step)
        elif event.kind is EventKind.ANSWERED:
            value = str(event.data.get("value", ""))
            self.record_answer(event.step, NO_MATCH if value == "" else value)

    @property
    def steps_seen(self) -> int:
        """How many countable steps were seen."""
        return len(self.seen_steps)

    @property
    def branches_walked(self) -> int:
        """How many branches were walked."""
        return len(self.seen_branches)

    def missing_steps(self) -> list[str]:
        """Steps not seen yet, in file order."""
        return [s for s in self.steps if s not in self.seen_steps]

    def missing_branches(self) -> list[Branch]:
        """Branches not walked yet, in file order."""
        return [b for b in self.branches if (b.step, b.value) not in self.seen_branches]

    @property
    def complete(self) -> bool:
        """True when every step and every branch has been walked."""
        return not self.missing_steps() and not self.missing_branches()

    def summary(self) -> str:
        """``14 of 22 steps seen, 5 of 12 branches walked``."""
        return (
            f"{self.steps_seen} of {len(self.steps)} steps seen, "
            f"{self.branches_walked} of {len(self.branches)} branches walked"
        )
