"""From a strictly read YAML node tree to the flow model, reporting shape errors.

The builder is driven by the model's dataclass fields: a key that is not a
field is an unknown key (with a suggestion), a field without a default is
required, and each field's type says how its node is read. It only checks the
*shape* of a flow; what the flow *means* (targets exist, every step reachable,
templates sound) is checked afterwards by `dfhelper.flowlang.validate`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import types
import typing
from collections.abc import Callable
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dfhelper.flowlang import model
from dfhelper.flowlang.model import STEP_KINDS, Flow, Link, Step
from dfhelper.flowlang.strictyaml import mark_of
from dfhelper.problems import Mark, Problems

Reader = Callable[[Node, Problems, str, "str | None"], Any]
"""Reads one field's node: (node, problems, field name, step id) -> value or _BAD."""

_BAD = object()


@dataclasses.dataclass(frozen=True, slots=True)
class _FieldSpec:
    name: str
    read: Reader
    required: bool


def did_you_mean(word: str, choices: typing.Iterable[str]) -> str:
    """`` Did you mean 'x'?`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def _scalar(node: Node, problems: Problems, name: str, step: str | None) -> Any:
    if isinstance(node, ScalarNode):
        value: str = node.value
        return value.strip()
    problems.add("wrong-type", f"'{name}' must be text, not a {_what(node)}.", mark_of(node), step=step)
    return _BAD


def _date(node: Node, problems: Problems, name: str, step: str | None) -> Any:
    text = _scalar(node, problems, name, step)
    if text is _BAD:
        return _BAD
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.add(
            "wrong-type",
            f"'{name}' must be a date written like 2027-05-01, not '{text}'.",
            mark_of(node),
            step=step,
        )
        return _BAD


def _bool(node: Node, problems: Problems, name: str, step: str | None) -> Any:
    text = _scalar(node, problems, name, step)
    if text is _BAD:
        return _BAD
    if text in ("true", "false"):
        return text == "true"
    problems.add("wrong-type", f"'{name}' must be true or false, not '{text}'.", mark_of(node), step=step)
    return _BAD


def _what(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "mapping (key: value pairs)"
    if isinstance(node, SequenceNode):
        return "list"
    return "piece of text"


def _tuple_of(item: Reader) -> Reader:
    def read(node: Node, problems: Problems, name: str, step: str | None) -> Any:
        if not isinstance(node, SequenceNode):
            problems.add(
                "wrong-type",
                f"'{name}' must be a list (one '- item' per line, or [a, b]), not a {_what(node)}.",
                mark_of(node),
                step=step,
            )
            return _BAD
        values = [item(child, problems, name, step) for child in node.value]
        if any(v is _BAD for v in values):
            return _BAD
        return tuple(values)

    return read


def _object(cls: type[Any]) -> Reader:
    def read(node: Node, problems: Problems, name: str, step: str | None) -> Any:
        return build_object(cls, node, problems, name, step)

    return read


def _step(node: Node, problems: Problems, name: str, step: str | None) -> Any:
    return build_step(node, problems)


def _reader_for(tp: Any) -> Reader:
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _reader_for(args[0])
    if origin is tuple:
        return _tuple_of(_reader_for(typing.get_args(tp)[0]))
    if tp is str:
        return _scalar
    if tp is dt.date:
        return _date
    if tp is bool:
        return _bool
    if tp is Step:
        return _step
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _object(tp)
    raise TypeError(f"no reader for {tp!r}")  # pragma: no cover - a model change without a reader


_SPECS: dict[type[Any], dict[str, _FieldSpec]] = {}


def field_specs(cls: type[Any]) -> dict[str, _FieldSpec]:
    """The YAML keys ``cls`` accepts, each with its reader (cached)."""
    specs = _SPECS.get(cls)
    if specs is None:
        hints = typing.get_type_hints(cls, vars(model))
        specs = {}
        for f in dataclasses.fields(cls):
            if f.metadata.get("internal"):
                continue
            no_default = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            specs[f.name] = _FieldSpec(
                f.name, _reader_for(hints[f.name]), no_default or bool(f.metadata.get("required"))
            )
        _SPECS[cls] = specs
    return specs


def _read_fields(
    cls: type[Any], node: MappingNode, problems: Problems, step: str | None, skip: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    specs = field_specs(cls)
    values: dict[str, Any] = {}
    marks: dict[str, Mark] = {}
    ok = True
    for key, value_node in node.value:
        name = key.value
        start = value_node.start_mark
        marks[name] = Mark(start.line + 1, start.column + 1)
        if name in skip:
            continue
        spec = specs.get(name)
        if spec is None:
            problems.add(
                "unknown-key",
                f"Unknown key '{name}'.{did_you_mean(name, [*specs, *skip])}",
                mark_of(key),
                step=step,
            )
            ok = False
            continue
        value = spec.read(value_node, problems, name, step)
        if value is _BAD:
            ok = False
        else:
            values[name] = value
    for spec in specs.values():
        if spec.required and spec.name not in values and not _reported_elsewhere(spec.name, node):
            problems.add("missing-key", f"'{spec.name}' is required here.", mark_of(node), step=step)
            ok = False
    if not ok:
        return None
    values["marks"] = marks
    return values


def _reported_elsewhere(name: str, node: MappingNode) -> bool:
    # A key that is present but was unreadable already has its own problem.
    return any(k.value == name for k, _ in node.value)


def build_object(cls: type[Any], node: Node, problems: Problems, name: str, step: str | None) -> Any:
    """Build a ``Link`` or ``Option`` (any small model class) from a mapping node."""
    if not isinstance(node, MappingNode):
        keys = ", ".join(field_specs(cls))
        problems.add(
            "wrong-type",
            f"Each item of '{name}' must be a mapping with keys like: {keys}.",
            mark_of(node),
            step=step,
        )
        return _BAD
    values = _read_fields(cls, node, problems, step)
    if values is None:
        return _BAD
    if cls is Link:
        del values["marks"]
    values["mark"] = mark_of(node)
    return cls(**values)


def _kind_and_id(node: MappingNode) -> tuple[ScalarNode | None, str | None]:
    kind_node: ScalarNode | None = None
    step_id: str | None = None
    for key, value in node.value:
        if key.value == "kind" and isinstance(value, ScalarNode):
            kind_node = value
        elif key.value == "id" and isinstance(value, ScalarNode):
            step_id = value.value
    return kind_node, step_id


def build_step(node: Node, problems: Problems) -> Any:
    """Build one step; its ``kind:`` picks the class."""
    if not isinstance(node, MappingNode):
        problems.add(
            "wrong-type", "Each step must be a mapping with at least id, kind and text.", mark_of(node)
        )
        return _BAD
    kind_node, step_id = _kind_and_id(node)
    if kind_node is None:
        problems.add(
            "missing-key",
            f"This step has no 'kind'. Use one of: {', '.join(STEP_KINDS)}.",
            mark_of(node),
            step=step_id,
        )
        return _BAD
    cls = STEP_KINDS.get(kind_node.value)
    if cls is None:
        problems.add(
            "unknown-kind",
            f"Unknown step kind '{kind_node.value}'.{did_you_mean(kind_node.value, STEP_KINDS)} "
            f"The kinds are: {', '.join(STEP_KINDS)}.",
            mark_of(kind_node),
            step=step_id,
        )
        return _BAD
    values = _read_fields(cls, node, problems, step_id, skip=("kind",))
    if values is None:
        return _BAD
    if cls.text_required and not values.get("text"):
        problems.add(
            "missing-key",
            f"A '{cls.kind}' step needs 'text': what the patient reads.",
            mark_of(node),
            step=step_id,
        )
        return _BAD
    return cls(**values, mark=mark_of(node))


def build_flow(root: Node, problems: Problems, path: str) -> Flow | None:
    """Build the flow in ``root``; None (with problems) if its shape is wrong."""
    if not isinstance(root, MappingNode):
        problems.add(
            "wrong-type",
            "A flow file must be a mapping with id, title, summary, steps and the rest.",
            mark_of(root),
        )
        return None
    for key, value in root.value:
        if key.value == "id" and isinstance(value, ScalarNode):
            problems.flow = value.value
    values = _read_fields(Flow, root, problems, None)
    if values is None:
        return None
    steps: tuple[Step, ...] = values.get("steps", ())
    index: dict[str, int] = {}
    for i, s in enumerate(steps):
        if s.id in index:
            first = steps[index[s.id]].mark
            where = f" (first at line {first.line})" if first else ""
            problems.add(
                "duplicate-step",
                f"Two steps are called '{s.id}'{where}. Step ids must be unique.",
                s.mark,
                step=s.id,
            )
            continue
        index[s.id] = i
    return Flow(**values, path=path, mark=mark_of(root), index=index)
