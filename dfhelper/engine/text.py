"""Text shown to a patient, and the translator interface the engine renders through.

The engine never hard-codes what language a patient sees. Flow text is looked up
by a stable key (flow, step, field) with the English text as the fallback; the
engine's own sentences ("Did it work?") are looked up by their English text.
A `Shown` says which language the text is really in, so a front end can mark
English shown in place of a missing or out-of-date translation.

The gettext-backed translator lives in `dfhelper.i18n`; `EnglishTranslator` is
the built-in one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from dfhelper.flowlang.facts import FACTS


@dataclass(frozen=True, slots=True)
class Shown:
    """A piece of text as it will be shown, and the language it is in."""

    text: str
    lang: str = "en"
    fallback: bool = False
    """True when this is English shown because the patient's language lacks a current translation."""

    def __str__(self) -> str:
        return self.text


class Translator(Protocol):
    """Turns English source text into the patient's language."""

    @property
    def locale(self) -> str:
        """The patient's locale, e.g. ``pl`` or ``pa_Arab``."""
        ...

    def flow_text(self, flow: str, step: str | None, field: str, english: str) -> Shown:
        """Flow text, keyed by ``flow:step:field`` (step None for flow-level fields)."""
        ...

    def ui(self, english: str) -> Shown:
        """One of dfhelper's own sentences."""
        ...

    def ngettext(self, singular: str, plural: str, n: int) -> Shown:
        """A sentence about ``n`` things, in the language's plural form for ``n`` (``{n}`` filled in)."""
        ...


class EnglishTranslator:
    """Shows everything in English: the source language."""

    locale = "en"

    def flow_text(self, flow: str, step: str | None, field: str, english: str) -> Shown:
        """The English text as written in the flow."""
        return Shown(english)

    def ui(self, english: str) -> Shown:
        """The English sentence as written in the code."""
        return Shown(english)

    def ngettext(self, singular: str, plural: str, n: int) -> Shown:
        """The English singular for one, else the plural, ``{n}`` filled in."""
        return Shown((singular if n == 1 else plural).format(n=n))


def msg_context(flow: str, step: str | None, field: str) -> str:
    """The gettext context for one piece of flow text: ``flow:step:field``."""
    return f"{flow}:{step or ''}:{field}"


UI_STRINGS: set[str] = set()
"""Every sentence of dfhelper's own marked with `N_` so far (imported modules only): what a
language must translate besides the flows, for its coverage."""


def N_(english: str) -> str:
    """Mark one of dfhelper's own sentences for extraction; it is translated where it is shown."""
    UI_STRINGS.add(english)
    return english


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a sentence with singular and plural forms for extraction (``{n}`` is the number)."""
    UI_STRINGS.add(singular)
    return singular, plural


CONTINUE = N_("Continue")
YES = N_("Yes")
NO = N_("No")
DID_IT_WORK = N_("Did it work?")
YES_IT_WORKED = N_("Yes, it worked")
NO_IT_DID_NOT = N_("No, it did not work")
REQUIRES = N_("Before this, you need to do this first: {title}. Have you done it already?")
REQUIRES_YES = N_("Yes, I have done it")
REQUIRES_NO = N_("No, help me do it now")
CONFIRM = N_("Did you mean: {option}?")
STEPS_LEFT, STEPS_LEFT_PLURAL = N_plural("About {n} step to go", "About {n} steps to go")
NO_MATCH = N_("Sorry, I did not understand. Please try other words, or choose 'I'm stuck - get help'.")

# Safety messages: a language is offered only when every one of these is translated and current.
NOT_FOR_EMERGENCIES = N_("Very unwell? Tell reception now or call 999.")
EMERGENCY = N_(
    "This helper is not for emergencies. If you or someone else is seriously ill or injured "
    "and life is at risk, call 999 now."
)
URGENT = N_("If you need medical help fast but it is not an emergency, call 111 or go to 111.nhs.uk.")
MENTAL_HEALTH = N_("For urgent mental health help, call 111 and choose the mental health option.")
TELL_RECEPTION = N_("If you are worried, tell someone at reception now.")
URGENT_HEADING = N_("What you typed may mean you need urgent help.")

for _fact in FACTS:
    UI_STRINGS.add(_fact.label)

SAFETY_MESSAGES = frozenset(
    {NOT_FOR_EMERGENCIES, EMERGENCY, URGENT, MENTAL_HEALTH, TELL_RECEPTION, URGENT_HEADING}
)
"""The sentences that must be complete in every language offered (domain notes §5, for CSO sign-off)."""
