"""The circumstances a patient may tell us about ("facts").

Facts are asked, never inferred: a fact is ``True`` or ``False`` only when the
patient (or the person helping them) said so, and ``None`` (unknown) otherwise.
The names are the same in every language; the kiosk and the flows' own
``circumstances`` steps both record them. Adding a fact here makes it usable in
conditions (``facts.has_photo_id``), in ``suits:`` and in ``walk --fact``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Fact:
    """One circumstance, with the English wording used when a flow gives none."""

    name: str
    label: str
    """How the patient is asked, as something they tick ("I have ...")."""


def N_(english: str) -> str:
    """Marks a label for translation (extracted by Babel; translated where it is shown)."""
    return english


FACTS: tuple[Fact, ...] = (
    Fact("has_smartphone", N_("I have a smartphone")),
    Fact("has_own_email", N_("I have an email address of my own")),
    Fact("has_photo_id", N_("I have photo ID, like a passport or driving licence")),
    Fact("has_fixed_address", N_("I have a fixed address")),
    Fact("acting_for_someone", N_("I am helping someone else, not myself")),
    Fact("wants_easy_read", N_("I would like Easy Read")),
    Fact("needs_interpreter", N_("I would like an interpreter")),
    Fact("needs_large_print", N_("I would like large print")),
    Fact("needs_hearing_loop", N_("I use a hearing loop")),
    Fact("under_16", N_("I am under 16")),
    Fact("has_nhs_login", N_("I already have an NHS login")),
)
"""Every fact a flow may use, in the order the kiosk asks them."""

FACT_NAMES: frozenset[str] = frozenset(f.name for f in FACTS)

_BY_NAME = {f.name: f for f in FACTS}


def fact(name: str) -> Fact:
    """The fact called ``name`` (KeyError if there is none)."""
    return _BY_NAME[name]
