"""What a handout says: a `Route` turned into text in the patient's language and in English.

Everything is rendered by the engine's `Session` (templates, the practice's
details, opening hours in the patient's language) from each stop's saved state,
once with the patient's translator and once in English. Which steps are shown:

- ``say``, ``check``, ``end`` and ``escalate``: their text (a check's "Did it
  work?" question is left out: on paper the patient just does the step).
- ``choice`` and ``text``: the question *with the answer the route took*
  ("Your answer: Yes, I can log in"). A choice's text often carries an
  instruction ("Tick the medicines you need. Do you have a chosen pharmacy?"),
  and the answer says which branch the later steps belong to, so a patient
  whose answer changes at home knows the steps no longer fit.
- ``circumstances`` are left out (what applies to the patient is not printed).

The ``what_next`` points of the end are listed last, then the official pages
the shown steps cite (their links, then their sources; de-duplicated, in order,
at most `MAX_QR_CODES`) as QR codes. Nothing that identifies the patient is
in a `Handout`: no facts, no answers typed, no names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import segno

from dfhelper.config import PracticeConfig
from dfhelper.engine import text as t
from dfhelper.engine.session import Session, StepView, Thresholds
from dfhelper.engine.text import EnglishTranslator, Shown, Translator
from dfhelper.flowlang.hours import localised
from dfhelper.flowlang.library import Library
from dfhelper.handout import strings as s
from dfhelper.handout.route import Route
from dfhelper.i18n.catalogs import SOURCE_LOCALE, text_direction

MAX_QR_CODES = 6
"""At most this many QR codes (pages cited), so the handout stays short."""

SHOWN_KINDS = frozenset({"say", "check", "choice", "text", "end", "escalate"})


@dataclass(frozen=True, slots=True)
class Text:
    """One piece of text in the patient's language, and the English beneath it when that differs.

    ``text`` may hold flow markup (``[b]``, ``[i]``); the renderer escapes everything else.
    """

    text: str
    lang: str
    """The BCP 47 tag of ``text``: the patient's language, or ``en`` when it is English standing in."""
    direction: str
    """``rtl`` or ``ltr``, for ``text``."""
    english: str | None = None
    """The English, for whoever helps the patient at home (None: the same as ``text``)."""
    fallback: bool = False
    """True when ``text`` is English because the patient's language has no current translation."""


@dataclass(frozen=True, slots=True)
class HandoutStep:
    """One numbered step."""

    number: int
    flow: str
    step: str
    kind: str
    text: Text
    answer: Text | None = None
    """For a choice or text step: "Your answer: ..." (the answer the route took)."""


@dataclass(frozen=True, slots=True)
class QRCode:
    """An official page to open at home: its address as a QR code (inline SVG) and as text."""

    url: str
    svg: str
    label: Text | None = None
    """The link's name, when a step gives the page as a link (sources have none)."""


@dataclass(frozen=True, slots=True)
class Handout:
    """Everything a handout shows, already in the patient's language and English."""

    flow: str
    locale: str
    """The patient's locale (``ur``, ``pa_Arab``, ``en@easyread``)."""
    lang: str
    """The document's BCP 47 language tag (``ur``, ``pa-Arab``, ``en``)."""
    direction: str
    title: Text
    steps: tuple[HandoutStep, ...]
    what_next: tuple[Text, ...]
    qr_codes: tuple[QRCode, ...]
    practice_name: str
    practice_phone: str
    practice_website: str
    labels: Mapping[str, Text]
    """The fixed sentences, by name: steps, what_next, scan, scan_how, practice, phone, hours,
    website, made_by, nothing_about_you, in_english."""
    safety: tuple[Text, ...]
    large_print: bool = False


def html_lang(locale: str) -> str:
    """A locale as an HTML ``lang`` tag: ``pa_Arab`` → ``pa-Arab``, ``en@easyread`` → ``en``."""
    return locale.partition("@")[0].replace("_", "-") or SOURCE_LOCALE


def direction_of(locale: str) -> str:
    """``rtl`` or ``ltr`` for ``locale``."""
    return text_direction(locale.partition("@")[0])


class _Writer:
    """Makes `Text` from the patient's translator, with the English beneath."""

    def __init__(self, translator: Translator) -> None:
        self.translator = translator
        self.locale = translator.locale
        self.lang = html_lang(self.locale)
        self.direction = direction_of(self.locale)

    def text(self, shown: Shown, english: str) -> Text:
        """``shown`` (the patient's language) with ``english`` beneath, unless it says the same."""
        if shown.fallback:
            return Text(shown.text, SOURCE_LOCALE, "ltr", None, fallback=True)
        if self.locale == SOURCE_LOCALE:
            return Text(shown.text, SOURCE_LOCALE, "ltr")
        return Text(shown.text, self.lang, self.direction, english if english != shown.text else None)

    def ui(
        self, english: str, mine: Mapping[str, object] | None = None, en: Mapping[str, object] | None = None
    ) -> Text:
        """One of dfhelper's sentences with its ``{name}`` fields filled in: ``mine`` in the
        patient's language, ``en`` (default: the same) in the English beneath."""
        mine = mine or {}
        english_text = english.format(**(mine if en is None else en))
        shown = self.translator.ui(english)
        try:
            text = shown.text.format(**mine)
        except (KeyError, IndexError, ValueError):  # a translation broke a field: English is right
            return Text(english_text, SOURCE_LOCALE, "ltr", None, fallback=True)
        if shown.fallback:  # English standing in: in English throughout
            return Text(english_text, SOURCE_LOCALE, "ltr", None, fallback=True)
        return self.text(Shown(text, shown.lang), english_text)


def _view(state: Mapping[str, Any], library: Library, **kwargs: Any) -> StepView:
    """The step a stop's state is at, as `Session.view` shows it."""
    return Session.from_dict(library, state, **kwargs).view()


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG (scaled by CSS; dark modules black)."""
    code = segno.make(url, error="m", micro=False)
    return str(code.svg_inline(scale=1, border=4, omitsize=True, dark="#000", light="#fff"))


def build_handout(
    route: Route,
    library: Library,
    *,
    translator: Translator,
    practice: PracticeConfig,
    settings: Thresholds | None = None,
    large_print: bool = False,
    today: dt.date | None = None,
) -> Handout:
    """The handout for ``route``, in ``translator``'s language with English beneath."""
    write = _Writer(translator)
    details = asdict(practice)
    in_english = EnglishTranslator()
    steps: list[HandoutStep] = []
    what_next: list[Text] = []
    urls: dict[str, Text | None] = {}
    for stop in route.stops:
        if stop.kind not in SHOWN_KINDS:
            continue
        mine = _view(stop.state, library, practice=details, settings=settings, translator=translator)
        english = _view(stop.state, library, practice=details, settings=settings, translator=in_english)
        if not mine.text.text.strip():
            continue
        answer: Text | None = None
        if stop.kind in ("choice", "text"):
            if stop.answer is None:
                continue  # a question still open: nothing on paper can answer it
            option = next(o for o in mine.options if o.value == stop.answer)
            option_en = next(o for o in english.options if o.value == stop.answer)
            answer = write.ui(s.YOUR_ANSWER, {"answer": option.text.text}, {"answer": option_en.text.text})
            if option.text.fallback:
                answer = Text(answer.english or answer.text, SOURCE_LOCALE, "ltr", None, fallback=True)
            elif answer.fallback and write.locale != SOURCE_LOCALE:
                # "Your answer:" not translated yet: the answer itself in the patient's language
                answer = write.text(option.text, s.YOUR_ANSWER.format(answer=option_en.text.text))
        text = write.text(mine.text, english.text.text)
        steps.append(HandoutStep(len(steps) + 1, stop.flow, stop.step, stop.kind, text, answer))
        for item, item_en in zip(mine.what_next, english.what_next, strict=True):
            point = write.text(item, item_en.text)
            if point not in what_next:
                what_next.append(point)
        for link, link_en in zip(mine.links, english.links, strict=True):
            if link.url not in urls:
                urls[link.url] = write.text(link.text, link_en.text.text)
        for url in mine.sources:
            urls.setdefault(url, None)
    info = library.infos[route.root]
    title = write.text(translator.flow_text(info.id, None, "title", info.title), info.title)
    day = today or dt.date.today()
    hours = {"hours": localised(practice.opening_hours, write.locale)}
    hours_en = {"hours": localised(practice.opening_hours, SOURCE_LOCALE)}
    made = {"practice": practice.name, "date": _long_date(day, write.locale)}
    made_en = {"practice": practice.name, "date": _long_date(day, SOURCE_LOCALE)}
    labels = {
        "steps": write.ui(s.YOUR_STEPS),
        "what_next": write.ui(s.WHAT_NEXT),
        "scan": write.ui(s.SCAN_TO_OPEN),
        "scan_how": write.ui(s.SCAN_HOW),
        "practice": write.ui(s.YOUR_PRACTICE),
        "phone": write.ui(s.PHONE, {"phone": practice.phone}),
        "hours": write.ui(s.OPENING_HOURS, hours, hours_en),
        "website": write.ui(s.WEBSITE, {"website": practice.website}),
        "made_by": write.ui(s.MADE_BY, made, made_en),
        "nothing_about_you": write.ui(s.NOTHING_ABOUT_YOU),
        "in_english": write.ui(s.IN_ENGLISH),
    }
    qr_codes = tuple(QRCode(url, qr_svg(url), label) for url, label in list(urls.items())[:MAX_QR_CODES])
    return Handout(
        flow=route.root,
        locale=write.locale,
        lang=write.lang,
        direction=write.direction,
        title=title,
        steps=tuple(steps),
        what_next=tuple(what_next),
        qr_codes=qr_codes,
        practice_name=practice.name,
        practice_phone=practice.phone,
        practice_website=practice.website,
        labels=labels,
        safety=(write.ui(t.EMERGENCY), write.ui(t.URGENT)),
        large_print=large_print,
    )


def _long_date(day: dt.date, locale: str) -> str:
    """``day`` written out in ``locale`` ("12 May 2026", "12 maja 2026")."""
    from babel import dates as babel_dates

    base = locale.partition("@")[0]
    try:
        return str(babel_dates.format_date(day, "long", locale="en_GB" if base == SOURCE_LOCALE else base))
    except (ValueError, LookupError):
        return day.isoformat()
