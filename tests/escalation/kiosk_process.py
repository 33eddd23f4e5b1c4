"""A kiosk's escalation in a process of its own, for fault tests.

``python -m tests.escalation.kiosk_process OUTBOX STORE_URL COUNT [KILL_AT] [--kiosk NAME]``

Saves COUNT help requests to the outbox, printing ``saved <id>`` after each
commit (what the screen would then say), and sends each at once. With KILL_AT
(``before-deliver``, ``after-deliver``, ``after-mark`` or ``after-save``), the
process kills itself with SIGKILL the first time it reaches that point.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from dfhelper.escalation.outbox import Outbox
from dfhelper.escalation.sender import Sender
from dfhelper.escalation.store import open_store
from tests.escalation.conftest import new_request


def main() -> int:
    """Run one kiosk's saves and sends."""
    parser = argparse.ArgumentParser()
    parser.add_argument("outbox", type=Path)
    parser.add_argument("store_url")
    parser.add_argument("count", type=int)
    parser.add_argument("kill_at", nargs="?", default="")
    parser.add_argument("--kiosk", default="Waiting room")
    args = parser.parse_args()

    def fault(point: str) -> None:
        if point == args.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    box = Outbox(args.outbox)
    sender = Sender(args.outbox, lambda: open_store(args.store_url), fault=fault)
    for _ in range(args.count):
        saved = box.add(new_request(kiosk=args.kiosk))
        print(f"saved {saved.id}", flush=True)
        fault("after-save")
        sender.run_once()
    sender.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
