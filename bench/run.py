"""Run benchmarks: ``python bench/run.py [NAME ...] [--json] [--repeat N] [--quick]``.

Each benchmark prints its figure beside a floor measured in the same run, and
their ratio against its aim. Missing an aim is reported, not failed: exit 0.
A benchmark that breaks exits 2.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import Benchmark, Context, Result, format_table, to_json  # noqa: E402


def all_benchmarks() -> list[Benchmark]:
    """Every benchmark in ``bench/bench_*.py``, in file order."""
    found: list[Benchmark] = []
    for path in sorted((ROOT / "bench").glob("bench_*.py")):
        module = importlib.import_module(f"bench.{path.stem}")
        found.extend(getattr(module, "BENCHMARKS", []))
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks and print their results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each figure and floor")
    parser.add_argument("--quick", action="store_true", help="small data, few repeats: a smoke run")
    args = parser.parse_args(argv)
    benchmarks = all_benchmarks()
    known = {b.name for b in benchmarks}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    chosen = [b for b in benchmarks if not args.names or b.name in args.names]
    ctx = Context(quick=args.quick, repeat=1 if args.quick else args.repeat)
    rows: list[tuple[Benchmark, Result]] = []
    failed = False
    for bench in chosen:
        try:
            rows.append((bench, bench.run(ctx)))
        except Exception:
            failed = True
            print(f"benchmark {bench.name} failed:", file=sys.stderr)
            traceback.print_exc()
    if args.json:
        print(json.dumps(to_json(rows), indent=2))
    else:
        print(format_table(rows))
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
