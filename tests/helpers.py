"""Shared helpers for tests: write a flow file and load it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from dfhelper.flowlang.library import Library, load_file
from dfhelper.flowlang.model import Flow
from dfhelper.problems import Problem

HEADER = """\
id: {id}
title: A test flow
summary: For tests.
review_by: "2099-01-01"
sources: ["https://www.nhs.uk/"]
"""


def flow_text(steps: str, *, flow_id: str = "t", extra: str = "") -> str:
    """A whole flow file: a valid header, ``extra`` top-level keys, then ``steps``."""
    return (
        HEADER.format(id=flow_id)
        + textwrap.dedent(extra)
        + "steps:\n"
        + textwrap.indent(textwrap.dedent(steps), "  ")
    )


def write(tmp: Path, text: str, name: str = "t") -> Path:
    """Write ``text`` to ``tmp/<name>.yaml``."""
    path = tmp / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp: Path, text: str, name: str = "t") -> tuple[Flow | None, list[Problem]]:
    """Load one flow file written from ``text``."""
    return load_file(write(tmp, text, name))


def codes(problems: list[Problem]) -> list[str]:
    """The problem codes, in order."""
    return [p.code for p in problems]


def library(tmp: Path, **files: str) -> Library:
    """A library of the given files (name → text)."""
    for name, text in files.items():
        write(tmp, text, name)
    return Library.load([tmp])
