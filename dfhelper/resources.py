"""The one place that knows where bundled flows and locales are.

In a source checkout they are the top-level ``flows/`` and ``locales/``
folders; in an installed wheel, hatch maps them into ``dfhelper/_bundled/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    installed = _PACKAGE / "_bundled" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def flows_dir() -> Path:
    """The flows shipped with dfhelper."""
    return _bundled("flows")


def locales_dir() -> Path:
    """The translations shipped with dfhelper."""
    return _bundled("locales")
