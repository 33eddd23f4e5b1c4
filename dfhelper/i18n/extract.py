"""A Babel extractor for flow files, so ``pybabel extract`` and ``dfhelper i18n extract`` find flow text.

Registered as the ``dfhelper_flows`` entry point in ``babel.extractors``. Each
message gets a context ``flow:step:field`` (the same key the engine looks it
up by) and translator comments saying what it is and carrying the step's
help. A flow that cannot be read yields nothing: ``dfhelper validate`` reports
why.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from dfhelper.engine.text import msg_context
from dfhelper.flowlang import build, strictyaml
from dfhelper.flowlang.texts import flow_texts
from dfhelper.problems import Problems

Extracted = tuple[int, str, tuple[str, str], list[str]]


def extract_flows(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Yield ``(line, "pgettext", (context, text), comments)`` for every text in one flow file."""
    name = str(getattr(fileobj, "name", "<flow>"))
    problems = Problems(name)
    document = strictyaml.read(fileobj.read(), problems)
    if document.root is None:
        return
    flow = build.build_flow(document.root, problems, name)
    if flow is None:
        return
    for item in flow_texts(flow):
        where = f"step {item.step}" if item.step else "the flow"
        comments = [f"{item.field} of {where} in flow {flow.id}."]
        if not item.sentences:  # keywords and match phrases
            comments.append("Words a patient might type. Add more, separated by ' | '.")
        if item.note:
            comments.append(f"Step help: {item.note}")
        line = item.mark.line if item.mark else 0
        yield line, "pgettext", (msg_context(flow.id, item.step, item.field), item.text), comments
