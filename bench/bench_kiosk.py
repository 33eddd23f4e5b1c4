"""The kiosk as a patient meets it, beside a minimal Textual app (one Static) measured in the same run.

- ``kiosk-startup``: process start to the welcome screen's text on a
  pseudo-terminal, beside the minimal app's text. Aim: at most 1.5x.
- ``kiosk-key-p50`` / ``kiosk-key-p99``: a key press to the next step's text on
  the terminal, over a long flow, beside a key press to a `Static.update()` in
  the minimal app. Aim: at most 2x.
- ``kiosk-peak-memory``: peak resident memory after start-up and the walk,
  beside the minimal app after as many key presses. Aim: at most 1.5x.
- ``kiosk-wipe-memory``: resident memory after 1,000 patient visits ending in a
  wipe, beside after 100 (Textual's bounded caches are full by then). Aim: at
  most 1.1x, so a wipe leaks nothing.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import os
import statistics
import sys
import tempfile
from pathlib import Path

from bench.harness import GENERATED, ROOT, Benchmark, Context, Result
from bench.pty_driver import PtyProcess, clean_env

WELCOME = b"Need help with the NHS App"
FLOW_ID = "bench-long"


def _marker(n: int) -> str:
    return f"BENCH{n:04d}"


def long_flow(folder: Path, steps: int) -> Path:
    """A flow of ``steps`` say steps, each with a unique marker, then an end."""
    flows = folder / "flows"
    flows.mkdir(parents=True, exist_ok=True)
    lines = [
        f"id: {FLOW_ID}",
        "title: Benchmark walk",
        "summary: A long flow for timing key presses.",
        'review_by: "2099-01-01"',
        'sources: ["https://www.nhs.uk/"]',
        "steps:",
    ]
    for n in range(1, steps + 1):
        lines += [f"  - id: s{n}", "    kind: say", f"    text: {_marker(n)} Read this and continue."]
    lines += ["  - id: done", "    kind: end", "    text: BENCHDONE All done."]
    path = flows / f"{FLOW_ID}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return flows


def _config(folder: Path, flows: Path) -> Path:
    config = folder / "config.toml"
    config.write_text(
        f'[kiosk]\ntop_tasks = ["{FLOW_ID}"]\nlanguages = ["en"]\n'
        f'[paths]\nflows = ["{flows}"]\ndata_dir = "{folder / "data"}"\n',
        encoding="utf-8",
    )
    return config


def _kiosk(config: Path) -> PtyProcess:
    return PtyProcess([sys.executable, "-m", "dfhelper", "--config", str(config), "kiosk"], clean_env())


def _minimal() -> PtyProcess:
    return PtyProcess([sys.executable, str(ROOT / "bench" / "minimal_app.py")], clean_env())


@functools.cache
def _walk(quick: bool) -> dict[str, float]:
    """One run of both apps: start-up, key-press latencies, peak memory (measured once, shared)."""
    steps = 40 if quick else 500
    folder = GENERATED / "kiosk"
    config = _config(folder, long_flow(folder, steps + 1))
    starts_k: list[float] = []
    starts_m: list[float] = []
    for _ in range(2 if quick else 5):
        app = _kiosk(config)
        starts_k.append(app.wait_for(WELCOME) - app.started)
        app.kill()
        floor = _minimal()
        starts_m.append(floor.wait_for(b"MINIMAL-READY") - floor.started)
        floor.kill()

    app = _kiosk(config)
    app.wait_for(WELCOME)
    app.send(b"\r")
    app.wait_for(b"What do you need help with?")
    app.drain(0.3)
    app.send(b"1")
    app.wait_for(b"What applies to you?")
    app.drain(0.3)
    app.send(b"\t" * 19 + b"\r")  # past the 18 yes/no buttons and Continue, to "Skip"
    app.wait_for(_marker(1).encode())
    app.drain(0.5)
    kiosk_keys: list[float] = []
    for n in range(2, steps + 2):
        sent = app.send(b"1")
        kiosk_keys.append(app.wait_for(_marker(n).encode()) - sent)
    kiosk_rss = app.kill()

    floor = _minimal()
    floor.wait_for(b"MINIMAL-READY")
    floor.drain(0.5)
    floor_keys: list[float] = []
    for n in range(1, steps + 1):
        sent = floor.send(b"x")
        floor_keys.append(floor.wait_for(f"LINE{n:04d}".encode()) - sent)
    floor_rss = floor.kill()

    def p99(values: list[float]) -> float:
        return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else values[0]

    return {
        "steps": steps,
        "start_kiosk": statistics.median(starts_k),
        "start_floor": statistics.median(starts_m),
        "key_p50": statistics.median(kiosk_keys),
        "key_p99": p99(kiosk_keys),
        "floor_p50": statistics.median(floor_keys),
        "floor_p99": p99(floor_keys),
        "rss_kiosk_kib": kiosk_rss,
        "rss_floor_kib": floor_rss,
    }


def kiosk_startup(ctx: Context) -> Result:
    """Process start to the welcome screen."""
    m = _walk(ctx.quick)
    return Result(m["start_kiosk"], m["start_floor"], "minimal Textual app to its first text")


def kiosk_key_p50(ctx: Context) -> Result:
    """Key press to the next step on the terminal (median)."""
    m = _walk(ctx.quick)
    return Result(
        m["key_p50"], m["floor_p50"], "key to Static.update() painted, median", details={"steps": m["steps"]}
    )


def kiosk_key_p99(ctx: Context) -> Result:
    """Key press to the next step on the terminal (99th percentile)."""
    m = _walk(ctx.quick)
    return Result(m["key_p99"], m["floor_p99"], "key to Static.update() painted, p99")


def kiosk_peak_memory(ctx: Context) -> Result:
    """Peak resident memory of the process."""
    m = _walk(ctx.quick)
    return Result(
        m["rss_kiosk_kib"] / 1024, m["rss_floor_kib"] / 1024, "minimal Textual app, same presses", unit="MiB"
    )


def _rss_kib() -> int:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


async def _visits(first: int, total: int) -> tuple[int, int]:
    from dfhelper.cli import load_library, locales_dir, practice_context
    from dfhelper.config import Config, PathsConfig
    from dfhelper.kiosk.app import KioskApp
    from dfhelper.kiosk.visit import KioskCore

    data = Path(tempfile.mkdtemp(prefix="dfhelper-bench-"))
    config = Config(paths=PathsConfig(data_dir=data))
    core = KioskCore.load(
        config,
        load_library(config),
        locales_dir=locales_dir(config),
        data_dir=data,
        practice=practice_context(config),
    )
    app = KioskApp(config, core=core)
    marks: dict[int, int] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        for n in range(1, total + 1):
            app.begin_visit()
            await pilot.pause()
            app.start_task("repeat-prescription")
            await pilot.pause()
            await pilot.click("#skip")
            for _ in range(3):
                await pilot.press("1")
            if n % 10 == 0:
                await pilot.click("#stuck")
            await app.wipe()
            await pilot.pause()
            if n in (first, total):
                gc.collect()
                marks[n] = _rss_kib()
    return marks[first], marks[total]


def kiosk_wipe_memory(ctx: Context) -> Result:
    """Memory after many wiped visits, beside after a tenth as many."""
    first, total = (10, 50) if ctx.quick else (100, 1000)
    after_first, after_total = asyncio.run(_visits(first, total))
    return Result(
        after_total / 1024,
        after_first / 1024,
        f"resident memory after {first} visits",
        unit="MiB",
        details={"visits": total},
    )


BENCHMARKS = [
    Benchmark("kiosk-startup", "process start to the welcome screen on a pty", 1.5, kiosk_startup),
    Benchmark("kiosk-key-p50", "key press to the next step painted, median", 2.0, kiosk_key_p50),
    Benchmark("kiosk-key-p99", "key press to the next step painted, 99th percentile", 2.0, kiosk_key_p99),
    Benchmark("kiosk-peak-memory", "peak resident memory", 1.5, kiosk_peak_memory),
    Benchmark("kiosk-wipe-memory", "memory after 1,000 wiped visits vs after 100", 1.1, kiosk_wipe_memory),
]
