"""The handout's own sentences, marked for translation (shown through the patient's translator).

Marked with ``N_`` so `dfhelper i18n extract` finds them, like every other sentence of
dfhelper's own. Two kinds:

- `KIOSK_STRINGS` appear on the kiosk's screens (the print button and what it says after),
  so they join `dfhelper.engine.text.UI_STRINGS` and count towards whether a language is
  complete enough to be offered at the kiosk.
- The rest appear only on the printed page. They are kept in `HANDOUT_STRINGS` and do not
  count towards the kiosk's coverage (as the circumstances' labels in
  `dfhelper.flowlang.facts` are marked without counting): until a language translates them,
  the handout shows them in English, and a new handout sentence never takes a language away
  from the kiosk's patients.
"""

from __future__ import annotations

from dfhelper.engine.text import UI_STRINGS

HANDOUT_STRINGS: set[str] = set()
"""Every sentence marked here (the kiosk's three included)."""


def N_(english: str) -> str:
    """Mark one of the handout's sentences for extraction; it is translated where it is shown."""
    HANDOUT_STRINGS.add(english)
    return english


# On the kiosk's finished screen.
PRINT_STEPS = N_("Print these steps")
PRINTED = N_("Sent to the printer. Please collect it from reception.")
NOT_PRINTED = N_("Sorry, it could not be printed. Please ask at reception.")

KIOSK_STRINGS = (PRINT_STEPS, PRINTED, NOT_PRINTED)
"""The sentences the kiosk shows (counted in a language's kiosk coverage)."""
UI_STRINGS.update(KIOSK_STRINGS)

# On the printed page.
YOUR_STEPS = N_("Your steps")
YOUR_ANSWER = N_("Your answer: {answer}")
WHAT_NEXT = N_("What happens next")
SCAN_TO_OPEN = N_("Scan to open")
SCAN_HOW = N_("Point your phone camera at a code to open the page it names.")
YOUR_PRACTICE = N_("Your GP practice")
PHONE = N_("Phone: {phone}")
OPENING_HOURS = N_("Opening hours: {hours}")
WEBSITE = N_("Website: {website}")
IN_ENGLISH = N_("(in English)")
MADE_BY = N_("Made by dfhelper at {practice} on {date}.")
NOTHING_ABOUT_YOU = N_("This sheet has nothing on it about you: no name, no NHS number.")
