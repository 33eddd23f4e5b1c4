"""The desk console: reception's live list of patients waiting for help, in Textual.

What it does:

- lists open requests (urgent first, then the longest waiting) with how long each
  has waited, the kiosk, the task, the step, the language and any needs;
- ``c`` claims the selected request ("I'm coming"), ``n`` claims the most urgent
  one, ``r`` resolves the selected one with an outcome, ``enter`` shows details,
  ``q`` quits;
- stays live: a worker thread with its own store connection waits for changes
  and asks the screen to reload (each thread has its own connection; they are
  never shared); the ages tick every second;
- says it is open (`DeskStore.heartbeat`) at start and every
  `HEARTBEAT_SECONDS`, so kiosks know a person is watching;
- rings the bell when a request arrives, and again every ``desk.realert_seconds``
  while a request waits unclaimed, with its row highlighted;
- when the store cannot be reached, shows a red banner, keeps the last list,
  and keeps trying; it never crashes on a store error and never shows a
  traceback.

Text from requests only ever reaches the screen as `rich.text.Text` or
`textual.content.Content`, never inside a markup string, and notifications are
sent with ``markup=False``.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ClassVar, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.coordinate import Coordinate
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from dfhelper.config import Config
from dfhelper.desk import view
from dfhelper.escalation.store import (
    OUTCOMES,
    DeskRequest,
    DeskStore,
    StoreError,
    StoreUnavailable,
    open_store,
)

T = TypeVar("T")

HEARTBEAT_SECONDS = 10.0
"""How often the desk tells the store it is open."""
WAIT_SECONDS = 2.0
"""The watcher's longest wait for a change before it reloads anyway."""
RETRY_SECONDS = 2.0
"""How long the watcher waits before trying an unreachable store again."""

STORE_FAILURES = (StoreError, StoreUnavailable)
"""The store is set up wrongly or out of reach: the banner says why, the desk keeps trying."""
UNREADABLE = (ValueError, TypeError, KeyError)
"""The store sent something the desk cannot read (a damaged row): shown like an outage, never a crash."""

URGENT_STYLE = "bold #FFFFFF on #D5281B"
"""The "URGENT" mark: white on NHS red."""
REALERT_STYLE = "bold #212B32 on #FFEB3B"
"""A request waiting too long without anyone coming: dark text on yellow, until claimed."""
CLAIMED_STYLE = "#5BC07A"
"""The state of a claimed request: a green readable on the dark background (about 7:1)."""


def failure_message(error: BaseException) -> str:
    """What the banner says went wrong: a store's own message, else only the kind of error."""
    if isinstance(error, STORE_FAILURES):
        return view.clean(error, limit=300)
    return f"unexpected {type(error).__name__} while reading it"


def request_cells(row: view.RequestRow) -> list[Text]:
    """A row's cells as Rich `Text` (never markup), styled for urgency and re-alert."""
    base = REALERT_STYLE if row.realert else ""
    out: list[Text] = []
    for name, value in zip((name for name, _ in view.COLUMNS), view.cells(row), strict=True):
        style = base
        if name == "flag" and value:
            style = URGENT_STYLE
        elif name == "state" and row.claimed_by and not base:
            style = CLAIMED_STYLE
        # padded and justified so a style colours the whole cell, and a row reads as one band
        out.append(Text(f" {value} ", style=style, no_wrap=True, justify="left", end=""))
    return out


class RequestTable(DataTable[Text]):
    """The list of open requests; ``enter`` opens the details of the selected one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Details"),
    ]


class ResolveScreen(ModalScreen[str | None]):
    """Pick how a request ended (one of `OUTCOMES`); Escape goes back without resolving."""

    DEFAULT_CSS = """
    ResolveScreen { align: center middle; }
    ResolveScreen > Vertical {
        width: 64; height: auto; padding: 1 2; border: round $primary; background: $surface;
    }
    ResolveScreen #resolve-title { text-style: bold; margin-bottom: 1; }
    ResolveScreen OptionList, ResolveScreen OptionList:focus {
        height: auto; max-height: 12; border: none; padding: 0;
    }
    ResolveScreen #resolve-hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "cancel", "Back", show=False),
        *(Binding(str(n), f"pick({n - 1})", show=False) for n in range(1, len(OUTCOMES) + 1)),
    ]

    def __init__(self, ticket: str, where: str) -> None:
        """``ticket`` and ``where`` (kiosk and language) say which patient this is."""
        super().__init__()
        self.ticket = ticket
        self.where = where

    def compose(self) -> ComposeResult:
        """A title, the outcomes, and how to go back."""
        with Vertical():
            yield Static(
                Content.assemble(("Resolve ticket " + self.ticket, "bold"), "\n", self.where),
                id="resolve-title",
            )
            yield OptionList(
                *(
                    Option(Content(f"{n}. {label}"), id=code)
                    for n, (code, label) in enumerate(OUTCOMES.items(), 1)
                ),
                id="outcomes",
            )
            yield Static(Content("Enter or a number to choose. Escape to go back."), id="resolve-hint")

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        """An outcome was chosen."""
        event.stop()
        self.dismiss(event.option_id)

    def action_pick(self, index: int) -> None:
        """A number key chose an outcome."""
        codes = list(OUTCOMES)
        if 0 <= index < len(codes):
            self.dismiss(codes[index])

    def action_cancel(self) -> None:
        """Back to the list; nothing changes."""
        self.dismiss(None)


class DetailsScreen(ModalScreen[None]):
    """Everything the desk knows about one request."""

    DEFAULT_CSS = """
    DetailsScreen { align: center middle; }
    DetailsScreen > Vertical {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        padding: 1 2; border: round $primary; background: $surface;
    }
    DetailsScreen #details-hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close", "Close", show=False),
    ]

    def __init__(self, lines: list[tuple[str, str]]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        """Label and value, one per line."""
        width = max(len(label) for label, _ in self.lines) + 2
        indent = "\n" + " " * width
        body = Content("\n").join(
            Content.assemble(((label + ":").ljust(width), "bold"), value.replace("\n", indent))
            for label, value in self.lines
        )
        with Vertical():
            yield Static(body, id="details")
            yield Static(Content("Escape or Enter to close."), id="details-hint")

    def action_close(self) -> None:
        """Back to the list."""
        self.dismiss(None)


class DeskApp(App[int]):
    """Reception's desk console: who is stuck, where, in what language; claim and resolve."""

    TITLE = "dfhelper desk"
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    #title { height: 1; padding: 0 1; background: $primary; color: $text; text-style: bold; }
    #banner { display: none; padding: 0 1; background: #D5281B; color: #FFFFFF; text-style: bold; }
    #banner.-shown { display: block; }
    #empty { display: none; padding: 1 2; color: $text-muted; }
    RequestTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "claim", "I'm coming"),
        Binding("n", "claim_next", "Take next"),
        Binding("r", "resolve", "Resolve"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        config: Config,
        store_url: str,
        *,
        clock: Callable[[], dt.datetime] = view.utc_now,
        titles: Mapping[str, str] | None = None,
        tz: dt.tzinfo | None = None,
        watch: bool = True,
    ) -> None:
        """``titles`` maps flow ids to task titles; ``tz`` is for times in the details (None: local);
        ``watch=False`` leaves out the watcher thread (for tests that drive refreshes themselves)."""
        super().__init__()
        self.config = config
        self.desk_name = config.desk.name
        self.store_url = store_url
        self.clock = clock
        self.titles: Mapping[str, str] = dict(titles or {})
        self.tz = tz
        self._watching = watch
        self.wait_seconds = WAIT_SECONDS
        """The watcher's longest wait before it reloads anyway (tests shorten it)."""
        self.retry_seconds = RETRY_SECONDS
        """How long the watcher waits before trying an unreachable store again."""
        self.requests: list[DeskRequest] = []
        """The open requests, as last read from the store."""
        self.crash: str | None = None
        """Where an unexpected error happened (type and place only), if the app stopped because of one."""
        self._store: DeskStore | None = None
        self._loaded = False
        self._shown: list[str] = []
        self._known: set[str] | None = None
        self._alerted: dict[str, int] = {}
        self._ui_error: str | None = None
        self._watch_error: str | None = None
        self._stop = threading.Event()

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Header line, banner (when the store is out of reach), the list, the keys."""
        yield Static(id="title")
        yield Static(id="banner")
        yield Static(Content("Nobody is waiting for help."), id="empty")
        table = RequestTable(cursor_type="row", zebra_stripes=False, cell_padding=0, id="requests")
        for key, heading in view.COLUMNS:
            table.add_column(Text(f" {heading} "), key=key)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        """Load the list, start the clock and the watcher."""
        self.query_one(RequestTable).focus()
        self.refresh_requests()
        self.set_interval(1.0, self.tick)
        if self._watching:
            self.follow_store()

    def on_unmount(self) -> None:
        """Stop the watcher and let go of the store."""
        self._stop.set()
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- the store -----------------------------------------------------------------------------

    def _with_store(self, use: Callable[[DeskStore], T]) -> tuple[bool, T | None]:
        """(True, result) or, when the store is out of reach, (False, None) with the banner shown."""
        try:
            if self._store is None:
                self._store = open_store(self.store_url)
            result = use(self._store)
        except (*STORE_FAILURES, *UNREADABLE) as e:
            self._ui_error = failure_message(e)
            self._show_banner()
            return False, None
        if self._ui_error is not None:
            self._ui_error = None
            self._show_banner()
        return True, result

    def refresh_requests(self) -> None:
        """Read the open requests again (on the screen's own connection) and show them."""
        if self._stop.is_set():
            return
        ok, requests = self._with_store(lambda store: store.open_requests())
        if not ok or requests is None:
            return
        self.requests = requests
        self._loaded = True
        self._announce_new(requests)
        self.render_requests()

    def _announce_new(self, requests: list[DeskRequest]) -> None:
        """Ring and say so when a request arrives (not for those already waiting at start)."""
        ids = {r.id for r in requests}
        if self._known is None:
            self._known = ids
            return
        new = [r for r in requests if r.id not in self._known and r.state == "open"]
        self._known = ids
        if not new:
            return
        self.bell()
        for request in new:
            urgent = "URGENT: " if request.priority else ""
            self.notify(
                f"{urgent}New help request: ticket {view.clean(request.ticket)} "
                f"at {view.clean(request.kiosk)} ({view.language_name(request.lang)})",
                title="Someone needs help",
                severity="warning" if request.priority else "information",
                markup=False,
            )

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def follow_store(self) -> None:
        """On its own connection: say the desk is open, wait for changes, ask the screen to reload.

        Whatever goes wrong, it says so on the banner and tries again: a desk that
        silently stopped watching could miss a patient.
        """
        worker = get_current_worker()
        store: DeskStore | None = None
        last_beat: float | None = None
        down = False
        try:
            while not self._stop.is_set() and not worker.is_cancelled:
                try:
                    if store is None:
                        store = open_store(self.store_url)
                    if last_beat is None or time.monotonic() - last_beat >= HEARTBEAT_SECONDS:
                        store.heartbeat(self.desk_name)
                        last_beat = time.monotonic()
                    if down:
                        down = False
                        self._from_thread(self._watch_ok)
                    store.wait(timeout=self.wait_seconds)
                    self._from_thread(self.refresh_requests)
                except Exception as e:  # any failure: say so, start again on a new connection
                    if store is not None:
                        store.close()
                        store = None
                    down = True
                    self._from_thread(self._watch_failed, failure_message(e))
                    self._stop.wait(self.retry_seconds)
        finally:
            if store is not None:
                store.close()

    def _from_thread(self, callback: Callable[..., object], *args: object) -> None:
        """Run ``callback`` on the screen's thread, unless the app is closing."""
        if self._stop.is_set():
            return
        try:
            self.call_from_thread(callback, *args)
        except RuntimeError:  # the app stopped meanwhile
            self._stop.set()

    def _watch_failed(self, message: str) -> None:
        self._watch_error = message
        self._show_banner()

    def _watch_ok(self) -> None:
        self._watch_error = None
        self._show_banner()
        self.refresh_requests()

    @property
    def store_problem(self) -> str | None:
        """Why the store cannot be reached just now (None: it can)."""
        return self._ui_error or self._watch_error

    def _show_banner(self) -> None:
        banner = self.query_one("#banner", Static)
        problem = self.store_problem
        if problem is None:
            banner.remove_class("-shown")
            banner.update("")
            return
        banner.update(
            Content.assemble(
                "Cannot reach the help-request store (",
                problem,
                "). Retrying...\nThe list below may be out of date. "
                "Kiosks may send patients to the desk until this is fixed.",
            )
        )
        banner.add_class("-shown")

    # -- showing the list ----------------------------------------------------------------------

    def render_requests(self) -> None:
        """Show the last list read, with ages at the clock's time; keep the selected request selected."""
        now = self.clock()
        rows = view.make_rows(
            self.requests, now, titles=self.titles, realert_seconds=self.config.desk.realert_seconds
        )
        table = self.query_one(RequestTable)
        ids = [row.id for row in rows]
        if ids == self._shown:
            for row in rows:
                for (key, _), cell in zip(view.COLUMNS, request_cells(row), strict=True):
                    old = table.get_cell(row.id, key)
                    if (old.plain, str(old.style)) != (cell.plain, str(cell.style)):
                        table.update_cell(row.id, key, cell, update_width=True)
        else:
            selected = self.selected_id()
            table.clear()
            for row in rows:
                table.add_row(*request_cells(row), key=row.id)
            self._shown = ids
            if selected in ids:
                table.move_cursor(row=ids.index(selected), animate=False)
        # "Nobody is waiting" only once the store has answered: never while it is out of reach at start
        self.query_one("#empty").display = not rows and self._loaded
        self.query_one("#title", Static).update(
            Content.assemble((self.desk_name, "bold"), " · ", view.summary(self.requests))
        )

    def tick(self) -> None:
        """Once a second: new ages, and re-alerts for anyone waiting too long."""
        self.render_requests()
        self.check_realerts()

    def check_realerts(self) -> None:
        """Ring once for each request that has waited another ``desk.realert_seconds`` unclaimed."""
        now = self.clock()
        every = self.config.desk.realert_seconds
        ring = False
        current: dict[str, int] = {}
        for request in self.requests:
            due = view.realert_round(request, now, every)
            done = self._alerted.get(request.id, 0)
            current[request.id] = max(due, done)
            if due > done:
                ring = True
        self._alerted = current
        if ring:
            self.bell()

    def selected_id(self) -> str | None:
        """The id of the request under the cursor (None: the list is empty)."""
        table = self.query_one(RequestTable)
        if table.row_count == 0:
            return None
        row_key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key
        return row_key.value

    def selected(self) -> DeskRequest | None:
        """The request under the cursor."""
        chosen = self.selected_id()
        return next((r for r in self.requests if r.id == chosen), None)

    def select(self, request_id: str) -> None:
        """Move the cursor to a request, if it is listed."""
        if request_id in self._shown:
            self.query_one(RequestTable).move_cursor(row=self._shown.index(request_id), animate=False)

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Desk keys work on the list only, not while a box is open over it."""
        return not (action in {"claim", "claim_next", "resolve"} and len(self.screen_stack) > 1)

    def _say(self, message: str, *, warn: bool = False) -> None:
        self.notify(message, severity="warning" if warn else "information", markup=False)

    def action_claim(self) -> None:
        """ "I'm coming": claim the selected request."""
        request = self.selected()
        if request is None:
            self._say("Nobody is waiting.")
            return
        ticket = view.clean(request.ticket)
        if request.state != "open":
            self._say(f"Ticket {ticket} is already {view.state_label(request).lower()}.", warn=True)
            return
        ok, claimed = self._with_store(lambda store: store.claim(request.id, self.desk_name))
        if not ok:
            return
        if claimed:
            self._say(f"Ticket {ticket}: you are going to {view.clean(request.kiosk)}.")
        else:
            self._say(f"Ticket {ticket} was taken by another desk.", warn=True)
        self.refresh_requests()

    def action_claim_next(self) -> None:
        """Claim the most urgent open request, whichever is selected."""
        ok, claimed = self._with_store(lambda store: store.claim_next(self.desk_name))
        if not ok:
            return
        if claimed is None:
            self._say("Nobody is waiting.")
            return
        urgent = "URGENT " if claimed.priority else ""
        self._say(
            f"{urgent}Ticket {view.clean(claimed.ticket)}: you are going to {view.clean(claimed.kiosk)}."
        )
        self.refresh_requests()
        self.select(claimed.id)

    def action_resolve(self) -> None:
        """Close the selected request with an outcome chosen from a list."""
        request = self.selected()
        if request is None:
            self._say("Nobody is waiting.")
            return

        def done(outcome: str | None) -> None:
            if outcome is not None:
                self.resolve(request, outcome)

        where = f"{view.clean(request.kiosk)}, {view.language_name(request.lang)}"
        self.push_screen(ResolveScreen(view.clean(request.ticket), where), callback=done)

    def resolve(self, request: DeskRequest, outcome: str) -> None:
        """Resolve ``request`` with ``outcome`` and say so."""
        ok, resolved = self._with_store(lambda store: store.resolve(request.id, self.desk_name, outcome))
        if not ok:
            return
        ticket = view.clean(request.ticket)
        if resolved:
            self._say(f"Ticket {ticket}: {view.outcome_label(outcome)}.")
        else:
            self._say(f"Ticket {ticket} was already resolved.", warn=True)
        self.refresh_requests()

    @on(DataTable.RowSelected)
    def show_details(self, event: DataTable.RowSelected) -> None:
        """Enter (or a click) on a row: everything about that request."""
        chosen = event.row_key.value
        request = next((r for r in self.requests if r.id == chosen), None)
        if request is not None:
            lines = view.details(request, self.clock(), titles=self.titles, tz=self.tz)
            self.push_screen(DetailsScreen(lines))

    # -- never a traceback -----------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """Note the error's type and place (no message, no values), then stop without a traceback."""
        frames = traceback.extract_tb(error.__traceback__)
        where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames[-3:]))
        self.crash = f"{type(error).__name__} at {where or '?'}"
        self._stop.set()
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()
