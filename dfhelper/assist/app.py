"""The assist app: a volunteer or staff member helping one patient, in Textual.

Two panels. On the left, large, the patient's step in their language, with
numbered answers (the kiosk's rendering rules: `dfhelper.kiosk.widgets.content`,
right-to-left included). On the right, for the helper: the same step in
English, the volunteer notes, the step's help, where each answer goes (step
ids: the troubleshooting branches) and the step's sources as plain text.

Keys (in the footer): number keys answer, ``b`` back, ``j`` jump to a step,
``l`` the patient's language (keeping the place), ``f`` open another flow (and
come back), ``o`` record an anonymous outcome, ``p`` print the patient's steps
(or save them, with no printer set up), ``h`` show or hide the helper panel,
``q`` quit. Narrower than `WIDE` columns, the helper panel goes below.

This is a staff tool, not the locked-down kiosk. All text reaches the screen
as `Content`, never inside a markup string.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from dfhelper.assist.visit import OUTCOMES, REASONS, AssistVisit, branches, jumpable
from dfhelper.config import Config
from dfhelper.engine.session import InvalidAnswer, StepView
from dfhelper.engine.text import Shown
from dfhelper.handout import strings as hs
from dfhelper.handout.deliver import Delivery
from dfhelper.i18n.catalogs import SOURCE_LOCALE
from dfhelper.kiosk.visit import KioskCore
from dfhelper.kiosk.widgets import content
from dfhelper.speech import Speech

WIDE = 100
"""From this many columns the panels sit side by side; below, the helper panel goes under the patient's."""

MAX_ANSWERS = 9
BACK_TO_PAUSED = "\x00back"
NO_REASON = "\x00none"


class PickScreen(ModalScreen[str | None]):
    """Pick one of a list (Enter or a number key); Escape picks nothing."""

    DEFAULT_CSS = """
    PickScreen { align: center middle; }
    PickScreen > Vertical {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        padding: 1 2; border: round $primary; background: $surface;
    }
    PickScreen #pick-title { text-style: bold; margin-bottom: 1; }
    PickScreen OptionList { height: auto; max-height: 20; }
    PickScreen #pick-hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        *(Binding(str(n), f"pick({n - 1})", show=False) for n in range(1, 10)),
    ]

    def __init__(self, title: str, choices: list[tuple[str, Content]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        """The title, the numbered choices and a hint."""
        with Vertical():
            yield Static(Content(self.title_text), id="pick-title")
            yield OptionList(
                *(
                    Option(Content.assemble(f"{n}. " if n < 10 else "   ", label), id=key)
                    for n, (key, label) in enumerate(self.choices, 1)
                ),
                id="pick",
            )
            yield Static(Content("Enter or a number to choose. Escape to cancel."), id="pick-hint")

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        """A choice was made."""
        event.stop()
        self.dismiss(event.option_id)

    def action_pick(self, index: int) -> None:
        """A number key chose."""
        if 0 <= index < len(self.choices):
            self.dismiss(self.choices[index][0])

    def action_cancel(self) -> None:
        """Nothing chosen."""
        self.dismiss(None)


class AssistApp(App[int]):
    """Helping one patient: their step on the left, the helper's view on the right."""

    TITLE = "dfhelper assist"
    DEFAULT_CSS = """
    #panels { height: 1fr; }
    #patient { width: 3fr; padding: 1 2; background: $surface; }
    #helper { width: 2fr; padding: 1 2; background: $panel; border-left: solid $primary; }
    #patient, #helper { scrollbar-size-vertical: 1; }
    #panels.narrow { layout: vertical; }
    #panels.narrow #patient { width: 1fr; height: 3fr; }
    #panels.narrow #helper { width: 1fr; height: 2fr; border-left: none; border-top: solid $primary; }
    #patient Static { margin-bottom: 1; }
    #p-title { text-style: bold; color: $primary; }
    #p-text { text-style: bold; }
    #patient.rtl Static { text-align: right; }
    #helper Static { margin-bottom: 1; }
    .heading { text-style: bold; color: $primary; margin-bottom: 0 !important; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "answer(0)", "Answer 1-9"),
        *(Binding(str(n), f"answer({n - 1})", show=False) for n in range(2, 10)),
        Binding("enter", "facts_done", "Done (ticks)", show=False),
        Binding("b", "step_back", "Back"),
        Binding("j", "jump", "Jump"),
        Binding("l", "language", "Language"),
        Binding("f", "flow", "Flow"),
        Binding("o", "outcome", "Outcome"),
        Binding("p", "handout", "Print steps"),
        Binding("h", "toggle_helper", "Helper"),
        Binding("s", "speak", "Read aloud"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self, config: Config, core: KioskCore, *, flow: str | None = None, lang: str | None = None
    ) -> None:
        super().__init__()
        self.config = config
        self.core = core
        self.visit = AssistVisit(core)
        self.speaker: Speech | None = None
        """Read-aloud (espeak-ng), made when first used."""
        if lang:
            self.visit.choose_language(lang)
        self.first_flow = flow
        self.ticks: dict[str, bool] = {}

    def compose(self) -> ComposeResult:
        """The two panels and the footer."""
        with Horizontal(id="panels"):
            with VerticalScroll(id="patient"):
                yield Static("", id="p-title")
                yield Static("", id="p-notice")
                yield Static("", id="p-text")
                yield Static("", id="p-question")
                yield Static("", id="p-help")
                yield Static("", id="p-answers")
                yield Static("", id="p-links")
            with VerticalScroll(id="helper"):
                yield Static("", id="h-where")
                yield Static(Content("In English"), classes="heading")
                yield Static("", id="h-text")
                yield Static(Content("Volunteer notes"), classes="heading", id="h-notes-heading")
                yield Static("", id="h-notes")
                yield Static(Content("Help"), classes="heading", id="h-help-heading")
                yield Static("", id="h-help")
                yield Static(Content("Answers and where they go"), classes="heading")
                yield Static("", id="h-branches")
                yield Static(Content("Sources"), classes="heading", id="h-sources-heading")
                yield Static("", id="h-sources")
        yield Footer()

    def on_mount(self) -> None:
        """Start the first flow, or ask which."""
        self._layout(self.size.width)
        if self.first_flow and self.first_flow in self.core.library:
            self.visit.start(self.first_flow)
            self.show()
        else:
            self.show()
            self.action_flow()

    def on_unmount(self) -> None:
        """An unfinished flow is counted as abandoned; stop reading aloud and the event writer."""
        if self.speaker is not None:
            self.speaker.stop()
        self.visit.abandon()
        self.core.close()

    def on_resize(self, event: events.Resize) -> None:
        """Side by side when wide, one above the other when narrow."""
        self._layout(event.size.width)

    def _layout(self, width: int) -> None:
        self.query_one("#panels").set_class(width < WIDE, "narrow")

    # -- showing -------------------------------------------------------------------------------

    def patient_text(self, shown: Shown) -> Content:
        """Patient text in their language, with the kiosk's rules (fallback marker, right to left)."""
        language = self.visit.language
        return content(
            shown, marker="(English)", direction=language.direction, rtl_mode=self.config.kiosk.rtl
        )

    def _set(self, selector: str, value: Content | None) -> None:
        widget = self.query_one(selector, Static)
        widget.display = value is not None and bool(value.plain)
        widget.update(value if value is not None else "")

    def english_view(self) -> StepView | None:
        """The current step in English, for the helper."""
        session = self.visit.session
        if session is None:
            return None
        translator = session.translator
        session.translator = self.core.translator(SOURCE_LOCALE)
        try:
            return session.view()
        finally:
            session.translator = translator

    def show(self) -> None:
        """Show the current step in both panels (any reading aloud of the last one stops)."""
        if self.speaker is not None:
            self.speaker.stop()
        session = self.visit.session
        self.query_one("#patient").set_class(self.visit.language.direction == "rtl", "rtl")
        if session is None:
            for selector in ("#p-title", "#p-notice", "#p-text", "#p-question", "#p-help", "#p-links"):
                self._set(selector, None)
            self._set("#p-answers", Content("Press f to choose a flow."))
            self._show_helper(None)
            return
        view = session.view()
        info = self.core.library.infos[view.flow]
        title = self.visit.translator.flow_text(view.flow, None, "title", info.title)
        self._set("#p-title", self.patient_text(title))
        self._set("#p-notice", self.patient_text(view.notice) if view.notice else None)
        self._set("#p-text", self.patient_text(view.text))
        self._set("#p-question", self.patient_text(view.question) if view.question else None)
        self._set("#p-help", self.patient_text(view.help) if view.help else None)
        lines: list[Content] = []
        if view.facts:
            if set(self.ticks) != {f.name for f in view.facts}:
                self.ticks = {f.name: bool(f.value) for f in view.facts}
            for n, fact in enumerate(view.facts, 1):
                mark = "[x]" if self.ticks[fact.name] else "[ ]"
                lines.append(Content.assemble(f"{n}  {mark} ", self.patient_text(fact.text)))
        else:
            self.ticks = {}
        for n, option in enumerate(view.options, 1):
            lines.append(Content.assemble((f"{n}  ", "bold"), self.patient_text(option.text)))
        for item in view.what_next:
            lines.append(Content.assemble("•  ", self.patient_text(item)))
        self._set("#p-answers", Content("\n").join(lines) if lines else None)
        links = [
            Content.assemble(self.patient_text(link.text), ": ", (link.url, "bold")) for link in view.links
        ]
        self._set("#p-links", Content("\n").join(links) if links else None)
        self._show_helper(view)

    def _show_helper(self, view: StepView | None) -> None:
        session = self.visit.session
        english = self.english_view()
        where: list[Content] = [
            Content.assemble(("Patient's language: ", "bold"), self.visit.language.label),
        ]
        if session is not None and view is not None:
            state = session.status if session.finished else f"step {view.progress.position}"
            where.append(Content.assemble(("Flow: ", "bold"), f"{view.flow}  ({state})"))
            where.append(Content.assemble(("Step: ", "bold"), f"{view.step}  [{view.kind}]"))
            if view.reason:
                where.append(Content.assemble(("Escalated: ", "bold"), view.reason))
            if session.finished:
                where.append(Content.assemble(("Finished: press o to record an outcome.", "italic")))
        for paused in reversed(self.visit.paused):
            where.append(Content.assemble(("Paused: ", "bold"), f"{paused.flow_id} at {paused.step_id}"))
        self._set("#h-where", Content("\n").join(where))
        if english is None or view is None:
            for selector in ("#h-text", "#h-notes", "#h-help", "#h-branches", "#h-sources"):
                self._set(selector, None)
            for selector in ("#h-notes-heading", "#h-help-heading", "#h-sources-heading"):
                self.query_one(selector).display = False
            return
        text = [content(english.text)]
        if english.question:
            text.append(content(english.question))
        self._set("#h-text", Content("\n").join(text))
        notes = Content(english.volunteer_notes) if english.volunteer_notes else None
        self._set("#h-notes", notes)
        self.query_one("#h-notes-heading").display = notes is not None
        self._set("#h-help", content(english.help) if english.help else None)
        self.query_one("#h-help-heading").display = english.help is not None
        self._set("#h-branches", self._branches(english))
        urls = list(dict.fromkeys([link.url for link in english.links] + list(english.sources)))
        heading = "Sources"
        if not urls:  # the step cites nothing of its own: the flow's sources
            urls = list(self.core.library.flow(english.flow).sources)
            heading = "Sources (whole flow)"
        self.query_one("#h-sources-heading", Static).update(Content(heading))
        self._set("#h-sources", Content("\n").join(Content(url) for url in urls) if urls else None)
        self.query_one("#h-sources-heading").display = bool(urls)

    def _branches(self, english: StepView) -> Content:
        if not english.options and not english.facts:
            return Content.assemble(("(none: the flow has ended)", "italic"))
        targets: dict[str, str | None] = {}
        if english.kind not in {"requires", "confirm"}:
            flow = self.core.library.flow(english.flow)
            targets = {b.value: b.target for b in branches(flow, english.step)}
        lines: list[Content] = []
        for n, fact in enumerate(english.facts, 1):
            lines.append(Content(f"{n}. tick: {fact.text.text}"))
        if english.facts:
            lines.append(Content.assemble("Enter: done  → ", (str(targets.get("continue")), "bold")))
        for n, option in enumerate(english.options, 1):
            target = targets.get(option.value, "")
            arrow: Content | str = ""
            if option.value in targets:
                arrow = Content.assemble("\n   → ", (target or "(back to the calling flow)", "bold"))
            lines.append(Content.assemble(f"{n}. ", content(option.text), arrow))
        return Content("\n").join(lines)

    # -- actions -------------------------------------------------------------------------------

    def action_answer(self, index: int) -> None:
        """Answer with the numbered option (or tick the numbered circumstance)."""
        session = self.visit.session
        if session is None or session.finished:
            return
        view = session.view()
        if view.facts:
            if 0 <= index < len(view.facts):
                name = view.facts[index].name
                self.ticks[name] = not self.ticks.get(name, False)
                self.show()
            return
        if not 0 <= index < len(view.options):
            return
        value = view.options[index].value
        try:
            if view.kind == "text":  # the helper picks the answer the patient means
                self.english_answer_text(index)
            else:
                session.answer(value)
        except InvalidAnswer:
            self.bell()
            return
        self.show()

    def english_answer_text(self, index: int) -> None:
        """Answer a text step with the chosen option's English text (it matches that option)."""
        session = self.visit.session
        english = self.english_view()
        assert session is not None
        assert english is not None
        session.answer_text(english.options[index].text.text)

    def action_facts_done(self) -> None:
        """Done ticking circumstances."""
        session = self.visit.session
        if session is None or session.finished or not session.view().facts:
            return
        session.answer_facts(dict(self.ticks))
        self.ticks = {}
        self.show()

    def action_step_back(self) -> None:
        """Back one answer."""
        session = self.visit.session
        if session is not None and not session.back():
            self.bell()
        self.show()

    def action_jump(self) -> None:
        """Pick any step of the current flow and go there."""
        session = self.visit.session
        if session is None:
            return
        flow = session.flow
        choices = [
            (step_id, Content.assemble((step_id, "bold"), f"  [{flow.step(step_id).kind}]"))
            for step_id in jumpable(flow)
        ]
        self.push_screen(PickScreen(f"Jump to a step of {flow.id}", choices), self._jumped)

    def _jumped(self, step_id: str | None) -> None:
        if step_id is not None:
            self.visit.jump(step_id)
            self.ticks = {}
        self.show()

    def action_language(self) -> None:
        """Pick the patient's language (the place is kept)."""
        choices = [(language.code, Content(language.label)) for language in self.core.languages]
        self.push_screen(PickScreen("The patient's language", choices), self._language)

    def _language(self, code: str | None) -> None:
        if code is not None:
            self.visit.choose_language(code)
        self.show()

    def action_flow(self) -> None:
        """Open another flow (the current one is paused), or go back to a paused one."""
        choices: list[tuple[str, Content]] = []
        if self.visit.paused:
            back = f"Back to {self.visit.paused[-1].flow_id}"
            choices.append((BACK_TO_PAUSED, Content.assemble((back, "bold"))))
        for info in self.core.library:
            choices.append((info.id, Content.assemble((info.id, "bold"), "  ", info.title)))
        self.push_screen(PickScreen("Open a flow", choices), self._flow)

    def _flow(self, flow_id: str | None) -> None:
        if flow_id == BACK_TO_PAUSED:
            self.visit.return_to_paused()
        elif flow_id is not None:
            if self.visit.session is None:
                self.visit.start(flow_id)
            else:
                self.visit.open_flow(flow_id)
        self.ticks = {}
        self.show()

    def action_outcome(self) -> None:
        """Record an anonymous outcome, then an optional reason from a short list."""
        choices = [(code, Content(label)) for code, label in OUTCOMES.items()]
        self.push_screen(PickScreen("How did it go?", choices), self._outcome)

    def _outcome(self, outcome: str | None) -> None:
        if outcome is None:
            return
        choices = [(NO_REASON, Content("No reason"))]
        choices += [(code, Content(label)) for code, label in REASONS.items()]

        def reason_chosen(reason: str | None) -> None:
            if reason is None:  # cancelled: nothing recorded
                return
            self.visit.record_outcome(outcome, None if reason == NO_REASON else reason)
            self.notify(f"Outcome recorded: {OUTCOMES[outcome]}", markup=False)
            self.show()

        self.push_screen(PickScreen(f"{OUTCOMES[outcome]}: why? (optional)", choices), reason_chosen)

    def action_speak(self) -> None:
        """Read the patient's step aloud in their language (espeak-ng), or say there is no voice."""
        from dfhelper.speech import Speaker, step_speech

        session = self.visit.session
        if session is None:
            return
        if self.speaker is None:
            self.speaker = Speaker()
        if not self.speaker.say(step_speech(session.view()), self.visit.lang):
            self.notify(
                f"No voice for {self.visit.language.english} here: read the step to the patient.",
                markup=False,  # the language's name comes from a catalog
            )

    def action_handout(self) -> None:
        """Print the patient's steps in their language, with English beneath (or save them when no
        printer is set up), in the background; say what happened."""
        from dfhelper.handout.deliver import deliver, frozen_copy

        session = self.visit.session
        if session is None:
            self.bell()
            return
        config, copy = self.config, frozen_copy(session)

        def send() -> None:
            delivery = deliver(config, copy, save=True)
            self.call_from_thread(self.handout_done, delivery)

        self.run_worker(send, thread=True, exclusive=True, group="handout")

    def handout_done(self, delivery: Delivery) -> None:
        """Say where the handout went: the patient's language first, then English for the helper."""
        if delivery.saved is not None:
            self.notify(f"Saved the patient's steps: {delivery.saved}", markup=False, timeout=15)
            return
        english = hs.PRINTED if delivery.printed else hs.NOT_PRINTED
        said = self.visit.translator.ui(english).text
        lines = [said] if said == english else [said, english]
        if delivery.error:
            lines.append(delivery.error)
        self.notify(
            "\n".join(lines),  # a translation and a command's message: never markup
            markup=False,
            severity="information" if delivery.printed else "error",
            timeout=15,
        )

    def action_toggle_helper(self) -> None:
        """Show or hide the helper panel."""
        helper = self.query_one("#helper")
        helper.display = not helper.display


def run_assist(
    config: Config,
    core_loader: Callable[[], KioskCore],
    *,
    flow: str | None = None,
    lang: str | None = None,
) -> int:
    """``dfhelper assist``: load the core (as the kiosk does), run the app; the exit code."""
    app = AssistApp(config, core_loader(), flow=flow, lang=lang)
    code = app.run()
    return app.return_code if app.return_code is not None else (code or 0)
