"""Compiled catalogs at run time, and the translator that never passes English off as a translation.

Catalogs are ``locales/<lang>/LC_MESSAGES/dfhelper.mo``, compiled from the
``.po`` files without their fuzzy entries, loaded once per file and cached.

Which catalog serves a requested language (the fallback chain):

1. the exact locale (``pa_Arab``, ``pt_BR``, ``en_ER``);
2. the same language without its territory (``pt_BR`` → ``pt``), but never
   across scripts (``pa_Arab`` never falls back to Gurmukhi ``pa``);
3. otherwise English, the source language, and every text says so.

A text with no current translation (missing, or fuzzy and so not compiled) is
shown in English with ``fallback=True``, so a front end can mark it.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Iterable
from pathlib import Path

from babel import Locale, UnknownLocaleError

from dfhelper.engine.text import Shown, msg_context

DOMAIN = "dfhelper"
LANGUAGE_CONTEXT = "dfhelper:language"
"""Messages `dfhelper i18n compile` adds to each compiled catalog (never to the .po): the
language's ``name``, ``english-name``, ``direction`` and ``review`` state, so the kiosk can
list languages without loading Babel's locale data."""


def language_fact(catalog: gettext.GNUTranslations, key: str) -> str | None:
    """One of the `LANGUAGE_CONTEXT` facts in a compiled catalog (None: compiled without them)."""
    found = catalog._catalog.get(f"{LANGUAGE_CONTEXT}\x04{key}")  # type: ignore[attr-defined]
    return str(found) if found else None


SOURCE_LOCALE = "en"


def available_locales(locales_dir: Path) -> list[str]:
    """Locales with a compiled catalog, sorted."""
    if not locales_dir.is_dir():
        return []
    return sorted(p.name for p in locales_dir.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file())


def _parts(code: str) -> tuple[str, str | None, str | None]:
    try:
        locale = Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        language, _, rest = code.partition("_")
        return language, None, rest or None
    return locale.language, locale.script, locale.territory


def negotiate(requested: str, available: Iterable[str]) -> str | None:
    """The catalog locale that serves ``requested`` (None: English). See the module docstring."""
    options = list(available)
    if requested in options:
        return requested
    language, script, _ = _parts(requested)
    for option in options:
        o_language, o_script, o_territory = _parts(option)
        if o_language == language and o_script == script and o_territory is None:
            return option
    return None


@functools.cache
def load_catalog(path: Path) -> gettext.GNUTranslations:
    """The compiled catalog at ``path``, read once."""
    with path.open("rb") as fh:
        return gettext.GNUTranslations(fh)


def text_direction(locale: str) -> str:
    """``ltr`` or ``rtl``, from Babel's locale data."""
    try:
        return str(Locale.parse(locale).text_direction)
    except (ValueError, UnknownLocaleError):
        return "ltr"


class CatalogTranslator:
    """A `dfhelper.engine.text.Translator` backed by one compiled catalog."""

    def __init__(self, locale: str, locales_dir: Path) -> None:
        self.requested = locale
        found = negotiate(locale, available_locales(locales_dir)) if locale != SOURCE_LOCALE else None
        self.catalog_locale = found
        self._catalog: gettext.GNUTranslations | None = None
        self._messages: dict[object, str] = {}
        if found is not None:
            self._catalog = load_catalog(locales_dir / found / "LC_MESSAGES" / f"{DOMAIN}.mo")
            self._messages = self._catalog._catalog  # type: ignore[attr-defined]

    @property
    def locale(self) -> str:
        """The locale text is shown in (English when no catalog serves the request)."""
        return self.catalog_locale or SOURCE_LOCALE

    def _english(self, english: str) -> Shown:
        return Shown(english, SOURCE_LOCALE, fallback=self.catalog_locale is not None)

    def _look_up(self, key: object, english: str) -> Shown:
        translated = self._messages.get(key)
        if isinstance(translated, str) and translated:
            return Shown(translated, self.locale)
        return self._english(english)

    def flow_text(self, flow: str, step: str | None, field: str, english: str) -> Shown:
        """Flow text by its ``flow:step:field`` key."""
        return self._look_up(f"{msg_context(flow, step, field)}\x04{english}", english)

    def ui(self, english: str) -> Shown:
        """One of dfhelper's own sentences."""
        return self._look_up(english, english)

    def ngettext(self, singular: str, plural: str, n: int) -> Shown:
        """A sentence about ``n`` things, in this language's plural form for ``n`` (``{n}`` filled in)."""
        if self._catalog is not None:
            index = self._catalog.plural(n)  # type: ignore[attr-defined]
            translated = self._messages.get((singular, index))
            if isinstance(translated, str) and translated:
                return Shown(translated.format(n=n), self.locale)
        return self._english((singular if n == 1 else plural).format(n=n))
