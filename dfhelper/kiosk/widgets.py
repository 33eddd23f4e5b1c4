"""Widgets and text rendering shared by the kiosk's screens.

Flow and catalog text becomes Textual `Content` here and nowhere else: styled
runs come from `dfhelper.flowlang.markup.spans` (bold and italic only), so no
text ever reaches a markup parser. Patient-typed text is only ever inside an
`Input`, restricted to printable characters.
"""

from __future__ import annotations

from typing import Literal

from textual.content import Content
from textual.widgets import Input, Static

from dfhelper.engine.text import Shown
from dfhelper.flowlang.markup import spans

RtlMode = Literal["terminal", "reorder"]

PRINTABLE = r"[^\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]*"
"""What an input accepts: no control characters, no escape sequences, no bidi overrides."""


ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))
"""Direction isolates that translations put around addresses; once the app has reordered a line
they have done their work, and a terminal without bidi support might draw them as boxes."""


def reorder(text: str) -> str:
    """Shape and reorder right-to-left text for a terminal that does neither (line by line).

    Every line is read as right to left, as its language is, even one that starts with a Latin
    name ("NHS App میں ..."): guessing from the first letter would lay it out left to right.
    """
    import arabic_reshaper
    from bidi import get_display

    lines = (get_display(arabic_reshaper.reshape(line), base_dir="R") for line in text.split("\n"))
    return "\n".join(line.translate(ISOLATES) for line in lines)


def content(
    shown: Shown | str,
    *,
    marker: str | None = None,
    direction: str = "ltr",
    rtl_mode: RtlMode = "terminal",
) -> Content:
    """Flow or catalog text as Content: [b]/[i] styled, anything else literal.

    ``marker`` is appended (dim, italic) when the text is English standing in for a
    missing translation. For right-to-left text with ``rtl_mode="reorder"`` the app
    reorders and shapes it itself (styles are dropped: reordering moves characters).
    """
    text = shown.text if isinstance(shown, Shown) else shown
    fallback = isinstance(shown, Shown) and shown.fallback
    lang_direction = "ltr" if fallback else direction
    if lang_direction == "rtl" and rtl_mode == "reorder":
        plain = "".join(span.text for span in spans(text))
        result = Content(reorder(plain))
    else:
        parts: list[str | tuple[str, str]] = []
        for span in spans(text):
            style = " ".join(name for name, on in (("bold", span.bold), ("italic", span.italic)) if on)
            parts.append((span.text, style) if style else span.text)
        result = Content.assemble(*parts)
    if fallback and marker:
        result = Content.assemble(result, " ", (marker, "italic dim"))
    return result


class KioskInput(Input):
    """An input box that takes printable text only, and never copies, cuts or pastes from a clipboard."""

    def __init__(self, placeholder: str = "", *, id: str | None = None, max_length: int = 80) -> None:
        super().__init__(placeholder=placeholder, id=id, restrict=PRINTABLE, max_length=max_length)

    def action_copy(self) -> None:
        """Copying is off on a shared screen."""

    def action_cut(self) -> None:
        """Cutting is off on a shared screen."""

    def action_paste(self) -> None:
        """The app's clipboard is always empty; nothing to paste."""


class QRCode(Static):
    """A QR code of a web address, black on white so phone cameras can read it."""

    DEFAULT_CSS = """
    QRCode { width: auto; height: auto; color: #000000; background: #ffffff; }
    """

    def __init__(self, url: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.url = url
        if url:
            self.show(url)

    def show(self, url: str) -> None:
        """Draw the code for ``url``."""
        from dfhelper.kiosk.qr import qr_lines  # segno is needed only on the finished screen

        self.url = url
        self.update(Content("\n".join(qr_lines(url))))


class SafetyLine(Static):
    """ "Very unwell? Tell reception now or call 999." — on every screen, in the patient's language."""

    DEFAULT_CSS = """
    SafetyLine { dock: bottom; height: 1; width: 100%; text-style: bold; }
    """
