"""``dfhelper report`` over a year of usage events from 10 kiosks.

A generated history (seeded): 10 kiosks, 365 days (30 with ``--quick``), about
25 sessions a kiosk a day, each a started event, 3 to 12 steps, and an ending
(finished, escalated, abandoned). The figure is what `dfhelper report` does:
the database counts the step events (`step_reach`), the other events are read
grouped by session (`events(without_steps=True)`) and counted by
`build_report`, then the HTML is rendered. The floor is the plain SQL query
returning every event of the period in session order, iterated. Aim: under 2 s absolute; the ratio shows what
counting and rendering add to reading.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.harness import Benchmark, Context, Result, interleaved

KIOSKS = 10
SESSIONS_A_DAY = 25
FLOWS = ["repeat-prescription", "register-with-gp", "nhs-login", "appointments", "pharmacy"]
LANGS = ["en", "en", "en", "pl", "ur", "bn", "pa", "ro", "ar"]
START = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)


def _generate(path: Path, days: int) -> int:
    from dfhelper.escalation.store import open_store

    store = open_store(f"sqlite:///{path}")
    store.close()
    rng = random.Random(7)
    rows: list[tuple[str, str, str, str, str | None, str, str, str | None]] = []
    for day in range(days):
        for kiosk in range(KIOSKS):
            for n in range(SESSIONS_A_DAY):
                session = f"{day:03d}-{kiosk:02d}-{n:02d}-{rng.getrandbits(32):08x}"
                at = START + dt.timedelta(days=day, hours=8, minutes=rng.randrange(600))
                flow, lang = rng.choice(FLOWS), rng.choice(LANGS)
                rows.append(
                    (
                        session,
                        at.isoformat(timespec="milliseconds"),
                        "started",
                        flow,
                        None,
                        lang,
                        "kiosk",
                        None,
                    )
                )
                steps = rng.randint(3, 12)
                for i in range(steps):
                    at += dt.timedelta(seconds=rng.randint(10, 90))
                    rows.append(
                        (
                            session,
                            at.isoformat(timespec="milliseconds"),
                            "step",
                            flow,
                            f"s{i}",
                            lang,
                            "kiosk",
                            None,
                        )
                    )
                end = rng.choices(["finished", "escalated", "abandoned"], [6, 1, 3])[0]
                detail = "asked_for_help" if end == "escalated" else None
                at += dt.timedelta(seconds=30)
                rows.append(
                    (
                        session,
                        at.isoformat(timespec="milliseconds"),
                        end,
                        flow,
                        f"s{steps - 1}",
                        lang,
                        "kiosk",
                        detail,
                    )
                )
    db = sqlite3.connect(path)
    with db:
        db.executemany(
            "INSERT INTO usage_events (session, at, kind, flow, step, lang, mode, detail)"
            " VALUES (?,?,?,?,?,?,?,?)",
            rows,
        )
    db.close()
    return len(rows)


def report_year(ctx: Context) -> Result:
    """Report over a year of events beside reading the same rows."""
    from dfhelper.escalation.store import open_store
    from dfhelper.insights.render import to_html
    from dfhelper.insights.report import build_report

    days = 30 if ctx.quick else 365
    folder = Path(tempfile.mkdtemp(prefix="dfhelper-bench-report-"))
    try:
        path = folder / "desk.sqlite3"
        count = _generate(path, days)
        since, until = START, START + dt.timedelta(days=days)

        def figure() -> float:
            started = time.perf_counter()
            store = open_store(f"sqlite:///{path}")
            events = store.events(since, until, without_steps=True)
            requests, steps = store.requests_between(since, until), store.step_reach(since, until)
            to_html(build_report(events, requests, since=since, until=until, steps=steps))
            store.close()
            return time.perf_counter() - started

        def floor() -> float:
            started = time.perf_counter()
            db = sqlite3.connect(path)
            for _ in db.execute(
                "SELECT session, at, kind, flow, step, lang, mode, detail FROM usage_events"
                " WHERE at >= ? AND at < ? ORDER BY session, at, id",
                (since.isoformat(timespec="milliseconds"), until.isoformat(timespec="milliseconds")),
            ):
                pass
            db.close()
            return time.perf_counter() - started

        fig, flo, figures, _ = interleaved(figure, floor, max(ctx.repeat, 1))
        return Result(
            fig,
            flo,
            "the same rows read in the same order with sqlite3",
            details={
                "events": count,
                "days": days,
                "kiosks": KIOSKS,
                "worst run (s)": max(figures),
                "absolute aim": "under 2 s: " + ("met" if fig < 2.0 else "NOT met"),
            },
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


BENCHMARKS = [
    Benchmark("report-year", "dfhelper report over a year of events from 10 kiosks", 3.0, report_year)
]
