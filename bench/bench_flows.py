"""Loading the flow library: cold, warm from the cache, and how start-up grows with the library.

- ``flows-cold``: read, build and check every flow of a generated library in a
  fresh process, beside reading the same files with PyYAML's C loader
  (``yaml.CSafeLoader``), the floor for reading YAML here. Aim: at most 1.3x.
- ``flows-warm``: the same, when the cache is warm, beside ``pickle.load`` of
  all the flows' YAML data from one file. Aim: at most 1.0x.
- ``startup-scaling``: a warm start with 500 flows beside a warm start with
  50. Aim: at most 2.0x, i.e. start-up does not grow with the library (an
  index at start; steps read when a flow is chosen).
"""

from __future__ import annotations

import pickle
import shutil
import statistics
from pathlib import Path

import yaml

from bench.generate import generate
from bench.harness import GENERATED, Benchmark, Context, Result, in_subprocess, interleaved, process_wall_time

_LOAD_SETUP = "from pathlib import Path\nfrom dfhelper.flowlang.library import Library\n"
_YAML_SETUP = "from pathlib import Path\nimport yaml\n"


def _size(ctx: Context) -> tuple[int, int]:
    return (50, 40) if ctx.quick else (500, 40)


def _library(ctx: Context, flows: int | None = None) -> Path:
    count, steps = _size(ctx)
    return generate(GENERATED, flows=flows or count, steps=steps, locales=2 if ctx.quick else 20)


def _facts(folder: Path) -> dict[str, object]:
    files = sorted((folder / "flows").glob("*.yaml"))
    return {
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "steps": sum(p.read_text(encoding="utf-8").count("\n  - id: ") for p in files),
    }


def _check_clean(flows: Path) -> None:
    from dfhelper.flowlang.library import Library

    library = Library.load([flows])
    if library.errors:
        raise RuntimeError(f"generated library has errors, e.g. {library.errors[0]}")


def flows_cold(ctx: Context) -> Result:
    """Cold load and validation vs the C YAML loader."""
    folder = _library(ctx)
    flows = folder / "flows"
    _check_clean(flows)
    figure, floor, _, _ = interleaved(
        lambda: in_subprocess(_LOAD_SETUP, f"lib = Library.load([Path({str(flows)!r})])"),
        lambda: in_subprocess(
            _YAML_SETUP,
            f"data = [yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader) "
            f"for p in sorted(Path({str(flows)!r}).glob('*.yaml'))]",
        ),
        ctx.repeat,
    )
    # Library.load pauses the cyclic garbage collector while it loads (it makes no cycles).
    # For a like-for-like view, also time the floor with the collector paused.
    floor_no_gc = statistics.median(
        in_subprocess(
            _YAML_SETUP + "import gc\ngc.disable()",
            f"data = [yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader) "
            f"for p in sorted(Path({str(flows)!r}).glob('*.yaml'))]",
        )
        for _ in range(max(ctx.repeat, 3))
    )
    details = {
        **_facts(folder),
        "floor with the cyclic GC paused too (s)": floor_no_gc,
        "ratio to that": figure / floor_no_gc,
    }
    return Result(figure, floor, "yaml.CSafeLoader over the same files", details=details)


def _warm_cache(flows: Path, cache: Path) -> None:
    from dfhelper.flowlang.library import Library

    shutil.rmtree(cache, ignore_errors=True)
    Library.load([flows], cache_dir=cache)


def flows_warm(ctx: Context) -> Result:
    """Warm load from the cache vs pickle.load of all the flows' data."""
    folder = _library(ctx)
    flows = folder / "flows"
    cache = folder / "cache"
    _warm_cache(flows, cache)
    data = [yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader) for p in sorted(flows.glob("*.yaml"))]
    pickled = folder / "all-flows.pickle"
    pickled.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    load = f"lib = Library.load([Path({str(flows)!r})], cache_dir=Path({str(cache)!r}))"
    figure, floor, _, _ = interleaved(
        lambda: in_subprocess(_LOAD_SETUP, load),
        lambda: in_subprocess("import pickle", f"data = pickle.load(open({str(pickled)!r}, 'rb'))"),
        ctx.repeat,
    )
    first_flow = in_subprocess(_LOAD_SETUP + load, "flow = lib.flow('flow-0000')")
    details = {
        **_facts(folder),
        "then one flow's steps (s)": first_flow,
        "pickle bytes": pickled.stat().st_size,
    }
    return Result(figure, floor, "pickle.load of all the flows' YAML data", details=details)


def startup_scaling(ctx: Context) -> Result:
    """Process start to a warm library and one flow ready: the full library vs a tenth of it."""
    count, _ = _size(ctx)
    tenth = max(count // 10, 5)
    big, small = _library(ctx, count), _library(ctx, tenth)
    for folder in (big, small):
        _warm_cache(folder / "flows", folder / "cache")

    def code(folder: Path) -> str:
        flows, cache = folder / "flows", folder / "cache"
        return (
            _LOAD_SETUP + f"lib = Library.load([Path({str(flows)!r})], cache_dir=Path({str(cache)!r}))\n"
            "lib.flow('flow-0000')\n"
        )

    figure, floor, _, _ = interleaved(
        lambda: process_wall_time(code(big)), lambda: process_wall_time(code(small)), ctx.repeat
    )
    index_only = in_subprocess(
        _LOAD_SETUP,
        f"lib = Library.load([Path({str(big / 'flows')!r})], cache_dir=Path({str(big / 'cache')!r}))",
    )
    return Result(
        figure,
        floor,
        f"the same start with {tenth} flows",
        details={"flows": count, f"of which the index of {count} flows (s)": index_only},
    )


BENCHMARKS = [
    Benchmark("flows-cold", "load and validate every flow, cold", 1.3, flows_cold),
    Benchmark("flows-warm", "load the library from a warm cache", 1.0, flows_warm),
    Benchmark("startup-scaling", "warm start: full library vs a tenth of it", 2.0, startup_scaling),
]
