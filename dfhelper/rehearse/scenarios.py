"""Built-in practice scenarios for ``dfhelper rehearse``: data only, no Textual.

Each scenario is a patient a trainee might meet: a short brief, the facts to
set before the walk, and the steps a good helper should reach. After the walk
`Scenario.result` says which of those steps were reached and which were missed.
``tests/rehearse/test_scenarios.py`` checks every flow and step id against the
shipped flows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """Which expected steps a walk reached, and which it missed (in the scenario's order)."""

    reached: tuple[str, ...]
    missed: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """True when every expected step was reached."""
        return not self.missed


@dataclass(frozen=True, slots=True)
class Scenario:
    """One practice case."""

    id: str
    title: str
    flow: str
    brief: str
    """What the trainee is told about the patient."""
    facts: dict[str, bool]
    """Circumstances set before the walk (facts not listed are unknown)."""
    expected: tuple[str, ...]
    """Steps a good helper should reach, in the order they come."""

    def result(self, seen: Iterable[str]) -> ScenarioResult:
        """How a walk that showed the steps ``seen`` did."""
        got = set(seen)
        return ScenarioResult(
            reached=tuple(s for s in self.expected if s in got),
            missed=tuple(s for s in self.expected if s not in got),
        )


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        id="no-photo-id",
        title="No photo ID",
        flow="register-with-gp",
        brief=(
            "A man new to the area wants to register. He has no passport or driving licence, "
            "and another surgery's online form asked him for ID. Show him that he does not need it."
        ),
        facts={"has_photo_id": False, "has_fixed_address": True},
        expected=("about_you", "rights", "how", "what_went_wrong", "no_id_needed"),
    ),
    Scenario(
        id="no-fixed-address",
        title="No fixed address",
        flow="register-with-gp",
        brief=(
            "A woman staying at a night shelter wants to register. She would rather fill in a paper "
            "form. Make sure she hears that she can register without a fixed address."
        ),
        facts={"has_fixed_address": False},
        expected=("about_you", "rights", "no_address", "how", "paper_form"),
    ),
    Scenario(
        id="cannot-log-in",
        title="Cannot log in",
        flow="repeat-prescription",
        brief=(
            "A patient needs his blood pressure tablets by Friday. He has never set up an NHS login "
            "and has no email of his own. Find him a way to order today that does not need one."
        ),
        facts={"has_nhs_login": False, "has_own_email": False},
        expected=("can_log_in", "no_login_yet", "other_ways", "phone_end"),
    ),
    Scenario(
        id="no-smartphone",
        title="No smartphone",
        flow="repeat-prescription",
        brief=(
            "An older patient has no smartphone but can log in to the NHS website at the library. "
            "Help her order her repeat medicines online and send them to her usual pharmacy."
        ),
        facts={"has_smartphone": False, "has_nhs_login": True},
        expected=("no_smartphone", "can_log_in", "open_prescriptions", "choose_medicines", "send_request"),
    ),
)
"""Every built-in scenario, in the order the start screen lists them."""

BY_ID: dict[str, Scenario] = {s.id: s for s in SCENARIOS}


def scenario(scenario_id: str) -> Scenario:
    """The scenario with this id (KeyError if none)."""
    return BY_ID[scenario_id]
