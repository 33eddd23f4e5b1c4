"""Run a terminal program in a pseudo-terminal, send keys, and time until text appears on its output.

This is how a patient experiences the kiosk: bytes on a terminal. Both the kiosk
and the floor (a minimal Textual app) are measured through the same driver.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import resource
import select
import signal
import struct
import termios
import time
from collections.abc import Sequence


class PtyProcess:
    """A child process on a pseudo-terminal of a fixed size."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], *, cols: int = 80, rows: int = 24) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal, then become the program
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execvpe(argv[0], list(argv), env)
        self.pid = pid
        self.fd = fd
        self.output = bytearray()
        self._searched = 0

    def wait_for(self, marker: bytes, timeout: float = 30.0) -> float:
        """Read output until ``marker`` appears (after what was already seen); the time it appeared."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.output.find(marker, max(self._searched - len(marker), 0))
            if found >= 0:
                self._searched = found + len(marker)
                return time.perf_counter()
            self._searched = len(self.output)
            left = deadline - time.monotonic()
            if left <= 0:
                tail = bytes(self.output[-400:])
                raise TimeoutError(f"{marker!r} did not appear; last output: {tail!r}")
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.5))
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError as e:
                    raise TimeoutError(f"the program ended before {marker!r} appeared") from e
                self.output.extend(chunk)

    def drain(self, seconds: float = 0.05) -> None:
        """Read whatever arrives for a moment (so later markers are searched in new output)."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    self.output.extend(os.read(self.fd, 65536))
                except OSError:
                    return
        self._searched = len(self.output)

    def send(self, data: bytes) -> float:
        """Write keys to the program; the time they were sent."""
        now = time.perf_counter()
        os.write(self.fd, data)
        return now

    def kill(self) -> int:
        """Stop the program; its peak resident memory in KiB."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        _, _, usage = os.wait4(self.pid, 0)
        os.close(self.fd)
        return int(usage.ru_maxrss)


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment without Textual's settings, with a common terminal type."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("TEXTUAL")}
    env["TERM"] = "xterm-256color"
    env["COLUMNS"], env["LINES"] = "80", "24"
    env.update(extra or {})
    return env


def max_rss_kib() -> int:
    """This process's peak resident memory (KiB)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
