"""The waiting-room kiosk: a locked-down Textual app that shows a `Visit` and its `Session`.

Locked down (each rule has a Pilot test in ``tests/kiosk/test_lockdown.py``):

- no inherited bindings, no command palette, no text selection, no clipboard,
  no screenshots, no theme keys; quit, suspend and palette actions do nothing;
- staff close it with a key sequence (`STAFF_CHORD`, shown nowhere) and the PIN
  from the practice configuration; with no PIN set it cannot be closed from the
  keyboard at all (stop it from outside: ``systemctl stop``);
- an unhandled error never reaches the screen: its type and where it happened
  (no message, no values) go to the log, and the app exits with
  `EXIT_CRASHED` for the supervisor to start it again;
- idle for ``kiosk.idle_seconds``: "Are you still there?" for
  ``kiosk.still_there_seconds``, then a wipe: every screen replaced by a fresh
  welcome screen, notifications cleared, the visit dropped.

Startup is quick: the first screen needs only Textual; flows, catalogs, Babel's
locale data and the search index are loaded after it is shown.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import BindingType
from textual.content import Content
from textual.theme import Theme

from dfhelper.config import Config
from dfhelper.engine.text import Shown
from dfhelper.kiosk import strings as s
from dfhelper.kiosk.launch import EXIT_CRASHED, EXIT_STAFF
from dfhelper.kiosk.screens import (
    BlankScreen,
    CircumstancesScreen,
    FinishedScreen,
    HelpScreen,
    LanguageScreen,
    StaffPinScreen,
    StepScreen,
    StillThereScreen,
    TasksScreen,
    UrgentScreen,
    WelcomeScreen,
)

if TYPE_CHECKING:
    from dfhelper.kiosk.visit import KioskCore, Visit
    from dfhelper.safety.redflags import Hit
    from dfhelper.speech import Speech

log = logging.getLogger(__name__)

STAFF_CHORD = ("ctrl+x", "ctrl+k", "ctrl+x")
"""Pressed in this order within `STAFF_CHORD_SECONDS`, this opens the staff PIN box."""
STAFF_CHORD_SECONDS = 3.0

INPUT_EVENTS = (
    events.Key,
    events.MouseDown,
    events.MouseUp,
    events.Click,
    events.Paste,
    events.MouseScrollUp,
    events.MouseScrollDown,
)
"""What counts as someone using the kiosk (for the idle timer)."""

STANDARD = Theme(
    name="dfhelper",
    primary="#005EB8",
    secondary="#003087",
    accent="#FFEB3B",
    foreground="#212B32",
    background="#F0F4F5",
    surface="#FFFFFF",
    panel="#E8EDEE",
    error="#D5281B",
    success="#007F3B",
    warning="#FFEB3B",
    dark=False,
    variables={
        "kiosk-text": "#212B32",
        "kiosk-background": "#F0F4F5",
        "kiosk-button": "#005EB8",
        "kiosk-button-text": "#FFFFFF",
        "kiosk-focus": "#FFEB3B",
        "kiosk-focus-text": "#212B32",
        "kiosk-stuck": "#D5281B",
        "kiosk-stuck-text": "#FFFFFF",
        "kiosk-chosen": "#007F3B",
        "kiosk-chosen-text": "#FFFFFF",
        "kiosk-safety": "#212B32",
        "kiosk-safety-text": "#FFFFFF",
        "kiosk-quiet": "#4C6272",
    },
)
"""NHS colours; every text/background pair passes WCAG AA (tested)."""

HIGH_CONTRAST = Theme(
    name="dfhelper-contrast",
    primary="#FFFFFF",
    secondary="#FFFFFF",
    accent="#FFFF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    error="#FFFFFF",
    success="#00FF00",
    warning="#FFFF00",
    dark=True,
    variables={
        "kiosk-text": "#FFFFFF",
        "kiosk-background": "#000000",
        "kiosk-button": "#000000",
        "kiosk-button-text": "#FFFFFF",
        "kiosk-focus": "#FFFF00",
        "kiosk-focus-text": "#000000",
        "kiosk-stuck": "#FFFFFF",
        "kiosk-stuck-text": "#000000",
        "kiosk-chosen": "#00FF00",
        "kiosk-chosen-text": "#000000",
        "kiosk-safety": "#FFFFFF",
        "kiosk-safety-text": "#000000",
        "kiosk-quiet": "#FFFFFF",
    },
)
"""White on black, yellow focus (WCAG AAA)."""


class KioskApp(App[int], inherit_bindings=False):
    """The patient's kiosk."""

    CSS_PATH = "kiosk.tcss"
    TITLE = "dfhelper"
    ENABLE_COMMAND_PALETTE = False
    ALLOW_SELECT = False
    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(
        self,
        config: Config,
        *,
        load_core: Callable[[], KioskCore] | None = None,
        core: KioskCore | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.config = config
        self._load_core = load_core
        self.core: KioskCore | None = core
        self.visit: Visit | None = None
        self._clock = clock
        self.last_input = clock()
        self._keys: deque[tuple[str, float]] = deque(maxlen=len(STAFF_CHORD))
        self._start_when_ready = False
        self.wipes = 0
        self._speaker: Speech | None = None
        self.register_theme(STANDARD)
        self.register_theme(HIGH_CONTRAST)
        self.theme = HIGH_CONTRAST.name if config.kiosk.theme == "high-contrast" else STANDARD.name

    # -- start-up ------------------------------------------------------------------------------

    def get_default_screen(self) -> BlankScreen:
        """An empty screen under everything, so a wipe can remove every screen a patient saw."""
        return BlankScreen()

    def on_mount(self) -> None:
        """Show the welcome; start the idle timer; load flows and languages after the first screen is up."""
        self.push_screen(WelcomeScreen())
        self.set_interval(1.0, self.kiosk_idle_tick)
        if self.core is None and self._load_core is not None:
            # after the welcome screen is painted: loading holds the GIL and would delay it
            self.call_after_refresh(self.run_worker, self._load, thread=True, exclusive=True, group="load")

    def on_unmount(self) -> None:
        """Stop speaking; stop the sender and close the outbox (a saved request waits for the next start)."""
        self.stop_speaking()
        if self.core is not None:
            self.core.close()

    def _load(self) -> None:
        assert self._load_core is not None
        core = self._load_core()
        self.call_from_thread(self._loaded, core)

    def _loaded(self, core: KioskCore) -> None:
        self.core = core
        if self._start_when_ready:
            self._start_when_ready = False
            self.begin_visit()

    # -- read-aloud ----------------------------------------------------------------------------

    @property
    def speaker(self) -> Speech:
        """What reads the screen aloud (espeak-ng, started only when first asked; tests set a fake)."""
        if self._speaker is None:
            from dfhelper.speech import Speaker

            self._speaker = Speaker()
        return self._speaker

    @speaker.setter
    def speaker(self, speaker: Speech) -> None:
        self._speaker = speaker

    def stop_speaking(self) -> None:
        """Stop reading aloud (nothing is started if nothing was ever read)."""
        if self._speaker is not None:
            self._speaker.stop()

    # -- lock-down -----------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Note input for the idle timer, and watch for the staff key sequence."""
        fresh = isinstance(event, events.InputEvent) and not event.is_forwarded
        if fresh and isinstance(event, INPUT_EVENTS):
            self.last_input = self._clock()
        if fresh and isinstance(event, events.Key):
            self._keys.append((event.key, self._clock()))
            if (
                tuple(k for k, _ in self._keys) == STAFF_CHORD
                and self._keys[-1][1] - self._keys[0][1] <= STAFF_CHORD_SECONDS
            ):
                self._keys.clear()
                if self.config.kiosk.staff_pin_hash and not isinstance(self.screen, StaffPinScreen):
                    self.push_screen(StaffPinScreen())
                return
        await super().on_event(event)

    async def action_quit(self) -> None:
        """Patients cannot quit."""

    def action_help_quit(self) -> None:
        """No "press ctrl+q to quit" toast."""

    def action_command_palette(self) -> None:
        """No command palette."""

    def action_suspend_process(self) -> None:
        """No suspending to a shell."""

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """No screenshots of a patient's screen."""

    def save_screenshot(self, *args: Any, **kwargs: Any) -> str:
        """No screenshots of a patient's screen."""
        return ""

    def deliver_screenshot(self, *args: Any, **kwargs: Any) -> str | None:
        """No screenshots of a patient's screen."""
        return None

    def copy_to_clipboard(self, text: str) -> None:
        """Nothing is ever copied to the clipboard (it would outlive the visit)."""

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """No browser: addresses are shown as text and QR codes."""

    def action_toggle_dark(self) -> None:
        """The theme is the practice's choice, or the patient's high-contrast button."""

    def action_change_theme(self) -> None:
        """The theme is the practice's choice, or the patient's high-contrast button."""

    async def action_simulate_key(self, key: str) -> None:
        """No injected keys."""

    def _handle_exception(self, error: Exception) -> None:
        """Log where it happened (no message, no values: they may hold patient text), then stop."""
        frames = traceback.extract_tb(error.__traceback__)
        where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
        log.error("kiosk error %s at %s", type(error).__name__, where or "?")
        self._return_code = EXIT_CRASHED
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()

    def check_staff_pin(self, pin: str) -> bool:
        """Whether ``pin`` is the staff PIN from the configuration."""
        from dfhelper.pin import verify_pin

        stored = self.config.kiosk.staff_pin_hash
        return bool(stored) and verify_pin(pin, str(stored))

    def staff_exit(self) -> None:
        """Close the kiosk (staff only, after the PIN)."""
        self.stop_speaking()
        self.visit = None
        self.exit(EXIT_STAFF, return_code=EXIT_STAFF)

    def toggle_contrast(self) -> None:
        """High contrast on or off (for this visit; the wipe puts the practice's choice back)."""
        self.theme = STANDARD.name if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name

    # -- idle ----------------------------------------------------------------------------------

    def kiosk_idle_tick(self) -> None:
        """Once a second: ask "Are you still there?" when nobody has touched the kiosk for a while."""
        if self.visit is None or isinstance(self.screen, StillThereScreen | StaffPinScreen):
            return
        quiet = self._clock() - self.last_input
        session = self.visit.session
        if (
            quiet >= self.config.engine.pause_seconds_before_offer
            and isinstance(self.screen, StepScreen)
            and session is not None
            and not session.offer_help
        ):
            session.paused()  # a long pause on one step: offer help
            self.screen.show()
        if quiet >= self.config.kiosk.idle_seconds:
            seconds = self.config.kiosk.still_there_seconds
            lines = (self._ui(s.STILL_THERE), self.still_there_line(seconds), self._ui(s.MORE_TIME))
            self.push_screen(StillThereScreen(seconds, lines), callback=self._still_here)

    def _still_here(self, _: None) -> None:
        self.last_input = self._clock()

    def still_there_line(self, seconds: int) -> Content:
        """ "This screen will clear in N seconds", in the patient's language."""
        from dfhelper.kiosk.widgets import content

        if self.visit is None:
            english = s.STILL_THERE_WIPE if seconds == 1 else s.STILL_THERE_WIPE_PLURAL
            return content(Shown(english.format(n=seconds)))
        return content(self.visit.plural(s.STILL_THERE_WIPE, s.STILL_THERE_WIPE_PLURAL, seconds))

    def _ui(self, english: str, **params: object) -> Content:
        from dfhelper.kiosk.widgets import content

        shown = self.visit.ui(english, **params) if self.visit else Shown(english.format(**params))
        return content(shown)

    async def wipe(self) -> None:
        """Forget the visit: fresh screens (no old widgets, inputs or undo), no notifications, no speech."""
        self.stop_speaking()
        if self.visit is not None:
            self.visit.abandon()
        self.visit = None
        self.clear_notifications()
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        await self.push_screen(WelcomeScreen())
        self.theme = HIGH_CONTRAST.name if self.config.kiosk.theme == "high-contrast" else STANDARD.name
        self.last_input = self._clock()
        self.wipes += 1

    # -- the patient's way through -------------------------------------------------------------

    def begin_visit(self) -> None:
        """Someone touched the welcome screen."""
        if self.core is None:
            self._start_when_ready = True
            return
        if self.visit is not None:
            return
        self.visit = self.core.visit()
        if len(self.core.languages) > 1:
            self.push_screen(LanguageScreen())
        else:
            self.push_screen(TasksScreen())

    def back_from_tasks(self) -> None:
        """Back from the task list: to the languages, or (with one language) end the visit."""
        if self.core is not None and len(self.core.languages) > 1:
            self.pop_screen()
        else:
            self.finish_visit()

    def start_task(self, flow_id: str) -> None:
        """A task was chosen: ask the circumstances once per visit, then the first step."""
        assert self.visit is not None
        if not self.visit.asked_circumstances:
            self.visit.asked_circumstances = True
            self.push_screen(CircumstancesScreen(flow_id))
            return
        self._open_step(flow_id)

    def circumstances_done(self, flow_id: str) -> None:
        """After "What applies to you?"."""
        self.pop_screen()
        self._open_step(flow_id)

    def _open_step(self, flow_id: str) -> None:
        assert self.visit is not None
        self.visit.start(flow_id)
        if self.visit.session is not None and self.visit.session.finished:
            self.after_answer(pushed=False)
            return
        self.push_screen(StepScreen())

    def flow_title(self, flow_id: str) -> Shown:
        """A flow's title in the patient's language."""
        assert self.core is not None
        assert self.visit is not None
        info = self.core.library.infos[flow_id]
        return self.visit.translator.flow_text(flow_id, None, "title", info.title)

    def after_answer(self, *, pushed: bool = True) -> None:
        """Show what the engine says comes next."""
        visit = self.visit
        assert visit is not None
        assert visit.session is not None
        session = visit.session
        if not session.finished:
            self.refresh_step()
            return
        if session.status == "escalated":
            visit.request_help(str((session.outcome or {}).get("reason", "flow")))
            self.push_screen(HelpScreen())
        else:
            self.push_screen(FinishedScreen())

    def refresh_step(self) -> None:
        """Update the step screen in place."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, StepScreen):
                screen.show()
                return

    def leave_task(self) -> None:
        """Back to the task list (language and circumstances kept; the task forgotten)."""
        assert self.visit is not None
        self.visit.abandon()  # left unfinished: counted as abandoned in the practice's report
        self.visit.session = None
        self.visit.help = None
        while len(self.screen_stack) > 1 and not isinstance(self.screen_stack[-1], TasksScreen):
            self.pop_screen()

    def ask_for_help(self) -> None:
        """ "I'm stuck - get help": save the request, show the ticket."""
        assert self.visit is not None
        self.visit.request_help()
        self.push_screen(HelpScreen())

    def red_flag(self, hit: Hit) -> None:
        """Words that may mean an emergency: the urgent screen, and a priority request for staff."""
        assert self.visit is not None
        self.visit.raise_red_flag(hit)
        self.push_screen(UrgentScreen(hit))

    def leave_help(self) -> None:
        """Back from the help screen to where the patient was."""
        assert self.visit is not None
        self.visit.leave_help()
        self.pop_screen()
        self.refresh_step()

    def finish_visit(self) -> None:
        """The patient is done: wipe now."""
        self.run_worker(self.wipe(), exclusive=True, group="wipe")
