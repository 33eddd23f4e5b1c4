"""The benchmark harness: every figure beside a floor measured in the same run.

Machines here are shared and noisy, so an absolute time means little. Each
benchmark measures its figure and a floor (the best a plain library call can
do on the same data) in the same run, interleaved so noise falls on both, and
reports their ratio against an aim.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "bench" / ".generated"


@dataclass(frozen=True)
class Result:
    """One benchmark's measurement."""

    figure: float
    floor: float
    floor_name: str
    unit: str = "s"
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """Figure divided by floor."""
        return self.figure / self.floor if self.floor else float("inf")


@dataclass(frozen=True)
class Context:
    """What a benchmark run was asked for."""

    quick: bool
    repeat: int


@dataclass(frozen=True)
class Benchmark:
    """A named measurement with an aim, as a ratio to its floor."""

    name: str
    description: str
    aim_ratio: float
    run: Callable[[Context], Result]


def interleaved(
    figure: Callable[[], float], floor: Callable[[], float], repeat: int
) -> tuple[float, float, list[float], list[float]]:
    """Medians of ``repeat`` figure and floor timings, taken alternately after one warm-up of each.

    Each callable returns the seconds it measured (so a callable can time only part of its work,
    for example a call inside a fresh subprocess).
    """
    figure()
    floor()
    figures: list[float] = []
    floors: list[float] = []
    for _ in range(repeat):
        figures.append(figure())
        floors.append(floor())
    return statistics.median(figures), statistics.median(floors), figures, floors


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of ``fn`` takes."""
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def in_subprocess(setup: str, measured: str) -> float:
    """Seconds ``measured`` takes in a fresh Python process, after ``setup`` ran there (imports excluded).

    The measured code may set a variable ``check`` (a string); it is printed to stderr if the
    child fails, to make errors visible.
    """
    script = (
        "import json, sys, time\n"
        f"{setup}\n"
        "_t = time.perf_counter()\n"
        f"{measured}\n"
        "_elapsed = time.perf_counter() - _t\n"
        "print(json.dumps({'elapsed': _elapsed}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{done.stderr}")
    return float(json.loads(done.stdout.strip().splitlines()[-1])["elapsed"])


def process_wall_time(code: str) -> float:
    """Seconds from starting ``python -c code`` to its exit: what a person waits for."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - started


def format_table(rows: list[tuple[Benchmark, Result]]) -> str:
    """The results as a plain-text table."""
    header = f"{'benchmark':<18} {'figure':>10} {'floor':>10}  {'ratio':>6}  {'aim':>7}  met  floor is"
    lines = [header, "-" * len(header)]
    for bench, result in rows:
        met = "yes" if result.ratio <= bench.aim_ratio else "NO"
        lines.append(
            f"{bench.name:<18} {result.figure:>9.4f}{result.unit} {result.floor:>9.4f}{result.unit}  "
            f"{result.ratio:>5.2f}x  <={bench.aim_ratio:>4.2f}x  {met:<3}  {result.floor_name}"
        )
        for key, value in result.details.items():
            shown = f"{value:.4f}" if isinstance(value, float) else str(value)
            lines.append(f"{'':<18}   {key}: {shown}")
    return "\n".join(lines)


def to_json(rows: list[tuple[Benchmark, Result]]) -> list[dict[str, Any]]:
    """The results as JSON-friendly objects."""
    return [
        {
            "name": bench.name,
            "unit": result.unit,
            "figure": result.figure,
            "floor": result.floor,
            "floor_name": result.floor_name,
            "ratio": result.ratio,
            "aim_ratio": bench.aim_ratio,
            "met": result.ratio <= bench.aim_ratio,
            "details": result.details,
        }
        for bench, result in rows
    ]
