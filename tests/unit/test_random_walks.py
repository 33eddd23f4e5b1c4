"""Property: random walks over every shipped flow, under random facts, always finish cleanly."""

from __future__ import annotations

import io
import json
import logging
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dfhelper import resources
from dfhelper.engine.session import Session
from dfhelper.flowlang.facts import FACT_NAMES
from dfhelper.flowlang.library import Library
from dfhelper.lineui.walk import walk

LIBRARY = Library.load([resources.flows_dir()])
FLOW_IDS = sorted(LIBRARY.infos)
PRACTICE = {
    "name": "Demo Surgery",
    "phone": "01632 960000",
    "opening_hours": "Mon-Fri 08:00-18:30",
    "online_form_name": "online consultation form",
    "appointments_online": True,
    "website": "",
}
MAX_STEPS = 500


def test_the_shipped_flows_load_without_errors() -> None:
    assert len(FLOW_IDS) >= 2
    assert LIBRARY.errors == []


@pytest.mark.parametrize("flow_id", FLOW_IDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    facts=st.dictionaries(st.sampled_from(sorted(FACT_NAMES)), st.booleans()),
)
def test_random_walk_reaches_an_end_or_escalation(
    flow_id: str, seed: int, facts: dict[str, bool], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.clear()
    session = Session(LIBRARY, flow_id, facts=facts, practice=PRACTICE)
    out = io.StringIO()
    with caplog.at_level(logging.ERROR):
        result = walk(session, io.StringIO(), out, fmt="jsonl", rng=random.Random(seed), max_steps=MAX_STEPS)
    flags = " ".join(f"--fact '{'' if v else 'not '}{k}'" for k, v in sorted(facts.items()))
    replay = f"replay: dfhelper walk {flow_id} --random --seed {seed} {flags}"
    assert result.outcome in {"end", "escalate"}, replay
    last = json.loads(out.getvalue().splitlines()[-1])
    assert last["event"] == result.outcome
    assert not [r for r in caplog.records if "failed" in r.getMessage()], "a template or condition failed"
