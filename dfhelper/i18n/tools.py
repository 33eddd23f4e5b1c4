"""``dfhelper i18n extract|init|update|compile|stats``: Babel's catalog work, with the project's settings.

The same can be done with ``pybabel`` and the project's ``babel.cfg`` (see
``docs/translating.md``); these commands only save typing and add ``stats``.

- ``extract``: flow text (by the ``dfhelper_flows`` extractor) and dfhelper's own
  sentences (marked ``N_`` or ``_`` in code) → ``locales/dfhelper.pot``.
- ``init LANG``: a new ``locales/LANG/LC_MESSAGES/dfhelper.po``, marked as a draft.
- ``update``: every ``.po`` brought up to the template; changed English becomes fuzzy.
- ``compile``: ``.po`` → ``.mo``, leaving fuzzy entries out (so they are never shown).
- ``check``: translations that compiling would leave out (broken markup, template code or
  placeholders changed), with file and line.
- ``stats``: per language, translated, fuzzy, missing, safety complete, reviewed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from dfhelper.engine.text import SAFETY_MESSAGES
from dfhelper.i18n.catalogs import DOMAIN, LANGUAGE_CONTEXT
from dfhelper.i18n.checks import check_message

PROJECT = "dfhelper"
REVIEW_LINE = "# Review: "
"""The catalog's review state is a line of its header comment (Babel keeps no custom headers)."""
"""Catalog header: ``draft`` until a qualified translator has reviewed the catalog, then ``reviewed``."""
DRAFT = "draft: needs review by a qualified translator"
REVIEWED = "reviewed"

METHOD_MAP = [("**.yaml", "dfhelper.i18n.extract:extract_flows"), ("**.py", "python")]
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "N_plural": (1, 2)}


def _po_path(locales: Path, lang: str) -> Path:
    return locales / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def po_files(locales: Path) -> Iterator[tuple[str, Path]]:
    """(language, path) of every catalog, sorted by language."""
    if not locales.is_dir():
        return
    for folder in sorted(p for p in locales.iterdir() if p.is_dir()):
        path = _po_path(locales, folder.name)
        if path.is_file():
            yield folder.name, path


def extract(sources: Iterable[tuple[Path, str]], template: Path) -> Catalog:
    """Extract every message from (folder, method map key) sources into ``template``."""
    catalog = Catalog(project=PROJECT, fuzzy=False)
    for folder, pattern in sources:
        methods = [(pattern, method) for glob, method in METHOD_MAP if glob == pattern]
        for filename, lineno, message, comments, context in extract_from_dir(
            str(folder), methods, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
        ):
            location = (str(folder.name + "/" + filename), lineno)
            catalog.add(message, locations=[location], auto_comments=comments, context=context)
    template.parent.mkdir(parents=True, exist_ok=True)
    with template.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=False)
    return catalog


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale, abort_invalid=True)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100)


def init(locales: Path, template: Path, lang: str) -> Path:
    """Start a catalog for ``lang`` from the template, marked as a draft."""
    path = _po_path(locales, lang)
    if path.exists():
        raise FileExistsError(path)
    catalog = _read(template, locale=lang)  # the locale first, so plural forms are the language's
    catalog.revision_date = dt.datetime.now(dt.UTC)
    _mark(catalog, DRAFT)
    _write(path, catalog)
    return path


def _mark(catalog: Catalog, review: str) -> None:
    lines = [line for line in catalog.header_comment.splitlines() if not line.startswith(REVIEW_LINE)]
    catalog.header_comment = "\n".join([*lines, f"{REVIEW_LINE}{review}"])


def review_state(catalog: Catalog) -> str:
    """The catalog's review state, from its header comment (a draft when not marked)."""
    comment: str = catalog.header_comment
    for line in comment.splitlines():
        if line.startswith(REVIEW_LINE):
            return line.removeprefix(REVIEW_LINE).strip()
    return DRAFT


def update(locales: Path, template: Path) -> list[Path]:
    """Bring every catalog up to the template; changed English text becomes fuzzy."""
    pot = _read(template)
    done = []
    for _, path in po_files(locales):
        catalog = _read(path)
        review = review_state(catalog)
        catalog.update(pot, no_fuzzy_matching=False, update_header_comment=False)
        _mark(catalog, review)
        _write(path, catalog)
        done.append(path)
    return done


@dataclass(frozen=True, slots=True)
class BadTranslation:
    """A translation left out of the compiled catalog, and why (see `dfhelper.i18n.checks`)."""

    path: Path
    line: int
    context: str | None
    why: str

    def __str__(self) -> str:
        where = f" [{self.context}]" if self.context else ""
        return f"{self.path}:{self.line}:{where} {self.why}"


def _bad_translations(path: Path, catalog: Catalog) -> list[tuple[Message, BadTranslation]]:
    out: list[tuple[Message, BadTranslation]] = []
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        for issue in check_message(message.id, message.string or "", message.context):
            out.append((message, BadTranslation(path, message.lineno or 0, message.context, issue.message)))
    return out


def check(locales: Path) -> list[BadTranslation]:
    """Every translation that compiling would leave out, with its file and line."""
    found: list[BadTranslation] = []
    for _, path in po_files(locales):
        found.extend(bad for _, bad in _bad_translations(path, _read(path)))
    return found


def compile_all(locales: Path, only: str | None = None) -> tuple[list[Path], list[BadTranslation]]:
    """Compile every catalog to ``.mo``, without fuzzy entries or translations that fail a check.

    The compiled catalog also carries the language's names and direction (from Babel's
    locale data), so the kiosk can list languages without loading that data at run time.
    Returns the compiled files and the translations left out (the English is shown instead).
    ``only`` compiles one language.
    """
    from dfhelper.i18n.catalogs import text_direction
    from dfhelper.i18n.languages import names

    done = []
    left_out: list[BadTranslation] = []
    for lang, path in po_files(locales):
        if only is not None and lang != only:
            continue
        catalog = _read(path)
        for message, bad in _bad_translations(path, catalog):
            message.string = ("",) * len(message.string) if isinstance(message.string, tuple | list) else ""
            left_out.append(bad)
        native, english = names(lang)
        facts = {
            "name": native,
            "english-name": english,
            "direction": text_direction(lang.partition("@")[0]),
            "review": "reviewed" if review_state(catalog) == REVIEWED else "draft",
        }
        for key, value in facts.items():
            catalog.add(key, value, context=LANGUAGE_CONTEXT)
        target = path.with_suffix(".mo")
        with target.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        done.append(target)
    return done, left_out


@dataclass(frozen=True)
class Stats:
    """How complete one language is."""

    lang: str
    translated: int
    fuzzy: int
    missing: int
    safety_complete: bool
    reviewed: bool

    @property
    def total(self) -> int:
        """Messages in the catalog."""
        return self.translated + self.fuzzy + self.missing

    @property
    def coverage(self) -> float:
        """Share of messages with a current translation (0 to 1)."""
        return self.translated / self.total if self.total else 0.0


def _is_translated(string: object) -> bool:
    if isinstance(string, tuple | list):
        return all(bool(s) for s in string)
    return bool(string)


def stats(locales: Path) -> list[Stats]:
    """Per language: translated, fuzzy, missing, safety complete, reviewed."""
    out = []
    for lang, path in po_files(locales):
        catalog = _read(path)
        translated = fuzzy = missing = 0
        safety_ok = True
        for message in catalog:
            if not message.id:
                continue
            current = _is_translated(message.string) and not message.fuzzy
            if message.fuzzy:
                fuzzy += 1
            elif current:
                translated += 1
            else:
                missing += 1
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            if msgid in SAFETY_MESSAGES and not current:
                safety_ok = False
        safety_ok = safety_ok and all(catalog.get(m) is not None for m in SAFETY_MESSAGES)
        out.append(Stats(lang, translated, fuzzy, missing, safety_ok, review_state(catalog) == REVIEWED))
    return out
