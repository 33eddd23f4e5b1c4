"""Help pressed to the request visible at the desk, with SQLite and with PostgreSQL.

Five kiosk processes ask for help at random times (1,000 requests in all; 100
with ``--quick``); a desk in this process watches the store as ``dfhelper
desk`` does (``wait`` then ``open_requests``) and notes when each request first
appears. The figure is the 95th percentile of (seen at the desk - asked).

The floor is the same five processes writing one plain row per request straight
into the same database (SQLite in WAL with full sync, or PostgreSQL with a
NOTIFY), watched the same way: what any design must pay to move a durable row
from one process to another. The absolute aim is under 1 second; the ratio shows
what the outbox, sender and idempotent store add.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.harness import ROOT, Benchmark, Context, Result

KIOSKS = 5
AIM_SECONDS = 1.0


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def _run(
    mode: str, url: str, work: Path, *, total: int, gap: float, watch: Callable[[], set[str]]
) -> list[float]:
    """Latencies (seconds) of every request in one run of five kiosk processes."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.escalation_kiosk", mode, str(work / f"kiosk{i}"), url,
             str(total // KIOSKS), str(gap), str(i)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(KIOSKS)
    ]  # fmt: skip
    seen: dict[str, float] = {}
    deadline = time.monotonic() + 600
    while len(seen) < total and time.monotonic() < deadline:
        now_ids = watch()
        stamp = time.time()
        for request_id in now_ids:
            seen.setdefault(request_id, stamp)
    asked: dict[str, float] = {}
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(f"kiosk process failed:\n{err}")
        for line in out.splitlines():
            request_id, when = line.split()
            asked[request_id] = float(when)
    missing = set(asked) - set(seen)
    if missing or len(asked) != total:
        raise RuntimeError(f"{len(missing)} of {len(asked)} requests never reached the desk")
    return [seen[i] - asked[i] for i in asked]


def _measure(kind: str, ctx: Context) -> Result:
    from dfhelper.escalation.store import open_store

    total = 100 if ctx.quick else 1000
    gap = 0.05  # each kiosk asks every 50 ms on average: 100 requests a second in all
    work = Path(tempfile.mkdtemp(prefix="dfhelper-bench-esc-"))
    server = None
    try:
        if kind == "sqlite":
            url = f"sqlite:///{work / 'desk' / 'desk.sqlite3'}"
            raw_url = f"sqlite:///{work / 'raw.sqlite3'}"
            raw = sqlite3.connect(work / "raw.sqlite3", isolation_level=None)
            raw.execute("PRAGMA journal_mode=WAL")
            raw.execute("CREATE TABLE raw (id TEXT PRIMARY KEY)")

            def raw_watch() -> set[str]:
                version = raw.execute("PRAGMA data_version").fetchone()[0]
                for _ in range(20):  # the same 50 ms polling as the SQLite store's wait
                    if raw.execute("PRAGMA data_version").fetchone()[0] != version:
                        break
                    time.sleep(0.05)
                return {r[0] for r in raw.execute("SELECT id FROM raw")}
        else:
            from tests.escalation.pg import start_server

            server = start_server()
            if server is None:
                raise RuntimeError("PostgreSQL's server programs are not installed")
            url, raw_url = server.new_database(), server.new_database()
            import psycopg

            raw_pg = psycopg.connect(raw_url, autocommit=True)
            raw_pg.execute("CREATE TABLE raw (id text PRIMARY KEY)")
            listener = psycopg.connect(raw_url, autocommit=True)
            listener.execute("LISTEN raw")

            def raw_watch() -> set[str]:
                for _ in listener.notifies(timeout=1.0, stop_after=1):
                    break
                return {r[0] for r in raw_pg.execute("SELECT id FROM raw").fetchall()}

        desk = open_store(url)

        def desk_watch() -> set[str]:
            desk.wait(1.0)
            return {r.id for r in desk.open_requests()}

        figure_latencies = _run("dfhelper", url, work / "f", total=total, gap=gap, watch=desk_watch)
        floor_latencies = _run("raw", raw_url, work / "r", total=total, gap=gap, watch=raw_watch)
        desk.close()
        figure, floor = _p95(figure_latencies), _p95(floor_latencies)
        return Result(
            figure,
            floor,
            f"plain row insert, same {kind} and polling",
            details={
                "requests": total,
                "kiosk processes": KIOSKS,
                "p50": statistics.median(figure_latencies),
                "max": max(figure_latencies),
                "floor p50": statistics.median(floor_latencies),
                "absolute aim": f"p95 under {AIM_SECONDS:.0f} s: "
                + ("met" if figure < AIM_SECONDS else "NOT met"),
            },
        )
    finally:
        if server is not None:
            server.stop()
            shutil.rmtree(server.data.parent, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def help_to_desk_sqlite(ctx: Context) -> Result:
    """p95 help pressed to visible at the desk, SQLite store."""
    return _measure("sqlite", ctx)


def help_to_desk_postgres(ctx: Context) -> Result:
    """p95 help pressed to visible at the desk, PostgreSQL store."""
    return _measure("postgresql", ctx)


BENCHMARKS = [
    Benchmark(
        "help-to-desk-sqlite", "help pressed to visible at the desk, p95, SQLite", 3.0, help_to_desk_sqlite
    ),
    Benchmark(
        "help-to-desk-pg", "help pressed to visible at the desk, p95, PostgreSQL", 3.0, help_to_desk_postgres
    ),
]
