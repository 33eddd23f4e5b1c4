"""What the kiosk knows, without any screen: the long-lived parts, and one patient's visit.

`KioskCore` is loaded once when the kiosk starts: configuration, flows,
offered languages, translators, search indexes, the help-request outbox and
the sender that takes requests from it to the desk.
A `Visit` is one patient's time at the screen, from the first touch to the
wipe: their language, the circumstances they chose to share, the `Session`
for the task they picked, and any help request. Dropping the `Visit` forgets
all of it.

Front ends (the Textual kiosk, later the browser) show what these return and
call their methods; every decision about what comes next lives here or in the
engine, where tests reach it without a screen. Nothing here imports Textual.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dfhelper.config import Config
from dfhelper.engine.events import Event, EventKind
from dfhelper.engine.search import SearchIndex
from dfhelper.engine.session import Session, StepView
from dfhelper.engine.text import EnglishTranslator, Shown, Translator
from dfhelper.escalation.outbox import HelpRequest, NewRequest, Outbox, OutboxError, default_path
from dfhelper.escalation.sender import Sender
from dfhelper.escalation.store import COME_TO_DESK, default_url, open_store
from dfhelper.flowlang.facts import FACT_NAMES, fact
from dfhelper.flowlang.library import Library
from dfhelper.i18n.catalogs import SOURCE_LOCALE, CatalogTranslator
from dfhelper.i18n.languages import Language, offered
from dfhelper.insights.events import EventLog
from dfhelper.insights.model import UsageEvent
from dfhelper.kiosk.phases import HelpPhase
from dfhelper.safety.redflags import Hit, RedFlags

log = logging.getLogger(__name__)

KIOSK_FACTS = (
    "has_smartphone",
    "has_own_email",
    "has_photo_id",
    "has_fixed_address",
    "acting_for_someone",
    "wants_easy_read",
    "needs_interpreter",
    "needs_large_print",
    "needs_hearing_loop",
)
"""The circumstances the kiosk asks about, in order (asked, never inferred)."""

NEEDS = ("needs_interpreter", "wants_easy_read", "needs_large_print", "needs_hearing_loop")
"""Circumstances a help request carries to the desk, when the patient chose to share them."""

DEFAULT_TASK_ORDER = (
    "repeat-prescription",
    "gp-appointment",
    "contact-practice-online",
    "create-nhs-login",
    "get-nhs-app",
    "register-with-gp",
    "nominate-pharmacy",
    "gp-record",
    "prescription-costs",
    "nhs-111",
    "act-for-someone",
    "find-nhs-number",
    "practice-messages",
    "get-email-address",
)
"""The shipped flows in the order the tiles show them when the practice sets no ``top_tasks``:
the tasks patients most often come for first. Other flows follow in the library's order."""

EASY_READ = "en@easyread"
"""Easy Read English, the language "I would like Easy Read" switches to from English."""
EASY_READ_FACT = "wants_easy_read"

SEARCH_SURE = 75.0
"""A search hit scoring this much is shown as found; below it, the kiosk asks "Did you mean ...?"."""

SEARCH_CUTOFF = 45.0
"""Below this a hit is not shown at all."""


USAGE_KINDS = {
    EventKind.STEP_SHOWN: "step",
    EventKind.STUCK: "stuck",
    EventKind.ESCALATED: "escalated",
    EventKind.FINISHED: "finished",
}
"""The engine's events that become usage events for the practice's report (ids only)."""


@dataclass(frozen=True, slots=True)
class Task:
    """A flow offered as a tile."""

    flow: str
    title: Shown
    summary: Shown


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    """What a search box shows for what has been typed so far."""

    kind: Literal["empty", "found", "did_you_mean", "nothing"]
    tasks: tuple[Task, ...] = ()


@dataclass(frozen=True, slots=True)
class HelpState:
    """A help request as the patient sees it."""

    request: HelpRequest | None
    """None: it could not be saved (the screen must say so and send the patient to the desk)."""
    saved_at: float = 0.0
    """When it was saved (the core's monotonic clock)."""


class KioskCore:
    """The kiosk's long-lived parts, loaded once and shared by every visit."""

    def __init__(
        self,
        config: Config,
        library: Library,
        *,
        locales_dir: Path,
        languages: list[Language],
        outbox: Outbox | None,
        practice: Mapping[str, Any],
        listener: Callable[[Event], None] | None = None,
        sender: Sender | None = None,
        clock: Callable[[], float] = time.monotonic,
        events: EventLog | None = None,
    ) -> None:
        self.config = config
        self.library = library
        self.locales_dir = locales_dir
        self.languages = languages
        self.outbox = outbox
        self.sender = sender
        self.clock = clock
        self.events = events
        """Anonymous usage events for the practice's report (None: not recorded)."""
        self.practice = dict(practice)
        self.listener = listener
        self._translators: dict[str, Translator] = {}
        self._indexes: dict[str, SearchIndex] = {}
        self._red_flags: dict[str, RedFlags] = {}

    @classmethod
    def load(
        cls,
        config: Config,
        library: Library,
        *,
        locales_dir: Path,
        data_dir: Path | None,
        practice: Mapping[str, Any],
    ) -> KioskCore:
        """Everything the kiosk needs; problems are logged, and the kiosk still starts."""
        languages, _ = offered(
            config.kiosk.languages,
            locales_dir,
            min_coverage=config.kiosk.min_translation_coverage,
        )
        outbox: Outbox | None = None
        sender: Sender | None = None
        events: EventLog | None = None
        if data_dir is not None:
            try:
                outbox = Outbox(default_path(data_dir))
            except OutboxError as e:
                log.error("%s", e)
            else:
                url = config.desk.store_url or default_url(data_dir)
                sender = Sender(outbox.path, lambda: open_store(url), webhook_url=config.desk.webhook_url)
                sender.start()
                events = EventLog(lambda: open_store(url))
                events.start()
        return cls(
            config,
            library,
            locales_dir=locales_dir,
            languages=languages,
            outbox=outbox,
            practice=practice,
            sender=sender,
            events=events,
        )

    def close(self) -> None:
        """Stop the sender and the event writer, and close the outbox (when the kiosk stops)."""
        if self.events is not None:
            self.events.close()
            self.events = None
        if self.sender is not None:
            self.sender.stop()
        if self.outbox is not None:
            self.outbox.close()

    def language(self, code: str) -> Language:
        """An offered language (English if ``code`` is not offered)."""
        for language in self.languages:
            if language.code == code:
                return language
        return self.languages[0]

    def translator(self, code: str) -> Translator:
        """The translator for an offered language (made once)."""
        found = self._translators.get(code)
        if found is None:
            found = (
                EnglishTranslator() if code == SOURCE_LOCALE else CatalogTranslator(code, self.locales_dir)
            )
            self._translators[code] = found
        return found

    def index(self, code: str) -> SearchIndex:
        """Titles and keywords in ``code`` and English, ready to search (made once)."""
        found = self._indexes.get(code)
        if found is None:
            found = self._indexes[code] = SearchIndex.for_library(self.library, self.translator(code))
        return found

    def red_flags(self, code: str) -> RedFlags:
        """The red-flag phrases of ``code`` and English, ready to check (made once)."""
        found = self._red_flags.get(code)
        if found is None:
            found = self._red_flags[code] = RedFlags(self.translator(code))
        return found

    def visit(self) -> Visit:
        """A new patient's visit, in English until they choose."""
        return Visit(self)


@dataclass
class Visit:
    """One patient's time at the kiosk. Drop it to forget everything."""

    core: KioskCore
    lang: str = SOURCE_LOCALE
    facts: dict[str, bool] = field(default_factory=dict)
    asked_circumstances: bool = False
    session: Session | None = None
    help: HelpState | None = None
    anonymous_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    """A random id for this visit's usage events, never linked to a person."""

    @property
    def translator(self) -> Translator:
        """The patient's translator."""
        return self.core.translator(self.lang)

    @property
    def language(self) -> Language:
        """The patient's language."""
        return self.core.language(self.lang)

    def ui(self, english: str, **params: object) -> Shown:
        """One of dfhelper's sentences in the patient's language, ``{name}`` fields filled in."""
        shown = self.translator.ui(english)
        if not params:
            return shown
        try:
            return Shown(shown.text.format(**params), shown.lang, shown.fallback)
        except (KeyError, IndexError, ValueError):  # a translation broke a field: English is right
            return Shown(english.format(**params), SOURCE_LOCALE, True)

    def plural(self, singular: str, plural: str, n: int) -> Shown:
        """A sentence about ``n`` things in the language's plural form for ``n`` (``{n}`` filled in)."""
        return self.translator.ngettext(singular, plural, n)

    def choose_language(self, code: str) -> None:
        """Switch the patient's language (an offered one), keeping their place in a flow.

        Choosing Easy Read is the patient saying they would like Easy Read: the circumstance
        is recorded too, so the desk knows and flows can tailor to it.
        """
        self.lang = self.core.language(code).code
        if self.lang == EASY_READ:
            self.facts[EASY_READ_FACT] = True
        if self.session is not None:
            self.session.translator = self.translator

    def set_fact(self, name: str, value: bool | None) -> None:
        """Record a circumstance the patient chose to tell us (None: they would rather not say).

        Ticking "I would like Easy Read" while reading English switches to Easy Read English,
        when the kiosk offers it; unticking it goes back to English.
        """
        if name not in FACT_NAMES:
            raise KeyError(name)
        if value is None:
            self.facts.pop(name, None)
        else:
            self.facts[name] = value
        if name != EASY_READ_FACT or not any(lang.code == EASY_READ for lang in self.core.languages):
            return
        if value and self.lang == SOURCE_LOCALE:
            self.choose_language(EASY_READ)
        elif not value and self.lang == EASY_READ:
            self.choose_language(SOURCE_LOCALE)

    def fact_label(self, name: str) -> Shown:
        """How a circumstance is asked, in the patient's language."""
        return self.translator.ui(fact(name).label)

    def _task(self, flow_id: str) -> Task:
        info = self.core.library.infos[flow_id]
        translator = self.translator
        return Task(
            flow_id,
            translator.flow_text(flow_id, None, "title", info.title),
            translator.flow_text(flow_id, None, "summary", info.summary),
        )

    def tasks(self) -> list[Task]:
        """The tiles: the practice's top tasks, else every flow; those that suit the patient first.

        All of them: the screen numbers the first nine, and the rest are reached by touch,
        Tab or the arrow keys, as on the language list.
        """
        library = self.core.library
        top = [f for f in self.core.config.kiosk.top_tasks if f in library]
        if not top:
            known = [f for f in DEFAULT_TASK_ORDER if f in library]
            top = known + [i.id for i in library if i.id not in DEFAULT_TASK_ORDER]

        def suits(flow_id: str) -> int:
            wanted = library.infos[flow_id].suits
            return -sum(1 for rule in wanted if _fact_rule_holds(rule, self.facts))

        ordered = sorted(top, key=lambda f: (suits(f), top.index(f)))
        return [self._task(f) for f in ordered]

    def search(self, query: str) -> SearchOutcome:
        """What the search box shows for ``query`` (found, "did you mean", or nothing)."""
        if not query.strip():
            return SearchOutcome("empty")
        hits = self.core.index(self.lang).search(query, limit=4, cutoff=SEARCH_CUTOFF)
        if not hits:
            return SearchOutcome("nothing")
        sure = [h for h in hits if h.score >= SEARCH_SURE]
        if sure:
            return SearchOutcome("found", tuple(self._task(h.flow) for h in sure))
        return SearchOutcome("did_you_mean", tuple(self._task(h.flow) for h in hits[:3]))

    def start(self, flow_id: str) -> Session:
        """Begin a task with the circumstances the patient shared."""
        self.abandon()  # a task left unfinished for another one
        self._usage("started", flow_id)
        self.session = Session(
            self.core.library,
            flow_id,
            facts=self.facts,
            practice=self.core.practice,
            settings=self.core.config.engine,
            translator=self.translator,
            listener=self._engine_event,
        )
        self.help = None
        return self.session

    def abandon(self) -> None:
        """The visit ends (or moves on) with the task unfinished: count it as abandoned."""
        session = self.session
        if session is not None and not session.finished:
            self._usage("abandoned", session.flow_id, session.step_id)

    def _engine_event(self, event: Event) -> None:
        if self.core.listener is not None:
            self.core.listener(event)
        kind = USAGE_KINDS.get(event.kind)
        if kind is not None:
            detail = event.data.get("signal") or event.data.get("reason")
            self._usage(kind, event.flow, event.step, str(detail) if detail else None)

    def _usage(self, kind: str, flow: str | None, step: str | None = None, detail: str | None = None) -> None:
        events = self.core.events
        if events is not None:
            now = dt.datetime.now(dt.UTC)
            events.record(UsageEvent(self.anonymous_id, now, kind, flow, step, self.lang, "kiosk", detail))

    def carry_on_url(self, view: StepView) -> str | None:
        """The official page to carry on at home: the step's link or source, else the flow's first."""
        flow = self.core.library.flow(view.flow)
        candidates = [link.url for link in view.links] + list(view.sources)
        for step in flow.steps:
            candidates.extend(link.url for link in step.links)
        candidates.extend(flow.sources)
        return next((url for url in candidates if url.startswith("https://")), None)

    def request_help(self, reason: str = "asked_for_help", *, priority: bool = False) -> HelpState:
        """Save a request for a person (once per visit, until the patient goes back to a task)."""
        if self.help is not None:
            return self.help
        session = self.session
        flow = step = None
        tried: list[str] = []
        if session is not None:
            if not session.finished:
                session.request_help(reason, priority=priority)
            outcome = session.outcome or {}
            flow, step = outcome.get("flow", session.flow_id), outcome.get("step", session.step_id)
            reason = outcome.get("reason", reason)
            tried = list(session.visits)
        needs = [name for name in NEEDS if self.facts.get(name)]
        if session is not None and (session.outcome or {}).get("priority") == "true":
            priority = True
        request = NewRequest(
            kiosk=self.core.config.kiosk.name,
            lang=self.lang,
            reason=reason,
            flow=flow,
            step=step,
            priority=priority,
            steps_tried=tried,
            needs=needs,
        )
        saved: HelpRequest | None = None
        if self.core.outbox is not None:
            try:
                saved = self.core.outbox.add(request)
            except OutboxError as e:  # disk full, read-only...: never say "saved"
                log.error("%s", e)
        if saved is not None and self.core.sender is not None:
            self.core.sender.wake()
        self.help = HelpState(saved, saved_at=self.core.clock())
        return self.help

    def red_flag(self, typed: str) -> Hit | None:
        """A red flag in what the patient typed (in their language or English), or None."""
        return self.core.red_flags(self.lang).check(typed)

    def raise_red_flag(self, hit: Hit) -> HelpState:
        """Stop, and raise a priority request for a person (once per visit, until they go back)."""
        if self.help is not None and self.help.request is not None and self.help.request.priority:
            return self.help
        self.help = None  # an ordinary request already made is raised again, as a priority
        return self.request_help(f"red_flag_{hit.kind}", priority=True)

    def help_phase(self, *, now: dt.datetime | None = None) -> HelpPhase:
        """Where the patient's help request is now (cheap: asks the sender, which does the I/O)."""
        state = self.help
        if state is None or state.request is None:
            return HelpPhase.NOT_SAVED
        sender = self.core.sender
        if sender is None:
            return HelpPhase.GO_TO_DESK  # saved, but nothing can take it to the desk
        desk = self.core.config.desk
        status = sender.status(state.request)
        if status.remote is not None and status.remote.state == "claimed":
            return HelpPhase.COMING
        if status.remote is not None and status.remote.state == "resolved":
            return HelpPhase.GO_TO_DESK if status.remote.outcome == COME_TO_DESK else HelpPhase.DONE
        if status.delivered:
            now = now or dt.datetime.now(dt.UTC)
            seen = status.desk_seen
            if seen is None or (now - seen).total_seconds() > desk.desk_absent_seconds:
                return HelpPhase.GO_TO_DESK  # nobody is watching the desk
            return HelpPhase.AT_DESK
        if self.core.clock() - state.saved_at > desk.unreachable_seconds:
            return HelpPhase.GO_TO_DESK
        return HelpPhase.SENDING

    def leave_help(self) -> None:
        """The patient went back from the help screen to their step."""
        self.help = None
        if self.session is not None and self.session.finished and self.session.status == "escalated":
            self.session.back()


def _fact_rule_holds(rule: str, facts: Mapping[str, bool]) -> bool:
    if rule.startswith("not "):
        return facts.get(rule[4:].strip()) is False
    return facts.get(rule.strip()) is True
