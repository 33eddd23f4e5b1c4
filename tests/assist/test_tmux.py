"""The real `dfhelper assist` in a terminal (tmux, 120×40): a step, the helper's notes, an answer, quit."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from tests.kiosk.test_tmux import Terminal, pytestmark  # noqa: F401 - skipped without tmux

DFHELPER = Path(sys.executable).parent / "dfhelper"


def test_assist_starts_in_a_terminal_shows_both_panels_and_quits(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    socket = f"dfhelper-assist-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("TEXTUAL")}
    env["TERM"] = "xterm-256color"
    command = (
        f"{DFHELPER} --config {config} assist --flow repeat-prescription --lang pl; echo EXIT=$?; sleep 30"
    )
    subprocess.run(
        ["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "assist",
         "-x", "120", "-y", "40", command],
        check=True,
        env=env,
        timeout=20,
    )  # fmt: skip
    term = Terminal(socket, "assist")
    try:
        shown = term.wait_for("Dalej")  # the patient's step, in Polish
        assert "intro" in shown  # the helper sees the step id, in English
        term.keys("1")
        term.wait_for("can_log_in")
        term.keys("q")
        deadline = time.monotonic() + 20
        while "EXIT=" not in term.screen():
            assert time.monotonic() < deadline, term.screen()
            time.sleep(0.2)
        assert "EXIT=0" in term.screen()
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], check=False, timeout=20)
