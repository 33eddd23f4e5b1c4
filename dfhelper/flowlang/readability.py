"""A reading-age estimate for flow text (Flesch–Kincaid grade + 5).

The NHS service manual asks for a reading age of 9 to 11 and suggests
readability tools to find the text to look at first (they are a guide, not a
verdict). This module gives the figure ``validate`` and the tests use:

* sentences are split as for the sentence-length check (full stops, question
  and exclamation marks, blank lines, list items);
* a word is a run of letters (digits and times such as 08:00 are left out);
* syllables are counted from vowel groups, with a silent final "e";
* an acronym in capitals (NHS, GP, ID, CID) counts as one syllable: patients
  meet these as words, and spelling them out would make every NHS sentence
  look hard;
* template code is read as a short word ("it") for ``{{ ... }}`` and left out
  for ``{% ... %}``, since the reader sees a name, a number or nothing there.

Grade = 0.39 × words per sentence + 11.8 × syllables per word − 15.59;
reading age = grade + 5 (UK school years start a year later than US grades,
but the NHS guidance quotes ages, and age = grade + 5 is the usual mapping).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from dfhelper.flowlang import markup

MAX_READING_AGE = 11.0
"""The NHS content guide's upper reading age for general content."""

MIN_WORDS = 100
"""Below this many words an estimate says little; ``validate`` does not judge it."""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n\s*[-*•]\s+")
_TEMPLATE_EXPR = re.compile(r"\{\{.*?\}\}", re.S)
_TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_VOWELS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """An estimate of the syllables in one English word."""
    if len(word) > 1 and word.isupper():
        return 1
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    count = len(_VOWELS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    if w.endswith("ed") and not w.endswith(("ted", "ded")) and count > 1:
        count -= 1
    return max(count, 1)


def _plain(text: str) -> str:
    text = _TEMPLATE_EXPR.sub(" it ", text)
    text = _TEMPLATE_TAG.sub(" ", text)
    return markup.to_plain(text)


@dataclass(frozen=True, slots=True)
class Readability:
    """Counts over some text, and the reading age they give."""

    sentences: int
    words: int
    syllables: int

    @property
    def grade(self) -> float:
        """The Flesch–Kincaid grade level (US school grade)."""
        if not self.sentences or not self.words:
            return 0.0
        return 0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59

    @property
    def reading_age(self) -> float:
        """The reading age in years (grade + 5)."""
        return self.grade + 5 if self.words else 0.0


def measure(texts: Iterable[str]) -> Readability:
    """Readability of several texts read as one (each text ends its last sentence)."""
    sentences = words = sylls = 0
    for text in texts:
        for sentence in _SENTENCE_END.split(_plain(text)):
            found = _WORD.findall(sentence)
            if not found:
                continue
            sentences += 1
            words += len(found)
            sylls += sum(syllables(w) for w in found)
    return Readability(sentences, words, sylls)
