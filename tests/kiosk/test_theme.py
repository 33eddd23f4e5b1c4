"""Every text/background pair in the kiosk's themes passes WCAG contrast (AA; AAA in high contrast)."""

from __future__ import annotations

import pytest
from textual.theme import Theme

from dfhelper.kiosk.app import HIGH_CONTRAST, STANDARD

PAIRS = [
    ("kiosk-text", "kiosk-background"),
    ("kiosk-button-text", "kiosk-button"),
    ("kiosk-focus-text", "kiosk-focus"),
    ("kiosk-stuck-text", "kiosk-stuck"),
    ("kiosk-chosen-text", "kiosk-chosen"),
    ("kiosk-safety-text", "kiosk-safety"),
    ("kiosk-button-text", "kiosk-background"),  # high contrast: buttons are outlined, text on the page
]


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(("theme", "minimum"), [(STANDARD, 4.5), (HIGH_CONTRAST, 7.0)])
def test_theme_contrast(theme: Theme, minimum: float) -> None:
    pairs = PAIRS if theme is HIGH_CONTRAST else PAIRS[:-1]
    for text, background in pairs:
        ratio = contrast(theme.variables[text], theme.variables[background])
        assert ratio >= minimum, f"{theme.name}: {text} on {background} is {ratio:.2f}:1"


def test_contrast_formula_matches_wcag_examples() -> None:
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
