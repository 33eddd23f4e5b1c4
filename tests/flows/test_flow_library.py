"""The shipped flow library: every journey present, clean, readable, cited, and never a dead end.

The walks here are ``dfhelper walk FLOW --format jsonl`` runs (the command's own ``main``,
in this process so that thousands of walks take seconds), answered by a scripted patient
that reads each step the command prints.
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO, cast

import pytest

from dfhelper import resources
from dfhelper.cli import main
from dfhelper.flowlang.library import Library
from dfhelper.flowlang.model import Call, Escalate, Flow
from dfhelper.flowlang.readability import MAX_READING_AGE, measure
from dfhelper.flowlang.sources import source_owner
from dfhelper.flowlang.texts import flow_texts
from dfhelper.flowlang.validate import MAX_SENTENCE_WORDS, long_sentences
from dfhelper.i18n.languages import flow_coverage

LIBRARY = Library.load([resources.flows_dir()])
FLOWS = {flow.id: flow for flow in LIBRARY.flows()}

JOURNEYS = [
    "get-email-address",
    "get-nhs-app",
    "create-nhs-login",
    "repeat-prescription",
    "nominate-pharmacy",
    "gp-appointment",
    "gp-record",
    "practice-messages",
    "contact-practice-online",
    "nhs-111",
    "act-for-someone",
    "find-nhs-number",
    "register-with-gp",
    "prescription-costs",
]
"""The journeys a GP practice in England needs (issue 7), one flow each."""

EASY_READ = [
    "repeat-prescription",
    "gp-appointment",
    "contact-practice-online",
    "create-nhs-login",
    "register-with-gp",
]
"""The five most used journeys, which have an Easy Read version (``en@easyread``): the tasks patients
most often come to a practice's desk for help with (ordering medicine, appointments, contacting the
practice, getting online, registering)."""

CIRCUMSTANCES = (
    "has_smartphone",
    "has_own_email",
    "has_photo_id",
    "has_fixed_address",
    "acting_for_someone",
    "under_16",
    "wants_easy_read",
    "needs_interpreter",
    "needs_large_print",
    "needs_hearing_loop",
    "has_nhs_login",
)
FACT_IN_CONDITION = re.compile(r"\bfacts\.([a-z_0-9]+)")


def test_every_journey_is_in_the_library_and_loads_cleanly() -> None:
    assert LIBRARY.errors == []
    assert sorted(FLOWS) == sorted(JOURNEYS)


def test_the_shipped_flows_validate_without_warnings() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["validate", str(resources.flows_dir())], stdout=out, stderr=err, env={})
    assert code == 0, out.getvalue()
    assert out.getvalue().strip().endswith("0 errors, 0 warnings."), out.getvalue()


# --- plain English ---------------------------------------------------------


def _english(flow: Flow) -> list[str]:
    return [item.text for item in flow_texts(flow) if item.sentences]


@pytest.mark.parametrize("flow_id", JOURNEYS)
def test_no_sentence_is_longer_than_twenty_words(flow_id: str) -> None:
    long = [(text, n) for text in _english(FLOWS[flow_id]) for n in long_sentences(text)]
    assert long == [], f"sentences over {MAX_SENTENCE_WORDS} words"


@pytest.mark.parametrize("flow_id", JOURNEYS)
def test_the_reading_age_is_eleven_or_less(flow_id: str) -> None:
    readability = measure(_english(FLOWS[flow_id]))
    assert readability.words >= 100, "too little text to judge"
    assert readability.reading_age <= MAX_READING_AGE, f"{flow_id}: reading age {readability.reading_age:.1f}"


def test_the_reading_age_estimate_tells_easy_text_from_hard() -> None:
    easy = measure(["You can order your medicine in the app. Tap the green button. Then wait for a text."])
    hard = measure(
        [
            "Notwithstanding organisational considerations, prescription authorisation necessitates "
            "comprehensive pharmacological reconciliation by an appropriately qualified clinician."
        ]
    )
    assert easy.reading_age < 9 < MAX_READING_AGE < hard.reading_age


@pytest.mark.parametrize("flow_id", EASY_READ)
def test_the_most_used_journeys_have_a_complete_easy_read_version(flow_id: str) -> None:
    coverage = flow_coverage("en@easyread", resources.locales_dir(), LIBRARY)
    assert coverage[flow_id] == 1.0, "run: dfhelper i18n stats --by-flow"


def test_an_easy_read_walk_shows_easy_read_text(walk_config: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    argv = [
        "--config",
        str(walk_config),
        "walk",
        "gp-appointment",
        "--lang",
        "en@easyread",
        "--format",
        "jsonl",
    ]
    code = main(argv, stdin=io.StringIO("1\n"), stdout=out, stderr=err, env={})
    assert code == 0
    first = json.loads(out.getvalue().splitlines()[0])
    english = FLOWS["gp-appointment"].steps[0].text
    assert first["text"]
    assert first["text"] != " ".join(english.split())


# --- sources -----------------------------------------------------------------


def _cited() -> list[tuple[str, str]]:
    return sorted(
        {
            (flow.id, url)
            for flow in FLOWS.values()
            for url in (*flow.sources, *(u for s in flow.steps for u in s.sources))
        }
    )


@pytest.mark.parametrize(("flow_id", "url"), _cited())
def test_every_source_is_a_public_nhs_govuk_nhsbsa_or_charity_page(flow_id: str, url: str) -> None:
    assert source_owner(url) is not None, f"{flow_id} cites {url}"


def test_the_list_of_sources_is_printed_for_review(capsys: pytest.CaptureFixture[str]) -> None:
    """Lists every cited page and its publisher (``pytest -s -k list_of_sources`` shows it)."""
    rows = [f"{flow_id}\t{source_owner(url)}\t{url}" for flow_id, url in _cited()]
    print("\n".join(rows))
    assert len({url for _, url in _cited()}) >= 30
    assert "\tNone\t" not in capsys.readouterr().out


@pytest.mark.parametrize("flow_id", JOURNEYS)
def test_every_flow_has_sources_and_a_review_date(flow_id: str) -> None:
    flow = FLOWS[flow_id]
    assert flow.sources
    assert flow.review_by is not None  # validate warns once it has passed


# --- never a dead end, never hard-coded ----------------------------------------


@pytest.mark.parametrize("flow_id", JOURNEYS)
def test_every_flow_has_a_way_to_staff_and_a_route_without_the_internet(flow_id: str) -> None:
    flow = FLOWS[flow_id]
    assert any(isinstance(step, Escalate) for step in flow.steps), "no escalate step"
    text = " ".join(item.text for item in flow_texts(flow))
    assert re.search(r"practice\.phone|reception|\b111\b", text), "no phone or in-person route"


@pytest.mark.parametrize("flow_id", JOURNEYS)
def test_practice_details_come_from_the_configuration(flow_id: str) -> None:
    text = " ".join(item.text for item in flow_texts(FLOWS[flow_id]))
    assert "Demo Surgery" not in text
    # A local phone number written into a flow: national numbers (111, 999, 0300/0800/0808 lines) are fine.
    local = re.findall(r"\b0[1-2]\d{2,4}[ \d]{5,9}\b", text)
    assert local == [], "write {{ practice.phone }}, not a number"
    hours = re.findall(r"\b\d{1,2}(?::\d\d)?\s*(?:am|pm)\s*(?:to|-|–)\s*\d", text)
    assert all("6:30" in h or "6.30" in h or "8" in h for h in hours)


# --- every combination of circumstances reaches an end or staff ------------------


def _branch_facts(flow_id: str, seen: set[str] | None = None) -> set[str]:
    """The circumstances a flow (and the flows it calls) branch on in ``when`` conditions."""
    seen = seen if seen is not None else set()
    if flow_id in seen:
        return set()
    seen.add(flow_id)
    flow = FLOWS[flow_id]
    names: set[str] = set()
    for step in flow.steps:
        if step.when:
            names.update(FACT_IN_CONDITION.findall(step.when))
        if isinstance(step, Call):
            names |= _branch_facts(step.flow, seen)
    return names & set(CIRCUMSTANCES)


def _combinations(flow_id: str) -> Iterator[dict[str, bool]]:
    names = sorted(_branch_facts(flow_id))
    yield {}  # nothing told yet
    for values in itertools.product([True, False], repeat=len(names)):
        yield dict(zip(names, values, strict=True))


class ScriptedPatient:
    """Standard input for ``dfhelper walk --format jsonl`` that answers each step it prints.

    It keeps the circumstances it was given when asked about them, answers choices by
    ``strategy`` (first, last or at random), and asks for a person when the helper offers it.
    """

    def __init__(self, out: io.StringIO, facts: dict[str, bool], strategy: str, seed: int) -> None:
        self.out = out
        self.facts = facts
        self.strategy = strategy
        self.rng = random.Random(seed)

    def _pick(self, n: int) -> int:
        if self.strategy == "first":
            return 0
        if self.strategy == "last":
            return n - 1
        return self.rng.randrange(n)

    def readline(self) -> str:
        last: dict[str, Any] = json.loads(self.out.getvalue().splitlines()[-1])
        assert last["event"] == "step", f"the walk printed {last}"
        if last.get("offer_help"):
            return "stuck\n"
        if "facts" in last:
            keep = [f["key"] for f in last["facts"] if self.facts.get(f["fact"], bool(f["value"]))]
            return (" ".join(keep) or "0") + "\n"
        options = last["options"]
        choice = options[self._pick(len(options))]
        return str(choice["text"] if last["kind"] == "text" else choice["key"]) + "\n"


def _walk(flow_id: str, facts: dict[str, bool], strategy: str, seed: int, config: Path) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    flags = [f"--fact={'' if value else 'not '}{name}" for name, value in sorted(facts.items())]
    argv = ["--config", str(config), "walk", flow_id, "--format", "jsonl", *flags]
    code = main(
        argv, stdin=cast(TextIO, ScriptedPatient(out, facts, strategy, seed)), stdout=out, stderr=err, env={}
    )
    assert code == 0, err.getvalue()
    return dict(json.loads(out.getvalue().splitlines()[-1]))


@pytest.fixture(scope="module")
def walk_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("walks")
    config = folder / "config.toml"
    config.write_text(f'[paths]\ncache_dir = "{folder / "cache"}"\n', encoding="utf-8")
    return config


@pytest.mark.parametrize("flow_id", JOURNEYS)
def test_every_combination_of_circumstances_reaches_an_end_or_staff(
    flow_id: str, walk_config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    outcomes: set[str] = set()
    with caplog.at_level(logging.ERROR):
        for number, facts in enumerate(_combinations(flow_id)):
            for strategy in ("first", "last", "random"):
                last = _walk(flow_id, facts, strategy, number, walk_config)
                flags = " ".join(f"--fact '{'' if v else 'not '}{k}'" for k, v in sorted(facts.items()))
                assert last["event"] in {"end", "escalate"}, f"{strategy} walk stopped: {flags}: {last}"
                outcomes.add(last["event"])
    assert outcomes == {"end", "escalate"}, "every journey can finish, and can reach staff"
    assert not [r for r in caplog.records if "failed" in r.getMessage()], "a template or condition failed"


def test_the_circumstances_flows_branch_on_are_the_patients_own() -> None:
    """Branches read circumstances the patient chose, never age, name or language."""
    for flow in FLOWS.values():
        for step in flow.steps:
            if step.when:
                assert set(FACT_IN_CONDITION.findall(step.when)) <= set(CIRCUMSTANCES), (flow.id, step.id)
                assert "lang" not in step.when
                assert "locale" not in step.when


def test_the_tailoring_circumstances_are_all_used() -> None:
    used = set().union(*(_branch_facts(f) for f in FLOWS))
    wanted = set(
        CIRCUMSTANCES[:6]
    )  # the list: smartphone, email, photo ID, address, acting, under 16
    assert wanted <= used
