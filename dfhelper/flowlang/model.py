"""The flow model: what a facilitator writes in ``flows/*.yaml``, as dataclasses.

These classes are the single source of truth for the flow format. The loader
(`dfhelper.flowlang.build`) fills them from YAML, `dfhelper schema` turns them
into a JSON Schema, and ``docs/flow-format.md`` describes them. Each field's
``doc`` metadata states its rule; keep it in step with the docs.

Rules that hold for every step kind:

- ``next`` omitted means the step that follows in the file.
- A step whose ``when`` condition is false is skipped: the patient goes on to
  the step that follows it in the file.
- Step ids, option values, fact names and conditions are logic: they are the
  same in every language. Only ``text``-like fields are translated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from dfhelper.problems import Mark


def doc(text: str, **extra: Any) -> dict[str, Any]:
    """Field metadata: the rule, for the docs and the JSON Schema."""
    return {"doc": text, **extra}


TRANSLATED = {"translated": True}


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """A web address shown to the patient as text or a QR code. Never opened."""

    url: str = field(metadata=doc("An https:// address on a public site.", pattern=r"^https://"))
    text: str = field(metadata=doc("What the link is, e.g. 'NHS App help'.", **TRANSLATED))
    mark: Mark | None = field(default=None, compare=False, metadata={"internal": True})


@dataclass(frozen=True, slots=True, kw_only=True)
class Option:
    """One answer to a ``choice`` or ``text`` step."""

    value: str = field(
        metadata=doc("The answer's id, the same in every language; conditions see it as answers.<step>.")
    )
    text: str = field(metadata=doc("The answer as the patient sees it.", **TRANSLATED))
    next: str | None = field(
        default=None, metadata=doc("The step to go to. Omitted: the step that follows in the file.")
    )
    sets: tuple[str, ...] = field(
        default=(),
        metadata=doc(
            "Facts this answer records, as 'fact' (true) or 'not fact' (false), e.g. ['not has_photo_id']."
        ),
    )
    match: tuple[str, ...] = field(
        default=(),
        metadata=doc(
            "For text steps: other words a patient might type for this answer.",
            **TRANSLATED,
        ),
    )
    mark: Mark | None = field(default=None, compare=False, metadata={"internal": True})
    marks: dict[str, Mark] = field(default_factory=dict, compare=False, metadata={"internal": True})
    """Where each key's value starts in the file, for problems."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """What every step kind has."""

    kind: ClassVar[str] = ""
    terminal: ClassVar[bool] = False
    text_required: ClassVar[bool] = True

    id: str = field(
        metadata=doc(
            "Unique within the flow: lower case letters, digits and _, starting with a letter.",
            pattern=r"^[a-z][a-z0-9_]*$",
        )
    )
    text: str = field(
        default="",
        metadata=doc(
            "What the patient reads. A Jinja template; plain English, sentences of 20 words at most.",
            **TRANSLATED,
        ),
    )
    help: str | None = field(
        default=None, metadata=doc("More detail, shown when the patient asks.", **TRANSLATED)
    )
    volunteer_notes: str | None = field(
        default=None, metadata=doc("Tips for whoever is helping the patient. Not shown at the kiosk.")
    )
    links: tuple[Link, ...] = field(default=(), metadata=doc("Web addresses to show as text or a QR code."))
    when: str | None = field(
        default=None,
        metadata=doc(
            "A condition (Jinja expression). When false the step is skipped and the patient goes on "
            "to the step that follows in the file."
        ),
    )
    sources: tuple[str, ...] = field(
        default=(), metadata=doc("Public https:// pages this step's facts come from.")
    )
    mark: Mark | None = field(default=None, compare=False, metadata={"internal": True})
    marks: dict[str, Mark] = field(default_factory=dict, compare=False, metadata={"internal": True})
    """Where each key's value starts in the file, for problems."""

    def targets(self) -> tuple[str | None, ...]:
        """The step ids this step can lead to (``None`` = the following step)."""
        return ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Say(Step):
    """Information, then the patient continues."""

    kind: ClassVar[str] = "say"
    next: str | None = field(default=None, metadata=doc("The step to go to. Omitted: the following step."))

    def targets(self) -> tuple[str | None, ...]:
        return (self.next,)


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice(Step):
    """A question with one answer, chosen from a list; each answer says where to go."""

    kind: ClassVar[str] = "choice"
    options: tuple[Option, ...] = field(default=(), metadata=doc("The answers, two or more.", min_items=2))

    def targets(self) -> tuple[str | None, ...]:
        return tuple(o.next for o in self.options)


@dataclass(frozen=True, slots=True, kw_only=True)
class Check(Step):
    """Something to try, then "Did it work?": yes goes on, no goes to a fix."""

    kind: ClassVar[str] = "check"
    question: str | None = field(
        default=None,
        metadata=doc("The question asked after the text. Omitted: 'Did it work?'.", **TRANSLATED),
    )
    next: str | None = field(default=None, metadata=doc("Where 'yes' goes. Omitted: the following step."))
    no: str = field(
        default="",
        metadata=doc("Where 'no' goes: a step that helps fix the problem. Required.", required=True),
    )

    def targets(self) -> tuple[str | None, ...]:
        return (self.next, self.no)


@dataclass(frozen=True, slots=True, kw_only=True)
class Circumstances(Step):
    """The patient ticks what applies to them; each listed fact is recorded true or false."""

    kind: ClassVar[str] = "circumstances"
    facts: tuple[str, ...] = field(
        default=(), metadata=doc("The facts to ask about, by name (see docs/flow-format.md).", min_items=1)
    )
    next: str | None = field(default=None, metadata=doc("The step to go to. Omitted: the following step."))

    def targets(self) -> tuple[str | None, ...]:
        return (self.next,)


@dataclass(frozen=True, slots=True, kw_only=True)
class TextInput(Step):
    """The patient types an answer; it is matched to the options, and a weak match is confirmed."""

    kind: ClassVar[str] = "text"
    options: tuple[Option, ...] = field(
        default=(), metadata=doc("The answers the typed text is matched against.", min_items=1)
    )
    no_match: str | None = field(
        default=None,
        metadata=doc("Where to go when nothing matches. Omitted: ask again (and offer staff help)."),
    )

    def targets(self) -> tuple[str | None, ...]:
        return tuple(o.next for o in self.options) + ((self.no_match,) if self.no_match else ())


@dataclass(frozen=True, slots=True, kw_only=True)
class Call(Step):
    """Run another flow from its start, then come back and go on."""

    kind: ClassVar[str] = "call"
    text_required: ClassVar[bool] = False
    flow: str = field(default="", metadata=doc("The id of the flow to run. Required.", required=True))
    next: str | None = field(
        default=None, metadata=doc("Where to go when that flow ends. Omitted: the following step.")
    )

    def targets(self) -> tuple[str | None, ...]:
        return (self.next,)


@dataclass(frozen=True, slots=True, kw_only=True)
class Escalate(Step):
    """Hand the patient over to practice staff, with a reason. Ends the flow."""

    kind: ClassVar[str] = "escalate"
    terminal: ClassVar[bool] = True
    reason: str = field(
        default="",
        metadata=doc(
            "Why, for the desk: a short id such as no_photo_id_no_details. Required.",
            pattern=r"^[a-z][a-z0-9_]*$",
            required=True,
        ),
    )
    priority: bool = field(
        default=False,
        metadata=doc(
            "true for a red flag (the patient may need care soon): the desk sees it first, marked urgent."
        ),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class End(Step):
    """The end of the flow, with a "what next" summary."""

    kind: ClassVar[str] = "end"
    terminal: ClassVar[bool] = True
    what_next: tuple[str, ...] = field(
        default=(), metadata=doc("Short points: what happens next, what to do at home.", **TRANSLATED)
    )


STEP_KINDS: dict[str, type[Step]] = {
    cls.kind: cls for cls in (Say, Choice, Check, Circumstances, TextInput, Call, Escalate, End)
}
"""Each step kind's name (the ``kind:`` key) and its class."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Flow:
    """One journey a patient can be helped through. One flow per file; file name = id."""

    id: str = field(
        metadata=doc(
            "The flow's id: lower case words joined by -, the same as the file name.",
            pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
        )
    )
    title: str = field(
        metadata=doc("A short name for the task, e.g. 'Order a repeat prescription'.", **TRANSLATED)
    )
    summary: str = field(metadata=doc("One or two sentences: what this flow helps with.", **TRANSLATED))
    keywords: tuple[str, ...] = field(
        default=(), metadata=doc("Words and phrases a patient might type to find this flow.", **TRANSLATED)
    )
    suits: tuple[str, ...] = field(
        default=(),
        metadata=doc(
            "Circumstances this flow is meant for, as facts: 'fact' or 'not fact'. Never a group of people."
        ),
    )
    requires: tuple[str, ...] = field(
        default=(), metadata=doc("Ids of flows the patient must have done first.")
    )
    start: str | None = field(default=None, metadata=doc("The first step's id. Omitted: the first step."))
    steps: tuple[Step, ...] = field(
        default=(), metadata=doc("The steps, in order.", min_items=1, required=True)
    )
    sources: tuple[str, ...] = field(
        default=(),
        metadata=doc("Public https:// pages the flow's facts come from.", min_items=1, required=True),
    )
    review_by: dt.date = field(
        metadata=doc("When the content must next be checked against its sources (YYYY-MM-DD).")
    )
    path: str = field(default="", compare=False, metadata={"internal": True})
    mark: Mark | None = field(default=None, compare=False, metadata={"internal": True})
    marks: dict[str, Mark] = field(default_factory=dict, compare=False, metadata={"internal": True})
    """Where each key's value starts in the file, for problems."""
    index: dict[str, int] = field(default_factory=dict, compare=False, metadata={"internal": True})

    @property
    def start_step(self) -> str:
        """The id of the step a patient starts at."""
        return self.start or self.steps[0].id

    def step(self, step_id: str) -> Step:
        """The step with this id (KeyError if none)."""
        return self.steps[self.index[step_id]]

    def following(self, step_id: str) -> str | None:
        """The id of the step after ``step_id`` in the file, or None at the end."""
        i = self.index[step_id] + 1
        return self.steps[i].id if i < len(self.steps) else None

    def resolve(self, step_id: str, target: str | None) -> str | None:
        """A ``next``-like target made concrete: ``None`` means the following step."""
        return target if target is not None else self.following(step_id)


class FlowInfo(NamedTuple):
    """What the library keeps in memory for every flow: enough to list and search it.

    A named tuple, not a dataclass: a warm start unpickles one per flow, and tuples
    unpickle in C.
    """

    id: str
    title: str
    summary: str
    keywords: tuple[str, ...]
    suits: tuple[str, ...]
    requires: tuple[str, ...]
    calls: tuple[str, ...]
    path: str
    review_by: dt.date
    step_count: int
    refs_at: dict[str, Mark]
    """Where each call and require is written: ``"calls:<id>"`` / ``"requires:<id>"`` → position."""

    @classmethod
    def of(cls, flow: Flow) -> FlowInfo:
        """The index entry for ``flow``."""
        calls = tuple(dict.fromkeys(s.flow for s in flow.steps if isinstance(s, Call)))
        refs_at: dict[str, Mark] = {}
        for s in flow.steps:
            if isinstance(s, Call) and (m := s.marks.get("flow", s.mark)) is not None:
                refs_at.setdefault(f"calls:{s.flow}", m)
        if (m := flow.marks.get("review_by")) is not None:
            refs_at["review_by"] = m
        if (m := flow.marks.get("requires")) is not None:
            for r in flow.requires:
                refs_at[f"requires:{r}"] = m
        return cls(
            id=flow.id,
            title=flow.title,
            summary=flow.summary,
            keywords=flow.keywords,
            suits=flow.suits,
            requires=flow.requires,
            calls=calls,
            path=flow.path,
            review_by=flow.review_by,
            step_count=len(flow.steps),
            refs_at=refs_at,
        )
