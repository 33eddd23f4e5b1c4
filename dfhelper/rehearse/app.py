"""``dfhelper rehearse``: a Textual app for facilitators and new staff to practise flows.

Not locked down (it is a staff tool). The start screen picks a flow, a language
and the circumstances (or a built-in scenario); the walk screen shows each step
as the patient sees it, with what a trainer wants to see beside it: the step id
and kind, where each answer goes, every ``when:`` condition evaluated with the
current facts, the validation warnings for the step, and branch coverage, kept
across restarts for as long as the app runs.

Keys on the walk screen: number keys answer, ``b`` back, ``r`` restart,
``escape`` back to the start screen, ``q`` quit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from dfhelper.engine.events import Event
from dfhelper.engine.session import InvalidAnswer, Session
from dfhelper.engine.text import Shown, Translator
from dfhelper.flowlang import markup, templates
from dfhelper.flowlang.facts import FACTS
from dfhelper.flowlang.library import Library
from dfhelper.flowlang.model import Circumstances, End, Flow, TextInput
from dfhelper.rehearse.coverage import NO_MATCH, Coverage
from dfhelper.rehearse.scenarios import SCENARIOS, Scenario, ScenarioResult

if TYPE_CHECKING:
    from dfhelper.config import Config

UNMATCHED_TEXT = "zzqx qxzz"
"""What the "type something that matches nothing" answer types at a text step."""

FACT_STATES: tuple[bool | None, ...] = (None, True, False)
"""The order Enter cycles a circumstance through: unknown, yes, no."""


def fact_word(value: bool | None) -> str:
    """``yes``, ``no`` or ``unknown``."""
    return "unknown" if value is None else ("yes" if value else "no")


def shown_content(shown: Shown | str) -> Content:
    """Flow text as Content: [b] and [i] styled, anything else literal (never parsed as markup)."""
    text = shown.text if isinstance(shown, Shown) else shown
    parts: list[str | tuple[str, str]] = []
    for span in markup.spans(text):
        style = " ".join(name for name, on in (("bold", span.bold), ("italic", span.italic)) if on)
        parts.append((span.text, style) if style else span.text)
    return Content.assemble(*parts)


@dataclass(frozen=True, slots=True)
class Answer:
    """One numbered answer on the walk screen."""

    label: Content
    target: str
    kind: str
    """``option`` (answer a value), ``facts`` (a circumstances step), ``text`` or ``nomatch``."""
    value: str = ""
    text: str = ""


@dataclass
class Rehearsal:
    """The app's state: the current walk, and coverage per flow for the whole run of the app."""

    library: Library
    locales_dir: Path
    practice: dict[str, Any] = field(default_factory=dict)
    settings: Any = None
    coverage: dict[str, Coverage] = field(default_factory=dict)
    session: Session | None = None
    scenario: Scenario | None = None
    language: str = "en"
    facts: dict[str, bool | None] = field(default_factory=lambda: {f.name: None for f in FACTS})
    run_seen: list[str] = field(default_factory=list)
    """Steps of the root flow shown since the walk (re)started, in order."""

    def coverage_for(self, flow_id: str) -> Coverage:
        """The coverage of ``flow_id`` (kept across restarts)."""
        if flow_id not in self.coverage:
            self.coverage[flow_id] = Coverage.of(self.library.flow(flow_id))
        return self.coverage[flow_id]

    def translator(self) -> Translator | None:
        """The chosen language's translator (None: English)."""
        if self.language == "en":
            return None
        from dfhelper.i18n.catalogs import CatalogTranslator

        return CatalogTranslator(self.language, self.locales_dir)

    def on_event(self, event: Event) -> None:
        """Record an engine event in the coverage of its flow, and in this run's steps."""
        if event.flow not in self.library:
            return
        self.coverage_for(event.flow).record_event(event)
        if (
            self.session is not None
            and event.flow == self.session.root
            and event.kind.value in ("step_shown", "finished", "escalated")
            and event.step not in self.run_seen
        ):
            self.run_seen.append(event.step)

    def start(self, flow_id: str, scenario: Scenario | None = None) -> Session:
        """Begin a walk of ``flow_id`` (with a scenario's facts, when given)."""
        self.scenario = scenario
        if scenario is not None:
            self.facts = {f.name: scenario.facts.get(f.name) for f in FACTS}
        self.run_seen = []
        self.coverage_for(flow_id)
        known = {k: v for k, v in self.facts.items() if v is not None}
        self.session = Session(
            self.library,
            flow_id,
            facts=known,
            practice=self.practice,
            settings=self.settings,
            translator=self.translator(),
            listener=self.on_event,
        )
        return self.session

    def restart(self) -> None:
        """The same flow again from its start; coverage is kept."""
        assert self.session is not None
        self.run_seen = []
        self.session.restart()

    def scenario_result(self) -> ScenarioResult | None:
        """The scenario's reached and missed steps for this walk (None: no scenario)."""
        if self.scenario is None:
            return None
        return self.scenario.result(self.run_seen)

    def answers(self) -> list[Answer]:
        """The numbered answers at the current step, each with where it leads."""
        session = self.session
        if session is None or session.finished:
            return []
        view = session.view()
        step = session.step
        flow = session.flow
        cover = self.coverage_for(flow.id)
        targets = {b.value: b.target or "(end)" for b in cover.branches if b.step == view.step}
        if step is None or view.kind in ("requires", "confirm"):
            return [Answer(shown_content(o.text), "(engine)", "option", o.value) for o in view.options]
        if isinstance(step, Circumstances):
            ticked = [name for name in step.facts if session.facts.get(name)]
            label = Content(f"Tick what is set to yes: {', '.join(ticked) or 'nothing'}")
            return [Answer(label, flow.resolve(step.id, step.next) or "(end)", "facts")]
        if isinstance(step, End):
            target = "(back to the calling flow)" if len(session.stack) > 1 else "(end)"
            return [Answer(shown_content(o.text), target, "option", o.value) for o in view.options]
        out: list[Answer] = []
        for o in view.options:
            target = targets.get(o.value) or flow.resolve(step.id, getattr(step, "next", None)) or "(end)"
            kind = "text" if isinstance(step, TextInput) else "option"
            out.append(Answer(shown_content(o.text), target, kind, o.value, o.text.text))
        if isinstance(step, TextInput):
            target = targets.get(NO_MATCH, "(ask again)")
            out.append(Answer(Content("(type something that matches nothing)"), target, "nomatch"))
        return out

    def choose(self, number: int) -> bool:
        """Give the numbered answer (1-based). False when there is no such answer."""
        answers = self.answers()
        if self.session is None or not 1 <= number <= len(answers):
            return False
        answer = answers[number - 1]
        session = self.session
        try:
            if answer.kind == "facts":
                step = session.step
                assert isinstance(step, Circumstances)
                session.answer_facts({n: True for n in step.facts if session.facts.get(n)})
            elif answer.kind == "text":
                result = session.answer_text(markup.to_plain(answer.text))
                if session.pending is not None:  # a weak match: confirm it only if it is the right one
                    session.answer("yes" if result.value == answer.value else "no")
            elif answer.kind == "nomatch":
                session.answer_text(UNMATCHED_TEXT)
            else:
                session.answer(answer.value)
        except InvalidAnswer:
            return False
        return True

    def conditions(self) -> list[tuple[str, str, bool]]:
        """Every ``when:`` in the current flow: (step, condition, value with the current facts)."""
        session = self.session
        if session is None:
            return []
        flow: Flow = session.flow
        context = session.context(flow)
        return [
            (s.id, s.when, templates.evaluate(s.when, context, where=f"{flow.id}:{s.id}"))
            for s in flow.steps
            if s.when is not None
        ]

    def warnings(self) -> list[str]:
        """The library's problems for the current step."""
        session = self.session
        if session is None:
            return []
        view = session.view()
        return [
            f"{p.severity.value}: {p.message}"
            for p in self.library.problems
            if p.flow == view.flow and p.step == view.step
        ]


def language_choices(locales_dir: Path) -> list[tuple[str, str]]:
    """(code, label) of English and every language with a compiled catalog."""
    from dfhelper.i18n.catalogs import available_locales

    out = [("en", "English (en)")]
    for code in available_locales(locales_dir):
        try:
            from dfhelper.i18n.languages import names

            english = names(code)[1]
        except Exception:  # a catalog Babel cannot name: show its code
            english = code
        out.append((code, f"{english} ({code})"))
    return out


class StartScreen(Screen[None]):
    """Pick a flow, a language and circumstances, or a scenario."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "start", "Start the flow"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, rehearsal: Rehearsal, languages: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rehearsal = rehearsal
        self.languages = languages

    def compose(self) -> ComposeResult:
        library = self.rehearsal.library
        with Horizontal(id="start"):
            with Vertical(id="choices"):
                yield Static(Content("Flow (enter or s: start)"), classes="heading")
                yield OptionList(
                    *[Option(Content(f"{info.title} ({info.id})"), id=info.id) for info in library],
                    id="flows",
                )
                yield Static(Content("Language"), classes="heading")
                yield OptionList(
                    *[Option(self._language_prompt(code, label), id=code) for code, label in self.languages],
                    id="languages",
                )
                yield Static(Content("Scenarios (enter: start)"), classes="heading")
                yield OptionList(
                    *[Option(Content(f"{s.title} ({s.flow})"), id=s.id) for s in SCENARIOS], id="scenarios"
                )
            with Vertical(id="circumstances"):
                yield Static(Content("Circumstances (enter: unknown / yes / no)"), classes="heading")
                yield OptionList(
                    *[Option(self._fact_prompt(f.name), id=f.name) for f in FACTS],
                    id="facts",
                )
        yield Footer()

    def _language_prompt(self, code: str, label: str) -> Content:
        mark = "(x)" if code == self.rehearsal.language else "( )"
        return Content(f"{mark} {label}")

    def _fact_prompt(self, name: str) -> Content:
        value = self.rehearsal.facts.get(name)
        return Content.assemble((f"{fact_word(value):<7}", "bold"), " ", name)

    def on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        """Enter (or a click) on an item of one of the lists."""
        option_id = message.option.id or ""
        list_id = message.option_list.id
        if list_id == "flows":
            self.app_start(option_id, None)
        elif list_id == "scenarios":
            chosen = next(s for s in SCENARIOS if s.id == option_id)
            self.app_start(chosen.flow, chosen)
        elif list_id == "languages":
            self.rehearsal.language = option_id
            for code, label in self.languages:
                message.option_list.replace_option_prompt(code, self._language_prompt(code, label))
        elif list_id == "facts":
            current = self.rehearsal.facts.get(option_id)
            self.rehearsal.facts[option_id] = FACT_STATES[(FACT_STATES.index(current) + 1) % 3]
            message.option_list.replace_option_prompt(option_id, self._fact_prompt(option_id))

    def action_start(self) -> None:
        """Start the highlighted flow."""
        option = self.query_one("#flows", OptionList).highlighted_option
        flow_id = option.id if option is not None and option.id else next(iter(self.rehearsal.library)).id
        self.app_start(flow_id, None)

    def app_start(self, flow_id: str, scenario: Scenario | None) -> None:
        """Begin the walk and show it."""
        self.rehearsal.start(flow_id, scenario)
        self.app.push_screen(WalkScreen(self.rehearsal))


class WalkScreen(Screen[None]):
    """One step at a time, with what a trainer wants beside it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *[Binding(str(n), f"answer({n})", "Answer", show=n == 1, key_display="1-9") for n in range(1, 10)],
        Binding("b", "back", "Back"),
        Binding("r", "restart", "Restart"),
        Binding("escape", "leave", "Start screen"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, rehearsal: Rehearsal) -> None:
        super().__init__()
        self.rehearsal = rehearsal

    def compose(self) -> ComposeResult:
        with Horizontal(id="walk"):
            with VerticalScroll(id="step"):
                yield Static(id="brief")
                yield Static(id="where")
                yield Static(id="text")
                yield Static(id="answers")
                yield Static(id="warnings")
                yield Static(id="outcome")
            with VerticalScroll(id="side"):
                yield Static(id="meter")
                yield Static(id="conditions")
                yield Static(id="missing")
        yield Footer()

    def on_mount(self) -> None:
        """Show the first step."""
        self.show()

    def show(self) -> None:
        """Fill every part of the screen from the session and the coverage."""
        rehearsal = self.rehearsal
        session = rehearsal.session
        assert session is not None
        view = session.view()
        scenario = rehearsal.scenario
        brief = Content("")
        if scenario is not None:
            brief = Content.assemble((f"Scenario: {scenario.title}", "bold"), "\n", scenario.brief, "\n")
        self.query_one("#brief", Static).update(brief)
        self.query_one("#brief", Static).display = scenario is not None
        facts = ", ".join(f"{k} {fact_word(v)}" for k, v in rehearsal.facts.items() if v is not None)
        self.query_one("#where", Static).update(
            Content.assemble(
                (f"{view.flow} › {view.step}", "bold"),
                f"  ({view.kind})  language {rehearsal.language}\n",
                ("facts: ", "dim"),
                (facts or "all unknown", "dim"),
            )
        )
        parts: list[Content] = [shown_content(view.text)]
        if view.notice is not None:
            parts.insert(0, shown_content(view.notice))
        if view.question is not None:
            parts.append(shown_content(view.question))
        parts.extend(Content.assemble("• ", shown_content(item)) for item in view.what_next)
        self.query_one("#text", Static).update(Content("\n").join(parts))
        answers = rehearsal.answers()
        lines = [
            Content.assemble((f"{i}. ", "bold"), a.label, ("  → ", "dim"), (a.target, "italic"))
            for i, a in enumerate(answers, 1)
        ]
        self.query_one("#answers", Static).update(Content("\n").join(lines))
        warnings = rehearsal.warnings()
        self.query_one("#warnings", Static).update(
            Content("\n").join(Content(w) for w in warnings) if warnings else Content("")
        )
        self.query_one("#outcome", Static).update(self._outcome())
        self._show_side()

    def _outcome(self) -> Content:
        session = self.rehearsal.session
        assert session is not None
        if not session.finished:
            return Content("")
        outcome = session.outcome or {}
        if outcome.get("kind") == "escalate":
            head = Content.assemble(("Handed to staff", "bold"), f" ({outcome.get('reason')})")
        else:
            head = Content.assemble(("Finished", "bold"), f" at {outcome.get('step')}")
        lines = [head, Content("r: try again, escape: start screen")]
        result = self.rehearsal.scenario_result()
        if result is not None:
            lines.append(Content.assemble(("Reached: ", "bold"), ", ".join(result.reached) or "none"))
            lines.append(Content.assemble(("Missed: ", "bold"), ", ".join(result.missed) or "none"))
        return Content("\n").join(lines)

    def _show_side(self) -> None:
        session = self.rehearsal.session
        assert session is not None
        cover = self.rehearsal.coverage_for(session.root)
        meter = Content.assemble(
            ("Coverage", "bold"),
            f"\n{cover.steps_seen} of {len(cover.steps)} steps seen",
            f"\n{cover.branches_walked} of {len(cover.branches)} branches walked",
        )
        self.query_one("#meter", Static).update(meter)
        missing = [Content.assemble(("Not yet walked", "bold"))]
        missing.extend(Content(f"step {s}") for s in cover.missing_steps())
        missing.extend(Content(b.label()) for b in cover.missing_branches())
        if len(missing) == 1:
            missing.append(Content("nothing: every step and branch walked"))
        self.query_one("#missing", Static).update(Content("\n").join(missing))
        conditions = [Content.assemble(("Conditions now", "bold"))]
        for step_id, when, value in self.rehearsal.conditions():
            conditions.append(Content.assemble(f"{step_id}: {when} = ", (str(value).lower(), "bold")))
        if len(conditions) == 1:
            conditions.append(Content("none in this flow"))
        self.query_one("#conditions", Static).update(Content("\n").join(conditions))

    def action_answer(self, number: int) -> None:
        """A number key."""
        if self.rehearsal.choose(number):
            self.show()
        else:
            self.app.bell()

    def action_back(self) -> None:
        """Undo the last answer."""
        assert self.rehearsal.session is not None
        if self.rehearsal.session.back():
            self.show()

    def action_restart(self) -> None:
        """The same flow again; coverage kept."""
        self.rehearsal.restart()
        self.show()

    def action_leave(self) -> None:
        """Back to the start screen (coverage kept)."""
        self.app.pop_screen()


class RehearseApp(App[int]):
    """Practise flows: choose, walk, see coverage."""

    TITLE = "dfhelper rehearse"
    CSS = """
    .heading { text-style: bold; color: $primary; }
    #start { height: 1fr; }
    #choices { width: 1fr; }
    #circumstances { width: 1fr; }
    #flows, #scenarios { height: auto; max-height: 6; }
    #languages { height: 1fr; min-height: 3; }
    #facts { height: 1fr; }
    #walk { height: 1fr; }
    #step { width: 3fr; padding: 0 1; }
    #side { width: 2fr; padding: 0 1; border-left: vkey $primary; }
    #brief, #where, #text, #answers, #warnings, #outcome, #meter, #conditions { margin-bottom: 1; }
    #warnings { color: $warning; }
    #outcome { color: $success; }
    """

    def __init__(self, rehearsal: Rehearsal, languages: list[tuple[str, str]] | None = None) -> None:
        super().__init__()
        self.rehearsal = rehearsal
        self.languages = languages if languages is not None else language_choices(rehearsal.locales_dir)

    def on_mount(self) -> None:
        """Open on the start screen."""
        self.push_screen(StartScreen(self.rehearsal, self.languages))


def make_app(
    config: Config, library: Library, locales_dir: Path, *, languages: list[tuple[str, str]] | None = None
) -> RehearseApp:
    """The app, set up from the practice configuration."""
    from dataclasses import asdict

    rehearsal = Rehearsal(library, locales_dir, practice=asdict(config.practice), settings=config.engine)
    return RehearseApp(rehearsal, languages)


def run_rehearse(config: Config, library: Library, locales_dir: Path) -> int:
    """``dfhelper rehearse``: run the app until the trainee quits. Returns the exit status."""
    if len(library) == 0:
        import sys

        sys.stderr.write("dfhelper rehearse: no flows to rehearse (see dfhelper validate).\n")
        return 1
    result = make_app(config, library, locales_dir).run()
    return result if isinstance(result, int) else 0
