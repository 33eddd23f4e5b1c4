"""What a session reports as it goes: for the desk, for insights, and for tests.

Events carry ids, never patient text: a flow id, a step id, an answer value,
a reason. They can be stored or sent as they are.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class EventKind(enum.Enum):
    """Kinds of event."""

    STEP_SHOWN = "step_shown"
    ANSWERED = "answered"
    STUCK = "stuck"
    ESCALATED = "escalated"
    FINISHED = "finished"
    BACK = "back"
    RESTARTED = "restarted"


class Stuck(enum.Enum):
    """Why the engine thinks a patient may be stuck."""

    ASKED_FOR_HELP = "asked_for_help"
    """The patient pressed "I'm stuck - get help"."""

    CHECK_FAILED = "check_failed"
    """The same "Did it work?" was answered no too many times."""

    BACK_AND_FORTH = "back_and_forth"
    """The patient keeps coming back to the same step."""

    NO_MATCH = "no_match"
    """What the patient typed matched nothing, again."""

    LONG_PAUSE = "long_pause"
    """The patient has been on one step a long time without doing anything (the front end times it)."""


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened in a session."""

    kind: EventKind
    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly form."""
        return {"event": self.kind.value, "flow": self.flow, "step": self.step, **self.data}
