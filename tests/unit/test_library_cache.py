"""The library's index and cache: warm starts, lazy flows, and a cache that is never trusted blindly."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from dfhelper.flowlang import library as library_module
from dfhelper.flowlang.library import Library
from tests.helpers import codes, flow_text, write

END = "- id: done\n  kind: end\n  text: Done.\n"


@pytest.fixture
def flows(tmp_path: Path) -> Path:
    folder = tmp_path / "flows"
    folder.mkdir()
    write(folder, flow_text(END, flow_id="one"), "one")
    write(folder, flow_text(END, flow_id="two"), "two")
    return folder


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    parsed: list[Path] = []
    real = library_module.load_file

    def spy(path: Path, **kwargs: object) -> object:
        parsed.append(path)
        return real(path)

    monkeypatch.setattr(library_module, "load_file", spy)
    return parsed


def test_warm_start_reads_no_flow_file_and_loads_steps_only_when_asked(
    flows: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    Library.load([flows], cache_dir=cache)
    parsed = _count_parses(monkeypatch)
    lib = Library.load([flows], cache_dir=cache)
    assert sorted(lib.infos) == ["one", "two"]
    assert parsed == []
    assert lib._flows == {}  # nothing loaded until chosen
    assert lib.flow("one").steps[0].id == "done"
    assert parsed == []  # from the cache, not the YAML


def test_a_changed_file_is_read_again(flows: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    Library.load([flows], cache_dir=cache)
    path = flows / "one.yaml"
    path.write_text(path.read_text().replace("text: Done.", "text: Finished now."), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    parsed = _count_parses(monkeypatch)
    lib = Library.load([flows], cache_dir=cache)
    assert [p.name for p in parsed] == ["one.yaml"]
    assert lib.flow("one").steps[0].text == "Finished now."


def test_problems_are_remembered_by_the_cache(flows: Path, tmp_path: Path) -> None:
    write(
        flows, flow_text("- id: a\n  kind: say\n  text: Hi.\n  next: nowhere\n" + END, flow_id="bad"), "bad"
    )
    cache = tmp_path / "cache"
    cold = Library.load([flows], cache_dir=cache)
    warm = Library.load([flows], cache_dir=cache)
    assert codes(warm.problems) == codes(cold.problems) == ["unknown-next"]
    assert "bad" not in warm


def test_a_removed_file_leaves_the_index(flows: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    Library.load([flows], cache_dir=cache)
    (flows / "two.yaml").unlink()
    assert sorted(Library.load([flows], cache_dir=cache).infos) == ["one"]


def test_a_corrupt_cache_is_ignored(flows: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    Library.load([flows], cache_dir=cache)
    (cache / "index.pickle").write_bytes(b"not a pickle")
    for blob in (cache / "flows").iterdir():
        blob.write_bytes(pickle.dumps(("another format", None)))
    lib = Library.load([flows], cache_dir=cache)
    assert sorted(lib.infos) == ["one", "two"]
    assert lib.flow("two").id == "two"


def test_a_stale_flow_blob_falls_back_to_the_file(flows: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    Library.load([flows], cache_dir=cache)
    lib = Library.load([flows], cache_dir=cache)
    for blob in (cache / "flows").iterdir():
        blob.unlink()
    assert lib.flow("one").id == "one"


def test_a_cache_others_can_write_to_is_not_used(flows: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o777)
    lib = Library.load([flows], cache_dir=cache)
    assert sorted(lib.infos) == ["one", "two"]
    assert not (cache / "index.pickle").exists()


def test_flows_without_a_cache_are_kept_in_memory(flows: Path) -> None:
    lib = Library.load([flows])
    assert sorted(lib._flows) == ["one", "two"]
    assert [f.id for f in lib.flows()] == ["one", "two"]
