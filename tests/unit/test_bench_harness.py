"""The benchmark harness and generator (no timings are asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.generate import generate
from bench.harness import Benchmark, Context, Result, format_table, interleaved, to_json
from dfhelper.flowlang.library import Library

ROOT = Path(__file__).resolve().parents[2]


def test_ratio_and_aim_are_reported() -> None:
    bench = Benchmark("x", "test", 1.5, lambda ctx: Result(3.0, 2.0, "floor"))
    result = bench.run(Context(quick=True, repeat=1))
    assert result.ratio == 1.5
    (row,) = to_json([(bench, result)])
    assert row["met"] is True
    assert "1.50x" in format_table([(bench, result)])
    slower = Result(4.0, 2.0, "floor")
    assert to_json([(bench, slower)])[0]["met"] is False


def test_interleaved_takes_medians_after_a_warm_up() -> None:
    calls: list[str] = []
    figures = iter([9.0, 1.0, 2.0, 3.0])
    floors = iter([9.0, 1.0, 1.0, 1.0])

    def figure() -> float:
        calls.append("figure")
        return next(figures)

    def floor() -> float:
        calls.append("floor")
        return next(floors)

    fig, flo, _, _ = interleaved(figure, floor, 3)
    assert (fig, flo) == (2.0, 1.0)
    assert calls == ["figure", "floor"] * 4


def test_generated_library_is_valid_and_has_catalogs(tmp_path: Path) -> None:
    folder = generate(tmp_path, flows=3, steps=12, locales=2)
    library = Library.load([folder / "flows"])
    assert library.problems == []
    assert sorted(library.infos) == ["flow-0000", "flow-0001", "flow-0002"]
    assert (folder / "locales" / "pl" / "LC_MESSAGES" / "flows.mo").is_file()
    assert generate(tmp_path, flows=3, steps=12, locales=2) == folder  # reused, not rewritten


def test_unknown_benchmark_name_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "bench/run.py", "nope", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "unknown benchmark" in done.stderr


def test_json_output_lists_the_chosen_benchmark(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "bench/run.py", "startup-scaling", "--quick", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    (row,) = json.loads(done.stdout)
    assert row["name"] == "startup-scaling"
    assert row["floor"] > 0


def test_search_bench_library_and_typed_queries() -> None:
    from rapidfuzz.distance import OSA

    from bench.bench_search import TYPOS, WORDS, phrase_library, target_queries
    from dfhelper.engine.search import SearchIndex

    entries = phrase_library(60)
    assert entries == phrase_library(60)  # deterministic
    assert len(entries) == 60 * 20
    assert len(SearchIndex(entries)) == len(entries)  # no phrase is dropped as a duplicate
    queries = target_queries(entries, 18)
    assert {q.lang for q in queries} == set(WORDS)
    assert [q.kind for q in queries[:4]] == ["exact", *TYPOS]
    for n in range(0, len(queries), 4):
        right, *typos = queries[n : n + 4]
        assert right.keystrokes()[-1] == right.text
        for typo in typos:
            assert typo.flow == right.flow
            assert OSA.distance(right.text, typo.text) == 1  # one letter swapped, dropped or doubled
            assert [w[0] for w in typo.text.split()] == [w[0] for w in right.text.split()]
