"""``dfhelper schema`` and ``dfhelper graph``."""

from __future__ import annotations

import json
from pathlib import Path

from dfhelper.flowlang import graph
from dfhelper.flowlang.library import Library
from dfhelper.flowlang.model import STEP_KINDS
from dfhelper.flowlang.schema import flow_schema

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "flows"


def test_schema_covers_every_step_kind_and_requires_the_basics() -> None:
    schema = flow_schema()
    kinds = {s["properties"]["kind"]["const"] for s in schema["$defs"]["step"]["oneOf"]}
    assert kinds == set(STEP_KINDS)
    assert {"id", "title", "summary", "steps", "review_by"} <= set(schema["required"])
    check = next(s for s in schema["$defs"]["step"]["oneOf"] if s["properties"]["kind"]["const"] == "check")
    assert "no" in check["required"]
    assert schema["additionalProperties"] is False
    assert "next" in check["properties"]
    assert check["properties"]["next"]["description"].startswith("Where 'yes' goes")


def test_the_shipped_schema_file_is_up_to_date() -> None:
    shipped = json.loads((ROOT / "docs" / "flow.schema.json").read_text(encoding="utf-8"))
    assert shipped == flow_schema(), "run: dfhelper schema > docs/flow.schema.json"


def test_mermaid_graph_has_every_step_and_labelled_branches() -> None:
    flow = Library.load([SAMPLE]).flow("sample")
    text = graph.to_mermaid(flow)
    assert text.startswith("flowchart TD")
    for step in flow.steps:
        assert f"  {step.id}" in text
    assert 'pick -- "no_app" --> staff' in text
    assert 'try_it -- "no" --> staff' in text
    assert 'phone_only -- "skipped" --> done' in text


def test_dot_graph_is_a_digraph_with_edges() -> None:
    flow = Library.load([SAMPLE]).flow("sample")
    text = graph.to_dot(flow)
    assert text.startswith('digraph "sample" {')
    assert '"pick" -> "staff" [label="no_app"];' in text
    assert text.rstrip().endswith("}")
