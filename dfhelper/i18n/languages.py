"""Which languages a kiosk offers, named as their speakers name them.

A language is offered only when its catalog is safe to show: every safety
message is translated and current, and enough of the text the kiosk will show
(dfhelper's own sentences and the loaded flows' text) is translated. English,
the source language, is always offered. Coverage is measured here, at run time,
over the flows actually loaded, so it never depends on a stale report.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dfhelper.engine.text import SAFETY_MESSAGES, UI_STRINGS, msg_context
from dfhelper.flowlang.library import Library
from dfhelper.flowlang.texts import flow_texts
from dfhelper.i18n.catalogs import (
    DOMAIN,
    SOURCE_LOCALE,
    available_locales,
    language_fact,
    load_catalog,
    text_direction,
)

log = logging.getLogger(__name__)

MODIFIER_NAMES = {"easyread": ("Easy Read", "Easy Read")}
"""Locale modifiers we use (``en@easyread``), and their names (own language, English)."""

SCRIPT_NAMES = {
    "pa": ("ਪੰਜਾਬੀ ਗੁਰਮੁਖੀ", "Punjabi Gurmukhi"),
    "pa_Guru": ("ਪੰਜਾਬੀ ਗੁਰਮੁਖੀ", "Punjabi Gurmukhi"),
    "pa_Arab": ("پنجابی شاہ مکھی", "Punjabi Shahmukhi"),
}
"""Names for a language written in two scripts, by the script names its readers use (Babel
calls Shahmukhi "Arabic", and names plain ``pa`` without its script)."""


@dataclass(frozen=True, slots=True)
class Language:
    """One language a patient may choose."""

    code: str
    native: str
    """The language's name in its own script (from Babel's locale data)."""
    english: str
    direction: str
    coverage: float
    safety_complete: bool
    draft: bool
    """True while no qualified translator has reviewed it."""

    @property
    def label(self) -> str:
        """How the language list shows it: own name, then the English name if different."""
        return self.native if self.native == self.english else f"{self.native} ({self.english})"


def names(code: str) -> tuple[str, str]:
    """The language's name in itself and in English."""
    from babel import Locale, UnknownLocaleError

    if code in SCRIPT_NAMES:
        return SCRIPT_NAMES[code]
    base, _, modifier = code.partition("@")
    try:
        locale = Locale.parse(base)
        native = str(locale.get_display_name(locale) or base)
        english = str(locale.get_display_name(Locale("en")) or base)
    except (ValueError, UnknownLocaleError):
        native = english = base
    native = native[:1].upper() + native[1:]
    if modifier:
        own, eng = MODIFIER_NAMES.get(modifier, (modifier, modifier))
        native, english = f"{native} ({own})", f"{english} ({eng})"
    return native, english


def expected_keys() -> list[object]:
    """The messages a language must have to be offered: dfhelper's own sentences.

    Flow text is not counted: a flow not yet translated into a language is shown in English,
    marked, so a new flow never takes a language away from patients. `flow_coverage` says how
    much of each flow a language has.
    """
    return [*sorted(UI_STRINGS)]


def flow_keys(library: Library) -> dict[str, list[object]]:
    """Each loaded flow's messages, as catalog keys (context and English text)."""
    return {
        flow.id: [
            f"{msg_context(flow.id, item.step, item.field)}\x04{item.text}" for item in flow_texts(flow)
        ]
        for flow in library.flows()
    }


def flow_coverage(code: str, locales_dir: Path, library: Library) -> dict[str, float]:
    """The share of each flow's text that ``code``'s compiled catalog translates (0 to 1)."""
    keys = flow_keys(library)
    if code == SOURCE_LOCALE:
        return dict.fromkeys(keys, 1.0)
    catalog = load_catalog(locales_dir / code / "LC_MESSAGES" / f"{DOMAIN}.mo")
    messages: dict[object, str] = catalog._catalog  # type: ignore[attr-defined]
    return {
        flow: (sum(1 for k in texts if messages.get(k)) / len(texts) if texts else 1.0)
        for flow, texts in keys.items()
    }


def assess(code: str, locales_dir: Path, keys: Sequence[object]) -> Language:
    """How complete one language's compiled catalog is."""
    if code == SOURCE_LOCALE:
        return Language(code, "English", "English", "ltr", 1.0, True, False)
    catalog = load_catalog(locales_dir / code / "LC_MESSAGES" / f"{DOMAIN}.mo")
    messages: dict[object, str] = catalog._catalog  # type: ignore[attr-defined]
    safety = all(messages.get(m) for m in SAFETY_MESSAGES)
    done = sum(1 for k in keys if messages.get(k) or messages.get((k, 0)))  # (singular, 0): a plural
    coverage = done / len(keys) if keys else 1.0
    draft = language_fact(catalog, "review") != "reviewed"
    native, english = language_fact(catalog, "name"), language_fact(catalog, "english-name")
    direction = language_fact(catalog, "direction")
    if not (native and english and direction):  # compiled by plain pybabel: ask Babel (slower, more memory)
        native, english = names(code)
        direction = text_direction(code.partition("@")[0])
    return Language(code, native, english, direction, coverage, safety, draft)


def offered(
    wanted: Iterable[str], locales_dir: Path, *, min_coverage: float
) -> tuple[list[Language], list[tuple[str, str]]]:
    """The languages to offer (English first), and those refused with the reason why.

    ``wanted`` empty means every language with a compiled catalog.
    """
    available = available_locales(locales_dir)
    codes = list(wanted) or [SOURCE_LOCALE, *available]
    keys = expected_keys()
    chosen: list[Language] = []
    refused: list[tuple[str, str]] = []
    for code in dict.fromkeys([SOURCE_LOCALE, *codes]):
        if code != SOURCE_LOCALE and code not in available:
            refused.append((code, "no compiled catalog (run: dfhelper i18n compile)"))
            continue
        language = assess(code, locales_dir, keys)
        if not language.safety_complete:
            refused.append((code, "its safety messages are not all translated"))
        elif language.coverage < min_coverage:
            share = f"{language.coverage:.0%}"
            refused.append(
                (code, f"only {share} of the kiosk's own text translated (need {min_coverage:.0%})")
            )
        else:
            chosen.append(language)
    if not wanted:  # no order set by the practice: Easy Read next to English, then by English name
        chosen[1:] = sorted(chosen[1:], key=lambda lang: ("@easyread" not in lang.code, lang.english))
    for code, why in refused:
        log.warning("language %s is not offered: %s", code, why)
    return chosen, refused
