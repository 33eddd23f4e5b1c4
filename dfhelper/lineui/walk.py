"""The plain, line-by-line front end: ``dfhelper walk``.

One step at a time on standard output, answers read line by line from
standard input. It is how flows are tested from outside (``--format jsonl``),
how a facilitator tries a flow quickly, and the mode for screen-reader users,
who are poorly served by full-screen terminal apps: plain lines, numbered
answers, no boxes or colour.

Answer with the number of an answer (or its value). At any step:
``back``, ``help``, ``stuck`` (ask for a person) or ``restart``. At the end
of input it stops cleanly and says where it stopped.

Nothing the patient types is echoed back or kept: for ``text`` steps it is
matched and dropped.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from dfhelper.engine import matching
from dfhelper.engine import text as t
from dfhelper.engine.session import InvalidAnswer, Session, StepView
from dfhelper.flowlang import markup
from dfhelper.safety.redflags import KINDS_BY_NAME, Hit, RedFlags

COMMANDS = {
    "back": "back",
    "b": "back",
    "help": "help",
    "h": "help",
    "?": "help",
    "stuck": "stuck",
    "restart": "restart",
}
HINT = "Type a number and press Enter. You can also type: back, help, stuck (ask for a person) or restart."


@dataclass
class WalkResult:
    """How a walk ended."""

    outcome: str
    """``end``, ``escalate``, ``stopped`` (end of input) or ``limit`` (random walk too long)."""

    flow: str
    step: str
    reason: str | None = None
    steps: int = 0


class _Out:
    def __init__(self, stream: TextIO, fmt: str) -> None:
        self.stream = stream
        self.fmt = fmt

    def line(self, text: str = "") -> None:
        if self.fmt == "text":
            self.stream.write(text + "\n")

    def json(self, obj: dict[str, Any]) -> None:
        if self.fmt == "jsonl":
            self.stream.write(json.dumps(obj, ensure_ascii=False) + "\n")
            self.stream.flush()


def _plain(text: str) -> str:
    return markup.to_plain(text)


def step_record(view: StepView) -> dict[str, Any]:
    """The JSON object printed for one step shown."""
    record: dict[str, Any] = {
        "event": "step",
        "flow": view.flow,
        "step": view.step,
        "kind": view.kind,
        "text": _plain(view.text.text),
        "options": [
            {"key": str(i), "value": o.value, "text": _plain(o.text.text)}
            for i, o in enumerate(view.options, 1)
        ],
        "progress": {"position": view.progress.position, "estimate": view.progress.estimate},
    }
    if view.question is not None:
        record["question"] = _plain(view.question.text)
    if view.facts:
        record["facts"] = [
            {"key": str(i), "fact": f.name, "text": _plain(f.text.text), "value": f.value}
            for i, f in enumerate(view.facts, 1)
        ]
    if view.links:
        record["links"] = [{"url": link.url, "text": _plain(link.text.text)} for link in view.links]
    if view.notice is not None:
        record["notice"] = _plain(view.notice.text)
    if view.offer_help:
        record["offer_help"] = True
    return record


def _show_text(out: _Out, view: StepView) -> None:
    out.line()
    out.line(f"Step {view.progress.position} of about {view.progress.estimate}")
    if view.notice is not None:
        out.line(_plain(view.notice.text))
    out.line(_plain(view.text.text))
    for link in view.links:
        out.line(f"Web address: {_plain(link.text.text)}: {link.url}")
    if view.question is not None:
        out.line(_plain(view.question.text))
    if view.facts:
        for i, f in enumerate(view.facts, 1):
            tick = " (you said yes)" if f.value else ""
            out.line(f"  {i}. {_plain(f.text.text)}{tick}")
        out.line("Type the numbers of all that apply, with spaces between them, or 0 for none.")
    elif view.kind == "text":
        for o in view.options:
            out.line(f"  - {_plain(o.text.text)}")
        out.line("Type your answer in your own words.")
    else:
        for i, o in enumerate(view.options, 1):
            out.line(f"  {i}. {_plain(o.text.text)}")
    if view.offer_help:
        out.line("If you are stuck, type: stuck. A member of staff will help you.")


def _show_outcome(out: _Out, session: Session, result: WalkResult) -> None:
    view = session.view()
    if result.outcome == "end":
        out.line()
        out.line(_plain(view.text.text))
        for item in view.what_next:
            out.line(f"  - {_plain(item.text)}")
        out.line(f"Finished at {result.flow} › {result.step}.")
        out.json({"event": "end", "flow": result.flow, "step": result.step})
    elif result.outcome == "escalate":
        out.line()
        if view.kind == "escalate":
            out.line(_plain(view.text.text))
        out.line(f"Help requested from staff ({result.reason}) at {result.flow} › {result.step}.")
        out.json({"event": "escalate", "flow": result.flow, "step": result.step, "reason": result.reason})
    else:
        out.line()
        out.line(f"Stopped at {result.flow} › {result.step}.")
        out.json({"event": "stopped", "flow": result.flow, "step": result.step, "why": result.outcome})


def _parse_facts(line: str, view: StepView) -> dict[str, bool] | None:
    words = line.replace(",", " ").split()
    if words in ([], ["0"]):
        return {}
    chosen: dict[str, bool] = {}
    for word in words:
        if not word.isdigit() or not 1 <= int(word) <= len(view.facts):
            return None
        chosen[view.facts[int(word) - 1].name] = True
    return chosen


def _option_for(line: str, view: StepView) -> str | None:
    word = line.strip()
    if word == "" and len(view.options) == 1:
        return view.options[0].value
    if word.isdigit() and 1 <= int(word) <= len(view.options):
        return view.options[int(word) - 1].value
    for o in view.options:
        if word == o.value:
            return o.value
    return None


def random_answer(view: StepView, rng: random.Random) -> str:
    """A random but reproducible answer line for ``view``."""
    if rng.random() < 0.03:
        return "back"
    if view.facts:
        picks = [str(i) for i in range(1, len(view.facts) + 1) if rng.random() < 0.5]
        return " ".join(picks) or "0"
    if view.kind == "text":
        if rng.random() < 0.15:
            return rng.choice(["zzqx", "I don't know", "??"])
        return _plain(rng.choice(view.options).text.text)
    return str(rng.randint(1, len(view.options)))


def _show_urgent(out: _Out, session: Session, hit: Hit) -> None:
    """The urgent guidance, in the patient's language and in English."""
    kind = KINDS_BY_NAME[hit.kind]
    steps = [t.MENTAL_HEALTH, t.EMERGENCY] if kind.mental_health else [t.EMERGENCY, t.URGENT]
    guidance = [t.URGENT_HEADING, *steps]
    for english in guidance:
        out.line(session.translator.ui(english).text)
    if session.translator.locale != "en":
        out.line("In English:")
        for english in guidance:
            out.line(english)
    out.json({"event": "red_flag", "flow": session.flow_id, "step": session.step_id, "kind": hit.kind})


def walk(
    session: Session,
    stdin: TextIO,
    stdout: TextIO,
    *,
    fmt: str = "text",
    rng: random.Random | None = None,
    max_steps: int = 500,
    prompt: Callable[[], None] | None = None,
) -> WalkResult:
    """Walk ``session`` to its end, reading answers from ``stdin`` (or at random with ``rng``)."""
    out = _Out(stdout, fmt)
    flags = RedFlags(session.translator)
    shown = 0
    redraw = True
    while not session.finished:
        view = session.view()
        if redraw:
            shown += 1
            out.json(step_record(view))
            _show_text(out, view)
            if shown == 1:
                out.line(HINT)
        redraw = True
        if shown > max_steps:
            result = WalkResult("limit", session.flow_id, session.step_id, steps=shown)
            _show_outcome(out, session, result)
            return result
        if rng is not None:
            line = random_answer(view, rng)
        else:
            if fmt == "text":
                stdout.write("> ")
                stdout.flush()
            raw = stdin.readline()
            if raw == "":
                result = WalkResult("stopped", session.flow_id, session.step_id, steps=shown)
                _show_outcome(out, session, result)
                return result
            line = matching.clean(raw).strip()
        command = COMMANDS.get(line.casefold())
        if command == "back":
            if not session.back():
                out.line("This is the first step.")
                redraw = False
            continue
        if command == "help":
            out.line(
                _plain(view.help.text)
                if view.help
                else "There is no more help for this step. Type stuck to ask a member of staff."
            )
            out.json(
                {
                    "event": "help",
                    "flow": view.flow,
                    "step": view.step,
                    "text": _plain(view.help.text) if view.help else None,
                }
            )
            redraw = False
            continue
        if command == "stuck":
            session.request_help()
            continue
        if command == "restart":
            session.restart()
            continue
        hit = flags.check(line) if command is None and not line.isdigit() else None
        if hit is not None:  # words that may mean an emergency: stop, say what to do, call staff
            _show_urgent(out, session, hit)
            session.request_help(f"red_flag_{hit.kind}", priority=True)
            continue
        try:
            if view.facts or view.kind == "circumstances":
                facts = _parse_facts(line, view)
                if facts is None:
                    raise InvalidAnswer(line)
                session.answer_facts(facts)
            elif view.kind == "text":
                if not line:
                    raise InvalidAnswer(line)
                session.answer_text(line)
            else:
                value = _option_for(line, view)
                if value is None:
                    raise InvalidAnswer(line)
                session.answer(value)
        except InvalidAnswer:
            out.line(f"Sorry, that is not one of the answers. {HINT}")
            out.json({"event": "invalid", "flow": view.flow, "step": view.step})
            redraw = False
    outcome = session.outcome or {}
    result = WalkResult(
        str(outcome.get("kind", "end")),
        str(outcome.get("flow")),
        str(outcome.get("step")),
        outcome.get("reason"),
        steps=shown,
    )
    _show_outcome(out, session, result)
    return result
