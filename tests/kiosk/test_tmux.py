"""The real `dfhelper kiosk` in a real terminal (tmux, 80×24): a flow by keystrokes, and no way out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"
)


class Terminal:
    """One tmux session on a private socket."""

    def __init__(self, socket: str, name: str) -> None:
        self.socket = socket
        self.name = name

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True, timeout=20
        )
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.name, key)
            time.sleep(0.15)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if text in shown:
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen shows:\n{shown}")
            time.sleep(0.2)

    def alive(self) -> bool:
        out = self.tmux("list-panes", "-t", self.name, "-F", "#{pane_dead} #{pane_current_command}")
        return out.split()[0] == "0"


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    config = tmp_path / "config.toml"
    config.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    command = Path(sys.executable).parent / "dfhelper"
    socket = f"dfhelper-test-{uuid.uuid4().hex[:8]}"
    term = Terminal(socket, "kiosk")
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("TEXTUAL")}
    env["TERM"] = "xterm-256color"
    subprocess.run(
        [
            "tmux", "-L", socket, "-f", "/dev/null",
            "new-session", "-d", "-s", "kiosk", "-x", "80", "-y", "24",
            f"{command} --config {config} kiosk",
        ],
        check=True,
        env=env,
        timeout=20,
    )  # fmt: skip
    term.tmux("set-option", "-t", "kiosk", "remain-on-exit", "on")
    try:
        yield term
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], check=False, timeout=20)


def test_a_patient_completes_a_flow_and_cannot_quit(terminal: Terminal) -> None:
    terminal.wait_for("Need help with the NHS App")
    terminal.keys("Enter")
    terminal.wait_for("Choose your language")
    terminal.keys("1")  # English
    shown = terminal.wait_for("What do you need help with?")
    number = next(line for line in shown.splitlines() if "Order a repeat prescription" in line)
    terminal.keys("2" if "2  Order" in number else "1")
    terminal.wait_for("What applies to you?")
    terminal.keys(*(["Tab"] * 19), "Enter")  # past the 18 yes/no buttons and Continue, to Skip
    terminal.wait_for("Step 1 of about")
    for _ in range(12):
        if "Well done" in terminal.screen():
            break
        terminal.keys("1")
        time.sleep(0.3)
    terminal.wait_for("Well done. You have finished.")
    terminal.keys("Enter")  # "Help with something else"
    terminal.wait_for("What do you need help with?")
    terminal.keys("Tab", "2" if "2  Order" in number else "1")
    terminal.wait_for("Step 1 of about")
    step = terminal.screen()
    for key in ("C-q", "C-c", "C-z", "C-\\", "C-p", "F1", "Escape"):
        terminal.keys(key)
    time.sleep(1.0)
    assert terminal.alive()
    after = terminal.wait_for("Order a repeat prescription")
    assert "Step 1 of about" in after
    assert "Very unwell? Tell reception now or call 999." in after
    assert after == step


DFHELPER = Path(sys.executable).parent / "dfhelper"


@contextmanager
def dfhelper_in_tmux(
    tmp_path: Path, name: str, args: str, size: tuple[int, int] = (120, 40)
) -> Iterator[Terminal]:
    """Run ``dfhelper --config <tmp config> ARGS`` in a tmux server of its own; then EXIT=<code>."""
    config = tmp_path / "config.toml"
    if not config.exists():
        config.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    socket = f"dfhelper-{name}-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("TEXTUAL")}
    env["TERM"] = "xterm-256color"
    command = f"{DFHELPER} --config {config} {args}; echo EXIT=$?; sleep 30"
    subprocess.run(
        ["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", name,
         "-x", str(size[0]), "-y", str(size[1]), command],
        check=True,
        env=env,
        timeout=20,
    )  # fmt: skip
    try:
        yield Terminal(socket, name)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], check=False, timeout=20)


def exit_code(term: Terminal, timeout: float = 20.0) -> str:
    """Wait for the command in ``term`` to end; its ``EXIT=<code>`` line."""
    deadline = time.monotonic() + timeout
    while "EXIT=" not in (shown := term.screen()):
        assert time.monotonic() < deadline, shown
        time.sleep(0.2)
    return next(line.strip() for line in shown.splitlines() if "EXIT=" in line)
