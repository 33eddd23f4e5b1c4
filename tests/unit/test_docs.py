"""The flow-format docs stay true: their example validates and their lists match the code."""

from __future__ import annotations

import re
from pathlib import Path

from dfhelper.flowlang.facts import FACTS
from dfhelper.flowlang.library import Library
from dfhelper.flowlang.model import STEP_KINDS
from dfhelper.flowlang.templates import PRACTICE_FIELDS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "flow-format.md").read_text(encoding="utf-8")


def test_the_worked_example_is_a_valid_flow(tmp_path: Path) -> None:
    example = re.search(r"## A small complete flow\n.*?```yaml\n(.*?)```", DOC, re.S)
    assert example is not None
    (tmp_path / "nominate-pharmacy.yaml").write_text(example.group(1), encoding="utf-8")
    library = Library.load([tmp_path])
    assert library.problems == []
    assert "nominate-pharmacy" in library


def test_every_step_kind_fact_and_practice_field_is_documented() -> None:
    for kind in STEP_KINDS:
        assert f"### `{kind}`" in DOC
    for fact in FACTS:
        assert f"| `{fact.name}` | {fact.label} |" in DOC
    for name in PRACTICE_FIELDS:
        assert f"`practice.{name}`" in DOC


WRITING = (Path(__file__).resolve().parents[2] / "docs" / "writing-flows.md").read_text(encoding="utf-8")


def test_the_writing_guide_example_validates_without_problems(tmp_path: Path) -> None:
    example = re.search(r"## 6\. A worked example\n.*?```yaml\n(.*?)```", WRITING, re.S)
    assert example is not None
    (tmp_path / "find-my-pharmacy-example.yaml").write_text(example.group(1), encoding="utf-8")
    library = Library.load([tmp_path])
    assert library.problems == []
    assert "find-my-pharmacy-example" in library


def test_the_writing_guide_lists_every_allowed_source_site() -> None:
    from dfhelper.flowlang.sources import CHARITY_DOMAINS

    for domain in CHARITY_DOMAINS:
        assert domain in WRITING
