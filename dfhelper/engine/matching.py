"""Free text matched to a step's answers with rapidfuzz, in any script.

rapidfuzz's default processor replaces combining marks with spaces, which
breaks Indic and Arabic words apart (``'স্বাগতম'`` → ``'স ব গতম'``), and NFC
and NFD forms of the same word score 67 instead of 100. So text is normalised
here, once, our way: control and bidi-override characters removed, NFC,
case-folded, spaces collapsed, combining marks kept.

Scoring asks how much of an answer's phrase is found in what was typed, word
by word, each word typo-tolerant and weighted by its length. rapidfuzz's
``WRatio`` is not used here: it lets filler words decide ("they wanted my
pasport" scored 85.5 against "they asked about my immigration status" and 84
against "passport"). A short reply ("bok") may also be a fragment of an
answer's wording, so it is scored that way too, a little lower.

A match is accepted only above a high score; a middling one is confirmed with
the patient ("Did you mean ...?"); below that, nothing is guessed.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

_CONTROL_OR_BIDI = re.compile(
    "[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Untrusted text made safe to keep in memory and show: no control or bidi-override characters."""
    return _CONTROL_OR_BIDI.sub("", text.replace("\t", " ").replace("\r", " ").replace("\n", " "))


def normalise(text: str) -> str:
    """The form every matched phrase is compared in (see the module docstring)."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", clean(text)).casefold()).strip()


class MatchKind(enum.Enum):
    """How sure a match is."""

    ACCEPTED = "accepted"
    CONFIRM = "confirm"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Match:
    """The best answer for some typed text. The typed text itself is not kept."""

    kind: MatchKind
    value: str | None
    score: float


@dataclass(frozen=True, slots=True)
class Candidate:
    """A phrase that stands for an answer value."""

    value: str
    phrase: str


SHORT_REPLY_WORDS = 3
"""Replies of up to this many words are also scored as fragments of an answer's wording."""

FRAGMENT_WEIGHT = 0.95
"""A fragment is a little less sure than a whole phrase found."""


def _coverage(needles: Sequence[str], hay: Sequence[str]) -> float:
    """How much of ``needles`` (words) is found in ``hay`` (words), 0–100, weighted by word length."""
    total = sum(len(word) for word in needles)
    if not total or not hay:
        return 0.0
    found = 0.0
    for word in needles:
        hit = process.extractOne(word, hay, scorer=fuzz.ratio, processor=None)
        found += (hit[1] if hit else 0.0) * len(word)
    return found / total


def similarity(query: str, phrase: str) -> float:
    """How well normalised ``query`` matches normalised ``phrase``, 0–100."""
    typed, wanted = query.split(), phrase.split()
    score = _coverage(wanted, typed)
    if len(typed) <= SHORT_REPLY_WORDS:
        informative = [w for w in typed if len(w) >= 3]
        if informative:
            score = max(score, FRAGMENT_WEIGHT * _coverage(informative, wanted))
    return score


def best(query: str, candidates: Sequence[Candidate], *, accept: float, confirm: float) -> Match:
    """The best answer for ``query``: accepted at ``accept`` or more, to confirm at ``confirm`` or more."""
    typed = normalise(query)
    if not typed or not candidates:
        return Match(MatchKind.NONE, None, 0.0)
    top_score, top_value = 0.0, None
    for candidate in candidates:
        score = similarity(typed, normalise(candidate.phrase))
        if score > top_score:
            top_score, top_value = score, candidate.value
    if top_value is None or top_score < confirm:
        return Match(MatchKind.NONE, None, top_score)
    kind = MatchKind.ACCEPTED if top_score >= accept else MatchKind.CONFIRM
    return Match(kind, top_value, top_score)
