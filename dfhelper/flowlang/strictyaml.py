"""Strict YAML reading: a node tree with positions, and every surprise an error.

PyYAML's ``safe_load`` is too forgiving for files that decide what a patient is
told: duplicate keys silently keep the last value, ``no`` becomes ``False``,
``0123`` becomes 83 and ``12:30`` becomes 750, aliases can make a tiny file
expand to billions of values, and deep nesting ends in a bare RecursionError.

Here libyaml (the C parser) composes a node tree, with a resolver that types
every plain scalar as text; then one pass over the tree rejects what we do not
allow. The flow builder reads the nodes directly, so positions are never lost.

Rejected, each with ``file:line:column`` and a sentence an author understands:
files over `MAX_BYTES`, text that is not UTF-8, YAML syntax errors, explicit
tags (``!!python/object`` and friends), anchors and aliases, nesting deeper
than `MAX_DEPTH`, duplicate keys and non-text keys. A byte-order mark and CRLF
line endings are fine.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dfhelper.problems import Mark, Problems

try:  # libyaml is nearly always there; the pure-Python parser is the fallback.
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


MAX_BYTES = 512 * 1024
"""The largest flow file accepted. Real flows are a few kilobytes."""

MAX_DEPTH = 32
"""The deepest nesting of mappings and lists accepted."""

STR_TAG = "tag:yaml.org,2002:str"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"


class _Loader(_Parser):
    """libyaml's composer with a resolver that makes every untagged node plain text."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.yaml_path_resolvers: dict[object, object] = {}

    def resolve(self, kind: type[Node], value: object, implicit: object) -> str:
        # No implicit typing at all: `no`, `0123`, `12:30` and `2027-01-01` stay text.
        if kind is ScalarNode:
            return STR_TAG
        if kind is SequenceNode:
            return SEQ_TAG
        return MAP_TAG

    # libyaml's composer calls these around each node; path resolvers are off.
    def descend_resolver(self, current_node: object, current_index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


def mark_of(node: Node) -> Mark:
    """The 1-based position where ``node`` starts."""
    m = node.start_mark
    return Mark(m.line + 1, m.column + 1)


@dataclass(slots=True)
class Document:
    """A strictly read YAML file."""

    root: Node | None
    """The top node, or None if the file could not be read."""

    text: str
    """The decoded text (empty if it could not be decoded)."""


def decode(data: bytes, problems: Problems) -> str | None:
    """UTF-8 (with or without a byte-order mark), or a problem naming the bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        before = data[: err.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        problems.add(
            "not-utf8",
            f"This file is not saved as UTF-8 text (byte 0x{data[err.start]:02x} cannot be read). "
            "Save it as UTF-8 in your editor.",
            Mark(line, column),
        )
        return None


def read(data: bytes, problems: Problems) -> Document:
    """Read YAML bytes strictly; problems are added to ``problems``."""
    if len(data) > MAX_BYTES:
        problems.add(
            "too-large",
            f"This file is {len(data) // 1024} KiB; the most allowed is {MAX_BYTES // 1024} KiB. "
            "Split it into smaller flows.",
            Mark(1, 1),
        )
        return Document(None, "")
    text = decode(data, problems)
    if text is None:
        return Document(None, "")
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else None
        what = err.problem or "this is not valid YAML"
        if "nesting depth" in what:
            what = f"this is nested too deeply (more than {MAX_DEPTH} levels)"
        elif "document" in what and "single" in what:
            what = "a flow file holds one document; remove the extra '---'"
        problems.add("yaml-syntax", f"YAML error: {what}.", where)
        return Document(None, text)
    except (yaml.YAMLError, RecursionError) as err:  # pragma: no cover - libyaml reports marks
        problems.add("yaml-syntax", f"YAML error: {type(err).__name__}.", Mark(1, 1))
        return Document(None, text)
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
    if root is None:
        problems.add("empty", "This file is empty.", Mark(1, 1))
        return Document(None, text)
    if not _check_tree(root, problems):
        return Document(None, text)
    return Document(root, text)


def _check_tree(root: Node, problems: Problems) -> bool:
    """Reject aliases, tags, depth and bad keys in one pass; True when clean."""
    seen: set[int] = set()
    stack: list[tuple[Node, int]] = [(root, 1)]
    ok = True
    while stack:
        node, depth = stack.pop()
        ident = id(node)
        if ident in seen:
            problems.add(
                "alias",
                "Anchors and aliases (& and *) are not allowed. "
                "Write the value out in full where it is used.",
                mark_of(node),
            )
            return False  # stop at once: an alias bomb must not be walked
        seen.add(ident)
        if depth > MAX_DEPTH:
            problems.add(
                "too-deep", f"This is nested too deeply (more than {MAX_DEPTH} levels).", mark_of(node)
            )
            return False
        if isinstance(node, ScalarNode):
            if node.tag != STR_TAG:
                problems.add("tag", _tag_message(node.tag), mark_of(node))
                ok = False
        elif isinstance(node, SequenceNode):
            if node.tag != SEQ_TAG:
                problems.add("tag", _tag_message(node.tag), mark_of(node))
                ok = False
            stack.extend((child, depth + 1) for child in reversed(node.value))
        elif isinstance(node, MappingNode):
            if node.tag != MAP_TAG:
                problems.add("tag", _tag_message(node.tag), mark_of(node))
                ok = False
            first: dict[str, Node] = {}
            for key, value in node.value:
                if not isinstance(key, ScalarNode):
                    problems.add(
                        "bad-key", "A key must be plain text, not a list or a mapping.", mark_of(key)
                    )
                    ok = False
                    continue
                if key.value in first:
                    was = mark_of(first[key.value])
                    problems.add(
                        "duplicate-key",
                        f"Duplicate key '{key.value}' (first at line {was.line}). Keep only one.",
                        mark_of(key),
                    )
                    ok = False
                else:
                    first[key.value] = key
                if key.tag != STR_TAG:
                    problems.add("tag", _tag_message(key.tag), mark_of(key))
                    ok = False
                stack.append((value, depth + 1))
    return ok


def _tag_message(tag: str) -> str:
    short = tag.replace("tag:yaml.org,2002:", "!!")
    return f"YAML tags such as '{short}' are not allowed in flows. Remove the tag; write plain text."
