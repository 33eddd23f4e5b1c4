"""Making a handout and getting it to the patient: printed by the practice's command, or saved.

Front ends call one function, `deliver`, with the patient's `Session`: the kiosk's
finished screen (print only: a kiosk cannot hand over a file) and assist mode
(print when a printer is configured, else save and say where). The CLI builds the
same handout with `handout_for_flow` and then prints or saves it itself.

Printing runs ``handout.print_command`` (a list: program and arguments, never a
shell) with the HTML file's path added at the end. The file is written to a
private temporary folder and deleted once the command returns, so a printing
kiosk keeps nothing. A saved file is named ``<flow>-<language>-<time>.html``:
nothing in the name, or in the file, identifies the patient.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from dfhelper.config import Config, data_dir
from dfhelper.engine.session import Session
from dfhelper.engine.text import Translator
from dfhelper.flowlang.library import Library
from dfhelper.handout.content import Handout, build_handout
from dfhelper.handout.render import to_html
from dfhelper.handout.route import main_route, session_route

log = logging.getLogger(__name__)

PRINT_TIMEOUT = 120.0
"""Seconds a print command may take (a wrapper that makes a PDF with a browser first is slow)."""

HANDOUTS_FOLDER = "handouts"
"""The folder in the data folder where handouts are saved, when ``handout.save_dir`` is not set."""


class PrintError(Exception):
    """The handout could not be printed; the message says why (for staff and logs, not patients)."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """What happened to a handout."""

    printed: bool = False
    saved: Path | None = None
    """Where it was saved (None: not saved)."""
    error: str | None = None
    """Why it could not be printed or saved (for staff and logs; patients see a fixed sentence)."""

    @property
    def ok(self) -> bool:
        """True when the handout was printed or saved."""
        return self.error is None and (self.printed or self.saved is not None)


def handouts_folder(config: Config) -> Path:
    """Where handouts are saved: ``handout.save_dir``, else ``handouts`` in the data folder."""
    return config.handout.save_dir or data_dir(config) / HANDOUTS_FOLDER


def wants_large_print(config: Config, facts: Mapping[str, bool], choice: bool | None = None) -> bool:
    """Large print: as asked (``choice``), else if the patient said they would like it, else the
    practice's default (``handout.large_print``)."""
    if choice is not None:
        return choice
    return facts.get("needs_large_print") is True or config.handout.large_print


def handout_for_flow(
    config: Config,
    library: Library,
    flow_id: str,
    *,
    translator: Translator,
    facts: Mapping[str, bool] | None = None,
    large_print: bool | None = None,
    today: dt.date | None = None,
) -> Handout:
    """The handout of ``flow_id``'s main route for ``facts`` (KeyError: no such flow)."""
    facts = dict(facts or {})
    route = main_route(
        library,
        flow_id,
        facts=facts,
        practice=asdict(config.practice),
        settings=config.engine,
        max_steps=config.engine.max_steps,
    )
    return build_handout(
        route,
        library,
        translator=translator,
        practice=config.practice,
        settings=config.engine,
        large_print=wants_large_print(config, facts, large_print),
        today=today,
    )


def frozen_copy(session: Session) -> Session:
    """A copy of ``session`` (history included) that reports to no one: a front end takes it on
    its own thread before printing in the background, so the patient can go on meanwhile."""
    return Session.from_dict(
        session.library,
        session.to_dict(),
        practice=session.practice,
        settings=session.settings,
        translator=session.translator,
    )


def handout_for_session(
    config: Config, session: Session, *, large_print: bool | None = None, today: dt.date | None = None
) -> Handout:
    """The handout of the steps ``session`` went through (and the main route on, if unfinished),
    in the session's language."""
    route = session_route(session, max_steps=config.engine.max_steps)
    return build_handout(
        route,
        session.library,
        translator=session.translator,
        practice=config.practice,
        settings=config.engine,
        large_print=wants_large_print(config, session.facts, large_print),
        today=today,
    )


def file_name(handout: Handout, now: dt.datetime | None = None) -> str:
    """``<flow>-<language>-<time>.html``: nothing about the patient."""
    moment = now or dt.datetime.now()
    lang = re.sub(r"[^A-Za-z0-9_-]", "-", handout.locale)
    return f"{handout.flow}-{lang}-{moment:%Y%m%d-%H%M%S}.html"


def save_html(html: str, folder: Path, name: str) -> Path:
    """Write ``html`` to a new file called ``name`` in ``folder`` (made if missing); never overwrites."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = name.removesuffix(".html"), ".html"
    path = folder / name
    n = 1
    while True:
        try:
            with path.open("x", encoding="utf-8") as fh:
                fh.write(html)
        except FileExistsError:
            n += 1
            path = folder / f"{stem}-{n}{suffix}"
            continue
        return path


def send_to_printer(html: str, command: Sequence[str], name: str, *, timeout: float = PRINT_TIMEOUT) -> None:
    """Run ``command`` with the handout's file path added; raise `PrintError` if it fails.

    The file lives in a private temporary folder that is removed when the command returns.
    """
    if not command:
        raise PrintError(
            "No printer is set up. Set [handout] print_command in the configuration, "
            'e.g. print_command = ["lp", "-d", "reception"] (see docs/handouts.md).'
        )
    with tempfile.TemporaryDirectory(prefix="dfhelper-handout-") as folder:
        path = save_html(html, Path(folder), name)
        try:
            result = subprocess.run(
                [*command, str(path)],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except FileNotFoundError:
            raise PrintError(f"The print command '{command[0]}' was not found.") from None
        except subprocess.TimeoutExpired:
            raise PrintError(f"The print command did not finish within {timeout:g} seconds.") from None
        except OSError as e:
            raise PrintError(f"The print command could not be run ({e.strerror or e}).") from None
    if result.returncode != 0:
        said = (result.stderr or result.stdout).strip().splitlines()
        detail = f": {said[-1]}" if said else ""
        raise PrintError(f"The print command failed (exit code {result.returncode}){detail}.")


def deliver(
    config: Config,
    session: Session,
    *,
    save: bool = False,
    large_print: bool | None = None,
    now: dt.datetime | None = None,
) -> Delivery:
    """Print the session's handout when ``handout.print_command`` is set; else, with ``save``,
    save it in `handouts_folder` (the kiosk cannot hand over a file, so it never saves). Never
    raises for a printer or disk problem: the `Delivery` says what happened."""
    moment = now or dt.datetime.now()
    handout = handout_for_session(config, session, large_print=large_print, today=moment.date())
    html = to_html(handout)
    name = file_name(handout, moment)
    if config.handout.print_command:
        try:
            send_to_printer(html, config.handout.print_command, name)
        except PrintError as e:
            log.error("handout not printed: %s", e)
            return Delivery(error=str(e))
        return Delivery(printed=True)
    if not save:
        return Delivery(error="No printer is set up ([handout] print_command).")
    folder = handouts_folder(config)
    try:
        return Delivery(saved=save_html(html, folder, name))
    except OSError as e:
        log.error("handout not saved: %s", type(e).__name__)
        return Delivery(error=f"The handout could not be saved in {folder} ({e.strerror or e}).")
