"""Every piece of flow text a patient may see, each with its stable key.

This is the one list of what is translated. The checks read it (markup,
templates, sentence length), the Babel extractor writes it into catalogs, and
the engine looks each text up by the same key, so the three can never
disagree. A key is ``flow:step:field`` (step empty for the flow's own fields);
ids and values in it never change with the language.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from dfhelper.flowlang.model import Check, Choice, End, Flow, TextInput
from dfhelper.problems import Mark


class FlowText(NamedTuple):
    """One translatable text."""

    step: str | None
    field: str
    """``text``, ``help``, ``question``, ``option.<value>.text``, ``option.<value>.match.<n>``,
    ``link.<n>``, ``what_next.<n>``; for the flow: ``title``, ``summary``, ``keyword.<n>``."""
    text: str
    mark: Mark | None
    note: str | None = None
    """A note for translators (the step's help, so they know what the step is about)."""
    sentences: bool = True
    """Whether plain-English sentence checks apply (not to keywords and match phrases)."""


def flow_texts(flow: Flow) -> Iterator[FlowText]:
    """Every translatable text of ``flow``, in file order."""
    yield FlowText(None, "title", flow.title, flow.marks.get("title"))
    yield FlowText(None, "summary", flow.summary, flow.marks.get("summary"))
    for i, keyword in enumerate(flow.keywords):
        yield FlowText(None, f"keyword.{i}", keyword, flow.marks.get("keywords"), sentences=False)
    for step in flow.steps:
        note = step.help
        if step.text:
            yield FlowText(step.id, "text", step.text, step.marks.get("text"), note)
        if step.help:
            yield FlowText(step.id, "help", step.help, step.marks.get("help"))
        if isinstance(step, Check) and step.question:
            yield FlowText(step.id, "question", step.question, step.marks.get("question"), note)
        if isinstance(step, Choice | TextInput):
            for option in step.options:
                where = option.marks.get("text", option.mark)
                yield FlowText(step.id, f"option.{option.value}.text", option.text, where, note)
                for n, phrase in enumerate(option.match):
                    yield FlowText(
                        step.id,
                        f"option.{option.value}.match.{n}",
                        phrase,
                        option.marks.get("match", where),
                        note,
                        sentences=False,
                    )
        for n, link in enumerate(step.links):
            yield FlowText(step.id, f"link.{n}", link.text, link.mark, note)
        if isinstance(step, End):
            for n, item in enumerate(step.what_next):
                yield FlowText(step.id, f"what_next.{n}", item, step.marks.get("what_next"), note)
