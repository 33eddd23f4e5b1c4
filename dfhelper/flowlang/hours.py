"""Opening hours: written once in the practice configuration, shown in each patient's language.

The configuration says when the practice is open as days and times::

    Mon-Fri 08:00-18:30; Sat 09:00-12:00
    Mon-Thu 08:00-13:00, 14:00-18:30; Fri 08:00-17:00

Templates see ``practice.opening_hours`` already formatted for the patient's
locale with Babel's day names and time formats (``poniedziałek–piątek 08:00–18:30``),
so no translator ever has to translate the hours.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_RULE = re.compile(r"^\s*([A-Za-z]{3})(?:\s*-\s*([A-Za-z]{3}))?\s+(.+?)\s*$")
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class Rule:
    """Days (0 = Monday) and the times the practice is open on them."""

    first: int
    last: int
    spans: tuple[tuple[dt.time, dt.time], ...]


def parse(text: str) -> tuple[Rule, ...]:
    """Read ``Mon-Fri 08:00-18:30; Sat 09:00-12:00``. Raises ValueError saying what is wrong."""
    rules: list[Rule] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        found = _RULE.match(part)
        if not found:
            raise ValueError(f"'{part}' is not days and times, like 'Mon-Fri 08:00-18:30'")
        first, last = (_day(found.group(1)), _day(found.group(2) or found.group(1)))
        if last < first:
            raise ValueError(f"'{part}': the days go backwards")
        spans = []
        for span in found.group(3).split(","):
            times = _SPAN.match(span)
            if not times:
                raise ValueError(f"'{span.strip()}' is not a time range, like 08:00-18:30")
            h1, m1, h2, m2 = (int(g) for g in times.groups())
            try:
                start, end = dt.time(h1, m1), dt.time(h2, m2)
            except ValueError:
                raise ValueError(f"'{span.strip()}' is not a real time") from None
            if end <= start:
                raise ValueError(f"'{span.strip()}': the closing time is not after the opening time")
            spans.append((start, end))
        rules.append(Rule(first, last, tuple(spans)))
    if not rules:
        raise ValueError("no opening hours given, like 'Mon-Fri 08:00-18:30'")
    return tuple(rules)


def _day(name: str) -> int:
    try:
        return DAYS.index(name.lower())
    except ValueError:
        raise ValueError(f"'{name}' is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun") from None


@functools.lru_cache(maxsize=256)
def localised(text: str, locale: str) -> str:
    """``text`` formatted for ``locale``; text that is not days and times is returned as it is."""
    try:
        rules = parse(text)
    except ValueError:
        return text
    from babel import dates as babel_dates

    babel_locale = "en_GB" if locale.partition("@")[0] == "en" else locale.partition("@")[0]
    names = babel_dates.get_day_names("wide", locale=babel_locale)
    out = []
    for rule in rules:
        days = str(names[rule.first])
        if rule.last != rule.first:
            days += "–" + str(names[rule.last])
        times = ", ".join(
            f"{babel_dates.format_time(start, 'short', locale=babel_locale)}"
            f"–{babel_dates.format_time(end, 'short', locale=babel_locale)}"
            for start, end in rule.spans
        )
        out.append(f"{days} {times}")
    return "; ".join(out)
