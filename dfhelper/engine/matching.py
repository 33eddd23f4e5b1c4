"""Free text matched to a step's answers with rapidfuzz, in any script.

rapidfuzz's default processor replaces combining marks with spaces, which
breaks Indic and Arabic words apart (``'স্বাগতম'`` → ``'স ব গতম'``), and NFC
and NFD forms of the same word score 67 instead of 100. So text is normalised
here, once, our way: control and bidi-override characters removed, NFC,
case-folded, spaces collapsed, combining marks kept.

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


def best(query: str, candidates: Sequence[Candidate], *, accept: float, confirm: float) -> Match:
    """The best answer for ``query``: accepted at ``accept`` or more, to confirm at ``confirm`` or more."""
    needle = normalise(query)
    if not needle or not candidates:
        return Match(MatchKind.NONE, None, 0.0)
    choices = [normalise(c.phrase) for c in candidates]
    found = process.extractOne(needle, choices, scorer=fuzz.WRatio, processor=None, score_cutoff=confirm)
    if found is None:
        return Match(MatchKind.NONE, None, 0.0)
    _, score, index = found
    kind = MatchKind.ACCEPTED if score >= accept else MatchKind.CONFIRM
    return Match(kind, candidates[index].value, float(score))
