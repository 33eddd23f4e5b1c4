"""The real `dfhelper assist` in a terminal (tmux, 120×40): a step, the helper's notes, an answer, quit."""

from __future__ import annotations

from pathlib import Path

from tests.kiosk.test_tmux import dfhelper_in_tmux, exit_code, pytestmark  # noqa: F401 - skipped without tmux


def test_assist_starts_in_a_terminal_shows_both_panels_and_quits(tmp_path: Path) -> None:
    with dfhelper_in_tmux(tmp_path, "assist", "assist --flow repeat-prescription --lang pl") as term:
        shown = term.wait_for("Dalej")  # the patient's step, in Polish
        assert "intro" in shown  # the helper sees the step id, in English
        term.keys("1")
        term.wait_for("can_log_in")
        term.keys("q")
        assert exit_code(term) == "EXIT=0"
