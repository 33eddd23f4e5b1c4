"""The JSON Schema of the flow format, made from the model's own fields and docs.

``dfhelper schema > flow.schema.json``, then start a flow file with
``# yaml-language-server: $schema=flow.schema.json`` and an editor with the
YAML language server checks the flow as it is typed. The schema checks shape
only; ``dfhelper validate`` checks meaning (targets, reachability, templates).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from typing import Any

from dfhelper.flowlang import model
from dfhelper.flowlang.facts import FACTS
from dfhelper.flowlang.model import STEP_KINDS, Flow, Step

SCHEMA_ID = "https://dfhelper.invalid/flow.schema.json"


def _type_schema(tp: Any) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _type_schema(args[0])
    if origin is tuple:
        return {"type": "array", "items": _type_schema(typing.get_args(tp)[0])}
    if tp is str:
        return {"type": "string"}
    if tp is dt.date:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    if tp is bool:  # editors read `true` as a boolean; the strict loader reads it as the text "true"
        return {"enum": [True, False, "true", "false"]}
    if tp is Step:
        return {"$ref": "#/$defs/step"}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return {"$ref": f"#/$defs/{tp.__name__.lower()}"}
    raise TypeError(tp)  # pragma: no cover


def _object_schema(cls: type[Any], *, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    hints = typing.get_type_hints(cls, vars(model))
    properties: dict[str, Any] = dict(extra or {})
    required: list[str] = []
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal"):
            continue
        prop = _type_schema(hints[f.name])
        if "doc" in f.metadata:
            prop["description"] = f.metadata["doc"]
        if "pattern" in f.metadata:
            prop["pattern"] = f.metadata["pattern"]
        if "min_items" in f.metadata:
            prop["minItems"] = f.metadata["min_items"]
        properties[f.name] = prop
        no_default = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if no_default or f.metadata.get("required"):
            required.append(f.name)
    schema: dict[str, Any] = {
        "type": "object",
        "description": (cls.__doc__ or "").strip().splitlines()[0],
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def flow_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) for one flow file."""
    fact_names = [f.name for f in FACTS]
    steps: list[dict[str, Any]] = []
    for kind, cls in STEP_KINDS.items():
        step = _object_schema(cls, extra={"kind": {"const": kind, "description": "The step kind."}})
        step["required"] = ["kind", *step.get("required", [])]
        if cls.text_required and "text" not in step["required"]:
            step["required"].append("text")
        if kind == "circumstances":
            step["properties"]["facts"]["items"] = {"enum": fact_names}
        steps.append(step)
    fact_entry = {"type": "string", "pattern": "^(not )?(" + "|".join(fact_names) + ")$"}
    flow = _object_schema(Flow)
    flow["properties"]["suits"]["items"] = fact_entry
    option = _object_schema(model.Option)
    option["properties"]["sets"]["items"] = fact_entry
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "dfhelper flow",
        **flow,
        "$defs": {
            "step": {"oneOf": steps},
            "option": option,
            "link": _object_schema(model.Link),
        },
    }
