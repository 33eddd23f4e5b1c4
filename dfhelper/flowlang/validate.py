"""What a flow means, checked: one named check per kind of mistake.

`check_flow` looks at one flow on its own (targets, reachability, dead ends,
loops with no way out, templates, markup, facts, sources, plain English);
`check_library` looks across flows (calls and requires that name no flow, and
flows that call or require each other in a circle). Every problem names the
flow, the step and what to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from dfhelper.flowlang import markup, readability, templates
from dfhelper.flowlang.build import did_you_mean
from dfhelper.flowlang.facts import FACT_NAMES
from dfhelper.flowlang.model import (
    Call,
    Check,
    Choice,
    Circumstances,
    Escalate,
    Flow,
    FlowInfo,
    Option,
    Say,
    Step,
    TextInput,
)
from dfhelper.flowlang.sources import source_owner
from dfhelper.flowlang.texts import flow_texts
from dfhelper.problems import Mark, Problem, Problems, Severity

MAX_SENTENCE_WORDS = 20
"""The NHS content style guide's limit for a sentence."""

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
FLOW_ID_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n\s*[-*•]\s+")
WORD = re.compile(r"\{\{.*?\}\}|[^\s{}]+")


def answerable(flow: Flow) -> frozenset[str]:
    """Steps whose answer a condition may read as ``answers.<id>``."""
    return frozenset(s.id for s in flow.steps if isinstance(s, Choice | TextInput | Check))


def long_sentences(text: str) -> list[int]:
    """Word counts of the sentences in ``text`` longer than the limit."""
    if len(text.split()) <= MAX_SENTENCE_WORDS:  # cheap and never undercounts
        return []
    plain = markup.to_plain(text)
    counts = [len(WORD.findall(sentence)) for sentence in SENTENCE_END.split(plain)]
    return [n for n in counts if n > MAX_SENTENCE_WORDS]


def _text_line(mark: Mark | None, inner_line: int) -> Mark | None:
    if mark is None:
        return None
    if inner_line <= 1:
        return mark
    return Mark(mark.line + inner_line - 1, 1)


def check_flow(flow: Flow, problems: Problems) -> None:
    """Add to ``problems`` everything wrong with ``flow`` on its own.

    (A past ``review_by`` date is checked by the library, since it depends on the day.)
    """
    _check_ids(flow, problems)
    before = len(problems)
    _check_targets(flow, problems)
    if len(problems) == before:  # with a broken link the graph checks would only echo it
        _check_graph(flow, problems)
    _check_texts(flow, problems)
    _check_conditions(flow, problems)
    _check_facts(flow, problems)
    _check_sources(flow, problems)
    _check_counts(flow, problems)
    _check_reading_age(flow, problems)


def _check_ids(flow: Flow, problems: Problems) -> None:
    if not FLOW_ID_RE.match(flow.id):
        problems.add(
            "bad-id",
            f"Flow id '{flow.id}' must be lower case words joined by '-', like repeat-prescription.",
            flow.marks.get("id"),
        )
    stem = Path(flow.path).stem
    if flow.path and stem != flow.id:
        problems.add(
            "id-not-file-name",
            f"The flow id '{flow.id}' must match the file name '{stem}'. Rename one of them.",
            flow.marks.get("id"),
        )
    for step in flow.steps:
        if not ID_RE.match(step.id):
            problems.add(
                "bad-id",
                f"Step id '{step.id}' must be lower case letters, digits and _, starting with a letter.",
                step.marks.get("id"),
                step=step.id,
            )
        if isinstance(step, Choice | TextInput):
            seen: dict[str, Option] = {}
            for option in step.options:
                if not ID_RE.match(option.value):
                    problems.add(
                        "bad-id",
                        f"Answer value '{option.value}' must be lower case letters, digits and _.",
                        option.marks.get("value", option.mark),
                        step=step.id,
                    )
                if option.value in seen:
                    problems.add(
                        "duplicate-value",
                        f"Two answers of step '{step.id}' have the value '{option.value}'.",
                        option.mark,
                        step=step.id,
                    )
                seen[option.value] = option
        if isinstance(step, Escalate) and not ID_RE.match(step.reason):
            problems.add(
                "bad-id",
                f"Reason '{step.reason}' must be lower case letters, digits and _.",
                step.marks.get("reason"),
                step=step.id,
            )


def _targets_with_marks(step: Step) -> Iterator[tuple[str, str | None, Mark | None]]:
    """(key, target, where) for each place ``step`` may lead."""
    if isinstance(step, Choice | TextInput):
        for option in step.options:
            yield f"option '{option.value}'", option.next, option.marks.get("next", option.mark)
        if isinstance(step, TextInput) and step.no_match:
            yield "no_match", step.no_match, step.marks.get("no_match")
    elif isinstance(step, Check):
        yield "next", step.next, step.marks.get("next", step.mark)
        yield "no", step.no, step.marks.get("no")
    elif isinstance(step, Say | Circumstances | Call):
        yield "next", step.next, step.marks.get("next", step.mark)


def _check_targets(flow: Flow, problems: Problems) -> None:
    if flow.start is not None and flow.start not in flow.index:
        problems.add(
            "unknown-next",
            f"start is '{flow.start}', which is not a step.{did_you_mean(flow.start, flow.index)}",
            flow.marks.get("start"),
        )
    for step in flow.steps:
        for key, target, mark in _targets_with_marks(step):
            if target is None:
                if flow.following(step.id) is None:
                    problems.add(
                        "dead-end",
                        f"Step '{step.id}' is the last step, so its {key} has nowhere to go. "
                        "Add 'next:', or make it an end or escalate step.",
                        mark,
                        step=step.id,
                    )
            elif target not in flow.index:
                problems.add(
                    "unknown-next",
                    f"Step '{step.id}' ({key}) goes to '{target}', which does not exist."
                    f"{did_you_mean(target, flow.index)}",
                    mark,
                    step=step.id,
                )
        if step.when is not None and not step.terminal and flow.following(step.id) is None:
            problems.add(
                "dead-end",
                f"Step '{step.id}' has a condition and is the last step: when it is skipped there is "
                "nowhere to go. Move it, or add a step after it.",
                step.marks.get("when"),
                step=step.id,
            )
        if step.when is not None and step.terminal and flow.following(step.id) is None:
            problems.add(
                "dead-end",
                f"Step '{step.id}' has a condition and is the last step: when it is skipped there is "
                "nowhere to go. Add a step after it.",
                step.marks.get("when"),
                step=step.id,
            )


def successors(flow: Flow, step: Step) -> set[str]:
    """Where a patient can go from ``step`` (including by skipping it)."""
    out: set[str] = set()
    for target in step.targets():
        resolved = flow.resolve(step.id, target)
        if resolved is not None and resolved in flow.index:
            out.add(resolved)
    if step.when is not None:
        following = flow.following(step.id)
        if following is not None:
            out.add(following)
    return out


def _check_graph(flow: Flow, problems: Problems) -> None:
    if not flow.steps or flow.start_step not in flow.index:
        return
    edges = {step.id: successors(flow, step) for step in flow.steps}
    reachable = _reach(flow.start_step, edges)
    for step in flow.steps:
        if step.id not in reachable:
            problems.add(
                "unreachable",
                f"Step '{step.id}' can never be reached from the start. Link to it, or remove it.",
                step.mark,
                step=step.id,
            )
    reverse: dict[str, set[str]] = {s.id: set() for s in flow.steps}
    for source, targets in edges.items():
        for target in targets:
            reverse[target].add(source)
    finishing = set()
    for step in flow.steps:
        if step.terminal:
            finishing |= _reach(step.id, reverse)
    for step in flow.steps:
        if step.id in reachable and step.id not in finishing and not step.terminal:
            problems.add(
                "no-way-out",
                f"From step '{step.id}' there is no way to reach an end or escalate step: "
                "the patient would go round in circles. Add a way out (often an escalate step).",
                step.mark,
                step=step.id,
            )


def _reach(start: str, edges: Mapping[str, Iterable[str]]) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _check_texts(flow: Flow, problems: Problems) -> None:
    names = templates.Names(facts=FACT_NAMES, answers=answerable(flow))
    for item in flow_texts(flow):
        step_id, key, text, mark = item.step, item.field, item.text, item.mark
        for issue in markup.check(text):
            problems.add("markup", issue.message, mark, step=step_id)
        if templates.has_template(text):
            for t in templates.lint(text, names):
                problems.add(t.code, t.message, _text_line(mark, t.line), step=step_id)
        if not item.sentences:
            continue
        for words in long_sentences(text):
            problems.warn(
                "long-sentence",
                f"A sentence in {key} has {words} words; keep sentences to {MAX_SENTENCE_WORDS} or fewer.",
                mark,
                step=step_id,
            )


def _check_conditions(flow: Flow, problems: Problems) -> None:
    names = templates.Names(facts=FACT_NAMES, answers=answerable(flow))
    for step in flow.steps:
        if step.when is None:
            continue
        for t in templates.lint(step.when, names, expression=True):
            problems.add(t.code, t.message, step.marks.get("when"), step=step.id)


def _fact_problem(entry: str) -> str | None:
    name = entry[4:].strip() if entry.startswith("not ") else entry.strip()
    if name in FACT_NAMES:
        return None
    return f"'{name}' is not a fact.{did_you_mean(name, FACT_NAMES)} Facts: {', '.join(sorted(FACT_NAMES))}."


def _check_facts(flow: Flow, problems: Problems) -> None:
    for entry in flow.suits:
        if (why := _fact_problem(entry)) is not None:
            problems.add("unknown-fact", why, flow.marks.get("suits"))
    for step in flow.steps:
        if isinstance(step, Circumstances):
            for name in step.facts:
                if name not in FACT_NAMES:
                    problems.add(
                        "unknown-fact",
                        f"'{name}' is not a fact.{did_you_mean(name, FACT_NAMES)}",
                        step.marks.get("facts"),
                        step=step.id,
                    )
        if isinstance(step, Choice | TextInput):
            for option in step.options:
                for entry in option.sets:
                    if (why := _fact_problem(entry)) is not None:
                        problems.add("unknown-fact", why, option.marks.get("sets", option.mark), step=step.id)


def _check_sources(flow: Flow, problems: Problems) -> None:
    def check(url: str, mark: Mark | None, step: str | None, *, source: bool = True) -> bool:
        if not url.startswith("https://") or " " in url:
            problems.add("bad-url", f"'{url}' must be a full https:// web address.", mark, step=step)
            return False
        if source and source_owner(url) is None:
            problems.warn(
                "unofficial-source",
                f"'{url}' is not on an NHS, GOV.UK or listed charity site; cite the official page "
                "(see docs/writing-flows.md).",
                mark,
                step=step,
            )
        return True

    listed = set(flow.sources)
    for url in flow.sources:
        check(url, flow.marks.get("sources"), None)
    for step in flow.steps:
        for url in step.sources:
            if check(url, step.marks.get("sources"), step.id) and url not in listed:
                problems.warn(
                    "source-not-listed",
                    f"'{url}' is cited by this step but missing from the flow's sources list.",
                    step.marks.get("sources"),
                    step=step.id,
                )
        for link in step.links:
            check(link.url, link.mark, step.id, source=False)


def _check_reading_age(flow: Flow, problems: Problems) -> None:
    items = [item for item in flow_texts(flow) if item.sentences]
    overall = readability.measure(item.text for item in items)
    if overall.words < readability.MIN_WORDS or overall.reading_age <= readability.MAX_READING_AGE:
        return
    hardest = max(items, key=lambda item: readability.measure([item.text]).reading_age)
    problems.warn(
        "reading-age",
        f"The flow's reading age is about {overall.reading_age:.1f}; aim for "
        f"{readability.MAX_READING_AGE:.0f} or less with shorter sentences and words. "
        f"Hardest: {hardest.field} of {hardest.step or 'the flow'}.",
        flow.mark,
    )


def _check_counts(flow: Flow, problems: Problems) -> None:
    if not flow.steps:
        problems.add("missing-key", "A flow needs at least one step.", flow.marks.get("steps", flow.mark))
    if not flow.sources:
        problems.add(
            "no-sources",
            "A flow must list the public pages its facts come from in 'sources'.",
            flow.marks.get("sources", flow.mark),
        )
    for step in flow.steps:
        if isinstance(step, Choice) and len(step.options) < 2:
            problems.add(
                "too-few-options", f"Choice '{step.id}' needs at least two options.", step.mark, step=step.id
            )
        elif isinstance(step, TextInput) and not step.options:
            problems.add(
                "too-few-options",
                f"Text step '{step.id}' needs at least one option.",
                step.mark,
                step=step.id,
            )
        elif isinstance(step, Circumstances) and not step.facts:
            problems.add(
                "too-few-options",
                f"Step '{step.id}' must list the facts to ask about.",
                step.mark,
                step=step.id,
            )


def check_library(infos: Mapping[str, FlowInfo]) -> list[Problem]:
    """Problems across flows: calls and requires that name no flow, and circles of them."""
    problems: list[Problem] = []
    for info in infos.values():
        where = info.refs_at
        for kind, targets in (("calls", info.calls), ("requires", info.requires)):
            for target in targets:
                if target not in infos:
                    mark = where.get(f"{kind}:{target}")
                    problems.append(
                        Problem(
                            path=info.path,
                            message=f"'{target}' (in {kind}) is not a flow.{did_you_mean(target, infos)}",
                            code="unknown-flow",
                            line=mark.line if mark else None,
                            column=mark.column if mark else None,
                            flow=info.id,
                        )
                    )
    edges = {i.id: [t for t in (*i.calls, *i.requires) if t in infos] for i in infos.values()}
    for cycle in _cycles(edges):
        first = infos[cycle[0]]
        problems.append(
            Problem(
                path=first.path,
                message="These flows call or require each other in a circle: "
                + " → ".join([*cycle, cycle[0]])
                + ". Break the circle.",
                code="flow-cycle",
                severity=Severity.ERROR,
                flow=first.id,
            )
        )
    return problems


def _cycles(edges: Mapping[str, list[str]]) -> list[list[str]]:
    """One representative cycle per strongly connected component (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in edges.get(v, ()):
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found
