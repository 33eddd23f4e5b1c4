"""Finding a flow from what a patient types: typos, word starts, and other languages and scripts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from dfhelper import resources
from dfhelper.cli import main
from dfhelper.engine.search import SearchIndex
from dfhelper.flowlang.library import Library
from dfhelper.i18n import tools
from dfhelper.i18n.catalogs import CatalogTranslator

LIBRARY = Library.load([resources.flows_dir()])
CODE = Path(__file__).resolve().parents[2] / "dfhelper"

# Keyword translations for this test only (drafts, not the shipped catalogs).
KEYWORDS = {
    "pl": {
        ("repeat-prescription", "repeat prescription"): "powtórna recepta | recepta | leki",
        ("register-with-gp", "register"): "rejestracja | zapisać się do lekarza",
    },
    "ur": {
        ("repeat-prescription", "medicine"): "دوائی | نسخہ",
        ("register-with-gp", "register"): "رجسٹریشن | رجسٹر کروانا",
    },
    "bn": {
        ("repeat-prescription", "medicine"): "ওষুধ | প্রেসক্রিপশন",
        ("register-with-gp", "register"): "নিবন্ধন | নাম লেখানো",
    },
}


@pytest.fixture(scope="module")
def locales(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search")
    folder = root / "locales"
    template = folder / "dfhelper.pot"
    tools.extract([(resources.flows_dir(), "**.yaml"), (CODE, "**.py")], template)
    for lang, strings in KEYWORDS.items():
        path = tools.init(folder, template, lang)
        with path.open("rb") as fh:
            catalog = read_po(fh)
        for (flow, english), translated in strings.items():
            info = LIBRARY.infos[flow]
            context = f"{flow}::keyword.{info.keywords.index(english)}"
            message = catalog.get(english, context=context)
            assert message is not None
            message.string = translated
        with path.open("wb") as fh:
            write_po(fh, catalog)
    tools.compile_all(folder)
    return folder


def _top(index: SearchIndex, query: str) -> str | None:
    hits = index.search(query)
    return hits[0].flow if hits else None


@pytest.mark.parametrize(
    ("query", "flow"),
    [
        ("repeat prescription", "repeat-prescription"),
        ("prescripton", "repeat-prescription"),  # a typo
        ("presc", "repeat-prescription"),  # still typing
        ("my tablets", "repeat-prescription"),
        ("regster with a gp", "register-with-gp"),
        ("no pasport", "register-with-gp"),
        ("homeless", "register-with-gp"),
    ],
)
def test_english_search_finds_the_intended_flow(query: str, flow: str) -> None:
    assert _top(SearchIndex.for_library(LIBRARY), query) == flow


@pytest.mark.parametrize("query", ["", "   ", "zzqx", "[/]", "?"])
def test_noise_finds_nothing(query: str) -> None:
    assert SearchIndex.for_library(LIBRARY).search(query) == []


@pytest.mark.parametrize(
    ("lang", "query", "flow"),
    [
        ("pl", "recepta", "repeat-prescription"),
        ("pl", "recpeta", "repeat-prescription"),  # a typo
        ("pl", "rejestracja", "register-with-gp"),
        ("pl", "zapisac sie do lekarza", "register-with-gp"),  # typed without the diacritics
        ("ur", "دوائی", "repeat-prescription"),
        ("ur", "رجسٹریشن", "register-with-gp"),
        ("bn", "ওষুধ", "repeat-prescription"),
        ("bn", "নিবন্ধন", "register-with-gp"),
        ("bn", "prescription", "repeat-prescription"),  # English still works in any language
    ],
)
def test_search_in_other_languages_and_scripts(locales: Path, lang: str, query: str, flow: str) -> None:
    index = SearchIndex.for_library(LIBRARY, CatalogTranslator(lang, locales))
    assert _top(index, query) == flow


def test_dfhelper_search_prints_scores_as_json(locales: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[paths]\nlocales = "{locales}"\n', encoding="utf-8")
    out = io.StringIO()
    code = main(
        ["--config", str(config), "search", "রেজিস্টার", "--lang", "bn", "--format", "json"],
        env={},
        stdout=out,
        stderr=io.StringIO(),
    )
    assert code == 0
    assert isinstance(json.loads(out.getvalue()), list)
    out = io.StringIO()
    assert main(["--config", str(config), "search", "recepta", "--lang", "pl"], env={}, stdout=out) == 0
    assert "repeat-prescription" in out.getvalue()
    assert "(matched 'recepta', pl)" in out.getvalue()
