"""Red flags: typed words that mean the patient may need urgent care now.

Every free-text box (the task search, typed answers) is checked. The phrase
lists are sentences of dfhelper's own, in the catalogs, so translators keep
them in every language: each is a list of phrases separated by ``|``. A phrase
matches when **every** word of it is in what was typed, in any order, each
word allowing a typo or two for its length (one for 4 to 7 letters, two for
longer words, none for short words like "to" or "my") but never in its first
letter ("pian" is "pain"; "make" is not "wake", "fill" is not "kill"). So "chest pian and
sweating" finds "chest pain", while "pain relief repeat" and "prescription"
find nothing: a lone common word never triggers.

English phrases are checked in every language too, since many patients mix
English words into their own (domain notes §5: "check for red-flag words at
every free-text turn (all languages)").

Sources for the symptoms: domain notes §5 ([S74] SWAST "When to call 999",
[S75] Leeds "When to seek emergency care", [S27] NHS 111 and mental health).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from dfhelper.engine.matching import normalise
from dfhelper.engine.text import N_, Translator


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of red flag and its English phrase list."""

    name: str
    phrases: str
    mental_health: bool = False
    """True: the guidance leads with the mental health route (111, then 999 if life is at risk)."""


KINDS: tuple[Kind, ...] = (
    Kind(
        "chest_pain",
        # TRANSLATORS: Red-flag phrases (chest pain), separated by " | ". A phrase matches when all
        # its words are typed, in any order. Give the ways patients say it in your language; keep
        # every phrase specific (never a single common word like "pain").
        N_(
            "chest pain | chest hurts | chest hurting | chest tight | tight chest | heavy chest | "
            "crushing chest | chest pressure | heart attack | pain chest arm | pain chest jaw"
        ),
    ),
    Kind(
        "breathing",
        # TRANSLATORS: Red-flag phrases (difficulty breathing), separated by " | ". All the words of
        # a phrase must be typed, in any order.
        N_(
            "can't breathe | cannot breathe | cant breathe | struggling to breathe | difficulty breathing | "
            "hard to breathe | short of breath | breathless | not breathing | choking | lips blue"
        ),
    ),
    Kind(
        "stroke",
        # TRANSLATORS: Red-flag phrases (stroke signs: face, arms, speech), separated by " | ".
        N_(
            "face drooping | face droop | slurred speech | speech slurred | cannot lift arm | "
            "can't lift arm | sudden numbness | having a stroke | stroke now"
        ),
    ),
    Kind(
        "bleeding",
        # TRANSLATORS: Red-flag phrases (severe bleeding), separated by " | ".
        N_(
            "bleeding heavily | heavy bleeding | severe bleeding | bleeding won't stop | "
            "bleeding will not stop | can't stop bleeding | losing lots of blood | lot of blood"
        ),
    ),
    Kind(
        "allergy",
        # TRANSLATORS: Red-flag phrases (severe allergic reaction with swelling), separated by " | ".
        N_(
            "swollen lips | lips swelling | swollen tongue | tongue swelling | throat swelling | "
            "throat closing | face swelling | anaphylaxis | anaphylactic | allergic reaction swelling"
        ),
    ),
    Kind(
        "child_unwell",
        # TRANSLATORS: Red-flag phrases (a seriously ill child or baby), separated by " | ".
        N_(
            "child very ill | baby very ill | child seriously ill | floppy baby | baby floppy | "
            "child floppy | baby not responding | child not responding | rash does not fade | "
            "rash won't fade | baby not feeding"
        ),
    ),
    Kind(
        "collapse",
        # TRANSLATORS: Red-flag phrases (unconscious, collapsed, fits), separated by " | ".
        N_(
            "unconscious | collapsed | won't wake up | not waking up | hard to wake | fitting now | "
            "seizure not stopping | fit not stopping"
        ),
    ),
    Kind(
        "self_harm",
        # TRANSLATORS: Red-flag phrases (suicide, self-harm, overdose), separated by " | ".
        N_(
            "suicide | suicidal | kill myself | end my life | want to die | harm myself | hurt myself | "
            "self harm | self-harm | overdose | took too many tablets | cut myself | no reason to live"
        ),
        mental_health=True,
    ),
)

KINDS_BY_NAME = {kind.name: kind for kind in KINDS}


@dataclass(frozen=True, slots=True)
class Hit:
    """A red flag found in some typed text. The text itself is not kept."""

    kind: str
    phrase: str
    """The phrase that matched (from the list, never the patient's words)."""
    strength: float
    """100 for every word exact; less for each typo allowed."""
    lang: str
    """The language of the list the phrase came from."""


def words(text: str) -> tuple[str, ...]:
    """The words of ``text``, our way: normalised, split on spaces, punctuation trimmed from each end.

    Combining marks stay (Indic vowel signs, Arabic harakat), so words in every script stay whole.
    """
    out = []
    for word in normalise(text).split():
        start, end = 0, len(word)
        while start < end and unicodedata.category(word[start]).startswith("P"):
            start += 1
        while end > start and unicodedata.category(word[end - 1]).startswith("P"):
            end -= 1
        if start < end:
            out.append(word[start:end])
    return tuple(out)


def allowed_edits(word: str) -> int:
    """Typos allowed in one word of a phrase: none for short words, more for longer ones."""
    if len(word) <= 3:
        return 0
    return 1 if len(word) <= 7 else 2


@dataclass(frozen=True, slots=True)
class _Phrase:
    kind: str
    text: str
    words: tuple[str, ...]
    lang: str


class RedFlags:
    """The red-flag phrases of one language (plus English), ready to check typed text."""

    def __init__(self, translator: Translator | None = None) -> None:
        self._phrases: list[_Phrase] = []
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for kind in KINDS:
            lists = [(kind.phrases, "en")]
            if translator is not None and translator.locale != "en":
                shown = translator.ui(kind.phrases)
                if not shown.fallback and shown.text != kind.phrases:
                    lists.append((shown.text, shown.lang))
            for text, lang in lists:
                for part in text.split("|"):
                    found = words(part)
                    if found and (kind.name, found) not in seen:
                        seen.add((kind.name, found))
                        self._phrases.append(_Phrase(kind.name, part.strip(), found, lang))

    def __len__(self) -> int:
        return len(self._phrases)

    def check(self, text: str) -> Hit | None:
        """The strongest red flag in ``text``, or None."""
        typed = words(text)
        if not typed:
            return None
        vocabulary = set(typed)
        best: Hit | None = None
        for phrase in self._phrases:
            edits = 0
            letters = 0
            for word in phrase.words:
                if word in vocabulary:
                    found = 0
                else:
                    limit = allowed_edits(word)
                    if limit == 0:
                        break
                    # a typo keeps the first letter: "pian" is "pain", but "make" is not "wake"
                    close = [t for t in typed if t[0] == word[0]]
                    found = min(
                        (OSA.distance(word, t, score_cutoff=limit + 1) for t in close), default=limit + 1
                    )
                    if found > limit:
                        break
                edits += found
                letters += len(word)
            else:
                strength = round(100.0 * (1 - edits / max(letters, 1)), 1)
                if best is None or strength > best.strength:
                    best = Hit(phrase.kind, phrase.text, strength, phrase.lang)
        return best
