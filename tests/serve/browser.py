"""Helpers for the served-kiosk tests: the server as a real process, and a browser tab that reads it.

textual-serve's page draws the terminal on a canvas, so its text is not in the page. The tab
keeps every byte the app sends over the websocket and replays it on a small grid: Textual's
output is cursor moves (``ESC [ row ; col H``), colours and text, so the grid is the screen as
the patient sees it, with positions, which lets a test touch a button where it is drawn.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TIMEOUT = 90.0
"""Seconds to wait for anything on the screen (a shared 2-CPU machine, a kiosk loading its flows)."""

_TOKEN = re.compile(
    r"\x1b\[(?P<csi>[0-?]*)[ -/]*(?P<final>[@-~])"  # CSI: cursor moves, colours, modes
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: titles, links
    r"|\x1b[PX^_][^\x1b]*\x1b\\"  # DCS and friends
    r"|\x1b."  # anything else after ESC
    r"|(?P<text>[^\x1b]+)",
    re.S,
)


def _width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


@dataclass
class Grid:
    """The terminal's cells, rebuilt from the app's output (enough of a terminal for Textual)."""

    rows: int = 24
    cols: int = 80
    cells: dict[tuple[int, int], str] = field(default_factory=dict)
    row: int = 0
    col: int = 0

    def feed(self, text: str) -> None:
        """Apply the app's output: cursor moves, clears and text (colours are ignored)."""
        for token in _TOKEN.finditer(text):
            if token.group("text") is not None:
                self._write(token.group("text"))
            elif token.group("final") == "H":
                numbers = [int(n) if n.isdigit() else 1 for n in (token.group("csi") or "").split(";")]
                self.row, self.col = numbers[0] - 1, (numbers[1] if len(numbers) > 1 else 1) - 1
            elif token.group("final") == "J" and token.group("csi") in ("2", "3"):
                self.cells.clear()

    def _write(self, text: str) -> None:
        for char in text:
            if char == "\r":
                self.col = 0
            elif char == "\n":
                self.row += 1
            elif char >= " ":
                width = _width(char)
                if width == 0:
                    self.cells[self.row, max(0, self.col - 1)] = (
                        self.cells.get((self.row, max(0, self.col - 1)), " ") + char
                    )
                    continue
                self.cells[self.row, self.col] = char
                if width == 2:
                    self.cells[self.row, self.col + 1] = ""
                self.col += width

    def lines(self) -> list[str]:
        """The screen, one string per row."""
        return [
            "".join(self.cells.get((r, c), " ") for c in range(self.cols)).rstrip() for r in range(self.rows)
        ]

    def text(self) -> str:
        """The screen as text."""
        return "\n".join(self.lines())

    def find(self, text: str) -> tuple[int, int] | None:
        """Where ``text`` is drawn: (row, column) of its middle, or None."""
        for row, line in enumerate(self.lines()):
            at = line.find(text)
            if at >= 0:
                return row, at + len(text) // 2
        return None


class Tab:
    """A headless Chromium tab showing the served app, with the app's screen as text."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.grid = Grid()
        self.frames: list[bytes] = []
        self.closed_sockets = 0
        self._decode = codecs.getincrementaldecoder("utf-8")("replace").decode
        page.on("websocket", self._watch)

    def _watch(self, websocket: Any) -> None:
        match = re.search(r"width=(\d+)&height=(\d+)", websocket.url)
        if match:
            self.grid.cols, self.grid.rows = int(match.group(1)), int(match.group(2))
        websocket.on("framereceived", self._received)
        websocket.on("framesent", self._sent)
        websocket.on("close", lambda _: setattr(self, "closed_sockets", self.closed_sockets + 1))

    def _received(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            self.frames.append(payload)
            self.grid.feed(self._decode(payload))

    def _sent(self, payload: bytes | str) -> None:
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            self.grid.rows, self.grid.cols = int(size["height"]), int(size["width"])

    def wait_for(self, *texts: str, timeout: float = TIMEOUT) -> str:
        """Wait until one of ``texts`` is on the screen; the screen's text then."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.grid.text()
            if any(text in shown for text in texts):
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"none of {texts!r} appeared; the screen shows:\n{shown}")
            self.page.wait_for_timeout(150)  # lets Playwright deliver the next frames

    def wait_for_gone(self, text: str, timeout: float = TIMEOUT) -> str:
        """Wait until ``text`` is no longer on the screen."""
        deadline = time.monotonic() + timeout
        while text in (shown := self.grid.text()):
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} stayed on the screen:\n{shown}")
            self.page.wait_for_timeout(150)
        return shown

    def touch(self, text: str) -> None:
        """Click in the middle of ``text`` where the terminal draws it, as a finger would."""
        where = self.grid.find(text)
        assert where is not None, f"{text!r} is not on the screen:\n{self.grid.text()}"
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None
        width, height = box["width"] / self.grid.cols, box["height"] / self.grid.rows
        row, col = where
        self.page.mouse.click(box["x"] + (col + 0.5) * width, box["y"] + (row + 0.5) * height)

    def touch_anywhere(self) -> None:
        """Click the middle of the terminal (which also gives it the keyboard)."""
        self.page.locator(".xterm-screen").click()

    def press(self, *keys: str) -> None:
        """Press keys in the terminal (after a touch has given it the keyboard)."""
        for key in keys:
            self.page.keyboard.press(key)

    def session_ended(self) -> bool:
        """Whether the page shows that the app's session has ended."""
        return bool(self.page.evaluate("() => document.body.classList.contains('-closed')"))


@dataclass
class Server:
    """``dfhelper serve`` running as a real process group."""

    process: subprocess.Popen[bytes]
    port: int
    out: Path
    err: Path

    @property
    def url(self) -> str:
        """The page's address."""
        return f"http://127.0.0.1:{self.port}/"

    def group(self) -> list[int]:
        """The process ids in the server's process group (itself, its shells and apps)."""
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[2]) == self.process.pid and fields[0] != "Z":
                found.append(int(entry))
        return found


def free_port() -> int:
    """A port nothing is listening on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def write_config(folder: Path, extra: str = "") -> Path:
    """A practice configuration with its data (outbox, SQLite desk store, log) under ``folder``."""
    config = folder / "config.toml"
    config.write_text(f'[paths]\ndata_dir = "{folder / "data"}"\n{extra}', encoding="utf-8")
    return config


@contextlib.contextmanager
def serving(
    config: Path,
    workdir: Path,
    *args: str,
    env: dict[str, str] | None = None,
    port: int | None = None,
) -> Iterator[Server]:
    """``dfhelper --config CONFIG serve --port PORT ARGS`` for the block; then its whole group stops."""
    port = port or free_port()
    out, err = workdir / "serve.out", workdir / "serve.err"
    command = [sys.executable, "-m", "dfhelper", "--config", str(config), "serve", "--port", str(port), *args]
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            command,
            stdout=stdout,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            env=env if env is not None else dict(os.environ),
            start_new_session=True,  # its own process group: the apps it starts go with it
        )
    server = Server(process, port, out, err)
    try:
        wait_until_listening(server)
        yield server
    finally:
        stop(process)


def wait_until_listening(server: Server, timeout: float = TIMEOUT) -> None:
    """Wait until the server's port answers (or fail with what it printed, if it stopped)."""
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise AssertionError(
                f"dfhelper serve stopped (exit {server.process.returncode}):\n"
                f"{server.out.read_text()}{server.err.read_text()}"
            )
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=1):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"dfhelper serve never listened on port {server.port}")
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and everything it started (its process group): SIGTERM, then SIGKILL."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # any app still running
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def listening_addresses(port: int) -> list[str]:
    """The local addresses with a socket listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:
                    found.append(_address(address))
    return found


def _address(hex_address: str) -> str:
    raw = bytes.fromhex(hex_address)
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    return socket.inet_ntop(socket.AF_INET6, words)


def colours(png: Path) -> tuple[int, float]:
    """(distinct colours, standard deviation of brightness) of a screenshot."""
    from PIL import Image, ImageStat

    with Image.open(png) as image:
        rgb = image.convert("RGB")
        distinct = len(rgb.getcolors(maxcolors=1 << 24) or [])
        spread = ImageStat.Stat(rgb.convert("L")).stddev[0]
    return distinct, spread


def handshake(port: int, origin: str | None, host: str | None = None) -> str:
    """The status line the server answers a websocket handshake with, sent from ``origin``."""
    headers = [
        "GET /ws?width=80&height=24 HTTP/1.1",
        f"Host: {host or f'127.0.0.1:{port}'}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
    ]
    if origin is not None:
        headers.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
        return conn.recv(4096).split(b"\r\n", 1)[0].decode()


def launch_args(extra: Sequence[str] = ()) -> list[str]:
    """Chromium switches for a quiet, private headless run."""
    return [
        "--no-sandbox",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        *extra,
    ]
