"""Usage events and the report's shape (no I/O here).

An event says what happened in one anonymous session: a random id made when
a patient starts (never linked to a person), the time, the kind, the flow and
step ids, the language and the mode. No free text, nothing identifying.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Literal

Kind = Literal["started", "step", "stuck", "escalated", "finished", "abandoned", "outcome"]
KINDS: tuple[str, ...] = ("started", "step", "stuck", "escalated", "finished", "abandoned", "outcome")
"""started: a flow began; step: a step was shown; stuck: a stuck signal (detail: which);
escalated: handed to staff (detail: reason); finished: reached an end step; abandoned: the
visit was wiped with the flow unfinished; outcome: an assisted outcome (detail: which)."""


@dataclass(frozen=True, slots=True)
class UsageEvent:
    """One thing that happened in an anonymous session."""

    session: str
    at: dt.datetime
    kind: str
    flow: str | None = None
    step: str | None = None
    lang: str = "en"
    mode: str = "kiosk"
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class StepCount:
    """One step of a flow's funnel."""

    step: str
    reached: int
    """Sessions that saw this step at least once."""
    stuck: int
    """Stuck signals and escalations at this step."""
    left_here: int
    """Sessions whose last step was this one and that neither finished nor were helped (abandoned)."""


@dataclass(frozen=True, slots=True)
class FlowReport:
    """One flow over the report's period."""

    flow: str
    title: str
    started: int
    finished: int
    finished_with_help: int
    """Finished after a stuck signal or a help request in the same session."""
    escalated: int
    abandoned: int
    median_seconds: float | None
    """Median time from start to the end step, for sessions that finished."""
    funnel: tuple[StepCount, ...]


@dataclass(frozen=True, slots=True)
class Report:
    """What `dfhelper report` shows."""

    since: dt.datetime
    until: dt.datetime
    sessions: int
    flows: tuple[FlowReport, ...]
    escalations: tuple[tuple[str, str, str, int], ...]
    """(reason, flow, step, count), most first."""
    languages: tuple[tuple[str, int], ...]
    """(language code, sessions), most first."""
    modes: tuple[tuple[str, int], ...]
    outcomes: tuple[tuple[str, int], ...]
    """Assisted outcomes (assist mode), most first."""
    help_requests: int
    """Help requests received at the desk in the period."""
    staff_minutes_total: float
    """Claim to resolve, summed over resolved requests."""
    staff_minutes_median: float | None

    def to_json(self) -> dict[str, object]:
        """A plain dict (times as ISO text)."""
        data = dataclasses.asdict(self)
        data["since"] = self.since.isoformat(timespec="seconds")
        data["until"] = self.until.isoformat(timespec="seconds")
        return data
