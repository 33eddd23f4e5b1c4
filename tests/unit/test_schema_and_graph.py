"""``dfhelper schema`` and ``dfhelper graph``."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from yaml.nodes import MappingNode, Node, SequenceNode

from dfhelper.flowlang import graph, strictyaml
from dfhelper.flowlang.library import Library
from dfhelper.flowlang.model import STEP_KINDS
from dfhelper.flowlang.schema import flow_schema
from dfhelper.problems import Problems

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


def _plain(node: Node) -> object:
    """A strictly read YAML node as plain data: every scalar is text, as the loader sees it."""
    if isinstance(node, MappingNode):
        return {k.value: _plain(v) for k, v in node.value}
    if isinstance(node, SequenceNode):
        return [_plain(v) for v in node.value]
    return node.value


def test_every_shipped_flow_and_the_sample_pass_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(flow_schema())
    paths = [*sorted((ROOT / "flows").glob("*.yaml")), SAMPLE / "sample.yaml"]
    assert len(paths) >= 3
    for path in paths:
        document = strictyaml.read(path.read_bytes(), Problems(str(path)))
        assert document.root is not None
        errors = [e.message for e in validator.iter_errors(_plain(document.root))]
        assert errors == [], path


def test_the_schema_rejects_what_the_loader_rejects() -> None:
    validator = jsonschema.Draft202012Validator(flow_schema())
    flow = {
        "id": "x",
        "title": "T",
        "summary": "S",
        "review_by": "2099-01-01",
        "sources": ["https://a.b/"],
        "steps": [{"id": "a", "kind": "check", "text": "Try."}],
    }
    assert not validator.is_valid(flow)  # a check needs `no`
    flow["steps"] = [{"id": "a", "kind": "say", "text": "Hi.", "nxt": "b"}]
    assert not validator.is_valid(flow)  # unknown key
    flow["steps"] = [{"id": "a", "kind": "say", "text": "Hi."}]
    assert validator.is_valid(flow)
