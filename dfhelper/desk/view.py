"""What the desk shows about each help request, as plain strings (no Textual here).

The desk console (`dfhelper.desk.app`) and ``dfhelper desk list`` both build
their lines from `RequestRow`. Ages come from a clock the caller passes in, so
tests can fix the time. The order is the store's: urgent requests first, then
the longest waiting.

Every value shown comes from a request's fields (ids, codes and choices, never
anything the patient typed), and is still cleaned of control characters,
escape sequences and bidi overrides before it reaches a terminal.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dfhelper.escalation.store import OUTCOMES, DeskRequest

NEED_LABELS: dict[str, str] = {
    "needs_interpreter": "Interpreter",
    "wants_easy_read": "Easy Read",
    "needs_large_print": "Large print",
    "needs_hearing_loop": "Hearing loop",
}
"""How the desk names the needs a patient chose to share; any other need is title-cased."""

URGENT = "URGENT"
"""How an urgent (priority) request is marked."""

TOO_LONG = "Waiting too long"
"""The state shown (with a highlight) while a request needs re-alerting, so it is not colour alone."""

MAX_FIELD = 80
"""Longest text shown for one field; longer values are cut short with "…"."""

MAX_STEPS_SHOWN = 12
"""The details box shows this many of the latest steps a patient tried."""

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def utc_now() -> dt.datetime:
    """The time now, in UTC (the desk's default clock)."""
    return dt.datetime.now(dt.UTC)


def clean(value: object, *, limit: int = MAX_FIELD) -> str:
    """A field as safe, short, one-line text: no control characters, escapes or bidi overrides."""
    text = _UNSAFE.sub(" ", str(value)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_age(age: dt.timedelta) -> str:
    """How long someone has waited, in words a glance can take in: "under 1 min", "3 min", "1 h 5 min"."""
    minutes = max(int(age.total_seconds()) // 60, 0)
    if minutes == 0:
        return "under 1 min"
    hours, minutes = divmod(minutes, 60)
    if hours == 0:
        return f"{minutes} min"
    return f"{hours} h" if minutes == 0 else f"{hours} h {minutes} min"


def format_time(when: dt.datetime | None, tz: dt.tzinfo | None = None) -> str:
    """A time of day as "09:05" in ``tz`` (None: this machine's time zone); "-" for no time."""
    if when is None:
        return "-"
    return when.astimezone(tz).strftime("%H:%M")


@functools.lru_cache(maxsize=256)
def language_name(code: str) -> str:
    """The English name of a language code ("pl" → "Polish"), or the code when it is not known."""
    from dfhelper.i18n.languages import names

    try:
        return clean(names(code)[1])
    except Exception:  # a strange code from a kiosk must never stop the desk
        return clean(code)


def need_label(need: str) -> str:
    """How the desk names one need ("needs_interpreter" → "Interpreter")."""
    return NEED_LABELS.get(need) or clean(need.replace("_", " ")).title()


def reason_label(reason: str) -> str:
    """A reason code in words ("asked_for_help" → "Asked for help")."""
    words = clean(reason.replace("_", " "))
    return words[:1].upper() + words[1:]


def outcome_label(outcome: str | None) -> str:
    """An outcome code as the desk shows it."""
    if outcome is None:
        return "-"
    return OUTCOMES.get(outcome) or clean(outcome)


def flow_title(flow: str | None, titles: Mapping[str, str]) -> str:
    """The task's title from the flow library, else its id; "-" when the patient had not picked one."""
    if not flow:
        return "-"
    return clean(titles.get(flow) or flow)


def needs_realert(request: DeskRequest, now: dt.datetime, realert_seconds: float) -> bool:
    """Whether a request should be alerted again: open, unclaimed and waiting at least ``realert_seconds``."""
    return (
        request.state == "open"
        and request.claimed_by is None
        and request.age(now).total_seconds() >= realert_seconds
    )


def realert_round(request: DeskRequest, now: dt.datetime, realert_seconds: float) -> int:
    """How many re-alerts a request has earned: 0 until it needs one, then one more every
    ``realert_seconds``."""
    if realert_seconds <= 0 or not needs_realert(request, now, realert_seconds):
        return 0
    return int(request.age(now).total_seconds() // realert_seconds)


def state_label(request: DeskRequest) -> str:
    """ "Waiting", "Claimed by Reception" or "Resolved"."""
    if request.state == "claimed":
        return f"Claimed by {clean(request.claimed_by or 'a desk')}"
    if request.state == "resolved":
        return "Resolved"
    return "Waiting"


@dataclass(frozen=True, slots=True)
class RequestRow:
    """One request as a line on the desk's screen."""

    id: str
    ticket: str
    age: str
    kiosk: str
    task: str
    step: str
    language: str
    needs: str
    state: str
    claimed_by: str
    priority: bool
    realert: bool
    """Open, unclaimed and waiting too long: alert again and highlight."""

    @property
    def flag(self) -> str:
        """ "URGENT" for a priority request, else empty."""
        return URGENT if self.priority else ""


def make_row(
    request: DeskRequest,
    now: dt.datetime,
    *,
    titles: Mapping[str, str],
    realert_seconds: float,
) -> RequestRow:
    """What the desk shows about one request at ``now``."""
    realert = needs_realert(request, now, realert_seconds)
    return RequestRow(
        id=request.id,
        ticket=clean(request.ticket),
        age=format_age(request.age(now)),
        kiosk=clean(request.kiosk),
        task=flow_title(request.flow, titles),
        step=clean(request.step) if request.step else "-",
        language=language_name(request.lang),
        needs=", ".join(need_label(n) for n in request.needs) or "-",
        state=TOO_LONG if realert else state_label(request),
        claimed_by=clean(request.claimed_by) if request.claimed_by else "",
        priority=request.priority,
        realert=realert,
    )


def make_rows(
    requests: Sequence[DeskRequest],
    now: dt.datetime,
    *,
    titles: Mapping[str, str],
    realert_seconds: float,
) -> list[RequestRow]:
    """Rows for the requests, in the store's order (urgent first, then the longest waiting)."""
    return [make_row(r, now, titles=titles, realert_seconds=realert_seconds) for r in requests]


COLUMNS: tuple[tuple[str, str], ...] = (
    ("flag", "Priority"),
    ("ticket", "Ticket"),
    ("age", "Waiting"),
    ("state", "State"),
    ("kiosk", "Kiosk"),
    ("language", "Language"),
    ("needs", "Needs"),
    ("task", "Task"),
    ("step", "Step"),
)
"""The desk's columns: (field of `RequestRow`, heading). What reception acts on comes first (who, how
long, whether someone is going, where, in what language, what to bring), so a narrow screen cuts
only the task and step."""


def cells(row: RequestRow) -> list[str]:
    """A row's values in the order of `COLUMNS`."""
    return [str(getattr(row, name)) for name, _ in COLUMNS]


def text_table(rows: Sequence[RequestRow]) -> list[str]:
    """``dfhelper desk list``: a heading line, then one aligned line per request."""
    if not rows:
        return ["Nobody is waiting for help."]
    table = [[heading for _, heading in COLUMNS], *(cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    return ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in table]


def summary(requests: Sequence[DeskRequest]) -> str:
    """ "3 waiting (1 urgent), 1 claimed" for the desk's header line."""
    waiting = [r for r in requests if r.state == "open"]
    claimed = sum(1 for r in requests if r.state == "claimed")
    urgent = sum(1 for r in waiting if r.priority)
    text = f"{len(waiting)} waiting"
    if urgent:
        text += f" ({urgent} urgent)"
    return f"{text}, {claimed} claimed"


def details(
    request: DeskRequest,
    now: dt.datetime,
    *,
    titles: Mapping[str, str],
    tz: dt.tzinfo | None = None,
) -> list[tuple[str, str]]:
    """Everything the desk knows about one request, as (label, value) pairs for the details box.

    The steps tried are one per line, oldest first (the latest `MAX_STEPS_SHOWN`).
    """
    tried = [clean(step) for step in request.steps_tried[-MAX_STEPS_SHOWN:]] or ["-"]
    if len(request.steps_tried) > MAX_STEPS_SHOWN:
        tried.insert(0, "…")
    lines = [
        ("Ticket", clean(request.ticket)),
        ("Priority", URGENT if request.priority else "Normal"),
        ("Kiosk", clean(request.kiosk)),
        ("Task", flow_title(request.flow, titles)),
        ("Step", clean(request.step) if request.step else "-"),
        ("Language", f"{language_name(request.lang)} ({clean(request.lang)})"),
        ("Needs", ", ".join(need_label(n) for n in request.needs) or "-"),
        ("Reason", reason_label(request.reason)),
        ("Asked at", format_time(request.created_at, tz)),
        ("Reached the desk at", format_time(request.received_at, tz)),
        ("Waiting", format_age(request.age(now))),
        ("State", state_label(request)),
    ]
    if request.claimed_at is not None:
        lines.append(("Claimed at", format_time(request.claimed_at, tz)))
    if request.state == "resolved":
        lines.append(("Outcome", outcome_label(request.outcome)))
    lines.append(("Steps tried", "\n".join(tried)))
    return lines
