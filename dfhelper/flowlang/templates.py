"""Flow text and conditions: Jinja, sandboxed, strict, and checked before use.

Flow files are semi-trusted: written by practice staff, reviewed, but not code.
So templates run in Jinja's `ImmutableSandboxedEnvironment` with
`StrictUndefined`, over a small allow-listed context (`CONTEXT_NAMES`), with
only a few harmless filters and no globals, loaders, includes or imports.
On top of the sandbox, `lint` rejects at load time what the sandbox would only
stop at run time (attributes starting with ``_``, method calls, unknown names),
so an author hears about it from ``dfhelper validate`` and a patient never does.

Templates and conditions are compiled once per distinct source text, on first
use, and shared by every session.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

log = logging.getLogger(__name__)

PRACTICE_FIELDS = frozenset(
    {"name", "phone", "opening_hours", "online_form_name", "appointments_online", "website"}
)
"""What flow text may use from the practice configuration (``practice.<field>``)."""

HELPERS = frozenset({"format_date", "format_time", "format_number"})
"""Locale-aware formatting functions flow text may call."""

CONTEXT_NAMES = frozenset({"facts", "answers", "practice"}) | HELPERS
"""Every name a template or condition may use."""

ALLOWED_FILTERS = frozenset(
    {
        "upper",
        "lower",
        "capitalize",
        "title",
        "trim",
        "length",
        "default",
        "join",
        "first",
        "last",
        "replace",
        "round",
        "int",
        "string",
    }
)
ALLOWED_TESTS = frozenset(
    {"none", "true", "false", "defined", "undefined", "eq", "ne", "in", "number", "string"}
)

_FORBIDDEN_NODES: tuple[tuple[type[nodes.Node], str], ...] = (
    (nodes.Include, "'include' is not allowed in flow text"),
    (nodes.Import, "'import' is not allowed in flow text"),
    (nodes.FromImport, "'import' is not allowed in flow text"),
    (nodes.Extends, "'extends' is not allowed in flow text"),
    (nodes.Macro, "macros are not allowed in flow text"),
    (nodes.CallBlock, "'call' blocks are not allowed in flow text"),
    (nodes.Block, "blocks are not allowed in flow text"),
    (nodes.Assign, "'set' is not allowed in flow text"),
    (nodes.AssignBlock, "'set' is not allowed in flow text"),
    (nodes.For, "loops are not allowed in flow text"),
    (nodes.FilterBlock, "filter blocks are not allowed in flow text"),
    (nodes.With, "'with' is not allowed in flow text"),
)

TEMPLATE_START = re.compile(r"\{[{%#]")


def has_template(text: str) -> bool:
    """True when ``text`` uses Jinja syntax; plain text skips Jinja entirely."""
    return TEMPLATE_START.search(text) is not None


def _make_env() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        cache_size=0,
    )
    env.filters = {k: v for k, v in env.filters.items() if k in ALLOWED_FILTERS}
    env.tests = {k: v for k, v in env.tests.items() if k in ALLOWED_TESTS}
    env.globals = {}
    return env


ENV = _make_env()


@dataclass(frozen=True, slots=True)
class TemplateIssue:
    """Something wrong with one template, at a line within it (1-based)."""

    code: str
    message: str
    line: int = 1


@dataclass(frozen=True, slots=True)
class Names:
    """What a template may refer to, for the checks in `lint`."""

    facts: frozenset[str]
    answers: frozenset[str]
    practice: frozenset[str] = PRACTICE_FIELDS


def _suggest(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


_SIMPLE_REF = r"(facts|answers|practice)\.([a-z][a-z0-9_]*)"
_SIMPLE_TEMPLATE = re.compile(r"\{\{\s*" + _SIMPLE_REF + r"\s*\}\}")
_SIMPLE_CONDITION = re.compile(r"\s*(?:not\s+)?" + _SIMPLE_REF + r"(?:\s*[!=]=\s*'[a-z0-9_]*')?\s*")


def _lint_simple(source: str, names: Names, *, expression: bool) -> list[TemplateIssue] | None:
    """The common cases (``{{ practice.name }}``, ``not facts.x``) checked without Jinja's parser.

    None when ``source`` is anything else, so the full check runs.
    """
    if expression:
        match = _SIMPLE_CONDITION.fullmatch(source)
        refs = [(match.group(1), match.group(2))] if match else None
    else:
        rest = _SIMPLE_TEMPLATE.sub("", source)
        refs = None if TEMPLATE_START.search(rest) or "}}" in rest else _SIMPLE_TEMPLATE.findall(source)
    if refs is None:
        return None
    issues: list[TemplateIssue] = []
    for base, attr in refs:
        table = {"facts": names.facts, "answers": names.answers, "practice": names.practice}[base]
        if attr not in table:
            issues.extend(
                _check_attribute(nodes.Getattr(nodes.Name(base, "load"), attr, "load"), attr, names, 1)
            )
    return issues


def lint(source: str, names: Names, *, expression: bool = False) -> list[TemplateIssue]:
    """Check a template (or, with ``expression``, a condition) without running it."""
    simple = _lint_simple(source, names, expression=expression)
    if simple is not None:
        return simple
    try:
        if expression:
            tree: nodes.Node = ENV.parse("{{ (" + source + ") }}")
        else:
            tree = ENV.parse(source)
    except TemplateSyntaxError as err:
        return [TemplateIssue("template-syntax", f"Template error: {err.message}.", err.lineno or 1)]
    issues: list[TemplateIssue] = []
    for node in tree.find_all(nodes.Node):
        line = getattr(node, "lineno", 1) or 1
        for cls, why in _FORBIDDEN_NODES:
            if isinstance(node, cls):
                issues.append(TemplateIssue("template-forbidden", why + ".", line))
        if isinstance(node, nodes.Name) and node.ctx == "load" and node.name not in CONTEXT_NAMES:
            issues.append(
                TemplateIssue(
                    "undefined-name",
                    f"'{node.name}' is not defined.{_suggest(node.name, CONTEXT_NAMES)} "
                    f"Flow text may use: {', '.join(sorted(CONTEXT_NAMES))}.",
                    line,
                )
            )
        elif isinstance(node, nodes.Getattr):
            issues.extend(_check_attribute(node, node.attr, names, line))
        elif isinstance(node, nodes.Getitem):
            arg = node.arg
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                issues.extend(_check_attribute(node, arg.value, names, line))
            elif isinstance(node.node, nodes.Name) and node.node.name in {"facts", "answers", "practice"}:
                issues.append(
                    TemplateIssue(
                        "template-forbidden", "Use a fixed name after a dot, like facts.has_photo_id.", line
                    )
                )
        elif isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            issues.append(
                TemplateIssue("template-forbidden", f"The filter '{node.name}' is not allowed.", line)
            )
        elif isinstance(node, nodes.Test) and node.name not in ALLOWED_TESTS:
            issues.append(
                TemplateIssue("template-forbidden", f"The test '{node.name}' is not allowed.", line)
            )
        elif isinstance(node, nodes.Call) and not (
            isinstance(node.node, nodes.Name) and node.node.name in HELPERS
        ):
            issues.append(
                TemplateIssue(
                    "template-forbidden",
                    f"Only these functions may be called: {', '.join(sorted(HELPERS))}.",
                    line,
                )
            )
    return issues


def _check_attribute(
    node: nodes.Getattr | nodes.Getitem, attr: str, names: Names, line: int
) -> list[TemplateIssue]:
    if attr.startswith("_"):
        return [
            TemplateIssue("template-forbidden", f"Names starting with '_' are not allowed ('{attr}').", line)
        ]
    base = node.node
    if not isinstance(base, nodes.Name):
        return []
    table = {"facts": names.facts, "answers": names.answers, "practice": names.practice}.get(base.name)
    if table is None or attr in table:
        return []
    what = {"facts": "fact", "answers": "answerable step in this flow", "practice": "practice setting"}[
        base.name
    ]
    return [
        TemplateIssue(
            "undefined-name",
            f"'{base.name}.{attr}': there is no {what} called '{attr}'.{_suggest(attr, table)}",
            line,
        )
    ]


@functools.lru_cache(maxsize=4096)
def compile_template(source: str) -> Callable[[Mapping[str, Any]], str]:
    """The compiled template for ``source`` (cached by source text)."""
    template = ENV.from_string(source)
    return template.render


@functools.lru_cache(maxsize=4096)
def compile_condition(source: str) -> Callable[..., Any]:
    """The compiled condition for ``source`` (cached by source text)."""
    return ENV.compile_expression(source, undefined_to_none=False)


def make_helpers(locale: str) -> dict[str, Callable[..., str]]:
    """Babel formatting helpers bound to ``locale``, for templates."""
    from babel import dates as babel_dates  # imported when first needed: it is slow to import
    from babel import numbers as babel_numbers

    def format_date(value: dt.date | str, format: str = "long") -> str:
        day = dt.date.fromisoformat(value) if isinstance(value, str) else value
        return str(babel_dates.format_date(day, format=format, locale=locale))

    def format_time(value: dt.time | str, format: str = "short") -> str:
        moment = dt.time.fromisoformat(value) if isinstance(value, str) else value
        return str(babel_dates.format_time(moment, format=format, locale=locale))

    def format_number(value: float | int) -> str:
        return str(babel_numbers.format_decimal(value, locale=locale, numbering_system="default"))

    return {"format_date": format_date, "format_time": format_time, "format_number": format_number}


_EXPR = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def render(source: str, context: Mapping[str, Any], *, where: str) -> str:
    """Render flow text. On any error, log it (ids only) and show the text with gaps, never blank."""
    if not has_template(source):
        return source
    try:
        return compile_template(source)(context).strip()
    except Exception as err:  # a template error must never reach the patient as a crash
        log.error("template failed at %s: %s", where, type(err).__name__)
        return _EXPR.sub("…", source).strip()


def evaluate(source: str, context: Mapping[str, Any], *, where: str) -> bool:
    """Evaluate a condition; an error counts as false and is logged (ids only)."""
    try:
        return bool(compile_condition(source)(**context))
    except Exception as err:
        log.error("condition failed at %s: %s", where, type(err).__name__)
        return False
