"""Draw a flow as a Mermaid or Graphviz (dot) diagram, for review and the docs."""

from __future__ import annotations

import json
import re

from dfhelper.flowlang.model import Call, Check, Choice, Flow, Step, TextInput

SHAPES = {"end": ("([", "])"), "escalate": ("{{", "}}"), "choice": ("{", "}"), "call": ("[[", "]]")}


def _edges(flow: Flow, step: Step) -> list[tuple[str, str]]:
    """(target, label) for each way out of ``step``."""
    out: list[tuple[str, str]] = []
    if isinstance(step, Choice | TextInput):
        for option in step.options:
            target = flow.resolve(step.id, option.next)
            if target:
                out.append((target, option.value))
        if isinstance(step, TextInput) and step.no_match:
            out.append((step.no_match, "no match"))
    elif isinstance(step, Check):
        yes = flow.resolve(step.id, step.next)
        if yes:
            out.append((yes, "yes"))
        out.append((step.no, "no"))
    else:
        for target in step.targets():
            resolved = flow.resolve(step.id, target)
            if resolved:
                out.append((resolved, ""))
    if step.when is not None and (following := flow.following(step.id)):
        out.append((following, "skipped"))
    return out


def _label(step: Step) -> str:
    extra = f" → {step.flow}" if isinstance(step, Call) else ""
    return f"{step.id} ({step.kind}{extra})"


def _mermaid_text(text: str) -> str:
    return '"' + re.sub(r'["<>]', "'", text) + '"'


def to_mermaid(flow: Flow) -> str:
    """A ``flowchart TD`` Mermaid diagram."""
    title = re.sub(r"[\r\n]", " ", flow.title)
    lines = ["flowchart TD", f"  %% {flow.id}: {title}"]
    for step in flow.steps:
        left, right = SHAPES.get(step.kind, ("[", "]"))
        lines.append(f"  {step.id}{left}{_mermaid_text(_label(step))}{right}")
    lines.append(f"  start((start)) --> {flow.start_step}")
    for step in flow.steps:
        for target, label in _edges(flow, step):
            arrow = f"-- {_mermaid_text(label)} -->" if label else "-->"
            lines.append(f"  {step.id} {arrow} {target}")
    return "\n".join(lines) + "\n"


def to_dot(flow: Flow) -> str:
    """A Graphviz digraph."""
    shapes = {"end": "doubleoctagon", "escalate": "hexagon", "choice": "diamond", "call": "box3d"}
    lines = [f"digraph {json.dumps(flow.id)} {{", "  rankdir=TB;", '  start [shape=circle, label="start"];']
    for step in flow.steps:
        shape = shapes.get(step.kind, "box")
        lines.append(f"  {json.dumps(step.id)} [shape={shape}, label={json.dumps(_label(step))}];")
    lines.append(f"  start -> {json.dumps(flow.start_step)};")
    for step in flow.steps:
        for target, label in _edges(flow, step):
            attr = f" [label={json.dumps(label)}]" if label else ""
            lines.append(f"  {json.dumps(step.id)} -> {json.dumps(target)}{attr};")
    lines.append("}")
    return "\n".join(lines) + "\n"
