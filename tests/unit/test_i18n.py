"""Catalogs: extraction, update, compile, the translator's fallbacks, plurals, dates and stats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from dfhelper.engine import text as t
from dfhelper.engine.session import Session
from dfhelper.flowlang.library import Library
from dfhelper.flowlang.templates import make_helpers
from dfhelper.i18n import tools
from dfhelper.i18n.catalogs import CatalogTranslator, negotiate, text_direction
from tests.helpers import flow_text, write

CODE = Path(__file__).resolve().parents[2] / "dfhelper"

FLOW = flow_text(
    "- id: hello\n  kind: say\n  text: Hello.\n  help: Say hello.\n"
    "- id: pick\n  kind: choice\n  text: Which one?\n  options:\n"
    "    - {value: one, text: One}\n    - {value: two, text: Two}\n"
    "- id: done\n  kind: end\n  text: Done.\n",
    flow_id="t",
)


def _project(tmp: Path, flow: str = FLOW) -> tuple[Path, Path, Path]:
    flows, locales = tmp / "flows", tmp / "locales"
    flows.mkdir(exist_ok=True)
    write(flows, flow)
    template = locales / "dfhelper.pot"
    tools.extract([(flows, "**.yaml"), (CODE, "**.py")], template)
    return flows, locales, template


def _translate(
    locales: Path, lang: str, strings: dict[tuple[str | None, str], str | tuple[str, ...]]
) -> None:
    path = locales / lang / "LC_MESSAGES" / "dfhelper.po"
    with path.open("rb") as fh:
        catalog = read_po(fh)
    for (context, msgid), string in strings.items():
        key = msgid if not isinstance(string, tuple) else (msgid, msgid + "s")
        message = catalog.get(key, context=context)
        assert message is not None, (context, msgid)
        message.string = string
    with path.open("wb") as fh:
        write_po(fh, catalog)


def test_flow_text_is_extracted_with_its_key_and_the_step_help(tmp_path: Path) -> None:
    _, _, template = _project(tmp_path)
    with template.open("rb") as fh:
        catalog = read_po(fh)
    message = catalog.get("Hello.", context="t:hello:text")
    assert message is not None
    assert any("Step help: Say hello." in c for c in message.auto_comments)
    assert catalog.get("One", context="t:pick:option.one.text") is not None
    assert catalog.get(t.DID_IT_WORK) is not None  # dfhelper's own sentences too
    assert catalog.get(t.NOT_FOR_EMERGENCIES) is not None


def test_a_new_step_appears_in_every_catalog_after_update(tmp_path: Path) -> None:
    flows, locales, template = _project(tmp_path)
    tools.init(locales, template, "pl")
    tools.init(locales, template, "ar")
    write(
        flows,
        FLOW.replace("  - id: done", "  - id: added\n    kind: say\n    text: A new step.\n  - id: done"),
    )
    tools.extract([(flows, "**.yaml"), (CODE, "**.py")], template)
    assert len(tools.update(locales, template)) == 2
    for lang in ("pl", "ar"):
        with (locales / lang / "LC_MESSAGES" / "dfhelper.po").open("rb") as fh:
            assert read_po(fh).get("A new step.", context="t:added:text") is not None


def _session(flows: Path, locales: Path, lang: str) -> Session:
    return Session(Library.load([flows]), "t", translator=CatalogTranslator(lang, locales))


def test_translated_text_is_shown_and_missing_text_is_english_marked(tmp_path: Path) -> None:
    flows, locales, template = _project(tmp_path)
    tools.init(locales, template, "pl")
    _translate(locales, "pl", {("t:hello:text", "Hello."): "Dzień dobry.", (None, t.CONTINUE): "Dalej"})
    tools.compile_all(locales)
    view = _session(flows, locales, "pl").view()
    assert (view.text.text, view.text.lang, view.text.fallback) == ("Dzień dobry.", "pl", False)
    assert view.options[0].text.text == "Dalej"
    assert view.help is not None
    assert (view.help.text, view.help.lang, view.help.fallback) == ("Say hello.", "en", True)


def test_changed_english_makes_the_translation_fuzzy_and_it_is_never_shown(tmp_path: Path) -> None:
    flows, locales, template = _project(tmp_path)
    tools.init(locales, template, "pl")
    _translate(locales, "pl", {("t:hello:text", "Hello."): "Dzień dobry."})
    write(flows, FLOW.replace("text: Hello.", "text: Hello there."))
    tools.extract([(flows, "**.yaml"), (CODE, "**.py")], template)
    tools.update(locales, template)
    with (locales / "pl" / "LC_MESSAGES" / "dfhelper.po").open("rb") as fh:
        message = read_po(fh).get("Hello there.", context="t:hello:text")
    assert message is not None
    assert message.fuzzy
    tools.compile_all(locales)
    view = _session(flows, locales, "pl").view()
    assert (view.text.text, view.text.fallback) == ("Hello there.", True)
    (pl,) = tools.stats(locales)
    assert pl.fuzzy == 1


def test_answers_are_values_in_every_language(tmp_path: Path) -> None:
    flows, locales, template = _project(tmp_path)
    tools.init(locales, template, "pl")
    _translate(locales, "pl", {("t:pick:option.two.text", "Two"): "Dwa"})
    tools.compile_all(locales)
    session = _session(flows, locales, "pl")
    session.answer()
    assert [o.text.text for o in session.view().options] == ["One", "Dwa"]
    session.answer("two")
    assert session.answers == {"t": {"pick": "two"}}


TEXT_FLOW = flow_text(
    "- id: what\n  kind: text\n  text: What went wrong?\n  options:\n"
    "    - {value: id, text: They asked for ID, match: [passport], next: done}\n"
    "    - {value: full, text: The list is full, match: [no space], next: done}\n"
    "- id: done\n  kind: end\n  text: Done.\n",
    flow_id="t",
)


@pytest.mark.parametrize(
    "typed", ["chcieli zobaczyć mój paszport", "pytali o dowód osobisty", "powiedzieli że brak miejsc"]
)
def test_each_phrase_of_a_translated_match_list_is_matched_on_its_own(tmp_path: Path, typed: str) -> None:
    flows, locales, template = _project(tmp_path, TEXT_FLOW)
    tools.init(locales, template, "pl")
    _translate(
        locales,
        "pl",
        {
            ("t:what:option.id.match.0", "passport"): "paszport | dowód osobisty | dokument tożsamości",
            ("t:what:option.full.match.0", "no space"): "brak miejsc | lista pełna | nie ma miejsca",
        },
    )
    tools.compile_all(locales)
    session = _session(flows, locales, "pl")
    result = session.answer_text(typed)
    assert result.value == ("full" if "brak" in typed else "id")
    assert result.kind.name == "ACCEPTED"


@pytest.mark.parametrize(
    ("lang", "counts"),
    [
        ("pl", {1: "{n} krok", 3: "{n} kroki", 5: "{n} kroków", 22: "{n} kroki"}),
        ("ar", {0: "٠", 1: "١", 2: "٢", 3: "few", 11: "other", 100: "many"}),
    ],
)
def test_plural_forms_follow_the_language(tmp_path: Path, lang: str, counts: dict[int, str]) -> None:
    _, locales, template = _project(tmp_path)
    tools.init(locales, template, lang)
    forms = {
        "pl": ("{n} krok", "{n} kroki", "{n} kroków"),
        "ar": ("٠", "١", "٢", "few", "many", "other"),
    }[lang]
    _translate(locales, lang, {(None, t.STEPS_LEFT): forms})
    tools.compile_all(locales)
    translator = CatalogTranslator(lang, locales)
    for n, expected in counts.items():
        assert translator.ngettext(t.STEPS_LEFT, t.STEPS_LEFT_PLURAL, n).text == expected.format(n=n)


def test_dates_and_numbers_are_formatted_for_the_locale() -> None:
    day = dt.date(2026, 11, 25)
    assert make_helpers("pl")["format_date"](day) == "25 listopada 2026"
    assert make_helpers("en_GB")["format_date"](day) == "25 November 2026"
    assert make_helpers("ar")["format_number"](1234.5) == "1,234.5"


def test_negotiation_falls_back_within_a_language_but_never_across_scripts() -> None:
    available = ["pl", "pt", "pa", "ur", "pa_Arab"]
    assert negotiate("pl", available) == "pl"
    assert negotiate("pt_BR", available) == "pt"
    assert negotiate("pa_Arab", available) == "pa_Arab"
    assert negotiate("pa_Arab", ["pa"]) is None
    assert negotiate("ro", available) is None


def test_right_to_left_comes_from_babel() -> None:
    assert [text_direction(code) for code in ("ar", "ur", "pa_Arab", "pa", "bn", "pl")] == [
        "rtl",
        "rtl",
        "rtl",
        "ltr",
        "ltr",
        "ltr",
    ]


def test_stats_say_what_is_missing_and_whether_safety_is_complete(tmp_path: Path) -> None:
    _, locales, template = _project(tmp_path)
    tools.init(locales, template, "pl")
    (draft,) = tools.stats(locales)
    assert not draft.safety_complete
    assert not draft.reviewed
    assert draft.translated == 0
    assert draft.missing == draft.total
    _translate(locales, "pl", {(None, m): f"PL {m}" for m in t.SAFETY_MESSAGES})
    (after,) = tools.stats(locales)
    assert after.safety_complete
    assert after.translated == len(t.SAFETY_MESSAGES)
