"""``dfhelper serve``: the kiosk (or assist mode) in a web browser, for a tablet, with textual-serve.

textual-serve runs one copy of the app for each browser that connects, as a
child process talking to it over stdin and stdout, and relays the screen to
an xterm.js terminal in the page. Here:

- each connection runs **this** Python and **this** configuration file:
  ``python -m dfhelper --config FILE kiosk --served`` (or ``assist``), so the
  served kiosk starts exactly as ``dfhelper kiosk`` does, with the same
  lock-down. textual-serve runs the command through a shell, so every part is
  quoted (`ServePlan.command`);
- the page and the routes are dfhelper's own (`make_server`): ``/``, ``/ws``
  and the page's scripts and styles under ``/static``. No ``/download`` route
  and no folder listings. The page cannot open other pages, tabs or downloads
  (``window.open`` does nothing), sends no request to other sites, and may not
  be framed. The websocket refuses pages from other sites (`allowed_origin`);
- it listens on ``127.0.0.1`` unless the configuration (``[serve] host``) or
  ``--host`` says otherwise; then it warns, in one line, that anyone on that
  network can open it. There is no TLS: see docs/serve.md.

This module imports nothing heavy at the top: the kiosk child imports it for
`WEB_DRIVER`, and textual-serve (aiohttp, Jinja, Rich: a quarter of a second)
is imported only by `make_server`. Textual itself is never imported here.
"""

from __future__ import annotations

import ipaddress
import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO
from urllib.parse import urlsplit

from dfhelper.config import Config
from dfhelper.kiosk.launch import OUT_OF_ORDER

if TYPE_CHECKING:
    from textual_serve.server import Server

Mode = Literal["kiosk", "assist"]
MODES: tuple[Mode, ...] = ("kiosk", "assist")

WEB_DRIVER: Mapping[str, str] = {
    "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
    "TEXTUAL_COLOR_SYSTEM": "truecolor",
}
"""The only Textual settings a served kiosk runs with, set by the kiosk itself after it has removed
every ``TEXTUAL*`` variable it inherited (textual-serve's own included)."""

SHUTDOWN_SECONDS = 5.0
"""On ctrl+c or SIGTERM, how long open browser sessions get to close before they are cut."""

APP_EXIT_SECONDS = 10.0
"""When a browser's session ends, how long its app gets to exit before it is killed."""

FONT_SIZES = (8, 64)
"""The page's ``?fontsize=N`` is kept within these (textual-serve's default is 16)."""


RTL_NOTE = (
    'dfhelper: note: kiosk.rtl is "terminal", but the browser\'s terminal (xterm.js) does not reorder '
    'right-to-left text: set rtl = "reorder" for Urdu, Arabic and Shahmukhi Panjabi (docs/serve.md).'
)


class ServeError(ValueError):
    """The serve settings cannot work; the message says what to change."""


@dataclass(frozen=True, slots=True)
class ServePlan:
    """What ``dfhelper serve`` will do: where it listens, and what each browser connection runs."""

    mode: Mode
    """"kiosk" (the locked-down patient kiosk) or "assist" (a helper beside a patient)."""
    host: str
    """The address it listens on."""
    port: int
    """The port it listens on."""
    public_url: str
    """The address browsers use when it is not http://host:port (behind a proxy); "" otherwise."""
    argv: tuple[str, ...]
    """The command run for each browser connection, one item per argument."""
    notes: tuple[str, ...] = ()
    """Lines for staff about settings that suit a terminal but not a browser."""

    @property
    def command(self) -> str:
        """`argv` as the shell command textual-serve runs: every part quoted, and ``exec`` so the app
        replaces the shell (stopping the process stops the app)."""
        return "exec " + shlex.join(self.argv)

    @property
    def url(self) -> str:
        """The address to open in a browser."""
        if self.public_url:
            return self.public_url
        host = self.host
        try:
            if ipaddress.ip_address(host).is_unspecified:  # every interface: this machine is one of them
                host = "127.0.0.1"
        except ValueError:
            pass
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def what(self) -> str:
        """ "the kiosk" or "assist mode", for messages."""
        return "the kiosk" if self.mode == "kiosk" else "assist mode"


def app_argv(
    config: Config,
    mode: Mode,
    *,
    flow: str | None = None,
    lang: str | None = None,
    python: str = sys.executable,
) -> tuple[str, ...]:
    """The command each browser connection runs: this Python, this configuration file, the mode.

    The kiosk gets ``--served``: it removes every inherited ``TEXTUAL*`` setting as
    ``dfhelper kiosk`` always does, then sets only `WEB_DRIVER`.
    """
    argv = [python, "-m", "dfhelper"]
    if config.source is not None:
        argv += ["--config", str(Path(config.source).resolve())]
    if mode == "kiosk":
        if flow or lang:
            raise ServeError("--flow and --lang are for --mode assist; the kiosk asks the patient.")
        argv += ["kiosk", "--served"]
    else:
        argv.append("assist")
        if flow:
            argv += ["--flow", flow]
        if lang:
            argv += ["--lang", lang]
    return tuple(argv)


def _check_host(host: str) -> str:
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host:
        raise ServeError("The address to listen on is empty. Give one, e.g. --host 127.0.0.1.")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        labels = host.rstrip(".").split(".")
        if not all(label and len(label) <= 63 and label.replace("-", "").isalnum() for label in labels):
            raise ServeError(
                f"'{host}' is not an address to listen on. Give an IP address, e.g. 127.0.0.1."
            ) from None
    return host


def _check_public_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ServeError(
            f"serve.public_url must be an address like https://kiosk.example.nhs.uk, not '{url}'."
        )
    return url


def plan(
    config: Config,
    *,
    mode: Mode = "kiosk",
    host: str | None = None,
    port: int | None = None,
    flow: str | None = None,
    lang: str | None = None,
    python: str = sys.executable,
) -> ServePlan:
    """The plan from the configuration's ``[serve]`` table and the command line's overrides.

    Raises:
        ServeError: a setting cannot work (the message says which and what to do).
    """
    if mode not in MODES:
        raise ServeError(f"--mode must be one of {', '.join(MODES)}, not '{mode}'.")
    chosen_port = config.serve.port if port is None else port
    if not 1 <= chosen_port <= 65535:
        raise ServeError(f"The port must be from 1 to 65535, not {chosen_port}.")
    return ServePlan(
        mode=mode,
        host=_check_host(config.serve.host if host is None else host),
        port=chosen_port,
        public_url=_check_public_url(config.serve.public_url),
        argv=app_argv(config, mode, flow=flow, lang=lang, python=python),
        notes=(RTL_NOTE,) if config.kiosk.rtl == "terminal" else (),
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1, localhost)."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def network_warning(served: ServePlan) -> str | None:
    """One line for staff when other machines can reach it; None when it listens on this machine only."""
    if is_loopback(served.host):
        return None
    return (
        f"dfhelper: warning: listening on {served.host} port {served.port}, so anyone on that network can "
        f"open {served.what}. Use it only on the practice's own network, never the internet "
        "(see docs/serve.md)."
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _is_address_or_localhost(host: str) -> bool:
    name = (urlsplit(f"//{host}").hostname or "").rstrip(".")
    if name == "localhost":
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def allowed_origin(origin: str | None, host: str | None, public_url: str) -> bool:
    """Whether a browser page from ``origin`` may start a session (the websocket's ``Origin`` check).

    Allowed: the configured ``public_url``'s origin, and the page's own origin when it was opened
    by IP address or as ``localhost`` (``Origin`` equals the ``Host`` it was sent to). Refused: no
    ``Origin`` (every browser sends one), any other site's page (cross-site websocket hijacking),
    and a name that only resolves here by trickery (DNS rebinding). A tablet that opens the kiosk
    by a name needs that name in ``serve.public_url``.
    """
    if not origin:
        return False
    origin = origin.strip().lower()
    if public_url and origin == _origin(public_url):
        return True
    if not host:
        return False
    parts = urlsplit(origin)
    return (
        parts.scheme in ("http", "https")
        and parts.netloc == host.strip().lower()
        and _is_address_or_localhost(host.strip().lower())
    )


PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{ title }}</title>
<script nonce="{{ nonce }}">
  /* Nothing here may open another page, tab or download: not a link in the terminal's text,
     not a request from the app. */
  Object.defineProperty(window, "open", {value: function () { return null; }, writable: false});
</script>
<link rel="stylesheet" href="{{ static_url }}css/xterm.css">
<style>
  @font-face {
    font-family: "Roboto Mono";
    src: url("{{ static_url }}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
  }
  html, body { margin: 0; padding: 0; height: 100%; overflow: hidden; background: #0c181f; }
  body.kiosk { -webkit-user-select: none; user-select: none; -webkit-touch-callout: none; }
  #start { display: none; }
  .closed {
    display: none; position: absolute; inset: 0; z-index: 10; align-items: center;
    justify-content: center; flex-direction: column; background: #0c181f; color: #ffffff;
    font: 24px/1.5 sans-serif; text-align: center; white-space: pre-line; padding: 2em;
  }
  body.-closed .closed { display: flex; }
  .closed button {
    font: inherit; margin-top: 1em; padding: 0.5em 1.5em; border: 0; border-radius: 4px;
    background: #005eb8; color: #ffffff;
  }
</style>
<script src="{{ static_url }}js/textual.js"></script>
</head>
<body class="{{ mode }}" data-mode="{{ mode }}">
<div id="start"></div>
<div class="closed" role="alert">
  <div>{{ closed_text }}</div>
  <button type="button" id="restart">Start again</button>
</div>
<div id="terminal" class="textual-terminal" data-session-websocket-url="{{ websocket_url }}"
     data-font-size="{{ font_size }}"></div>
<script nonce="{{ nonce }}">
(function () {
  var body = document.body;
  document.getElementById("restart").addEventListener("click", function () { location.reload(); });
  if (body.dataset.mode !== "kiosk") { return; }
  document.addEventListener("contextmenu", function (event) { event.preventDefault(); });
  /* Like `dfhelper kiosk --supervise`: when the kiosk stops, start it again; if it keeps
     stopping (5 starts in a minute), wait 30 seconds first. */
  var key = "dfhelper-starts";
  var now = Date.now();
  var starts = JSON.parse(sessionStorage.getItem(key) || "[]").filter(function (t) {
    return now - t < 60000;
  });
  starts.push(now);
  sessionStorage.setItem(key, JSON.stringify(starts));
  function again() {
    fetch(location.href, {cache: "no-store"}).then(function (answer) {
      if (answer.ok) { location.reload(); } else { setTimeout(again, 5000); }
    }, function () { setTimeout(again, 5000); });
  }
  var watch = new MutationObserver(function () {
    if (!body.classList.contains("-closed")) { return; }
    watch.disconnect();
    setTimeout(again, starts.length >= 5 ? 30000 : 2000);
  });
  watch.observe(body, {attributes: true, attributeFilter: ["class"]});
})();
</script>
</body>
</html>
"""
"""The page: textual-serve's terminal script and styles, and nothing from any other site."""

CLOSED_TEXT: Mapping[Mode, str] = {
    "kiosk": OUT_OF_ORDER.strip(),
    "assist": "This session has ended.",
}


def _font_size(value: str | None) -> int:
    return max(FONT_SIZES[0], _cells(value or 16, 16, FONT_SIZES[1]))


def _cells(value: object, default: int, most: int) -> int:
    """A terminal size from the browser, kept within 1..``most`` (a page could ask for any)."""
    try:
        number = int(str(value))
    except ValueError:
        return default
    return max(1, min(most, number))


def make_server(served: ServePlan, *, out: TextIO) -> Server:
    """The textual-serve `Server` for ``served``: its app processes, with dfhelper's page and routes."""
    import asyncio
    import contextlib
    import logging
    import secrets
    import signal

    import jinja2
    from aiohttp import WSCloseCode, WSMsgType, web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    log = logging.getLogger(__name__)
    page = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(PAGE)
    title = "dfhelper" if served.mode == "kiosk" else "dfhelper assist"

    class DfhelperServer(Server):
        """textual-serve's `Server` with dfhelper's page, routes, headers, origin check and logging."""

        sessions: set[web.WebSocketResponse]

        def initialize_logging(self) -> None:
            """Logging stays the CLI's (redacted, to stderr, warnings and errors only): no access log,
            no tracebacks with local values (they could hold what a patient typed)."""

        def base_url(self, request: web.Request) -> str:
            """The address the browser used: ``public_url`` when configured, else from the request."""
            return served.public_url or f"http://{request.host}"

        async def page(self, request: web.Request) -> web.Response:
            """The page: the terminal, and what to show when the session ends."""
            base = self.base_url(request)
            scheme, rest = base.split(":", 1)
            websocket = ("wss:" if scheme == "https" else "ws:") + rest
            nonce = secrets.token_urlsafe(18)
            text = page.render(
                title=title,
                mode=served.mode,
                nonce=nonce,
                static_url=f"{base}/static/",
                websocket_url=f"{websocket}/ws",
                font_size=_font_size(request.query.get("fontsize")),
                closed_text=CLOSED_TEXT[served.mode],
            )
            response = web.Response(text=text, content_type="text/html")
            response.headers["Cache-Control"] = "no-store"
            response.headers["Content-Security-Policy"] = (
                "default-src 'none'; "
                f"script-src 'self' 'nonce-{nonce}'; "
                "style-src 'self' 'unsafe-inline'; "  # xterm.js styles itself inline
                "font-src 'self'; img-src 'self' data:; "
                f"connect-src 'self' {_origin(websocket)}; "
                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
            )
            return response

        async def no_icon(self, request: web.Request) -> web.Response:
            """No favicon (browsers ask for one)."""
            return web.Response(status=204)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            """One browser's session: its own app process, from a page this server served."""
            if not allowed_origin(request.headers.get("Origin"), request.host, served.public_url):
                raise web.HTTPForbidden(text="This page may not start a session here.\n")
            websocket = web.WebSocketResponse(heartbeat=15)
            await websocket.prepare(request)

            async def close() -> None:  # the app has exited: end the browser's session
                await websocket.close()

            service = AppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=close,
                download_manager=self.download_manager,
                debug=False,  # debug would give the app devtools and a log file
            )
            self.sessions.add(websocket)
            watch: asyncio.Task[None] | None = None
            try:
                await service.start(
                    _cells(request.query.get("width"), 80, 500), _cells(request.query.get("height"), 24, 200)
                )
                watch = asyncio.create_task(self.end_with_app(service, websocket))
                await self._process_messages(websocket, service)
            except asyncio.CancelledError:
                pass
            except Exception as error:  # the type only: a message could quote what was typed
                log.error("a browser session failed: %s", type(error).__name__)
            finally:
                if watch is not None:
                    watch.cancel()
                self.sessions.discard(websocket)
                await service.stop()
                await self.reap(service)
                await websocket.close()
            return websocket

        async def end_with_app(self, service: AppService, websocket: web.WebSocketResponse) -> None:
            """Close the browser's session when its app exits, even without saying so (killed, crashed):
            textual-serve alone would leave the page showing a screen that no longer answers."""
            process: asyncio.subprocess.Process | None = getattr(service, "_process", None)
            if process is not None:
                await process.wait()
                await websocket.close()

        async def reap(self, service: AppService) -> None:
            """Wait for the session's app to exit after it was told to quit; kill it if it will not."""
            process: asyncio.subprocess.Process | None = getattr(service, "_process", None)
            if process is None:
                return
            try:
                await asyncio.wait_for(process.wait(), APP_EXIT_SECONDS)
            except TimeoutError:
                log.error("a browser session's app did not stop; killing it")
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()

        async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
            """Keys, sizes, pings and focus from the browser, to the app (sizes kept sensible)."""
            async for message in websocket:
                if message.type != WSMsgType.TEXT:
                    continue
                envelope = message.json()
                if not isinstance(envelope, list) or not envelope:
                    continue
                kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
                if kind == "stdin" and isinstance(data, str):
                    await app_service.send_bytes(data.encode("utf-8"))
                elif kind == "resize" and isinstance(data, dict):
                    await app_service.set_terminal_size(
                        _cells(data.get("width"), 80, 500), _cells(data.get("height"), 24, 200)
                    )
                elif kind == "ping":
                    await websocket.send_json(["pong", str(data)])
                elif kind == "blur":
                    await app_service.blur()
                elif kind == "focus":
                    await app_service.focus()

        async def _make_app(self) -> web.Application:
            self.sessions = set()
            app = web.Application()
            app.add_routes(
                [
                    web.get("/", self.page, name="index"),
                    web.get("/ws", self.handle_websocket, name="websocket"),
                    web.get("/favicon.ico", self.no_icon),
                    web.static("/static", self.statics_path, name="static"),
                ]
            )

            async def headers(request: web.Request, response: web.StreamResponse) -> None:
                response.headers.setdefault("X-Content-Type-Options", "nosniff")
                response.headers.setdefault("X-Frame-Options", "DENY")
                response.headers.setdefault("Referrer-Policy", "no-referrer")

            app.on_response_prepare.append(headers)
            app.on_startup.append(self.on_startup)
            app.on_shutdown.append(self.on_shutdown)
            return app

        async def on_startup(self, app: web.Application) -> None:
            """Say where it is, once it is listening."""
            out.write(f"dfhelper: serving {served.what} at {served.url} (ctrl+c stops it)\n")
            out.flush()

        async def on_shutdown(self, app: web.Application) -> None:
            """End every browser's session (each app is told to quit) before stopping."""
            for websocket in list(self.sessions):
                await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"The server is stopping.")

        def serve(self, debug: bool = False) -> None:
            """Listen until ctrl+c or SIGTERM (never in debug mode)."""
            self.debug = False
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            for number in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
                    loop.add_signal_handler(number, self.request_exit)
            try:
                web.run_app(
                    self._make_app(),
                    host=served.host,
                    port=served.port,
                    handle_signals=False,
                    loop=loop,
                    print=None,
                    access_log=None,
                    shutdown_timeout=SHUTDOWN_SECONDS,
                )
            finally:
                if not loop.is_closed():
                    loop.close()

    return DfhelperServer(served.command, host=served.host, port=served.port, title=title)


def serve(served: ServePlan, *, out: TextIO, err: TextIO) -> int:
    """Run the server until it is stopped; 0, or 2 when it cannot listen (the message says why)."""
    for line in (network_warning(served), *served.notes):
        if line:
            err.write(line + "\n")
    server = make_server(served, out=out)
    try:
        server.serve()
    except OSError as e:
        err.write(
            f"dfhelper: cannot listen on {served.host} port {served.port} ({e.strerror or e}). "
            "Is something else using that port? Choose another with --port.\n"
        )
        return 2
    return 0
