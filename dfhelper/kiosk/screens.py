"""The kiosk's screens. Each shows what the `Visit` and `Session` say, and calls them; no flow logic.

Every screen: no inherited key bindings (so no copy, no palette, no quit), Tab
and the arrow keys move focus, number keys choose answers, the safety line at
the bottom, and a "screen too small" notice in place of everything else when
the terminal is below the minimum size (nothing is lost: the widgets stay).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Static

from dfhelper.engine import text as t
from dfhelper.engine.text import Shown
from dfhelper.handout import strings as hs
from dfhelper.kiosk import strings as s
from dfhelper.kiosk.phases import HelpPhase
from dfhelper.kiosk.widgets import KioskInput, QRCode, SafetyLine, content

if TYPE_CHECKING:
    from dfhelper.engine.session import StepView
    from dfhelper.kiosk.app import KioskApp
    from dfhelper.kiosk.visit import Task, Visit
    from dfhelper.safety.redflags import Hit

MIN_WIDTH = 60
MIN_HEIGHT = 18
OPTION_SLOTS = 9
SEARCH_SLOTS = 4
"""Tiles kept for search results (the search shows at most four)."""

FOCUS_KEYS: list[BindingType] = [  # priority: a long list that scrolls must not take the arrows
    Binding("tab,down", "app.focus_next", show=False, priority=True),
    Binding("shift+tab,up", "app.focus_previous", show=False, priority=True),
]


class TooSmall(Static):
    """Shown instead of the screen's content while the terminal is too small."""


class KioskScreen(Screen[None], inherit_bindings=False):
    """What every kiosk screen has."""

    BINDINGS: ClassVar[list[BindingType]] = FOCUS_KEYS

    @property
    def kiosk(self) -> KioskApp:
        """The app, typed."""
        from dfhelper.kiosk.app import KioskApp

        assert isinstance(self.app, KioskApp)
        return self.app

    @property
    def visit(self) -> Visit:
        """The patient's visit (a screen past the welcome always has one)."""
        visit = self.kiosk.visit
        assert visit is not None
        return visit

    def ui(self, english: str, **params: object) -> Content:
        """One of dfhelper's sentences as Content, in the patient's language (English before they choose)."""
        visit = self.kiosk.visit
        shown = visit.ui(english, **params) if visit is not None else Shown(english.format(**params))
        return self.text(shown)

    def text(self, shown: Shown) -> Content:
        """Flow or catalog text as Content, marked when it is English standing in for a translation."""
        visit = self.kiosk.visit
        if visit is None:
            return content(shown)
        language = visit.language
        marker = visit.translator.ui(s.IN_ENGLISH).text if shown.fallback else None
        return content(
            shown, marker=marker, direction=language.direction, rtl_mode=self.kiosk.config.kiosk.rtl
        )

    def compose_safety(self) -> ComposeResult:
        """The too-small notice and the safety line (every screen yields these)."""
        yield TooSmall(self.ui(s.TOO_SMALL), classes="too-small")
        yield SafetyLine(self.ui(t.NOT_FOR_EMERGENCIES), id="safety")

    def on_mount(self) -> None:
        """Set direction and the size check."""
        self._check_size(self.app.size.width, self.app.size.height)
        visit = self.kiosk.visit
        self.set_class(visit is not None and visit.language.direction == "rtl", "rtl")

    def choose(self, index: int) -> None:
        """The answer, tile or language numbered ``index + 1`` (screens with numbered choices)."""

    def on_key(self, event: events.Key) -> None:
        """Number keys choose (not while typing in a box)."""
        if isinstance(self.focused, KioskInput):
            return
        number = _number(event)
        if number is not None:
            event.stop()
            self.choose(number - 1)

    @on(Button.Pressed, "#stuck")
    def stuck(self) -> None:
        """ "I'm stuck - get help": ask for a person."""
        self.kiosk.ask_for_help()

    def on_resize(self, event: events.Resize) -> None:
        """Too small: show the notice instead (nothing on the screen is lost)."""
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        self.set_class(width < MIN_WIDTH or height < MIN_HEIGHT, "-too-small")


class BlankScreen(KioskScreen):
    """Nothing: the bottom of the screen stack, under the welcome screen."""

    def compose(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        """Nothing to size."""


def _number(event: events.Key) -> int | None:
    if event.character is not None and event.character in "123456789" and len(event.key) == 1:
        return int(event.character)
    return None


class WelcomeScreen(KioskScreen):
    """The invitation, cycling through the offered languages. Any touch or key starts."""

    CYCLE_SECONDS = 4.0

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome-body", classes="body"):
            yield Static(Content(s.WELCOME), id="welcome-text")
            yield Static(Content(s.WELCOME_TOUCH), id="welcome-touch")
            with Center():
                yield Button(Content(s.START), id="start", variant="primary")
            with Center():
                yield Button(Content(s.PRIVACY), id="privacy")
        yield from self.compose_safety()

    def on_mount(self) -> None:
        """Start cycling languages."""
        super().on_mount()
        self._shown = 0
        self.set_interval(self.CYCLE_SECONDS, self.next_language)

    def next_language(self) -> None:
        """Show the invitation in the next offered language."""
        core = self.kiosk.core
        if core is None or len(core.languages) < 2:
            return
        self._shown = (self._shown + 1) % len(core.languages)
        language = core.languages[self._shown]
        translator = core.translator(language.code)
        rtl = self.kiosk.config.kiosk.rtl
        for widget_id, english in (
            ("welcome-text", s.WELCOME),
            ("welcome-touch", s.WELCOME_TOUCH),
        ):
            shown = translator.ui(english)
            self.query_one(f"#{widget_id}", Static).update(
                content(shown, direction=language.direction, rtl_mode=rtl)
            )
        self.query_one("#safety", Static).update(
            content(translator.ui(t.NOT_FOR_EMERGENCIES), direction=language.direction, rtl_mode=rtl)
        )
        for button_id, english in (("start", s.START), ("privacy", s.PRIVACY)):
            self.query_one(f"#{button_id}", Button).label = content(
                translator.ui(english), direction=language.direction, rtl_mode=rtl
            )

    def on_key(self, event: events.Key) -> None:
        """Any key starts (Enter or space on "Privacy" opens the notice instead)."""
        if self.focused is not None and self.focused.id == "privacy" and event.key in ("enter", "space"):
            return
        if event.key in ("tab", "shift+tab", "down", "up"):  # moving to "Privacy"
            return
        event.stop()
        self.kiosk.begin_visit()

    def on_click(self, event: events.Click) -> None:
        """Any touch starts, except on "Privacy"."""
        if event.widget is not None and event.widget.id == "privacy":
            return
        event.stop()
        self.kiosk.begin_visit()

    @on(Button.Pressed, "#start")
    def start(self, event: Button.Pressed) -> None:
        """ "Start" touched or clicked (the button takes the click, so `on_click` never sees it)."""
        event.stop()
        if isinstance(self.app.screen, WelcomeScreen):  # once, even if a key press got there first
            self.kiosk.begin_visit()

    @on(Button.Pressed, "#privacy")
    def privacy(self, event: Button.Pressed) -> None:
        """The privacy notice, in the language the welcome is showing now."""
        event.stop()
        core = self.kiosk.core
        if core is None:
            return
        language = core.languages[getattr(self, "_shown", 0) % len(core.languages)]
        translator = core.translator(language.code)
        rtl = self.kiosk.config.kiosk.rtl

        def line(english: str) -> Content:
            return content(translator.ui(english), direction=language.direction, rtl_mode=rtl)

        self.app.push_screen(
            PrivacyScreen(
                heading=line(s.PRIVACY_HEADING),
                lines=[line(english) for english in PRIVACY_LINES],
                close=line(s.BACK),
            )
        )


class LanguageScreen(KioskScreen):
    """Each offered language in its own script and in English. No flags."""

    def compose(self) -> ComposeResult:
        core = self.kiosk.core
        assert core is not None
        with VerticalScroll(classes="body"):
            yield Static(Content(s.CHOOSE_LANGUAGE), classes="heading")
            with Grid(id="languages"):
                for i, language in enumerate(core.languages, start=1):
                    # number keys reach the first nine; the rest by touch, Tab or arrows
                    number = f"{i}  " if i <= OPTION_SLOTS else ""
                    yield Button(Content(f"{number}{language.label}"), id=f"lang-{i - 1}", classes="language")
        with Horizontal(classes="nav"):
            yield Button(Content("High contrast"), id="contrast")
        yield from self.compose_safety()

    def on_mount(self) -> None:
        """Focus the first language."""
        super().on_mount()
        self.query_one("#lang-0", Button).focus()

    def choose(self, index: int) -> None:
        """Choose a language by its place in the list."""
        core = self.kiosk.core
        assert core is not None
        if 0 <= index < len(core.languages):
            self.visit.choose_language(core.languages[index].code)
            self.app.push_screen(TasksScreen())

    @on(Button.Pressed, ".language")
    def language_pressed(self, event: Button.Pressed) -> None:
        """A language was chosen."""
        assert event.button.id is not None
        self.choose(int(event.button.id.removeprefix("lang-")))

    @on(Button.Pressed, "#contrast")
    def contrast(self) -> None:
        """Switch the high-contrast theme on or off."""
        self.kiosk.toggle_contrast()


class TasksScreen(KioskScreen):
    """ "What do you need help with?": tiles for the top tasks and a search box."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="body"):
            yield Static(self.ui(s.HELP_WITH), classes="heading")
            yield KioskInput(self.visit.ui(s.SEARCH_PLACEHOLDER).text, id="search")
            yield Static("", id="search-heading")
            with Grid(id="tiles"):
                for i in range(max(len(self.visit.tasks()), SEARCH_SLOTS)):
                    yield Button("", id=f"tile-{i}", classes="tile")
        with Horizontal(classes="nav"):
            yield Button(self.ui(s.BACK), id="back")
            yield Button(self.ui(s.STUCK), id="stuck", variant="error")
        yield from self.compose_safety()

    def on_mount(self) -> None:
        """Show the tiles."""
        super().on_mount()
        self._tasks: list[Task] = []
        self.show_tasks(self.visit.tasks(), heading=None)
        self.query_one("#tile-0", Button).focus()

    def show_tasks(self, tasks: list[Task] | tuple[Task, ...], *, heading: Content | None) -> None:
        """Fill the tiles (unused tiles are hidden)."""
        tiles = list(self.query(".tile").results(Button))
        self._tasks = list(tasks[: len(tiles)])
        head = self.query_one("#search-heading", Static)
        head.display = heading is not None
        head.update(heading or "")
        for i, tile in enumerate(tiles):
            if i < len(self._tasks):
                number = f"{i + 1}  " if i < OPTION_SLOTS else ""  # keys reach the first nine
                tile.label = Content.assemble(number, self.text(self._tasks[i].title))
                tile.display = True
            else:
                tile.display = False

    @on(KioskInput.Changed, "#search")
    def search(self, event: KioskInput.Changed) -> None:
        """Match as the patient types; words that may mean an emergency stop everything."""
        hit = self.visit.red_flag(event.value)
        if hit is not None:
            event.input.clear()  # not kept, and not found again on the way back
            self.kiosk.red_flag(hit)
            return
        outcome = self.visit.search(event.value)
        if outcome.kind == "empty":
            self.show_tasks(self.visit.tasks(), heading=None)
        elif outcome.kind == "found":
            self.show_tasks(outcome.tasks, heading=self.ui(s.SEARCH_FOUND))
        elif outcome.kind == "did_you_mean":
            self.show_tasks(outcome.tasks, heading=self.ui(s.DID_YOU_MEAN))
        else:
            self.show_tasks((), heading=self.ui(s.NOTHING_FOUND))

    @on(KioskInput.Submitted, "#search")
    def submitted(self) -> None:
        """Enter in the search box: go to the first result."""
        if self._tasks:
            self.query_one("#tile-0", Button).focus()
        else:
            self.query_one("#stuck", Button).focus()

    def choose(self, index: int) -> None:
        """Start the task on a tile."""
        if 0 <= index < len(self._tasks):
            self.kiosk.start_task(self._tasks[index].flow)

    @on(Button.Pressed, ".tile")
    def tile_pressed(self, event: Button.Pressed) -> None:
        """A tile was chosen."""
        assert event.button.id is not None
        self.choose(int(event.button.id.removeprefix("tile-")))

    @on(Button.Pressed, "#back")
    def back(self) -> None:
        """Back to the languages (or the welcome)."""
        self.kiosk.back_from_tasks()


class CircumstancesScreen(KioskScreen):
    """ "What applies to you?" — optional, skippable, asked and never inferred."""

    def __init__(self, flow_id: str) -> None:
        super().__init__()
        self.flow_id = flow_id

    def compose(self) -> ComposeResult:
        from dfhelper.kiosk.visit import KIOSK_FACTS

        with VerticalScroll(classes="body"):
            yield Static(self.ui(s.APPLIES), classes="heading")
            yield Static(self.ui(s.APPLIES_WHY), classes="why")
            for name in KIOSK_FACTS:
                with Horizontal(classes="fact"):
                    yield Static(self.text(self.visit.fact_label(name)), classes="fact-label")
                    yield Button(self.ui(s.ANSWER_YES), id=f"{name}-yes", classes="fact-answer")
                    yield Button(self.ui(s.ANSWER_NO), id=f"{name}-no", classes="fact-answer")
        with Horizontal(classes="nav"):
            yield Button(self.ui(t.CONTINUE), id="continue", variant="primary")
            yield Button(self.ui(s.SKIP), id="skip")
            yield Button(self.ui(s.STUCK), id="stuck", variant="error")
        yield from self.compose_safety()

    def on_mount(self) -> None:
        """Show what the patient already said."""
        super().on_mount()
        for name, value in self.visit.facts.items():
            self._mark(name, value)
        self.query_one(".fact-answer", Button).focus()

    def _mark(self, name: str, value: bool | None) -> None:
        for answer, meaning in (("yes", True), ("no", False)):
            found = self.query(f"#{name}-{answer}")
            if found:
                found.first(Button).set_class(value is meaning, "-chosen")

    @on(Button.Pressed, ".fact-answer")
    def answered(self, event: Button.Pressed) -> None:
        """Yes or no to one circumstance; pressing the chosen answer again takes it back."""
        assert event.button.id is not None
        name, _, answer = event.button.id.rpartition("-")
        value = answer == "yes"
        if self.visit.facts.get(name) is value:
            self.visit.set_fact(name, None)
            self._mark(name, None)
        else:
            self.visit.set_fact(name, value)
            self._mark(name, value)

    @on(Button.Pressed, "#continue, #skip")
    def done(self, event: Button.Pressed) -> None:
        """On to the task (skip forgets what was ticked here)."""
        if event.button.id == "skip":
            self.visit.facts.clear()
        self.kiosk.circumstances_done(self.flow_id)


class StepScreen(KioskScreen):
    """One step at a time. One screen for the whole task, updated in place (fast, no churn)."""

    BINDINGS: ClassVar[list[BindingType]] = FOCUS_KEYS

    def compose(self) -> ComposeResult:
        with Horizontal(id="step-top"):
            yield Static("", id="step-title")
            yield Static("", id="progress")
        with VerticalScroll(classes="body", id="step-body"):
            yield Static("", id="no-voice")
            yield Static("", id="notice")
            yield Static("", id="offer")
            yield Static("", id="step-text")
            yield Static("", id="question")
            yield Static("", id="help")
            yield Vertical(id="facts")
            with Horizontal(id="text-row"):
                yield KioskInput(self.visit.ui(s.TYPE_ANSWER).text, id="typed")
                yield Button(self.ui(s.OK), id="typed-ok", variant="primary")
            with Vertical(id="options"):
                for i in range(OPTION_SLOTS):
                    yield Button("", id=f"option-{i}", classes="option")
            yield Static("", id="links")
            yield Static(self.ui(s.NO_PASSWORDS), id="no-passwords")
        with Horizontal(classes="nav"):
            # first in the row: after the answers in the focus order, and "I'm stuck" stays last
            yield Button(self.ui(s.READ_ALOUD), id="read-aloud")
            yield Button(self.ui(s.BACK), id="back")
            yield Button(self.ui(s.START_AGAIN), id="restart")
            yield Button(self.ui(s.MORE_HELP), id="more-help")
            yield Button(self.ui(s.STUCK), id="stuck", variant="error")
        yield from self.compose_safety()

    def on_mount(self) -> None:
        """Show the current step."""
        super().on_mount()
        self._values: list[str] = []
        self._facts: list[str] = []
        self._key: tuple[str, str, str] | None = None
        self.show()

    def show(self) -> None:
        """Show the session's current step (called after every answer)."""
        session = self.visit.session
        assert session is not None
        view = session.view()
        self._show(view)

    def _show(self, view: StepView) -> None:
        title = self.kiosk.flow_title(view.flow)
        self.query_one("#step-title", Static).update(self.text(title))
        self.query_one("#progress", Static).update(
            self.ui(s.PROGRESS, position=view.progress.position, estimate=view.progress.estimate)
        )
        notice = self.query_one("#notice", Static)
        notice.display = view.notice is not None
        notice.update(self.text(view.notice) if view.notice else "")
        offer = self.query_one("#offer", Static)
        offer.display = view.offer_help
        if view.offer_help:
            offer.update(self.ui(t.TELL_RECEPTION))
        self.query_one("#stuck", Button).set_class(view.offer_help, "-offer")
        self.query_one("#step-text", Static).update(self.text(view.text))
        question = self.query_one("#question", Static)
        question.display = view.question is not None
        question.update(self.text(view.question) if view.question else "")
        help_text = self.query_one("#help", Static)
        help_text.display = False
        help_text.update(self.text(view.help) if view.help else "")
        self.query_one("#more-help", Button).display = view.help is not None
        self._show_facts(view)
        typed_row = self.query_one("#text-row", Horizontal)
        typed_row.display = view.kind == "text"
        self.query_one("#no-passwords").display = view.kind == "text"
        self._values = [o.value for o in view.options]
        for i in range(OPTION_SLOTS):
            button = self.query_one(f"#option-{i}", Button)
            if i < len(view.options):
                button.label = Content.assemble(f"{i + 1}  ", self.text(view.options[i].text))
                button.display = True
            else:
                button.display = False
        links = self.query_one("#links", Static)
        links.display = bool(view.links)
        if view.links:
            links.update(
                Content("\n").join(
                    Content.assemble(self.text(link.text), ": ", (link.url, "bold")) for link in view.links
                )
            )
        key = (view.flow, view.step, view.kind)
        if key != self._key:
            self._key = key
            self.kiosk.stop_speaking()
            self.query_one("#no-voice", Static).display = False
            self.query_one("#step-body", VerticalScroll).scroll_home(animate=False)
            if view.kind == "text":
                typed = self.query_one("#typed", KioskInput)
                typed.clear()
                typed.focus()
            elif view.options:
                self.query_one("#option-0", Button).focus()
            elif view.facts:
                self.call_after_refresh(self._focus_first_fact)

    def _show_facts(self, view: StepView) -> None:
        box = self.query_one("#facts", Vertical)
        names = [f.name for f in view.facts]
        box.display = bool(names)
        if names == self._facts:
            return
        self._facts = names
        box.remove_children()
        rows = []
        for fact in view.facts:
            rows.append(
                Horizontal(
                    Static(self.text(fact.text), classes="fact-label"),
                    Button(self.ui(s.ANSWER_YES), id=f"fact-{fact.name}-yes", classes="fact-answer"),
                    Button(self.ui(s.ANSWER_NO), id=f"fact-{fact.name}-no", classes="fact-answer"),
                    classes="fact",
                )
            )
        if rows:
            rows.append(Horizontal(Button(self.ui(t.CONTINUE), id="facts-done", variant="primary")))
            box.mount_all(rows)
            self._fact_values = {f.name: f.value for f in view.facts}
            self.call_after_refresh(self._mark_facts)

    def _focus_first_fact(self) -> None:
        for button in self.query("#facts Button").results(Button):
            button.focus()
            return

    def _mark_facts(self) -> None:
        for name, value in self._fact_values.items():
            for answer, meaning in (("yes", True), ("no", False)):
                for button in self.query(f"#fact-{name}-{answer}").results(Button):
                    button.set_class(value is meaning, "-chosen")

    @on(Button.Pressed, "#facts .fact-answer")
    def fact_answered(self, event: Button.Pressed) -> None:
        """Yes or no to one circumstance the flow asks about."""
        assert event.button.id is not None
        name, _, answer = event.button.id.removeprefix("fact-").rpartition("-")
        value = answer == "yes"
        self._fact_values[name] = None if self._fact_values.get(name) is value else value
        self._mark_facts()

    @on(Button.Pressed, "#facts-done")
    def facts_done(self) -> None:
        """Send the circumstances to the engine (unanswered ones count as no, as the flow asks)."""
        session = self.visit.session
        assert session is not None
        session.answer_facts({k: bool(v) for k, v in self._fact_values.items()})
        for name, value in self._fact_values.items():
            if value is not None:
                self.visit.set_fact(name, value)
        self.kiosk.after_answer()

    def choose(self, index: int) -> None:
        """Answer with the option at ``index``."""
        session = self.visit.session
        if session is None or session.finished or not 0 <= index < len(self._values):
            return
        session.answer(self._values[index])
        self.kiosk.after_answer()

    @on(Button.Pressed, ".option")
    def option_pressed(self, event: Button.Pressed) -> None:
        """An answer button."""
        assert event.button.id is not None
        self.choose(int(event.button.id.removeprefix("option-")))

    @on(KioskInput.Submitted, "#typed")
    @on(Button.Pressed, "#typed-ok")
    def typed(self) -> None:
        """Typed text goes to the engine, which matches it and keeps only the answer it matched."""
        box = self.query_one("#typed", KioskInput)
        value = box.value
        box.clear()
        session = self.visit.session
        if session is None or not value.strip():
            return
        hit = self.visit.red_flag(value)
        if hit is not None:
            self.kiosk.red_flag(hit)
            return
        session.answer_text(value)
        self.kiosk.after_answer()

    @on(Button.Pressed, "#back")
    def back(self) -> None:
        """Back one answer; from the first step, back to the tasks."""
        self.kiosk.stop_speaking()
        session = self.visit.session
        if session is not None and session.back():
            self.show()
        else:
            self.kiosk.leave_task()

    @on(Button.Pressed, "#restart")
    def restart(self) -> None:
        """Start this task again."""
        self.kiosk.stop_speaking()
        session = self.visit.session
        if session is not None:
            session.restart()
            self.show()

    @on(Button.Pressed, "#more-help")
    def more_help(self) -> None:
        """Show or hide the step's extra help."""
        help_text = self.query_one("#help", Static)
        help_text.display = not help_text.display

    # -- read-aloud ----------------------------------------------------------------------------

    def spoken_text(self) -> str:
        """What "Read aloud" says: the step's text, question and answers, as shown (plain text)."""
        from dfhelper.speech import step_speech

        session = self.visit.session
        return step_speech(session.view()) if session is not None else ""

    @on(Button.Pressed, "#read-aloud")
    def read_aloud(self) -> None:
        """Read the step aloud in the patient's language, or say that there is no voice for it."""
        spoken = self.kiosk.speaker.say(self.spoken_text(), self.visit.lang)
        notice = self.query_one("#no-voice", Static)
        notice.display = not spoken
        if not spoken:
            notice.update(self.ui(s.NO_VOICE))

    def on_key(self, event: events.Key) -> None:
        """``r`` reads aloud (not while typing in a box; `KioskScreen.on_key` does the number keys)."""
        if event.key == "r" and not isinstance(self.focused, KioskInput):
            event.stop()
            self.read_aloud()

    def on_screen_suspend(self) -> None:
        """Another screen on top (finished, help, urgent...): stop reading this one."""
        self.kiosk.stop_speaking()

    def on_unmount(self) -> None:
        """Leaving the task: stop reading."""
        self.kiosk.stop_speaking()


class FinishedScreen(KioskScreen):
    """What they did, what happens next, and a QR code to carry on at home."""

    def compose(self) -> ComposeResult:
        session = self.visit.session
        assert session is not None
        view = session.view()
        with VerticalScroll(classes="body"):
            yield Static(self.ui(s.FINISHED), classes="heading")
            yield Static(self.text(view.text), id="end-text")
            if view.what_next:
                yield Static(self.ui(s.WHAT_NEXT), classes="subheading")
                for item in view.what_next:
                    yield Static(Content.assemble("• ", self.text(item)), classes="what-next")
            url = self.visit.carry_on_url(view)
            if url:
                yield Static(self.ui(s.CARRY_ON_AT_HOME), classes="subheading")
                yield QRCode(url, id="qr")
                yield Static(Content(url), id="qr-url")
            if self.kiosk.config.handout.print_command:  # a kiosk cannot hand over a file: print or nothing
                yield Button(self.ui(hs.PRINT_STEPS), id="print-steps")
                yield Static("", id="print-state")
        with Horizontal(classes="nav"):
            yield Button(self.ui(s.BACK), id="back")
            yield Button(self.ui(s.ANOTHER_TASK), id="another", variant="primary")
            yield Button(self.ui(s.ALL_DONE), id="all-done")
            yield Button(self.ui(s.STUCK), id="stuck", variant="error")
        yield from self.compose_safety()

    def on_mount(self) -> None:
        """Focus the main choice."""
        super().on_mount()
        self.query_one("#another", Button).focus()

    @on(Button.Pressed, "#back")
    def back(self) -> None:
        """Back into the task."""
        session = self.visit.session
        if session is not None:
            session.back()
        self.app.pop_screen()
        self.kiosk.refresh_step()

    @on(Button.Pressed, "#another")
    def another(self) -> None:
        """Choose another task (language and circumstances kept)."""
        self.kiosk.leave_task()

    @on(Button.Pressed, "#all-done")
    def all_done(self) -> None:
        """Clear everything for the next person."""
        self.kiosk.finish_visit()

    @on(Button.Pressed, "#print-steps")
    def print_steps(self) -> None:
        """Print the steps this patient went through on the practice's printer (nothing is kept)."""
        from dfhelper.handout.deliver import deliver, frozen_copy

        session = self.visit.session
        if session is None:
            return
        self.query_one("#print-steps", Button).disabled = True  # one press, one copy
        config, copy = self.kiosk.config, frozen_copy(session)

        def send() -> None:
            delivery = deliver(config, copy)
            self.app.call_from_thread(self._printed, delivery.ok)

        self.run_worker(send, thread=True, exclusive=True, group="print")

    def _printed(self, ok: bool) -> None:
        if not self.is_attached:  # wiped meanwhile
            return
        self.query_one("#print-state", Static).update(self.ui(hs.PRINTED if ok else hs.NOT_PRINTED))
        self.query_one("#print-steps", Button).disabled = ok


class HelpScreen(KioskScreen):
    """The ticket number, and honestly where the request is, updated as it moves."""

    PHASE_TEXT: ClassVar[dict[HelpPhase, str]] = {
        HelpPhase.NOT_SAVED: s.HELP_NOT_SAVED,
        HelpPhase.SENDING: s.HELP_SENDING,
        HelpPhase.AT_DESK: s.HELP_AT_DESK,
        HelpPhase.COMING: s.HELP_COMING,
        HelpPhase.GO_TO_DESK: s.HELP_GO_TO_DESK,
        HelpPhase.DONE: s.HELP_DONE,
    }

    def compose(self) -> ComposeResult:
        state = self.visit.help
        assert state is not None
        self._phase = self.visit.help_phase()
        with VerticalScroll(classes="body"):
            if state.request is not None:
                yield Static(self.ui(s.HELP_SAVED, ticket=state.request.ticket), classes="heading")
                yield Static(Content(state.request.ticket), id="ticket")
            yield Static(self.ui(self.PHASE_TEXT[self._phase]), id="help-state", classes=self._phase.value)
            yield Static(self.ui(t.TELL_RECEPTION), classes="why")
        with Horizontal(classes="nav"):
            yield Button(self.ui(s.BACK), id="back")
            yield Button(self.ui(s.ALL_DONE), id="all-done")
        yield from self.compose_safety()

    def on_mount(self) -> None:
        """Focus Back; follow the request as it moves."""
        super().on_mount()
        for back in self.query("#back"):
            back.focus()
        self.set_interval(0.5, self.follow)

    def follow(self) -> None:
        """Show the request's new phase when it changes."""
        if self.visit.help is None:
            return
        phase = self.visit.help_phase()
        if phase is self._phase:
            return
        self._phase = phase
        line = self.query_one("#help-state", Static)
        line.set_classes(phase.value)
        line.update(self.ui(self.PHASE_TEXT[phase]))

    @on(Button.Pressed, "#back")
    def back(self) -> None:
        """Back to where they were."""
        self.kiosk.leave_help()

    @on(Button.Pressed, "#all-done")
    def all_done(self) -> None:
        """Clear everything for the next person."""
        self.kiosk.finish_visit()


class UrgentScreen(HelpScreen):
    """A red flag: the urgent guidance in the patient's language and in English, and staff called.

    The patient may go back only after confirming they are safe; the priority request stays
    with reception either way.
    """

    def __init__(self, hit: Hit) -> None:
        super().__init__()
        self.hit = hit

    def compose(self) -> ComposeResult:
        from dfhelper.safety.redflags import KINDS_BY_NAME  # loaded with the kiosk's core by now

        state = self.visit.help
        assert state is not None
        self._phase = self.visit.help_phase()
        kind = KINDS_BY_NAME[self.hit.kind]
        guidance = [t.MENTAL_HEALTH, t.EMERGENCY] if kind.mental_health else [t.EMERGENCY, t.URGENT]
        with VerticalScroll(classes="body"):
            yield Static(self.ui(t.URGENT_HEADING), classes="heading", id="urgent-heading")
            for english in guidance:
                yield Static(self.ui(english), classes="urgent-guidance")
            if self.visit.lang != "en":
                yield Static(Content(s.IN_ENGLISH_TOO), classes="in-english")
                for english in [t.URGENT_HEADING, *guidance]:
                    yield Static(Content(english), classes="urgent-guidance-en")
            if state.request is not None:
                yield Static(Content(state.request.ticket), id="ticket")
            yield Static(self.ui(self.PHASE_TEXT[self._phase]), id="help-state", classes=self._phase.value)
        with Horizontal(classes="nav"):
            yield Button(self.ui(s.BACK), id="urgent-back")
            yield Button(self.ui(s.ALL_DONE), id="all-done")
        yield from self.compose_safety()

    def on_mount(self) -> None:
        """Focus stays off "Back": going back needs a deliberate choice.

        (Textual also runs `HelpScreen.on_mount`, which follows the request.)
        """
        self.query_one("#all-done", Button).focus()

    @on(Button.Pressed, "#urgent-back")
    def urgent_back(self, event: Button.Pressed) -> None:
        """Back only after confirming they are safe."""
        event.stop()
        self.app.push_screen(
            ConfirmBackScreen(self.ui(s.CONFIRM_GO_BACK), self.ui(s.YES_GO_BACK), self.ui(s.STAY_HERE)),
            callback=self._confirmed,
        )

    def _confirmed(self, go_back: bool | None) -> None:
        if go_back:
            self.kiosk.leave_help()


class ConfirmBackScreen(ModalScreen[bool], inherit_bindings=False):
    """ "Go back only if you are safe": yes or no (no is focused)."""

    BINDINGS: ClassVar[list[BindingType]] = FOCUS_KEYS

    def __init__(self, question: Content, yes: Content, no: Content) -> None:
        super().__init__()
        self.lines = (question, yes, no)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-back"):
            yield Static(self.lines[0], classes="heading")
            yield Button(self.lines[2], id="stay", variant="primary")
            yield Button(self.lines[1], id="go-back")

    def on_mount(self) -> None:
        """Staying is the safe default."""
        self.query_one("#stay", Button).focus()

    @on(Button.Pressed, "#stay")
    def stay(self) -> None:
        """Stay on the urgent screen."""
        self.dismiss(False)

    @on(Button.Pressed, "#go-back")
    def go_back(self) -> None:
        """The patient says they are safe."""
        self.dismiss(True)


PRIVACY_LINES = (s.PRIVACY_NOT_ASKED, s.PRIVACY_FORGOTTEN, s.PRIVACY_HELP, s.NO_PASSWORDS, s.PRIVACY_MORE)
"""The privacy notice, in order."""


class PrivacyScreen(ModalScreen[None], inherit_bindings=False):
    """The privacy notice, opened from the welcome screen."""

    BINDINGS: ClassVar[list[BindingType]] = FOCUS_KEYS

    def __init__(self, *, heading: Content, lines: list[Content], close: Content) -> None:
        super().__init__()
        self.heading, self.lines, self.close = heading, lines, close

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="privacy-notice"):
            yield Static(self.heading, classes="heading")
            for line in self.lines:
                yield Static(line, classes="privacy-line")
            yield Button(self.close, id="privacy-close", variant="primary")

    def on_mount(self) -> None:
        """Focus the close button."""
        self.query_one("#privacy-close", Button).focus()

    @on(Button.Pressed, "#privacy-close")
    def close_notice(self) -> None:
        """Back to the welcome."""
        self.dismiss(None)


class StillThereScreen(ModalScreen[None], inherit_bindings=False):
    """ "Are you still there?" with a countdown and an "I need more time" button."""

    BINDINGS: ClassVar[list[BindingType]] = FOCUS_KEYS

    def __init__(self, seconds: int, lines: tuple[Content, Content, Content]) -> None:
        super().__init__()
        self.left = seconds
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(id="still-there"):
            yield Static(self.lines[0], classes="heading")
            yield Static(self.lines[1], id="countdown")
            yield Button(self.lines[2], id="more-time", variant="primary")

    def on_mount(self) -> None:
        """Count down."""
        self.query_one("#more-time", Button).focus()
        self._timer = self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        """One second less; at zero, wipe."""
        from dfhelper.kiosk.app import KioskApp

        app = self.app
        assert isinstance(app, KioskApp)
        self.left -= 1
        if self.left <= 0:
            self._timer.stop()
            app.run_worker(app.wipe(), exclusive=True, group="wipe")
            return
        self.query_one("#countdown", Static).update(app.still_there_line(self.left))

    @on(Button.Pressed, "#more-time")
    def more_time(self) -> None:
        """The patient is here."""
        self._timer.stop()
        self.dismiss(None)

    def on_key(self, event: events.Key) -> None:
        """Any key means someone is here."""
        event.stop()
        self.more_time()


class StaffPinScreen(ModalScreen[None], inherit_bindings=False):
    """Staff only: the PIN to close the kiosk."""

    BINDINGS: ClassVar[list[BindingType]] = FOCUS_KEYS
    MAX_TRIES = 3

    def __init__(self) -> None:
        super().__init__()
        self.tries = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-pin"):
            yield Static(Content(s.STAFF_PIN), classes="heading")
            pin = KioskInput(id="pin", max_length=12)
            pin.password = True
            pin.restrict = r"[0-9]*"
            yield pin
            yield Static("", id="pin-message")
            with Horizontal():
                yield Button(Content(s.OK), id="pin-ok", variant="primary")
                yield Button(Content(s.CANCEL), id="pin-cancel")

    def on_mount(self) -> None:
        """Focus the PIN box."""
        self.query_one("#pin", KioskInput).focus()

    @on(KioskInput.Submitted, "#pin")
    @on(Button.Pressed, "#pin-ok")
    def check(self) -> None:
        """Right PIN: close the kiosk. Wrong: say so; after three tries, close this box."""
        from dfhelper.kiosk.app import KioskApp

        app = self.app
        assert isinstance(app, KioskApp)
        box = self.query_one("#pin", KioskInput)
        pin, box.value = box.value, ""
        if app.check_staff_pin(pin):
            app.staff_exit()
            return
        self.tries += 1
        if self.tries >= self.MAX_TRIES:
            self.dismiss(None)
        else:
            self.query_one("#pin-message", Static).update(Content(s.WRONG_PIN))

    @on(Button.Pressed, "#pin-cancel")
    def cancel(self) -> None:
        """Close this box."""
        self.dismiss(None)
