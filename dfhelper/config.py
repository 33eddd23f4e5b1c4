"""The practice configuration: one TOML file, read once into one typed object.

Found by ``--config``, else ``$DFHELPER_CONFIG``, else ``config.toml`` in the
platform's config folder, else built-in defaults that run as a demo practice.
The CLI finds and reads it once and passes the `Config` down; no other module
reads files or the environment for settings.

Every mistake is collected, not just the first, and each names the key and the
line it is on (when the line can be found honestly; never a made-up one).
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dfhelper.problems import Mark, Problem, Problems


@dataclass(frozen=True, slots=True)
class PracticeConfig:
    """The practice's details, as flow text shows them (``{{ practice.name }}``)."""

    name: str = "Demo Surgery"
    """The practice's name as patients know it."""
    phone: str = "01632 960000"
    """The number patients call. The default is a fictional number reserved for drama."""
    opening_hours: str = "Mon-Fri 08:00-18:30"
    """When the practice is open, as days and times: "Mon-Fri 08:00-18:30; Sat 09:00-12:00"
    (several times a day: "Mon-Thu 08:00-13:00, 14:00-18:30"). Shown in each patient's language."""
    online_form_name: str = "online consultation form"
    """What the practice calls its online form for non-urgent requests."""
    appointments_online: bool = True
    """Whether patients can book appointments online (in the NHS App or elsewhere)."""
    website: str = ""
    """The practice's website, if it has one (https://...)."""


@dataclass(frozen=True, slots=True)
class KioskConfig:
    """The waiting-room kiosk."""

    name: str = "Waiting room kiosk"
    """What reception calls this kiosk, e.g. "Kiosk by the front door"."""
    languages: tuple[str, ...] = ()
    """The languages offered, as locale codes (en, pl, ur, pa_Arab ...). Empty: every shipped language
    whose safety messages are complete and whose coverage is at least min_translation_coverage."""
    top_tasks: tuple[str, ...] = ()
    """The flows shown as tiles, in order (flow ids). Empty: every flow."""
    theme: Literal["standard", "high-contrast"] = "standard"
    """The look: "standard" (NHS colours) or "high-contrast" (white on black). Patients can switch."""
    rtl: Literal["terminal", "reorder"] = "terminal"
    """Right-to-left text: "terminal" when the kiosk's terminal reorders it itself (VTE, Konsole,
    mlterm), "reorder" when dfhelper must reorder and shape it (xterm, xterm.js). See docs/kiosk.md."""
    idle_seconds: int = 120
    """After this many seconds with no touch or key, ask "Are you still there?" (30 or more)."""
    still_there_seconds: int = 30
    """How long "Are you still there?" waits before clearing the screen (20 or more)."""
    staff_pin_hash: str | None = None
    """The staff PIN, hashed: make the hash with `dfhelper pin`. Never write the PIN itself."""
    min_translation_coverage: float = 0.9
    """A language is offered only when at least this share of the kiosk's own sentences is translated
    (0 to 1). Flow text not yet translated is shown in English, marked, and does not count."""


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """When the engine decides a patient may be stuck, and how free text is matched."""

    check_failures_before_stuck: int = 2
    """How many times "Did it work?" may be answered no before help is offered."""
    revisits_before_stuck: int = 3
    """How many times a patient may see the same step before help is offered."""
    text_accept_score: float = 85.0
    """A typed answer matching this well (0 to 100) is accepted."""
    text_confirm_score: float = 60.0
    """A typed answer matching this well, but less than the above, is checked with the patient."""
    max_steps: int = 500
    """A walk longer than this is stopped (a safety net for loops)."""
    pause_seconds_before_offer: int = 60
    """After this many seconds on one step with no touch or key, the kiosk offers staff help
    (it never calls staff unasked). Keep it below kiosk.idle_seconds."""


@dataclass(frozen=True, slots=True)
class PathsConfig:
    """Where things are. Relative paths are relative to the configuration file."""

    flows: tuple[Path, ...] = ()
    """Flow folders or files. Empty: the flows shipped with dfhelper."""
    locales: Path | None = None
    """The translations folder. Empty: the one shipped with dfhelper."""
    cache_dir: Path | None = None
    """A private folder for the flow cache, for faster starts. Empty: no cache."""
    data_dir: Path | None = None
    """Where dfhelper keeps its data (help requests, events). Empty: the platform's data folder."""


@dataclass(frozen=True, slots=True)
class DeskConfig:
    """Where help requests go, and how the desk and kiosks behave around them."""

    store_url: str = ""
    """sqlite:///path or postgresql://user@host/db. Empty: a SQLite file in the data folder
    (kiosk and desk on one machine). Use PostgreSQL for several machines; never a SQLite file
    on a network share."""
    name: str = "Reception"
    """This desk's name, shown to other desks when it claims a request."""
    webhook_url: str = ""
    """Optional: also POST each new request as JSON to this URL (a team chat's incoming webhook)."""
    unreachable_seconds: int = 30
    """If a help request has not reached the desk after this many seconds, the kiosk tells the
    patient to go to the desk."""
    desk_absent_seconds: int = 60
    """If no desk has been open for this many seconds, the kiosk tells the patient to go to the desk."""
    realert_seconds: int = 120
    """An unclaimed request is alerted again at the desk (bell, highlight) after this many seconds."""


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """``dfhelper serve``: the kiosk (or assist mode) in a web browser, for a tablet."""

    host: str = "127.0.0.1"
    """The address to listen on. Only this machine by default; give the tablet's network address
    (e.g. "192.168.1.20") only on the practice's own network, never the internet."""
    port: int = 8000
    """The port to listen on."""
    public_url: str = ""
    """The address browsers use, when it differs from http://host:port (e.g. behind a proxy)."""


@dataclass(frozen=True, slots=True)
class HandoutConfig:
    """Take-home handouts (``dfhelper handout``, and from the kiosk and assist mode)."""

    print_command: tuple[str, ...] = ()
    """The command that prints a handout; the HTML file's path is added at the end, e.g.
    ["lp", "-d", "reception"]. Empty: handouts are saved, not printed."""
    save_dir: Path | None = None
    """Where handouts are saved. Empty: a "handouts" folder in the data folder."""
    large_print: bool = False
    """Print handouts in large print by default (patients can still ask for it either way)."""


@dataclass(frozen=True, slots=True)
class Config:
    """Everything dfhelper is told about the practice and the machine."""

    practice: PracticeConfig = field(default_factory=PracticeConfig)
    kiosk: KioskConfig = field(default_factory=KioskConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    paths: PathsConfig = field(default_factory=PathsConfig)
    desk: DeskConfig = field(default_factory=DeskConfig)
    serve: ServeConfig = field(default_factory=ServeConfig)
    handout: HandoutConfig = field(default_factory=HandoutConfig)
    source: Path | None = field(default=None, compare=False)
    """The file this came from (None: built-in defaults)."""


SECTIONS: dict[str, type[Any]] = {
    "practice": PracticeConfig,
    "kiosk": KioskConfig,
    "engine": EngineConfig,
    "paths": PathsConfig,
    "desk": DeskConfig,
    "serve": ServeConfig,
    "handout": HandoutConfig,
}

_RANGES: dict[str, tuple[float, float | None]] = {
    "kiosk.idle_seconds": (30, None),
    "kiosk.still_there_seconds": (20, None),
    "kiosk.min_translation_coverage": (0, 1),
    "desk.unreachable_seconds": (5, None),
    "desk.desk_absent_seconds": (30, None),  # a desk says it is open every 10 seconds
    "desk.realert_seconds": (30, None),
    "engine.check_failures_before_stuck": (1, None),
    "engine.revisits_before_stuck": (2, None),
    "engine.pause_seconds_before_offer": (10, None),
    "engine.text_accept_score": (0, 100),
    "engine.text_confirm_score": (0, 100),
    "engine.max_steps": (10, None),
    "serve.port": (1, 65535),
}


class ConfigError(Exception):
    """The configuration has problems; `problems` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def default_config_path(env: Mapping[str, str]) -> Path | None:
    """The configuration file to use when ``--config`` is not given (None: built-in defaults)."""
    if env.get("DFHELPER_CONFIG"):
        return Path(env["DFHELPER_CONFIG"])
    import platformdirs

    candidate = platformdirs.user_config_path("dfhelper") / "config.toml"
    return candidate if candidate.is_file() else None


def data_dir(config: Config) -> Path:
    """Where help requests, logs and saved handouts are kept: configured, else the platform's
    data folder."""
    if config.paths.data_dir is not None:
        return config.paths.data_dir
    import platformdirs

    return platformdirs.user_data_path("dfhelper")


class _KeyLines:
    """Finds the line of ``table.key`` in TOML text, by a small scan; None when unsure."""

    _HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\- \"]+?)\s*\]\s*(#.*)?$")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")

    def __init__(self, text: str) -> None:
        self.lines: dict[str, Mark] = {}
        table = ""
        for number, line in enumerate(text.splitlines(), 1):
            header = self._HEADER.match(line)
            if header:
                table = header.group(1).replace('"', "").replace(" ", "")
                self.lines.setdefault(table, Mark(number, line.index("[") + 1))
                continue
            key = self._KEY.match(line)
            if key:
                name = key.group(1).strip("\"'")
                full = f"{table}.{name}" if table else name
                self.lines.setdefault(full, Mark(number, line.index(key.group(1)) + 1))

    def get(self, key: str) -> Mark | None:
        return self.lines.get(key)


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


_TYPE_WORDS = {str: "text in quotes", int: "a whole number", float: "a number", bool: "true or false"}


def _convert(key: str, tp: Any, value: Any, base: Path | None) -> tuple[Any, str | None]:
    """(converted value, None) or (None, what was wrong)."""
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        inner = next(a for a in typing.get_args(tp) if a is not type(None))
        if value == "" and inner is Path:
            return None, None
        return _convert(key, inner, value, base)
    if origin is tuple:
        if not isinstance(value, list):
            return None, f'\'{key}\' must be a list, like ["a", "b"], not {_describe(value)}.'
        item_tp = typing.get_args(tp)[0]
        items = []
        for item in value:
            converted, why = _convert(key, item_tp, item, base)
            if why:
                return None, why
            items.append(converted)
        return tuple(items), None
    if origin is Literal:
        allowed = typing.get_args(tp)
        if value in allowed:
            return value, None
        return (
            None,
            f"'{key}' must be one of {', '.join(_describe(a) for a in allowed)}, not {_describe(value)}.",
        )
    if tp is Path:
        if not isinstance(value, str) or not value:
            return None, f"'{key}' must be a path in quotes, not {_describe(value)}."
        path = Path(value).expanduser()
        return (path if path.is_absolute() or base is None else base / path), None
    if tp is bool:
        return (
            (value, None)
            if isinstance(value, bool)
            else (None, f"'{key}' must be true or false, not {_describe(value)}.")
        )
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value, None
        return None, f"'{key}' must be a whole number, not {_describe(value)}."
    if tp is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value), None
        return None, f"'{key}' must be a number, not {_describe(value)}."
    if tp is str:
        return (
            (value, None)
            if isinstance(value, str)
            else (None, f"'{key}' must be {_TYPE_WORDS[str]}, not {_describe(value)}.")
        )
    raise TypeError(tp)  # pragma: no cover - a new field type without a converter


def _section(
    name: str, cls: type[Any], data: Any, where: _KeyLines, problems: Problems, *, base: Path | None
) -> Any:
    if not isinstance(data, dict):
        problems.add("config-type", f"'{name}' must be a table: [{name}].", where.get(name))
        return cls()
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        full = f"{name}.{key}"
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = (
                f" Did you mean '{name}.{close[0]}'?"
                if close
                else f" Known keys: {', '.join(sorted(known))}."
            )
            problems.add("config-unknown-key", f"Unknown key '{full}'.{hint}", where.get(full))
            continue
        converted, why = _convert(full, hints[key], value, base)
        if why:
            problems.add("config-type", why, where.get(full))
            continue
        limits = _RANGES.get(full)
        if limits and converted is not None:
            low, high = limits
            if converted < low or (high is not None and converted > high):
                span = f"from {low:g} to {high:g}" if high is not None else f"at least {low:g}"
                problems.add("config-range", f"'{full}' must be {span}, not {converted:g}.", where.get(full))
                continue
        values[key] = converted
    result = cls(**values)
    if isinstance(result, EngineConfig) and result.text_confirm_score >= result.text_accept_score:
        problems.add(
            "config-range",
            "'engine.text_confirm_score' must be lower than 'engine.text_accept_score'.",
            where.get("engine.text_confirm_score"),
        )
    if isinstance(result, PracticeConfig):
        from dfhelper.flowlang.hours import parse as parse_hours

        try:
            parse_hours(result.opening_hours)
        except ValueError as err:
            problems.add(
                "config-type", f"'practice.opening_hours': {err}.", where.get("practice.opening_hours")
            )
    if isinstance(result, DeskConfig) and result.store_url:
        from urllib.parse import urlsplit

        if urlsplit(result.store_url).scheme not in ("sqlite", "postgresql", "postgres"):
            problems.add(
                "config-type",
                "'desk.store_url' must start with sqlite:/// or postgresql://.",
                where.get("desk.store_url"),
            )
    if isinstance(result, KioskConfig) and result.staff_pin_hash is not None:
        from dfhelper.pin import is_pin_hash

        if not is_pin_hash(result.staff_pin_hash):
            problems.add(
                "config-type",
                "'kiosk.staff_pin_hash' is not a PIN hash. Make one with: dfhelper pin "
                "(never write the PIN itself).",
                where.get("kiosk.staff_pin_hash"),
            )
    return result


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def load_config(path: Path | None) -> Config:
    """The configuration in ``path`` (None: built-in defaults). Raises `ConfigError` listing every problem."""
    if path is None:
        return Config()
    problems = Problems(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.add("config-missing", "There is no configuration file here. Make one with: dfhelper init")
        raise ConfigError(problems.items) from None
    except (OSError, UnicodeDecodeError) as err:
        problems.add("config-unreadable", f"This configuration file cannot be read ({err}).")
        raise ConfigError(problems.items) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        found = _TOML_POSITION.search(message)
        mark = Mark(int(found.group(1)), int(found.group(2))) if found else None
        problems.add("config-syntax", f"TOML error: {_TOML_POSITION.sub('', message).strip()}.", mark)
        raise ConfigError(problems.items) from None
    where = _KeyLines(text)
    base = path.resolve().parent
    sections: dict[str, Any] = {}
    for name, value in data.items():
        cls = SECTIONS.get(name)
        if cls is None:
            close = difflib.get_close_matches(name, sorted(SECTIONS), n=1)
            hint = f" Did you mean '[{close[0]}]'?" if close else f" Tables: {', '.join(sorted(SECTIONS))}."
            problems.add("config-unknown-key", f"Unknown table '{name}'.{hint}", where.get(name))
            continue
        sections[name] = _section(name, cls, value, where, problems, base=base)
    if problems.has_errors:
        raise ConfigError(problems.items)
    return Config(**sections, source=path)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if value is None:
        return '""'
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _field_docs(cls: type[Any]) -> dict[str, str]:
    """Attribute docstrings, read from the source (they are not kept at run time), one line each."""
    import inspect

    docs: dict[str, str] = {}
    lines = inspect.getsource(cls).splitlines()
    for i, line in enumerate(lines[:-1]):
        m = re.match(r"\s+(\w+):", line)
        start = lines[i + 1].strip()
        if not (m and start.startswith('"""')):
            continue
        body = [start[3:]]
        j = i + 1
        while not body[-1].rstrip().endswith('"""') or (j == i + 1 and body[-1].strip() == ""):
            j += 1
            body.append(lines[j].strip())
        docs[m.group(1)] = " ".join(body).rstrip().removesuffix('"""').strip()
    return docs


def example_config_text() -> str:
    """A fully commented configuration whose values are the defaults."""
    out = [
        "# dfhelper practice configuration.",
        "# Every value below is the default. Change what your practice needs, then check with:",
        "#   dfhelper --config THIS_FILE validate",
        "",
    ]
    defaults = Config()
    for name, cls in SECTIONS.items():
        out.append(f"# {(cls.__doc__ or '').strip()}")
        out.append(f"[{name}]")
        docs = _field_docs(cls)
        section = getattr(defaults, name)
        for f in dataclasses.fields(cls):
            if f.name in docs:
                out.append(f"# {docs[f.name]}")
            value = getattr(section, f.name)
            line = f"{f.name} = {_toml_value(value)}"
            out.append(("# " + line) if value is None or (value == () and f.name == "flows") else line)
        out.append("")
    return "\n".join(out)
