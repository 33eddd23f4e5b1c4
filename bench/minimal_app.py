"""The floor for the kiosk benchmarks: a Textual app with one Static widget.

Shows ``MINIMAL-READY`` when up; each key press updates the Static to ``LINE0001``,
``LINE0002`` ... (one ``Static.update()``, as cheap as a screen change gets).
"""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Static


class Minimal(App[None]):
    """One Static."""

    def compose(self) -> ComposeResult:
        yield Static("MINIMAL-READY", id="line")

    def on_mount(self) -> None:
        self.presses = 0

    def on_key(self, event: events.Key) -> None:
        self.presses += 1
        self.query_one("#line", Static).update(f"LINE{self.presses:04d}")


if __name__ == "__main__":
    Minimal().run()
