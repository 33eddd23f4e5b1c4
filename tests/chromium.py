"""Debian's Chromium for the browser tests: found (or the test skipped), and run headless."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")


def chromium_or_skip() -> str:
    """Chromium's path; skip without it, or fail when ``DFHELPER_REQUIRE_CHROMIUM=1``."""
    found = str(DEBIAN_CHROMIUM) if DEBIAN_CHROMIUM.exists() else shutil.which("chromium")
    if found is None:
        if os.environ.get("DFHELPER_REQUIRE_CHROMIUM") == "1":
            pytest.fail("Chromium is required (DFHELPER_REQUIRE_CHROMIUM=1) but not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return found


def run_headless(
    chromium: str, page: Path, workdir: Path, *options: str, timeout: float
) -> subprocess.CompletedProcess[str]:
    """Open ``page`` in headless Chromium with a throwaway profile in ``workdir``, plus ``options``
    (``--screenshot=...``, ``--print-to-pdf=...``); nothing is fetched from the network."""
    command = [
        chromium,
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={workdir / 'profile'}",
        *options,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
