"""One redaction function, used before anything a patient typed is kept or logged.

It removes what could identify a patient: NHS numbers (any run of 10 digits,
grouped or not, in any digit system: ASCII, Bengali, Arabic-Indic, fullwidth
and the rest Unicode knows), phone numbers, email addresses and UK postcodes.
Text is first normalised (NFKC) and every Unicode digit mapped to ASCII, so
``৯৪৩ ৪৭৬ ৫৯১৯`` is found like ``943 476 5919``. Any 10-digit run is
redacted, valid checksum or not: redaction must not depend on a patient
typing their number correctly (security notes §6).

Names and dates of birth cannot be found by patterns; that is why dfhelper
never keeps free text at all, and this function is the second line.
"""

from __future__ import annotations

import logging
import re
import unicodedata

NHS_NUMBER = "[nhs-number]"
PHONE = "[phone]"
EMAIL = "[email]"
POSTCODE = "[postcode]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)
# ten digits in a run, with optional single spaces, dashes or dots between them
_NHS = re.compile(r"(?<!\d)\d(?:[ \-.]?\d){9}(?![ \-.]?\d)")
# UK phone numbers: +44 or 0, then 9 or 10 more digits, with optional spaces, dashes, brackets
_PHONE = re.compile(r"(?<![\d+])(?:\+44\s?\(?0?\)?|\(?0)(?:[ \-()]{0,2}\d){9,10}(?!\d)")
# the GOV.UK bulk data transfer postcode pattern (2015), spaces optional
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|(?:[A-PR-UWYZ]"
    r"(?:[0-9][0-9]?|[A-HK-Y][0-9][0-9]?|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y]))"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)


def _ascii_digits(text: str) -> str:
    out = []
    for char in text:
        if char.isdigit() and not ("0" <= char <= "9"):
            value = unicodedata.digit(char, None)
            out.append(str(value) if value is not None else char)
        else:
            out.append(char)
    return "".join(out)


def redact(text: str) -> str:
    """``text`` with NHS numbers, phone numbers, emails and postcodes replaced by markers."""
    text = _ascii_digits(unicodedata.normalize("NFKC", text))
    text = _EMAIL.sub(EMAIL, text)
    text = _PHONE.sub(PHONE, text)
    text = _NHS.sub(NHS_NUMBER, text)
    return _POSTCODE.sub(POSTCODE, text)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts every record before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the record's message with its redacted text (never drops a record)."""
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
