"""The catalogs we ship: every translation usable, safety complete, drafts marked, plurals right."""

from __future__ import annotations

from pathlib import Path

import pytest

from dfhelper import resources
from dfhelper.flowlang.library import Library
from dfhelper.i18n import languages, tools
from dfhelper.i18n.catalogs import CatalogTranslator
from dfhelper.kiosk import strings as s

LOCALES = resources.locales_dir()
SHIPPED = [lang for lang, _ in tools.po_files(LOCALES)]
LIBRARY = Library.load([resources.flows_dir()])


def test_the_first_dozen_languages_are_shipped() -> None:
    assert set(SHIPPED) >= {
        "en@easyread", "pl", "ro", "pa", "pa_Arab", "ur", "pt", "es", "ar", "bn", "gu", "it", "uk",
    }  # fmt: skip


def test_every_shipped_translation_passes_its_checks() -> None:
    assert [str(bad) for bad in tools.check(LOCALES)] == []


@pytest.mark.parametrize("row", tools.stats(LOCALES), ids=lambda r: r.lang)
def test_each_shipped_language_has_its_safety_messages_and_says_whether_it_was_reviewed(
    row: tools.Stats,
) -> None:
    assert row.safety_complete
    path = LOCALES / row.lang / "LC_MESSAGES" / "dfhelper.po"
    comment = tools._read(path).header_comment
    assert tools.REVIEW_LINE + (tools.REVIEWED if row.reviewed else tools.DRAFT) in comment


@pytest.mark.parametrize("lang", SHIPPED)
def test_each_shipped_language_has_every_kiosk_sentence(lang: str) -> None:
    offered, refused = languages.offered((lang,), LOCALES, min_coverage=1.0)
    assert refused == []
    assert offered[-1].coverage == 1.0


@pytest.mark.parametrize("lang", SHIPPED)
def test_a_shipped_flow_translation_is_whole_or_not_begun(lang: str) -> None:
    """No patient meets a flow that changes language half way: a flow is translated whole, or
    shown in English (marked) until it is. Changed English makes a translation fuzzy, which
    shows here until a translator updates it."""
    coverage = languages.flow_coverage(lang, LOCALES, LIBRARY)
    partial = {flow: f"{share:.0%}" for flow, share in coverage.items() if 0.0 < share < 1.0}
    assert partial == {}, "run: dfhelper i18n stats --by-flow"


@pytest.mark.parametrize(
    ("lang", "counts"),
    [
        ("pl", {1: "1 sekundę", 3: "3 sekundy", 5: "5 sekund", 22: "22 sekundy"}),
        ("uk", {1: "1 секунду", 3: "3 секунди", 11: "11 секунд", 21: "21 секунду"}),
        ("ar", {1: "ثانية واحدة", 2: "ثانيتين", 5: "5 ثوانٍ", 30: "30 ثانية"}),
        ("ro", {1: "1 secundă", 5: "5 secunde", 30: "30 de secunde"}),
    ],
)
def test_the_countdown_uses_the_languages_plural_forms(lang: str, counts: dict[int, str]) -> None:
    translator = CatalogTranslator(lang, LOCALES)
    for n, expected in counts.items():
        shown = translator.ngettext(s.STILL_THERE_WIPE, s.STILL_THERE_WIPE_PLURAL, n)
        assert expected in shown.text, (n, shown.text)
        assert not shown.fallback


def test_a_broken_translation_is_left_out_and_reported_with_its_line(tmp_path: Path) -> None:
    import shutil

    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales)
    po = locales / "pl" / "LC_MESSAGES" / "dfhelper.po"
    catalog = tools._read(po)
    flow_msg = next(m for m in catalog if m.context and "{{" in str(m.id))
    flow_msg.string = "Zadzwoń {{ practice.phone }"
    ui_msg = catalog.get(s.HELP_SAVED)
    assert ui_msg is not None
    ui_msg.string = "Numer: {bilet}"
    mark_msg = next(m for m in catalog if m.context and m.context.endswith(":text") and "{" not in str(m.id))
    mark_msg.string = "[b]Ważne"
    tools._write(po, catalog)
    _, bad = tools.compile_all(locales)
    assert len(bad) == 3
    assert all(str(b).startswith(f"{po}:") for b in bad)
    why = " ".join(b.why for b in bad)
    assert "template code" in why
    assert "placeholders" in why
    assert "never closed" in why
    translator = CatalogTranslator("pl", locales)
    shown = translator.ui(s.HELP_SAVED)
    assert shown.fallback  # English, marked, never the broken text


@pytest.mark.parametrize("lang", ["ar", "ur", "pa_Arab"])
def test_web_addresses_in_right_to_left_text_are_isolated(lang: str) -> None:
    """Reordered for a terminal, "111.nhs.uk" in Urdu would read "nhs.uk.111" unless the address
    is wrapped in left-to-right isolate marks (U+2066 ... U+2069)."""
    import re

    address = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:uk|com|org)\b")
    catalog = tools._read(LOCALES / lang / "LC_MESSAGES" / "dfhelper.po")
    bare = []
    for message in catalog:
        if not message.id or not isinstance(message.string, str) or "::keyword" in (message.context or ""):
            continue
        for found in address.finditer(message.string):
            before = message.string[: found.start()]
            if not before.endswith("\u2066"):
                bare.append((message.context, found.group()))
    assert bare == []
