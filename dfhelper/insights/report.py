"""The report: usage events and help requests over a period, counted per flow.

Events arrive grouped by session and in time order (the store sorts them), so
each session is summed up once and forgotten: memory stays small for a year of
events.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from dfhelper.escalation.store import DeskRequest
from dfhelper.insights.model import FlowReport, Report, StepCount, UsageEvent


@dataclass
class _FlowTally:
    started: int = 0
    finished: int = 0
    finished_with_help: int = 0
    escalated: int = 0
    abandoned: int = 0
    durations: list[float] = field(default_factory=list)
    reached: Counter[str] = field(default_factory=Counter)
    stuck: Counter[str] = field(default_factory=Counter)
    left: Counter[str] = field(default_factory=Counter)
    order: dict[str, int] = field(default_factory=dict)
    """Where each step was first seen in any session (the funnel's order)."""


def _by_session(events: Iterable[UsageEvent]) -> Iterator[list[UsageEvent]]:
    current: list[UsageEvent] = []
    for event in events:
        if current and event.session != current[0].session:
            yield current
            current = []
        current.append(event)
    if current:
        yield current


StepReach = tuple[str, str, int, str]
"""(flow, step, sessions that reached it, when it was first reached: ISO text), counted by the store."""


def build_report(
    events: Iterable[UsageEvent],
    requests: Iterable[DeskRequest],
    *,
    since: dt.datetime,
    until: dt.datetime,
    titles: Mapping[str, str] | None = None,
    steps: Iterable[StepReach] | None = None,
) -> Report:
    """Count ``events`` (grouped by session, in time order) and ``requests`` into a `Report`.

    With ``steps`` (the store's counts of sessions reaching each step), ``events`` need not
    hold the "step" events: the bulk of a year's history is then counted by the database.
    """
    titles = titles or {}
    flows: defaultdict[str, _FlowTally] = defaultdict(_FlowTally)
    counted_steps = steps is not None
    for flow, step, sessions_reached, _first in sorted(steps or (), key=lambda row: row[3]):
        tally = flows[flow]
        tally.reached[step] = sessions_reached
        tally.order.setdefault(step, len(tally.order))
    escalations: Counter[tuple[str, str, str]] = Counter()
    languages: Counter[str] = Counter()
    modes: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    sessions = 0
    for session in _by_session(events):
        sessions += 1
        languages[session[0].lang] += 1
        modes[session[0].mode] += 1
        _tally_session(session, flows, escalations, outcomes, counted_steps=counted_steps)
    requests = list(requests)
    waits = [
        (r.resolved_at - r.claimed_at).total_seconds() / 60
        for r in requests
        if r.claimed_at is not None and r.resolved_at is not None and r.state == "resolved"
    ]
    return Report(
        since=since,
        until=until,
        sessions=sessions,
        flows=tuple(
            _flow_report(flow, titles.get(flow, flow), tally)
            for flow, tally in sorted(flows.items(), key=lambda item: (-item[1].started, item[0]))
        ),
        escalations=tuple(
            (reason, flow, step, n)
            for (reason, flow, step), n in sorted(escalations.items(), key=lambda item: (-item[1], item[0]))
        ),
        languages=tuple(sorted(languages.items(), key=lambda item: (-item[1], item[0]))),
        modes=tuple(sorted(modes.items(), key=lambda item: (-item[1], item[0]))),
        outcomes=tuple(sorted(outcomes.items(), key=lambda item: (-item[1], item[0]))),
        help_requests=len(requests),
        staff_minutes_total=round(sum(waits), 1),
        staff_minutes_median=round(statistics.median(waits), 1) if waits else None,
    )


def _tally_session(
    session: list[UsageEvent],
    flows: defaultdict[str, _FlowTally],
    escalations: Counter[tuple[str, str, str]],
    outcomes: Counter[str],
    *,
    counted_steps: bool = False,
) -> None:
    """One session: each flow it started, how far it got, and how it ended."""
    started_at: dict[str, dt.datetime] = {}
    last_step: dict[str, str] = {}
    helped: set[str] = set()
    ended: set[str] = set()
    seen: dict[str, set[str]] = defaultdict(set)
    for event in session:
        flow = event.flow or ""
        tally = flows[flow] if flow else None
        if event.kind == "outcome":
            outcomes[event.detail or "unknown"] += 1
            continue
        if tally is None:
            continue
        if event.kind == "started":
            tally.started += 1
            started_at[flow] = event.at
            seen[flow] = set()
            ended.discard(flow)
            helped.discard(flow)
        elif event.kind == "step" and event.step:
            if counted_steps:
                last_step[flow] = event.step
                continue
            if event.step not in seen[flow]:
                seen[flow].add(event.step)
                tally.reached[event.step] += 1
            tally.order.setdefault(event.step, len(tally.order))
            last_step[flow] = event.step
        elif event.kind == "stuck":
            helped.add(flow)
            tally.stuck[event.step or last_step.get(flow, "")] += 1
        elif event.kind == "escalated":
            helped.add(flow)
            tally.escalated += 1
            step = event.step or last_step.get(flow, "")
            tally.stuck[step] += 1
            escalations[(event.detail or "unknown", flow, step)] += 1
            ended.add(flow)
        elif event.kind == "finished":
            tally.finished += 1
            if flow in helped:
                tally.finished_with_help += 1
            if flow in started_at:
                tally.durations.append((event.at - started_at[flow]).total_seconds())
            ended.add(flow)
        elif event.kind == "abandoned" and flow not in ended:
            tally.abandoned += 1
            tally.left[event.step or last_step.get(flow, "")] += 1
            ended.add(flow)


def _flow_report(flow: str, title: str, tally: _FlowTally) -> FlowReport:
    steps = sorted(tally.reached, key=lambda step: tally.order.get(step, 0))
    return FlowReport(
        flow=flow,
        title=title,
        started=tally.started,
        finished=tally.finished,
        finished_with_help=tally.finished_with_help,
        escalated=tally.escalated,
        abandoned=tally.abandoned,
        median_seconds=round(statistics.median(tally.durations), 1) if tally.durations else None,
        funnel=tuple(
            StepCount(step, tally.reached[step], tally.stuck[step], tally.left[step]) for step in steps
        ),
    )
