"""Usage events and the report: known histories give known counts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from dfhelper.escalation.store import DeskRequest, StoreUnavailable, open_store
from dfhelper.insights.events import EventLog
from dfhelper.insights.model import UsageEvent
from dfhelper.insights.report import build_report
from tests.unit.test_cli import run

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def walk(session: str, start: int, steps: list[str], end: str | None, *, flow: str = "rx", lang: str = "en",
         detail: str | None = None, stuck_at: str | None = None) -> list[UsageEvent]:  # fmt: skip
    """One session's events: started, each step a minute apart, then how it ended."""
    at = T0 + dt.timedelta(minutes=start)
    out = [UsageEvent(session, at, "started", flow, None, lang)]
    for i, step in enumerate(steps, 1):
        out.append(UsageEvent(session, at + dt.timedelta(minutes=i), "step", flow, step, lang))
        if step == stuck_at:
            when = at + dt.timedelta(minutes=i, seconds=30)
            out.append(UsageEvent(session, when, "stuck", flow, step, lang, detail="check_failed"))
    if end is not None:
        out.append(UsageEvent(session, at + dt.timedelta(minutes=len(steps) + 1), end, flow, steps[-1], lang,
                              detail=detail))  # fmt: skip
    return out


def history() -> list[UsageEvent]:
    """Five sessions of one flow and one of another, with known outcomes."""
    events = [
        *walk("a", 0, ["intro", "login", "order"], "finished"),
        *walk("b", 10, ["intro", "login", "order"], "finished", stuck_at="login", lang="pl"),
        *walk("c", 20, ["intro", "login"], "escalated", detail="asked_for_help", lang="pl"),
        *walk("d", 30, ["intro", "login"], "abandoned"),
        *walk("e", 40, ["intro"], "abandoned", lang="ur"),
        *walk("f", 50, ["start", "why"], "escalated", flow="register", detail="red_flag_chest_pain"),
    ]
    return sorted(events, key=lambda e: (e.session, e.at))


def test_the_funnel_counts_who_reached_each_step_got_stuck_and_left() -> None:
    report = build_report(history(), [], since=T0, until=T0 + dt.timedelta(days=1), titles={"rx": "Repeat"})
    assert report.sessions == 6
    rx = next(f for f in report.flows if f.flow == "rx")
    assert (rx.title, rx.started, rx.finished, rx.finished_with_help, rx.escalated, rx.abandoned) == (
        "Repeat", 5, 2, 1, 1, 2,
    )  # fmt: skip
    funnel = {s.step: (s.reached, s.stuck, s.left_here) for s in rx.funnel}
    assert funnel == {"intro": (5, 0, 1), "login": (4, 2, 1), "order": (2, 0, 0)}
    assert [s.step for s in rx.funnel] == ["intro", "login", "order"]
    assert rx.median_seconds == 240.0  # started, three steps a minute apart, finished a minute later
    assert report.flows[0].flow == "rx"  # most started first
    assert report.escalations[0][0] in {"asked_for_help", "red_flag_chest_pain"}
    assert set(report.escalations) == {
        ("asked_for_help", "rx", "login", 1),
        ("red_flag_chest_pain", "register", "why", 1),
    }
    assert report.languages == (("en", 3), ("pl", 2), ("ur", 1))


def test_staff_time_is_claim_to_resolve() -> None:
    def request(minutes: int | None) -> DeskRequest:
        claimed = T0
        return DeskRequest(
            id=str(minutes), ticket="001", created_at=T0, received_at=T0, kiosk="k", flow=None, step=None,
            lang="en", reason="asked_for_help", priority=False, steps_tried=(), needs=(),
            state="resolved" if minutes is not None else "open", claimed_by="R",
            claimed_at=claimed if minutes is not None else None,
            resolved_at=claimed + dt.timedelta(minutes=minutes) if minutes is not None else None,
        )  # fmt: skip

    report = build_report([], [request(4), request(10), request(None)], since=T0, until=T0)
    assert (report.help_requests, report.staff_minutes_total, report.staff_minutes_median) == (3, 14.0, 7.0)


def test_events_go_to_the_store_off_the_callers_path_and_wait_while_it_is_down(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    down = {"yes": True}

    def connect():  # type: ignore[no-untyped-def]
        if down["yes"]:
            raise StoreUnavailable("down (test)")
        return open_store(url)

    log = EventLog(connect, flush_seconds=0.05)
    log.start()
    for event in history():
        log.record(event)  # never blocks, store down or not
    assert not log.wait_idle(0.5)
    down["yes"] = False
    assert log.wait_idle(10)
    log.close()
    store = open_store(url)
    stored = list(store.events(T0, T0 + dt.timedelta(days=1)))
    store.close()
    assert stored == history()


def test_dfhelper_report_prints_the_counts(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    store = open_store(f"sqlite:///{(tmp_path / 'data' / 'desk.sqlite3').resolve()}")
    store.add_events(history())
    store.close()
    code, out, err = run(
        ["report", "--since", "2026-11-01", "--until", "2026-11-30", "--format", "json"], config=config
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["sessions"] == 6
    rx = next(f for f in data["flows"] if f["flow"] == "rx")
    assert (rx["started"], rx["finished"], rx["abandoned"]) == (5, 2, 2)
    code, out, _ = run(["report", "--since", "2026-12-01", "--format", "json"], config=config)
    assert json.loads(out)["sessions"] == 0
    code, _, err = run(["report", "--since", "last week"], config=config)
    assert code == 2
    assert "YYYY-MM-DD" in err


def test_steps_counted_by_the_store_give_the_same_report(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    store.add_events(history())
    since, until = T0, T0 + dt.timedelta(days=1)
    by_python = build_report(store.events(since, until), [], since=since, until=until)
    by_database = build_report(
        store.events(since, until, without_steps=True), [], since=since, until=until,
        steps=store.step_reach(since, until),
    )  # fmt: skip
    store.close()
    assert by_database == by_python
