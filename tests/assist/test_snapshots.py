"""SVG snapshot of `dfhelper assist` at 120×40: an Urdu patient, the English helper panel.

Update after an intended change with ``python -m pytest tests/assist/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from dfhelper.assist.app import AssistApp
from tests.kiosk.conftest import kiosk_config, make_core

SnapCompare = Callable[..., bool]


def test_urdu_patient_with_english_helper(snap_compare: SnapCompare, tmp_path: Path) -> None:
    core = make_core(kiosk_config(tmp_path / "data", languages=("en", "ur"), min_translation_coverage=0.0))
    app = AssistApp(core.config, core, flow="repeat-prescription", lang="ur")

    async def show(pilot: Pilot[Any]) -> None:
        app.visit.jump("can_log_in")
        app.show()
        await pilot.pause()

    assert snap_compare(app, run_before=show, terminal_size=(120, 40))
