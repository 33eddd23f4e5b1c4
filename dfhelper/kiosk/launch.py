"""Starting the kiosk safely, without Textual: the environment scrub and the supervisor.

Textual changes what it does when ``TEXTUAL*`` variables are set: devtools,
log files, automatic screenshots, injected key presses, signals. A kiosk must
not inherit any of that, so every such variable is removed before Textual is
imported. The supervisor runs the kiosk in a child process and starts it again
if it ever stops without a staff member closing it.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, MutableMapping, Sequence
from typing import TextIO

log = logging.getLogger(__name__)

EXIT_STAFF = 0
"""A staff member closed the kiosk with the PIN: the supervisor stops too."""

EXIT_CRASHED = 3
"""The kiosk stopped on an error (already logged): start it again."""

RESTART_DELAY = 1.0
CRASH_LOOP = (5, 60.0)
"""This many restarts inside this many seconds is a crash loop: show "out of order", then wait."""
CRASH_LOOP_PAUSE = 30.0

CLEAR_SCREEN = "\x1b[0m\x1b[2J\x1b[3J\x1b[H"

OUT_OF_ORDER = (
    "This help screen is not working at the moment.\n\n"
    "Please ask at reception.\n\n"
    "Very unwell? Tell reception now or call 999.\n"
)


def scrub_environment(env: MutableMapping[str, str]) -> list[str]:
    """Remove every ``TEXTUAL*`` variable from ``env``; returns the names removed."""
    removed = sorted(name for name in env if name.upper().startswith("TEXTUAL"))
    for name in removed:
        del env[name]
    return removed


def supervise(
    command: Sequence[str],
    *,
    screen: TextIO,
    run: Callable[[Sequence[str]], int] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    max_runs: int | None = None,
) -> int:
    """Run ``command`` until it exits with `EXIT_STAFF`; clear the screen before each restart.

    ``run``, ``sleep``, ``clock`` and ``max_runs`` are for tests.
    """
    run = run or _run_child
    starts: deque[float] = deque(maxlen=CRASH_LOOP[0])
    runs = 0
    while True:
        starts.append(clock())
        code = run(command)
        runs += 1
        screen.write(CLEAR_SCREEN)
        screen.flush()
        if code == EXIT_STAFF:
            log.info("kiosk closed by staff")
            return EXIT_STAFF
        log.error("kiosk stopped (exit %s); starting it again", code)
        if max_runs is not None and runs >= max_runs:
            return code
        if len(starts) == starts.maxlen and clock() - starts[0] < CRASH_LOOP[1]:
            log.error("kiosk keeps stopping; showing 'out of order' for %.0f s", CRASH_LOOP_PAUSE)
            screen.write(OUT_OF_ORDER)
            screen.flush()
            sleep(CRASH_LOOP_PAUSE)
            screen.write(CLEAR_SCREEN)
            screen.flush()
            starts.clear()
        else:
            sleep(RESTART_DELAY)


def ignore_terminal_signals() -> None:
    """Ignore ctrl+c, ctrl+\\ and ctrl+z from the keyboard (between restarts they would stop us).

    Staff stop a supervised kiosk from outside (``systemctl stop``, SIGTERM) or with the PIN.
    """
    for name in ("SIGINT", "SIGQUIT", "SIGTSTP"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, signal.SIG_IGN)


def _run_child(command: Sequence[str]) -> int:
    # Tracebacks never reach the patient's screen: the kiosk logs its own errors to its
    # log file, and anything else the child writes to stderr is dropped.
    return subprocess.call(list(command), stderr=subprocess.DEVNULL)


def child_command(argv: Sequence[str]) -> list[str]:
    """The command line the supervisor runs: this Python, the same arguments, without --supervise."""
    return [sys.executable, "-m", "dfhelper", *(a for a in argv if a != "--supervise")]
