"""End to end, as people use it: the real kiosk and the real desk, each in a terminal (tmux).

A patient presses "I'm stuck - get help" at the kiosk; the request appears at the
desk and in ``dfhelper desk list``; reception takes it; the kiosk says someone is
coming. Both run on the embedded SQLite desk store in one data folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.kiosk.test_tmux import Terminal, pytestmark  # noqa: F401 - skipped without tmux

DFHELPER = Path(sys.executable).parent / "dfhelper"


@pytest.fixture
def practice(tmp_path: Path) -> Iterator[tuple[Terminal, Terminal, Path]]:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[paths]\ndata_dir = "{tmp_path / "data"}"\n\n[desk]\nname = "Front desk"\n', encoding="utf-8"
    )
    socket = f"dfhelper-e2e-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("TEXTUAL")}
    env["TERM"] = "xterm-256color"
    for name, size, command in (
        ("desk", ("120", "30"), f"{DFHELPER} --config {config} desk"),
        ("kiosk", ("80", "24"), f"{DFHELPER} --config {config} kiosk"),
    ):
        subprocess.run(
            ["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", name,
             "-x", size[0], "-y", size[1], command],
            check=True,
            env=env,
            timeout=20,
        )  # fmt: skip
    kiosk, desk = Terminal(socket, "kiosk"), Terminal(socket, "desk")
    for term in (kiosk, desk):
        term.tmux("set-option", "-t", term.name, "remain-on-exit", "on")
    try:
        yield kiosk, desk, config
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], check=False, timeout=20)


def desk_list(config: Path) -> list[dict[str, object]]:
    """What ``dfhelper desk list --format json`` prints, read back."""
    listed = subprocess.run(
        [str(DFHELPER), "--config", str(config), "desk", "list", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    requests: list[dict[str, object]] = json.loads(listed.stdout)
    return requests


def to_tasks_in_english(kiosk: Terminal) -> str:
    """From the welcome to the task list, choosing English when languages are offered."""
    kiosk.keys("Enter")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        shown = kiosk.screen()
        if "Choose your language" in shown:
            kiosk.keys("1")
            break
        if "What do you need help with?" in shown:
            break
        time.sleep(0.2)
    return kiosk.wait_for("What do you need help with?")


def test_help_pressed_at_the_kiosk_is_taken_at_the_desk_and_the_kiosk_says_so(
    practice: tuple[Terminal, Terminal, Path],
) -> None:
    kiosk, desk, config = practice
    desk.wait_for("Front desk")
    kiosk.wait_for("Need help with the NHS App")
    shown = to_tasks_in_english(kiosk)
    number = next(line for line in shown.splitlines() if "Order a repeat prescription" in line)
    kiosk.keys("2" if "2  Order" in number else "1")
    kiosk.wait_for("What applies to you?")
    kiosk.keys(*(["Tab"] * 19), "Enter")  # past the 18 yes/no buttons and Continue, to Skip
    kiosk.wait_for("Step 1 of about")
    kiosk.keys("Up", "Up", "Enter")  # from the first answer, past the step text, round to "I'm stuck"
    kiosk.wait_for("Your request for help is saved. Your number is 001.")
    kiosk.wait_for("Reception has your request")  # delivered, and a desk is open

    at_desk = desk.wait_for("001")
    assert "Waiting" in at_desk
    assert "English" in at_desk
    [request] = desk_list(config)
    assert (request["ticket"], request["flow"], request["state"]) == ("001", "repeat-prescription", "open")
    assert request["lang"] == "en"

    desk.keys("n")  # take the next one: "I'm coming"
    desk.wait_for("Claimed by Front desk")
    kiosk.wait_for("Someone is coming to help you now")


def test_a_red_flag_typed_in_the_search_box_brings_the_urgent_screen_and_an_urgent_request(
    practice: tuple[Terminal, Terminal, Path],
) -> None:
    kiosk, desk, config = practice
    desk.wait_for("Front desk")
    kiosk.wait_for("Need help with the NHS App")
    to_tasks_in_english(kiosk)
    kiosk.keys("Up")  # from the first tile to the search box
    kiosk.tmux("send-keys", "-t", kiosk.name, "-l", "crushing chest pain")
    shown = kiosk.wait_for("What you typed may mean you need urgent help.")
    assert "call 999 now" in shown.replace("\n", " ")
    at_desk = desk.wait_for("URGENT")
    assert "001" in at_desk
    [request] = desk_list(config)
    assert (request["priority"], request["reason"]) == (True, "red_flag_chest_pain")
