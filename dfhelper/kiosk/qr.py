"""QR codes drawn with text: two rows of modules per line, using half-block characters.

Kept apart from Textual so the drawing can be tested (and decoded) without a screen.
Dark modules are drawn in the foreground colour, so show the lines black on white.
"""

from __future__ import annotations

import segno

_GLYPHS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def qr_lines(data: str, *, border: int = 2) -> list[str]:
    """The QR code for ``data`` as lines of text (each line two module rows)."""
    code = segno.make(data, error="m", micro=False)
    rows = [[bool(m) for m in row] for row in code.matrix_iter(scale=1, border=border)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    return [
        "".join(_GLYPHS[(a, b)] for a, b in zip(top, bottom, strict=True))
        for top, bottom in zip(rows[::2], rows[1::2], strict=True)
    ]


def qr_size(data: str, *, border: int = 2) -> tuple[int, int]:
    """Width and height, in cells, of `qr_lines` for ``data``."""
    lines = qr_lines(data, border=border)
    return len(lines[0]), len(lines)
