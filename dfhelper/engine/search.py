"""Finding a flow from what a patient types, in their language and in English, as they type.

The index holds every flow's title and keywords, in the patient's language
(translated keywords may hold several phrases separated by ``|``) and in
English. Text is normalised our way (see `dfhelper.engine.matching`).

A query is scored word by word, so it is fast enough for every keystroke over
thousands of phrases and is not fooled by filler words:

1. each typed word is compared with every distinct word in the index
   (``rapidfuzz`` ``ratio``); the last word is being typed, so it is also
   compared with each word's start ("presc" finds "prescription");
2. only phrases holding a word that matched are scored: how much of the typed
   text they cover (each word weighted by its length), a little more for
   phrases the typed words cover closely;
3. each flow keeps its best phrase.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from dfhelper.engine.matching import normalise
from dfhelper.engine.text import Translator
from dfhelper.flowlang.library import Library

WORD_CUTOFF = 70.0
"""A typed word and an index word below this similarity do not match at all."""

PREFIX_MIN = 3
"""The word being typed counts as a prefix once it has this many characters."""


@dataclass(frozen=True, slots=True)
class Hit:
    """A flow found, with the phrase that found it."""

    flow: str
    score: float
    phrase: str
    lang: str


@dataclass(frozen=True, slots=True)
class _Phrase:
    flow: str
    text: str
    lang: str
    words: tuple[str, ...]


class SearchIndex:
    """Titles and keywords of every flow, ready to search."""

    def __init__(self, entries: Iterable[tuple[str, str, str]]) -> None:
        """``entries`` are (flow id, phrase, language)."""
        self._phrases: list[_Phrase] = []
        seen: set[tuple[str, str]] = set()
        for flow, text, lang in entries:
            for part in text.split("|"):
                norm = normalise(part)
                if norm and (flow, norm) not in seen:
                    seen.add((flow, norm))
                    self._phrases.append(_Phrase(flow, part.strip(), lang, tuple(norm.split())))
        by_word: defaultdict[str, list[int]] = defaultdict(list)
        for index, phrase in enumerate(self._phrases):
            for word in set(phrase.words):
                by_word[word].append(index)
        self._by_word = dict(by_word)
        self._vocabulary = list(self._by_word)
        self._prefixes: dict[int, list[str]] = {}

    def __len__(self) -> int:
        return len(self._phrases)

    @classmethod
    def for_library(cls, library: Library, translator: Translator | None = None) -> SearchIndex:
        """Every flow's title and keywords, in English and (if given) the translator's language."""
        entries: list[tuple[str, str, str]] = []
        for info in library:
            texts = [("title", info.title), *((f"keyword.{i}", k) for i, k in enumerate(info.keywords))]
            for field, english in texts:
                entries.append((info.id, english, "en"))
                if translator is not None and translator.locale != "en":
                    shown = translator.flow_text(info.id, None, field, english)
                    if not shown.fallback and shown.lang != "en":
                        entries.append((info.id, shown.text, shown.lang))
        return cls(entries)

    def _prefix_list(self, length: int) -> list[str]:
        cached = self._prefixes.get(length)
        if cached is None:
            cached = self._prefixes[length] = [w[:length] for w in self._vocabulary]
        return cached

    def _word_matches(self, word: str, *, last: bool) -> dict[str, float]:
        found = {
            self._vocabulary[i]: score
            for _, score, i in process.extract(
                word,
                self._vocabulary,
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=WORD_CUTOFF,
                limit=None,
            )
        }
        if last and len(word) >= PREFIX_MIN:
            for _, score, i in process.extract(
                word,
                self._prefix_list(len(word)),
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=WORD_CUTOFF,
                limit=None,
            ):
                vocab = self._vocabulary[i]
                # a prefix is a little less sure than a whole word
                found[vocab] = max(found.get(vocab, 0.0), score * 0.95)
        return found

    def search(self, query: str, *, limit: int = 5, cutoff: float = 50.0) -> list[Hit]:
        """The best flows for ``query``, best first, at most ``limit``, each scoring at least ``cutoff``."""
        typed = normalise(query).split()
        if not typed or not self._phrases:
            return []
        matches = [self._word_matches(w, last=(i == len(typed) - 1)) for i, w in enumerate(typed)]
        weights = [len(w) for w in typed]
        total = float(sum(weights))
        candidates: set[int] = set()
        for found in matches:
            for word in found:
                candidates.update(self._by_word[word])
        best: dict[str, Hit] = {}
        for index in candidates:
            phrase = self._phrases[index]
            covered = 0.0
            used = 0
            for found, weight in zip(matches, weights, strict=True):
                score = max((found.get(w, 0.0) for w in phrase.words), default=0.0)
                covered += score * weight
                used += score > 0
            coverage = covered / total
            tightness = min(used / len(phrase.words), 1.0)
            score = coverage * (0.9 + 0.1 * tightness)
            current = best.get(phrase.flow)
            if score >= cutoff and (current is None or score > current.score):
                best[phrase.flow] = Hit(phrase.flow, round(score, 1), phrase.text, phrase.lang)
        return sorted(best.values(), key=lambda h: (-h.score, h.flow))[:limit]
