"""Free-text matching for ``text`` steps: sure matches accepted, middling ones confirmed, filler ignored."""

from __future__ import annotations

import pytest

from dfhelper.engine.matching import Candidate, MatchKind, best, normalise

REGISTER = [
    *(
        Candidate("asked_for_id", p)
        for p in ["They asked for ID or a passport", "passport", "photo ID", "papers"]
    ),
    *(
        Candidate("asked_for_address", p)
        for p in ["They asked for proof of address", "address", "bill", "hostel"]
    ),
    *(Candidate("asked_for_status", p) for p in ["They asked about my immigration status", "visa", "asylum"]),
    *(Candidate("refused", p) for p in ["The surgery said no", "refused", "turned away", "list is full"]),
]


def _best(query: str) -> tuple[MatchKind, str | None]:
    found = best(query, REGISTER, accept=85, confirm=60)
    return found.kind, found.value


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("they wanted my pasport", "asked_for_id"),  # WRatio chose immigration status here
        ("they asked me for a gas bill", "asked_for_address"),
        ("i am an asylum seeker", "asked_for_status"),
        ("they turned me away", "refused"),
        ("PASSPORT", "asked_for_id"),
    ],
)
def test_the_words_that_matter_decide_not_the_filler(typed: str, value: str) -> None:
    assert _best(typed) == (MatchKind.ACCEPTED, value)


def test_a_short_fragment_of_an_answer_is_confirmed_not_accepted() -> None:
    found = best("bok", [Candidate("appointment", "Book an appointment")], accept=85, confirm=60)
    assert found.kind is MatchKind.CONFIRM


@pytest.mark.parametrize("typed", ["", "   ", "my", "zzqx", "[/]", "\x1b[2J", "????"])
def test_nothing_is_guessed_from_noise(typed: str) -> None:
    assert _best(typed) == (MatchKind.NONE, None)


def test_scripts_with_combining_marks_match_whole_words() -> None:
    candidates = [Candidate("prescription", "ওষুধ"), Candidate("appointment", "অ্যাপয়েন্টমেন্ট")]
    assert best("ওষুধ", candidates, accept=85, confirm=60).value == "prescription"
    assert normalise("ওষুধ") == "ওষুধ"  # the vowel sign stays
