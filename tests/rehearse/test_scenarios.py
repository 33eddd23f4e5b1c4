"""The built-in scenarios: well formed, and about flows and steps that exist."""

from __future__ import annotations

import pytest

from dfhelper.flowlang.facts import FACT_NAMES
from dfhelper.flowlang.library import Library
from dfhelper.rehearse.scenarios import SCENARIOS, Scenario, scenario


def test_ids_are_unique() -> None:
    assert len({s.id for s in SCENARIOS}) == len(SCENARIOS)
    assert scenario("no-photo-id").flow == "register-with-gp"
    assert scenario("cannot-log-in").flow == "repeat-prescription"


@pytest.mark.parametrize("case", SCENARIOS, ids=lambda s: s.id)
def test_flow_steps_and_facts_exist(case: Scenario, shipped: Library) -> None:
    assert case.flow in shipped
    steps = {s.id for s in shipped.flow(case.flow).steps}
    assert case.expected
    assert set(case.expected) <= steps
    assert case.facts
    assert set(case.facts) <= FACT_NAMES
    assert case.brief.strip()
    assert case.title.strip()


def test_result_says_what_was_reached_and_missed() -> None:
    case = scenario("cannot-log-in")
    result = case.result(["intro", "can_log_in", "no_login_yet", "help_with_login"])
    assert result.reached == ("can_log_in", "no_login_yet")
    assert result.missed == ("other_ways", "phone_end")
    assert not result.passed
    assert case.result(case.expected).passed
