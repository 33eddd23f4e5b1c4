"""The real `dfhelper rehearse` in a terminal (tmux): start a flow, see the coverage meter, quit."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from tests.kiosk.test_tmux import Terminal, pytestmark  # noqa: F401 - skipped without tmux

DFHELPER = Path(sys.executable).parent / "dfhelper"


def test_rehearse_starts_in_a_terminal_walks_and_quits(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    socket = f"dfhelper-rehearse-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("TEXTUAL")}
    env["TERM"] = "xterm-256color"
    command = f"{DFHELPER} --config {config} rehearse; echo EXIT=$?; sleep 30"
    subprocess.run(
        ["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "rehearse",
         "-x", "120", "-y", "40", command],
        check=True,
        env=env,
        timeout=20,
    )  # fmt: skip
    term = Terminal(socket, "rehearse")
    try:
        term.wait_for("Register with a GP")
        term.keys("s")  # start the highlighted flow
        term.wait_for("steps seen")
        term.keys("q")
        deadline = time.monotonic() + 20
        while "EXIT=" not in term.screen():
            assert time.monotonic() < deadline, term.screen()
            time.sleep(0.2)
        assert "EXIT=0" in term.screen()
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], check=False, timeout=20)
