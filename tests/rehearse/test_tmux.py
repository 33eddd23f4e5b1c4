"""The real `dfhelper rehearse` in a terminal (tmux): start a flow, see the coverage meter, quit."""

from __future__ import annotations

from pathlib import Path

from tests.kiosk.test_tmux import dfhelper_in_tmux, exit_code, pytestmark  # noqa: F401 - skipped without tmux


def test_rehearse_starts_in_a_terminal_walks_and_quits(tmp_path: Path) -> None:
    with dfhelper_in_tmux(tmp_path, "rehearse", "rehearse") as term:
        term.wait_for("Act for someone you care for")
        term.keys("s")  # start the highlighted flow
        term.wait_for("steps seen")
        term.keys("q")
        assert exit_code(term) == "EXIT=0"
