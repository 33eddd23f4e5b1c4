"""The library of flows: every file loaded, checked, indexed; steps loaded on demand.

`Library.load` reads every flow file it is given, checks each on its own and
then all of them together, and keeps an index (`FlowInfo`: id, title,
keywords, ...) of the flows that are fit to offer. A file with errors is left
out, with its problems reported; it never stops the other flows loading.

With a ``cache_dir``, what was learned about each file (its index entry, its
problems and its compiled model) is kept between runs, keyed by the file's
modification time and size. A warm start then reads one small index file and
looks at each flow file's metadata; a flow's steps are read only when the flow
is chosen (`Library.flow`). The cache holds pickles, so it is only used when
it belongs to this user and nobody else can write to it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import logging
import os
import pickle
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from dfhelper import __version__
from dfhelper.flowlang import build, strictyaml, validate
from dfhelper.flowlang.model import Flow, FlowInfo
from dfhelper.problems import Problem, Problems, Severity, path_for_display, sort_key

log = logging.getLogger(__name__)

CACHE_FORMAT = f"dfhelper-{__version__}-cache-1"
"""Bumped whenever the model or the checks change what a cached entry means."""

FLOW_SUFFIXES = (".yaml", ".yml")


class _Entry(NamedTuple):
    """What the cache remembers about one flow file (a tuple: it unpickles fast)."""

    signature: tuple[int, int]
    info: FlowInfo | None
    problems: tuple[Problem, ...]
    blob: str | None


class FlowNotFound(KeyError):
    """No flow with that id is in the library (or it failed to load)."""


def flow_files(paths: Iterable[Path]) -> list[Path]:
    """The flow files named by ``paths``: files as given, folders' ``*.yaml`` sorted, all absolute."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            folder = path.resolve()
            with os.scandir(folder) as entries:
                names = sorted(e.name for e in entries if e.name.endswith(FLOW_SUFFIXES) and e.is_file())
            found.extend(folder / name for name in names)
        else:
            found.append(path.resolve())
    return found


def load_file(path: Path, *, display: str | None = None) -> tuple[Flow | None, list[Problem]]:
    """Read, build and check one flow file on its own."""
    shown = display or path_for_display(path)
    problems = Problems(shown, flow=path.stem)
    try:
        data = path.read_bytes()
    except OSError as err:
        problems.add("unreadable", f"This file cannot be read: {err.strerror or err}.")
        return None, problems.items
    document = strictyaml.read(data, problems)
    if document.root is None:
        return None, problems.items
    flow = build.build_flow(document.root, problems, shown)
    if flow is None:
        return None, problems.items
    validate.check_flow(flow, problems)
    return (None if problems.has_errors else flow), problems.items


def _signature(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class _Cache:
    """The on-disk cache: an index pickle plus one pickle per flow."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.index_path = root / "index.pickle"
        self.flows_dir = root / "flows"

    @classmethod
    def open(cls, root: Path) -> _Cache | None:
        try:
            root.mkdir(parents=True, exist_ok=True, mode=0o700)
            (root / "flows").mkdir(exist_ok=True, mode=0o700)
            st = root.stat()
        except OSError as err:
            log.warning("flow cache disabled: cannot use %s (%s)", root, err.strerror)
            return None
        if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
            log.warning("flow cache disabled: %s is not private to this user", root)
            return None
        return cls(root)

    @staticmethod
    def _read(path: Path) -> object:
        """The pickled object at ``path``, or None if it is missing or unreadable."""
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except (
            OSError,
            EOFError,
            pickle.UnpicklingError,
            AttributeError,
            ImportError,
            TypeError,
            ValueError,
        ):
            return None

    def read_index(self) -> dict[str, _Entry]:
        data = self._read(self.index_path)
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def write_index(self, entries: dict[str, _Entry]) -> None:
        self._write(self.index_path, {"format": CACHE_FORMAT, "entries": entries})

    def blob_name(self, path: str) -> str:
        return hashlib.sha1(path.encode("utf-8"), usedforsecurity=False).hexdigest() + ".pickle"

    def write_flow(self, path: str, flow: Flow) -> str | None:
        name = self.blob_name(path)
        return name if self._write(self.flows_dir / name, (CACHE_FORMAT, flow)) else None

    def read_flow(self, name: str) -> Flow | None:
        data = self._read(self.flows_dir / name)
        if (
            isinstance(data, tuple)
            and len(data) == 2
            and data[0] == CACHE_FORMAT
            and isinstance(data[1], Flow)
        ):
            return data[1]
        return None

    def _write(self, target: Path, data: Any) -> bool:
        try:
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        except OSError as err:
            log.warning("flow cache: cannot write %s (%s)", target, err.strerror)
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)
            return False
        return True


class Library:
    """The flows a practice offers: an index in memory, steps on demand."""

    def __init__(
        self,
        infos: dict[str, FlowInfo],
        problems: list[Problem],
        *,
        flows: dict[str, Flow] | None = None,
        sources: dict[str, tuple[Path, str | None]] | None = None,
        cache: _Cache | None = None,
    ) -> None:
        self.infos = infos
        """Every flow fit to offer, by id."""
        self.problems = problems
        """Every problem found, errors and warnings, sorted by file and line."""
        self._flows = dict(flows or {})
        self._sources = dict(sources or {})
        self._cache = cache

    @classmethod
    def load(
        cls, paths: Sequence[Path], *, cache_dir: Path | None = None, today: dt.date | None = None
    ) -> Library:
        """Load every flow under ``paths`` (files or folders)."""
        # Loading builds many small objects and no garbage cycles. With the cyclic
        # collector running, it rescans the growing heap again and again: about half
        # the cold load time. It is switched back on (if it was on) when loading ends.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return cls._load(paths, cache_dir=cache_dir, today=today or dt.date.today())
        finally:
            if was_enabled:
                gc.enable()

    @classmethod
    def _load(cls, paths: Sequence[Path], *, cache_dir: Path | None, today: dt.date) -> Library:
        cache = _Cache.open(cache_dir) if cache_dir is not None else None
        old = cache.read_index() if cache else {}
        entries: dict[str, _Entry] = {}
        fresh: dict[str, Flow] = {}
        changed = False
        for path in flow_files(paths):
            key = str(path)
            signature = _signature(key)
            entry = old.get(key)
            if entry is None or signature is None or entry.signature != signature:
                flow, found = load_file(path)
                blob = cache.write_flow(key, flow) if cache and flow else None
                entry = _Entry(signature or (0, 0), FlowInfo.of(flow) if flow else None, tuple(found), blob)
                changed = True
                if flow is not None and cache is None:
                    fresh[flow.id] = flow
            entries[key] = entry
        if cache and (changed or entries.keys() != old.keys()):
            cache.write_index(entries)
        return cls._assemble(entries, fresh, cache, today)

    @classmethod
    def _assemble(
        cls, entries: dict[str, _Entry], fresh: dict[str, Flow], cache: _Cache | None, today: dt.date
    ) -> Library:
        problems: list[Problem] = []
        infos: dict[str, FlowInfo] = {}
        sources: dict[str, tuple[Path, str | None]] = {}
        for key, entry in entries.items():
            problems.extend(entry.problems)
            info = entry.info
            if info is None:
                continue
            if info.id in infos:
                first = infos[info.id]
                problems.append(
                    Problem(
                        path=info.path,
                        message=f"Another file ({first.path}) already has the flow id '{info.id}'. "
                        "This one is not loaded.",
                        code="duplicate-flow",
                        flow=info.id,
                    )
                )
                continue
            if info.review_by < today:
                mark = info.refs_at.get("review_by")
                problems.append(
                    Problem(
                        path=info.path,
                        message=f"review_by {info.review_by.isoformat()} has passed. Check the content "
                        "against its sources, then set a new date.",
                        code="review-overdue",
                        line=mark.line if mark else None,
                        column=mark.column if mark else None,
                        severity=Severity.WARNING,
                        flow=info.id,
                    )
                )
            infos[info.id] = info
            sources[info.id] = (Path(key), entry.blob)
        problems.extend(validate.check_library(infos))
        problems.sort(key=sort_key)
        return cls(infos, problems, flows=fresh, sources=sources, cache=cache)

    @property
    def errors(self) -> list[Problem]:
        """Only the errors."""
        return [p for p in self.problems if p.is_error]

    def __contains__(self, flow_id: object) -> bool:
        return flow_id in self.infos

    def __iter__(self) -> Iterator[FlowInfo]:
        return iter(self.infos.values())

    def __len__(self) -> int:
        return len(self.infos)

    def flow(self, flow_id: str) -> Flow:
        """The whole flow, read from memory, the cache, or its file, in that order."""
        flow = self._flows.get(flow_id)
        if flow is not None:
            return flow
        if flow_id not in self._sources:
            raise FlowNotFound(flow_id)
        path, blob = self._sources[flow_id]
        if self._cache is not None and blob is not None:
            flow = self._cache.read_flow(blob)
        if flow is None:
            flow, _ = load_file(path)
        if flow is None or flow.id != flow_id:
            raise FlowNotFound(flow_id)
        self._flows[flow_id] = flow
        return flow

    def flows(self) -> Iterator[Flow]:
        """Every flow, loading each as needed."""
        for flow_id in self.infos:
            yield self.flow(flow_id)
