"""The ``dfhelper`` command: arguments → Config → Library → the chosen front end.

Headless commands (validate, schema, walk, graph, init) never import a UI
toolkit. The configuration is read once here and passed down; this is the only
module that looks at the process environment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import random
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from dfhelper import __version__, resources
from dfhelper.config import (
    Config,
    ConfigError,
    data_dir,
    default_config_path,
    example_config_text,
    load_config,
)
from dfhelper.flowlang.facts import FACT_NAMES

if TYPE_CHECKING:  # imported where used: `dfhelper kiosk` must start fast
    from dfhelper.engine.text import Translator
    from dfhelper.flowlang.library import Library
    from dfhelper.kiosk.visit import KioskCore
    from dfhelper.problems import Problem

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def _flow_arguments(p: argparse.ArgumentParser, fact_help: str) -> None:
    """A flow id, the patient's language and their circumstances (walk, handout)."""
    p.add_argument("flow", help="the flow id, e.g. repeat-prescription")
    p.add_argument("--lang", default="en", help="the patient's language (default: en)")
    p.add_argument("--fact", action="append", default=[], metavar="NAME", help=fact_help)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dfhelper",
        description="Step-by-step help with NHS online services, for GP practices.",
    )
    parser.add_argument("--version", action="version", version=f"dfhelper {__version__}")
    parser.add_argument("--config", type=Path, help="the practice configuration file (TOML)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("validate", help="check flow files and report every problem")
    p.add_argument(
        "paths", nargs="*", type=Path, help="flow files or folders (default: the configured flows)"
    )
    p.add_argument("--format", choices=["text", "json"], default="text")

    sub.add_parser("schema", help="print the JSON Schema of the flow format")

    p = sub.add_parser("walk", help="walk a flow line by line (plain text, screen-reader friendly)")
    _flow_arguments(p, "a circumstance that applies, e.g. has_smartphone or 'not has_photo_id' (repeatable)")
    p.add_argument("--format", choices=["text", "jsonl"], default="text")
    p.add_argument("--random", action="store_true", help="answer at random")
    p.add_argument("--seed", type=int, default=0, help="seed for --random, to replay a walk")

    p = sub.add_parser("graph", help="draw a flow as a diagram")
    p.add_argument("flow", help="the flow id")
    p.add_argument("--format", choices=["mermaid", "dot"], default="mermaid")

    p = sub.add_parser("search", help="which flows a phrase finds, with scores (to check keywords)")
    p.add_argument("text", help="what a patient might type")
    p.add_argument("--lang", default="en", help="the patient's language (default: en)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--limit", type=int, default=5)

    p = sub.add_parser(
        "report", help="the practice's usage report: flows, where people get stuck, help given"
    )
    p.add_argument("--since", help="first day, e.g. 2026-11-01 (default: 30 days ago)")
    p.add_argument("--until", help="last day, inclusive (default: today)")
    p.add_argument("--format", choices=["text", "html", "csv", "json"], default="text")
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of the screen")

    p = sub.add_parser("safety", help="check red-flag phrases and redaction (for translators and the CSO)")
    p.add_argument("action", choices=["check"])
    p.add_argument("text", help="what a patient might type")
    p.add_argument("--lang", default="en", help="the patient's language (default: en)")
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = sub.add_parser("i18n", help="translation catalogs: extract, init, update, compile, stats")
    p.add_argument("action", choices=["extract", "init", "update", "compile", "check", "stats"])
    p.add_argument(
        "lang",
        nargs="?",
        help="init: the new language's locale code, e.g. pl or pa_Arab; compile: only that language",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument(
        "--by-flow", action="store_true", help="stats: how much of each flow each language has (compiled)"
    )

    p = sub.add_parser("kiosk", help="the waiting-room kiosk (what plain `dfhelper` runs)")
    p.add_argument(
        "--supervise", action="store_true", help="start it again if it ever stops (until staff close it)"
    )
    p.add_argument("--served", action="store_true", help=argparse.SUPPRESS)  # run by `dfhelper serve`

    p = sub.add_parser("serve", help="the kiosk (or assist mode) in a web browser, for a tablet")
    p.add_argument(
        "--mode", choices=["kiosk", "assist"], default="kiosk", help="what to serve (default: kiosk)"
    )
    p.add_argument("--host", help="the address to listen on (default: serve.host, 127.0.0.1)")
    p.add_argument("--port", type=int, help="the port to listen on (default: serve.port, 8000)")
    p.add_argument("--flow", help="assist: start with this flow")
    p.add_argument("--lang", help="assist: the patient's language")

    p = sub.add_parser("assist", help="helping a patient one-to-one: their step beside notes for the helper")
    p.add_argument("--flow", help="start with this flow (default: choose from a list)")
    p.add_argument("--lang", help="the patient's language (default: English)")

    sub.add_parser("rehearse", help="practise flows: walk with step ids, conditions, coverage, scenarios")

    p = sub.add_parser("desk", help="reception's live list of patients waiting for help")
    p.add_argument(
        "action", nargs="?", choices=["list"], help="list: print the open requests and exit (for scripts)"
    )
    p.add_argument("--format", choices=["text", "json"], default="text", help="for desk list")

    p = sub.add_parser("handout", help="a printable take-home handout of one flow (HTML)")
    _flow_arguments(
        p, "a circumstance that applies, e.g. 'not has_smartphone' (repeatable); decides the steps"
    )
    p.add_argument(
        "--large-print",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="large print (default: handout.large_print, or --fact needs_large_print)",
    )
    p.add_argument(
        "-o", "--output", type=Path, help="write it here ('-': the screen; default: the handouts folder)"
    )
    p.add_argument("--print", action="store_true", dest="to_printer", help="send it to handout.print_command")

    sub.add_parser("pin", help="hash a staff PIN for the configuration (reads the PIN without showing it)")

    p = sub.add_parser("init", help="write a commented example practice configuration")
    p.add_argument("path", nargs="?", type=Path, help="where to write it (default: your config folder)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    return parser


def _load_config(args: argparse.Namespace, env: Mapping[str, str], err: TextIO) -> Config | None:
    path = args.config or default_config_path(env)
    try:
        return load_config(path)
    except ConfigError as e:
        err.write(f"{e}\n")
        return None


def flow_paths(config: Config) -> list[Path]:
    """The flow folders or files to load: configured, else the bundled ones."""
    return list(config.paths.flows) or [resources.flows_dir()]


def load_library(config: Config) -> Library:
    """The library named by the configuration (with its cache, if one is set)."""
    from dfhelper.flowlang.library import Library

    return Library.load(flow_paths(config), cache_dir=config.paths.cache_dir)


def _print_problems(problems: Sequence[Problem], out: TextIO) -> None:
    for problem in problems:
        out.write(f"{problem}\n")


def cmd_validate(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    """``dfhelper validate``: every problem in the flows; exit 1 on any error."""
    from dfhelper.flowlang.library import Library

    library = Library.load(args.paths or flow_paths(config))
    errors = [p for p in library.problems if p.is_error]
    warnings = len(library.problems) - len(errors)
    if args.format == "json":
        out.write(
            json.dumps(
                {
                    "flows": sorted(library.infos),
                    "errors": len(errors),
                    "warnings": warnings,
                    "problems": [p.to_dict() for p in library.problems],
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
    else:
        _print_problems(library.problems, out)
        out.write(f"{len(library.infos)} flows fit to use; {len(errors)} errors, {warnings} warnings.\n")
    return EXIT_PROBLEMS if errors else EXIT_OK


def cmd_schema(out: TextIO) -> int:
    """``dfhelper schema``: the flow format's JSON Schema."""
    from dfhelper.flowlang.schema import flow_schema

    out.write(json.dumps(flow_schema(), indent=2) + "\n")
    return EXIT_OK


def _facts(values: Sequence[str], err: TextIO) -> dict[str, bool] | None:
    facts: dict[str, bool] = {}
    for value in values:
        negated = value.startswith(("not ", "!"))
        name = value.removeprefix("not ").removeprefix("!").strip()
        if name not in FACT_NAMES:
            err.write(f"dfhelper: '{name}' is not a fact. Facts: {', '.join(sorted(FACT_NAMES))}.\n")
            return None
        facts[name] = not negated
    return facts


def _library_with(config: Config, flow_id: str, err: TextIO) -> Library | None:
    library = load_library(config)
    if flow_id not in library:
        err.write(f"dfhelper: there is no usable flow called '{flow_id}'.")
        err.write(f" Flows: {', '.join(sorted(library.infos)) or 'none'}.\n")
        broken = [p for p in library.errors if p.flow == flow_id]
        if broken:
            err.write("It has errors (run dfhelper validate):\n")
            _print_problems(broken, err)
        return None
    return library


def _translator(lang: str, config: Config, err: TextIO) -> tuple[bool, Translator | None]:
    """(ok, translator) for ``lang``; English needs none. Says so when no catalog serves it."""
    from dfhelper.i18n.catalogs import CatalogTranslator, available_locales, negotiate

    if lang == "en":
        return True, None
    available = available_locales(locales_dir(config))
    if negotiate(lang, available) is None:
        err.write(f"dfhelper: there is no catalog for '{lang}'. Available: en, {', '.join(available)}.\n")
        return False, None
    return True, CatalogTranslator(lang, locales_dir(config))


def cmd_search(args: argparse.Namespace, config: Config, out: TextIO, err: TextIO) -> int:
    """``dfhelper search``: the flows a phrase finds, with scores."""
    from dfhelper.engine.search import SearchIndex

    ok, translator = _translator(args.lang, config, err)
    if not ok:
        return EXIT_USAGE
    hits = SearchIndex.for_library(load_library(config), translator).search(args.text, limit=args.limit)
    if args.format == "json":
        out.write(json.dumps([asdict(h) for h in hits], ensure_ascii=False, indent=2) + "\n")
    elif not hits:
        out.write("No flow found. At the kiosk this offers help from staff.\n")
    else:
        for hit in hits:
            out.write(f"{hit.score:5.1f}  {hit.flow}  (matched {hit.phrase!r}, {hit.lang})\n")
    return EXIT_OK


def _day(text: str | None, default: dt.date) -> dt.date | None:
    if text is None:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def cmd_report(args: argparse.Namespace, config: Config, out: TextIO, err: TextIO) -> int:
    """``dfhelper report``: usage events and help requests over a period."""
    from dfhelper.escalation.store import StoreError, StoreUnavailable, open_store
    from dfhelper.insights.render import to_csv, to_html, to_text
    from dfhelper.insights.report import build_report

    today = dt.datetime.now(dt.UTC).date()
    first = _day(args.since, today - dt.timedelta(days=30))
    last = _day(args.until, today)
    if first is None or last is None:
        err.write("dfhelper: give days as YYYY-MM-DD, e.g. --since 2026-11-01\n")
        return EXIT_USAGE
    since = dt.datetime.combine(first, dt.time(), dt.UTC)
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), dt.UTC)
    try:
        store = open_store(desk_store_url(config))
        try:
            report = build_report(
                store.events(since, until, without_steps=True),
                store.requests_between(since, until),
                since=since,
                until=until,
                titles=flow_titles(config),
                steps=store.step_reach(since, until),
            )
        finally:
            store.close()
    except (StoreError, StoreUnavailable) as e:
        err.write(f"dfhelper: cannot read the usage store: {e}\n")
        return EXIT_PROBLEMS
    if args.format == "json":
        text = json.dumps(report.to_json(), indent=2) + "\n"
    else:
        text = {"text": to_text, "html": to_html, "csv": to_csv}[args.format](report)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
        out.write(f"Wrote {args.output}\n")
    else:
        out.write(text)
    return EXIT_OK


def cmd_safety(args: argparse.Namespace, config: Config, out: TextIO, err: TextIO) -> int:
    """``dfhelper safety check``: would this text raise a red flag, and how would it be kept?"""
    from dfhelper.safety.redact import redact
    from dfhelper.safety.redflags import RedFlags

    ok, translator = _translator(args.lang, config, err)
    if not ok:
        return EXIT_USAGE
    hit = RedFlags(translator).check(args.text)
    redacted = redact(args.text)
    if args.format == "json":
        result = {"red_flag": asdict(hit) if hit else None, "redacted": redacted}
        out.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        if hit is None:
            out.write("No red flag.\n")
        else:
            out.write(
                f"RED FLAG: {hit.kind} (matched {hit.phrase!r} from the {hit.lang} list, "
                f"strength {hit.strength:.0f})\n"
            )
        out.write(f"Kept as: {redacted}\n")
    return EXIT_OK


def _flow_request(
    args: argparse.Namespace, config: Config, err: TextIO
) -> tuple[Translator | None, dict[str, bool], Library] | None:
    """The language, circumstances and library of a flow command (walk, handout); None after
    saying what is wrong."""
    ok, translator = _translator(args.lang, config, err)
    if not ok:
        return None
    facts = _facts(args.fact, err)
    if facts is None:
        return None
    library = _library_with(config, args.flow, err)
    if library is None:
        return None
    return translator, facts, library


def cmd_walk(args: argparse.Namespace, config: Config, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """``dfhelper walk``: a flow, line by line."""
    from dfhelper.engine.session import Session
    from dfhelper.lineui.walk import walk

    request = _flow_request(args, config, err)
    if request is None:
        return EXIT_USAGE
    translator, facts, library = request
    session = Session(
        library,
        args.flow,
        facts=facts,
        practice=practice_context(config),
        settings=config.engine,
        translator=translator,
    )
    rng = random.Random(args.seed) if args.random else None
    result = walk(session, stdin, out, fmt=args.format, rng=rng, max_steps=config.engine.max_steps)
    return EXIT_PROBLEMS if result.outcome == "limit" else EXIT_OK


def cmd_handout(args: argparse.Namespace, config: Config, out: TextIO, err: TextIO) -> int:
    """``dfhelper handout``: one flow's steps for one patient's circumstances, as printable HTML."""
    from dfhelper.engine.text import EnglishTranslator
    from dfhelper.handout import deliver
    from dfhelper.handout.render import to_html

    if args.to_printer and not config.handout.print_command:
        err.write(
            "dfhelper: no printer is set up. Set [handout] print_command in the configuration, "
            'e.g. print_command = ["lp", "-d", "reception"] (see docs/handouts.md).\n'
        )
        return EXIT_USAGE
    request = _flow_request(args, config, err)
    if request is None:
        return EXIT_USAGE
    translator, facts, library = request
    handout = deliver.handout_for_flow(
        config,
        library,
        args.flow,
        translator=translator or EnglishTranslator(),
        facts=facts,
        large_print=args.large_print,
    )
    html = to_html(handout)
    name = deliver.file_name(handout)
    if args.to_printer:
        try:
            deliver.send_to_printer(html, config.handout.print_command, name)
        except deliver.PrintError as e:
            err.write(f"dfhelper: {e}\n")
            return EXIT_PROBLEMS
        out.write("Sent to the printer.\n")
    if args.output is not None and str(args.output) == "-":
        out.write(html)
    elif args.output is not None:
        try:
            args.output.write_text(html, encoding="utf-8")
        except OSError as e:
            err.write(f"dfhelper: cannot write {args.output}: {e.strerror or e}\n")
            return EXIT_PROBLEMS
        out.write(f"Wrote {args.output}\n")
    elif not args.to_printer:
        folder = deliver.handouts_folder(config)
        try:
            path = deliver.save_html(html, folder, name)
        except OSError as e:
            err.write(f"dfhelper: cannot save the handout in {folder}: {e.strerror or e}\n")
            return EXIT_PROBLEMS
        out.write(f"Wrote {path}\n")
    return EXIT_OK


def practice_context(config: Config) -> dict[str, Any]:
    """The practice details flow templates may use."""
    return asdict(config.practice)


def cmd_graph(args: argparse.Namespace, config: Config, out: TextIO, err: TextIO) -> int:
    """``dfhelper graph``: a flow as Mermaid or dot."""
    from dfhelper.flowlang import graph

    library = _library_with(config, args.flow, err)
    if library is None:
        return EXIT_USAGE
    flow = library.flow(args.flow)
    out.write(graph.to_mermaid(flow) if args.format == "mermaid" else graph.to_dot(flow))
    return EXIT_OK


def cmd_init(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    """``dfhelper init``: write the commented example configuration."""
    import platformdirs

    target: Path = args.path or platformdirs.user_config_path("dfhelper") / "config.toml"
    if target.exists() and not args.force:
        err.write(f"dfhelper: {target} already exists. Use --force to overwrite it.\n")
        return EXIT_USAGE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(example_config_text(), encoding="utf-8")
    out.write(f"Wrote {target}. Edit it, then check it with: dfhelper --config {target} validate\n")
    return EXIT_OK


def locales_dir(config: Config) -> Path:
    """The translations folder: configured, else the bundled one."""
    return config.paths.locales or resources.locales_dir()


def _flow_stats(config: Config, locales: Path, fmt: str, out: TextIO) -> None:
    """``i18n stats --by-flow``: each flow's translated share in each compiled language."""
    from dfhelper.i18n.catalogs import available_locales
    from dfhelper.i18n.languages import flow_coverage

    library = load_library(config)
    table = {code: flow_coverage(code, locales, library) for code in available_locales(locales)}
    if fmt == "json":
        out.write(json.dumps(table, indent=2, sort_keys=True) + "\n")
        return
    codes = list(table)
    out.write(f"{'flow':<26}" + "".join(f"{c:>12}" for c in codes) + "\n")
    for flow in sorted(i.id for i in library):
        out.write(f"{flow:<26}" + "".join(f"{table[c][flow]:>12.0%}" for c in codes) + "\n")
    out.write("A flow not fully translated is shown in English where its translation is missing, marked.\n")


def cmd_i18n(args: argparse.Namespace, config: Config, out: TextIO, err: TextIO) -> int:
    """``dfhelper i18n``: Babel's catalog work with the project's settings."""
    from dfhelper.i18n import tools
    from dfhelper.i18n.catalogs import DOMAIN

    locales = locales_dir(config)
    template = locales / f"{DOMAIN}.pot"
    if args.action == "extract":
        sources = [(folder, "**.yaml") for folder in flow_paths(config) if folder.is_dir()]
        sources.append((Path(__file__).resolve().parent, "**.py"))
        broken = load_library(config).errors
        if broken:
            err.write("These flows have errors, so their text was not extracted (fix them first):\n")
            _print_problems(broken, err)
        catalog = tools.extract(sources, template)
        out.write(f"Wrote {template}: {len(catalog)} messages.\n")
    elif args.action == "init":
        if not args.lang:
            err.write("dfhelper: say which language, e.g. dfhelper i18n init pl\n")
            return EXIT_USAGE
        try:
            path = tools.init(locales, template, args.lang)
        except FileExistsError as e:
            err.write(f"dfhelper: {e} already exists; use: dfhelper i18n update\n")
            return EXIT_USAGE
        out.write(f"Wrote {path} (marked as a draft needing review).\n")
    elif args.action == "update":
        for path in tools.update(locales, template):
            out.write(f"Updated {path}\n")
    elif args.action in ("compile", "check"):
        if args.action == "compile":
            compiled, bad = tools.compile_all(locales, only=args.lang)
            for path in compiled:
                out.write(f"Compiled {path}\n")
        else:
            bad = tools.check(locales)
        for problem in bad:
            err.write(f"{problem}\n")
        if bad:
            err.write(f"{len(bad)} translation(s) cannot be used and are left out; the English is shown.\n")
            return EXIT_PROBLEMS
        if args.action == "check":
            out.write("Every translation passes its checks.\n")
    elif args.by_flow:
        _flow_stats(config, locales, args.format, out)
    else:
        rows = tools.stats(locales)
        if args.format == "json":
            out.write(
                json.dumps([{**asdict(r), "coverage": round(r.coverage, 4)} for r in rows], indent=2) + "\n"
            )
        else:
            out.write(
                f"{'language':<12} {'translated':>10} {'fuzzy':>6} {'missing':>8} {'coverage':>9}  "
                "safety    review\n"
            )
            for r in rows:
                safety = "complete" if r.safety_complete else "MISSING"
                review = "reviewed" if r.reviewed else "draft: needs review"
                out.write(
                    f"{r.lang:<12} {r.translated:>10} {r.fuzzy:>6} {r.missing:>8} {r.coverage:>8.0%}  "
                    f"{safety:<9} {review}\n"
                )
    return EXIT_OK


def cmd_pin(stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """``dfhelper pin``: read a PIN (hidden when typed at a terminal) and print its hash."""
    import getpass

    from dfhelper.pin import hash_pin

    pin = getpass.getpass("Staff PIN (4 to 12 digits): ") if stdin.isatty() else stdin.readline().strip()
    try:
        hashed = hash_pin(pin)
    except ValueError as e:
        err.write(f"dfhelper: {e}\n")
        return EXIT_USAGE
    out.write(f'Put this line in the [kiosk] table of your configuration:\nstaff_pin_hash = "{hashed}"\n')
    return EXIT_OK


def _kiosk_logging(folder: Path) -> None:
    """The kiosk's log goes to a file (the screen belongs to the patient), redacted."""
    from dfhelper.escalation.outbox import private_dir
    from dfhelper.safety.redact import RedactingFilter

    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    handler: logging.Handler
    try:
        handler = logging.FileHandler(private_dir(folder) / "kiosk.log", encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def core_loader(config: Config, folder: Path) -> Callable[[], KioskCore]:
    """Loads the kiosk's long-lived parts (flows, languages, outbox, sender) when called."""

    def load_core() -> KioskCore:
        from dfhelper.kiosk.visit import KioskCore

        return KioskCore.load(
            config,
            load_library(config),
            locales_dir=locales_dir(config),
            data_dir=folder,
            practice=practice_context(config),
        )

    return load_core


def cmd_kiosk(  # noqa: PLR0917
    args: argparse.Namespace,
    config: Config,
    env: Mapping[str, str],
    argv: Sequence[str] | None,
    out: TextIO,
    err: TextIO,
) -> int:
    """``dfhelper kiosk``: the patient's app (``--supervise``: and start it again if it stops)."""
    from dfhelper.kiosk import launch

    removed = launch.scrub_environment(env) if isinstance(env, os._Environ) else []
    if any(name.upper().startswith("TEXTUAL") for name in env):
        err.write("dfhelper: refusing to start the kiosk with TEXTUAL* settings in its environment.\n")
        return EXIT_USAGE
    if args.served:  # one browser's kiosk under `dfhelper serve`: stdin/stdout speak textual-serve's protocol
        if args.supervise or not isinstance(env, os._Environ):
            err.write("dfhelper: --served is for `dfhelper serve` only, without --supervise.\n")
            return EXIT_USAGE
        from dfhelper.serve import WEB_DRIVER

        env.update(WEB_DRIVER)  # the only Textual settings it gets, set after the scrub above
    folder = data_dir(config)
    _kiosk_logging(folder)
    if removed:
        logging.getLogger("dfhelper.kiosk").warning("removed settings: %s", ", ".join(removed))
    if args.supervise:
        launch.ignore_terminal_signals()
        arguments = list(argv if argv is not None else sys.argv[1:]) or ["kiosk"]
        return launch.supervise(launch.child_command(arguments), screen=out)

    from dfhelper.kiosk.app import KioskApp

    app = KioskApp(config, load_core=core_loader(config, folder))
    code = app.run()
    return app.return_code if app.return_code is not None else (code or 0)


def cmd_assist(args: argparse.Namespace, config: Config, err: TextIO) -> int:
    """``dfhelper assist``: a volunteer or staff member helping one patient."""
    from dfhelper.assist.app import run_assist

    folder = data_dir(config)
    _kiosk_logging(folder)  # the screen belongs to the helper and patient; messages go to the log
    return run_assist(config, core_loader(config, folder), flow=args.flow, lang=args.lang)


def cmd_serve(
    args: argparse.Namespace, config: Config, env: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    """``dfhelper serve``: the kiosk or assist mode in a browser (textual-serve; no Textual here)."""
    from dfhelper import serve
    from dfhelper.kiosk import launch

    try:
        served = serve.plan(
            config, mode=args.mode, host=args.host, port=args.port, flow=args.flow, lang=args.lang
        )
    except serve.ServeError as e:
        err.write(f"dfhelper: {e}\n")
        return EXIT_USAGE
    if args.flow and _library_with(config, args.flow, err) is None:
        return EXIT_USAGE
    if args.lang and not _translator(args.lang, config, err)[0]:
        return EXIT_USAGE
    if isinstance(env, os._Environ):  # each browser's app inherits this environment
        launch.scrub_environment(env)
    return serve.serve(served, out=out, err=err)


def cmd_rehearse(config: Config) -> int:
    """``dfhelper rehearse``: facilitators and new staff practise the flows."""
    from dfhelper.rehearse.app import run_rehearse

    return run_rehearse(config, load_library(config), locales_dir(config))


def desk_store_url(config: Config) -> str:
    """The desk store's URL: configured, else the SQLite file in the data folder (as the kiosk uses)."""
    from dfhelper.escalation.store import default_url

    return config.desk.store_url or default_url(data_dir(config))


def flow_titles(config: Config) -> dict[str, str]:
    """Each flow's title by id, for the desk (empty if the flows cannot be read: ids are shown)."""
    try:
        return {info.id: info.title for info in load_library(config)}
    except (OSError, ValueError):
        return {}


def cmd_desk(args: argparse.Namespace, config: Config, out: TextIO, err: TextIO) -> int:
    """``dfhelper desk``: reception's console; ``dfhelper desk list``: the open requests, printed."""
    from dfhelper.escalation.store import StoreError, StoreUnavailable, open_store, redact_url

    url = desk_store_url(config)
    if args.action == "list":
        from dfhelper.desk import view

        try:
            store = open_store(url)
            try:
                requests = store.open_requests()
            finally:
                store.close()
        except (StoreError, StoreUnavailable) as e:
            err.write(f"dfhelper: cannot read the help requests from {redact_url(url)}: {e}\n")
            return EXIT_PROBLEMS
        if args.format == "json":
            out.write(json.dumps([r.to_json() for r in requests], indent=2, ensure_ascii=False) + "\n")
        else:
            rows = view.make_rows(
                requests,
                view.utc_now(),
                titles=flow_titles(config),
                realert_seconds=config.desk.realert_seconds,
            )
            out.write("".join(f"{line}\n" for line in view.text_table(rows)))
        return EXIT_OK

    from dfhelper.desk.app import DeskApp

    app = DeskApp(config, url, titles=flow_titles(config))
    code = app.run()
    if app.crash is not None:
        err.write(f"dfhelper: the desk stopped after an unexpected error ({app.crash}). Please report it.\n")
        return EXIT_PROBLEMS
    return app.return_code if app.return_code is not None else (code or 0)


def main(
    argv: Sequence[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the ``dfhelper`` command; returns the exit code."""
    env = os.environ if env is None else env
    stdin = stdin or sys.stdin
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    from dfhelper.safety.redact import RedactingFilter

    logging.basicConfig(level=logging.WARNING, format="dfhelper: %(levelname)s: %(message)s", stream=err)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "kiosk"])
    if args.command == "schema":
        return cmd_schema(out)
    if args.command == "init":
        return cmd_init(args, env, out, err)
    if args.command == "pin":
        return cmd_pin(stdin, out, err)
    config = _load_config(args, env, err)
    if config is None:
        return EXIT_USAGE
    if args.command == "validate":
        return cmd_validate(args, config, out)
    if args.command == "walk":
        return cmd_walk(args, config, stdin, out, err)
    if args.command == "graph":
        return cmd_graph(args, config, out, err)
    if args.command == "search":
        return cmd_search(args, config, out, err)
    if args.command == "safety":
        return cmd_safety(args, config, out, err)
    if args.command == "report":
        return cmd_report(args, config, out, err)
    if args.command == "assist":
        return cmd_assist(args, config, err)
    if args.command == "rehearse":
        return cmd_rehearse(config)
    if args.command == "i18n":
        return cmd_i18n(args, config, out, err)
    if args.command == "kiosk":
        return cmd_kiosk(args, config, env, argv, out, err)
    if args.command == "serve":
        return cmd_serve(args, config, env, out, err)
    if args.command == "desk":
        return cmd_desk(args, config, out, err)
    if args.command == "handout":
        return cmd_handout(args, config, out, err)
    parser.error(f"unknown command {args.command}")  # pragma: no cover - argparse rejects it first
    return EXIT_USAGE  # pragma: no cover


def run() -> None:
    """Console entry point."""
    try:
        code = main()
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        code = 0
    sys.exit(code)


if __name__ == "__main__":
    run()
