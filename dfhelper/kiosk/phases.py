"""Where a help request is, as the patient is told it (a small module: screens import it before the
kiosk's heavier parts are loaded, so the first screen paints sooner)."""

from __future__ import annotations

import enum


class HelpPhase(enum.Enum):
    """Where a help request is, as the patient is told it."""

    NOT_SAVED = "not_saved"
    """It could not be saved here: go to reception now."""
    SENDING = "sending"
    """Saved on this kiosk, on its way to reception."""
    AT_DESK = "at_desk"
    """Reception has it and a desk is open: wait here."""
    COMING = "coming"
    """Someone at the desk said "I'm coming"."""
    GO_TO_DESK = "go_to_desk"
    """Reception cannot be reached, nobody is watching, or the desk asked: go to reception."""
    DONE = "done"
    """The desk closed the request."""
