"""``dfhelper serve`` before it listens: the command each browser runs, the address, the checks.

No browser and no server here (see test_serve.py for those).
"""

from __future__ import annotations

import io
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from dfhelper import serve
from dfhelper.cli import main
from dfhelper.config import Config, ServeConfig, load_config


def config_at(folder: Path, text: str = "") -> Path:
    path = folder / "config.toml"
    path.write_text(f'[paths]\ndata_dir = "{folder / "data"}"\n{text}', encoding="utf-8")
    return path


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, env={}, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_the_served_kiosk_is_this_python_and_this_config_running_dfhelper_kiosk(tmp_path: Path) -> None:
    path = config_at(tmp_path)
    served = serve.plan(load_config(path))
    assert served.argv == (
        sys.executable,
        "-m",
        "dfhelper",
        "--config",
        str(path.resolve()),
        "kiosk",
        "--served",
    )
    assert (served.host, served.port, served.mode) == ("127.0.0.1", 8000, "kiosk")


def test_every_part_of_the_command_is_quoted_for_the_shell_textual_serve_uses(tmp_path: Path) -> None:
    folder = tmp_path / "it's a $(touch pwned); folder"
    folder.mkdir()
    served = serve.plan(load_config(config_at(folder)), mode="assist", flow="x; rm -rf ~", lang="en")
    words = shlex.split(served.command)
    assert words[0] == "exec"
    assert tuple(words[1:]) == served.argv
    assert "--config" in words
    assert words[words.index("--config") + 1] == str((folder / "config.toml").resolve())
    assert words[-4:] == ["--flow", "x; rm -rf ~", "--lang", "en"]
    echo = served.command.replace("exec ", "echo ", 1)
    done = subprocess.run(["sh", "-c", echo], capture_output=True, text=True, check=True, timeout=30)
    assert done.stdout.strip() == " ".join(served.argv)
    assert not (Path.cwd() / "pwned").exists()


def test_assist_mode_runs_dfhelper_assist_with_its_flow_and_language(tmp_path: Path) -> None:
    served = serve.plan(
        load_config(config_at(tmp_path)), mode="assist", flow="repeat-prescription", lang="pl"
    )
    assert served.argv[-5:] == ("assist", "--flow", "repeat-prescription", "--lang", "pl")
    assert "--served" not in served.argv


def test_the_kiosk_takes_no_flow_or_language_from_the_command_line() -> None:
    with pytest.raises(serve.ServeError, match="--mode assist"):
        serve.plan(Config(), flow="repeat-prescription")


def test_without_a_config_file_the_children_get_none_either() -> None:
    served = serve.plan(Config())
    assert "--config" not in served.argv


def test_command_line_overrides_the_configured_address() -> None:
    config = Config(serve=ServeConfig(host="192.0.2.10", port=9000))
    assert (serve.plan(config).host, serve.plan(config).port) == ("192.0.2.10", 9000)
    served = serve.plan(config, host="127.0.0.1", port=8123)
    assert (served.host, served.port) == ("127.0.0.1", 8123)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),  # every interface
        ("::", False),
        ("192.168.1.20", False),
        ("reception-pc", False),
    ],
)
def test_only_loopback_addresses_count_as_this_machine_only(host: str, loopback: bool) -> None:
    assert serve.is_loopback(host) is loopback


def test_a_network_address_is_allowed_with_a_one_line_warning() -> None:
    served = serve.plan(Config(), host="0.0.0.0")
    warning = serve.network_warning(served)
    assert warning is not None
    assert "\n" not in warning
    assert "anyone on that network can open the kiosk" in warning
    assert serve.network_warning(serve.plan(Config())) is None


def test_the_right_to_left_setting_for_a_terminal_brings_a_note_for_the_browser(tmp_path: Path) -> None:
    assert serve.plan(Config()).notes == (serve.RTL_NOTE,)
    reorder = load_config(config_at(tmp_path, '[kiosk]\nrtl = "reorder"\n'))
    assert serve.plan(reorder).notes == ()


@pytest.mark.parametrize("host", ["", "   ", "bad host", "a..b", "http://127.0.0.1"])
def test_an_address_that_cannot_be_listened_on_is_refused(host: str) -> None:
    with pytest.raises(serve.ServeError):
        serve.plan(Config(), host=host)


@pytest.mark.parametrize("port", [0, -1, 65536])
def test_a_port_out_of_range_is_refused(port: int) -> None:
    with pytest.raises(serve.ServeError, match="from 1 to 65535"):
        serve.plan(Config(), port=port)


@pytest.mark.parametrize("url", ["kiosk.example.org", "ftp://x.example", "https://x.example/?a=1"])
def test_a_public_url_must_be_an_http_address(url: str) -> None:
    with pytest.raises(serve.ServeError, match="public_url"):
        serve.plan(Config(serve=ServeConfig(public_url=url)))


def test_the_address_to_open_is_shown_for_this_machine_or_the_public_url() -> None:
    assert serve.plan(Config()).url == "http://127.0.0.1:8000"
    assert serve.plan(Config(), host="::1", port=8080).url == "http://[::1]:8080"
    assert serve.plan(Config(), host="0.0.0.0").url == "http://127.0.0.1:8000"
    assert serve.plan(Config(), host="192.0.2.7").url == "http://192.0.2.7:8000"
    proxied = Config(serve=ServeConfig(public_url="https://kiosk.example.nhs.uk/"))
    assert serve.plan(proxied).url == "https://kiosk.example.nhs.uk"


@pytest.mark.parametrize(
    ("origin", "host", "public_url", "allowed"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", "", True),
        ("http://localhost:8000", "localhost:8000", "", True),
        ("http://192.168.1.20:8000", "192.168.1.20:8000", "", True),
        ("http://[::1]:8000", "[::1]:8000", "", True),
        ("https://kiosk.example.nhs.uk", "127.0.0.1:8000", "https://kiosk.example.nhs.uk", True),
        (None, "127.0.0.1:8000", "", False),  # not a browser page
        ("null", "127.0.0.1:8000", "", False),  # a file or sandboxed page
        ("https://evil.example", "127.0.0.1:8000", "", False),  # another site's page
        ("http://127.0.0.1:9999", "127.0.0.1:8000", "", False),  # another port is another site
        ("http://rebound.evil.example:8000", "rebound.evil.example:8000", "", False),  # DNS rebinding
        ("https://evil.example", "127.0.0.1:8000", "https://kiosk.example.nhs.uk", False),
    ],
)
def test_sessions_start_only_from_pages_this_server_served(
    origin: str | None, host: str, public_url: str, allowed: bool
) -> None:
    assert serve.allowed_origin(origin, host, public_url) is allowed


def test_serve_help_in_a_fresh_process_mentions_the_mode_host_and_port() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dfhelper", "serve", "--help"],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    for option in ("--mode {kiosk,assist}", "--host", "--port", "--flow", "--lang"):
        assert option in done.stdout


def test_bad_serve_settings_exit_2_with_a_clear_message(tmp_path: Path) -> None:
    path = str(config_at(tmp_path))
    code, _, err = run(["--config", path, "serve", "--flow", "repeat-prescription"])
    assert (code, err) == (
        2,
        "dfhelper: --flow and --lang are for --mode assist; the kiosk asks the patient.\n",
    )
    code, _, err = run(["--config", path, "serve", "--port", "70000"])
    assert code == 2
    assert "from 1 to 65535" in err
    code, _, err = run(["--config", path, "serve", "--mode", "assist", "--flow", "no-such-flow"])
    assert code == 2
    assert "no usable flow called 'no-such-flow'" in err


def test_kiosk_served_is_refused_outside_serve_or_with_supervise(tmp_path: Path) -> None:
    path = str(config_at(tmp_path))
    for argv in (["kiosk", "--served"], ["kiosk", "--served", "--supervise"]):
        code, _, err = run(["--config", path, *argv])
        assert code == 2
        assert "--served is for `dfhelper serve` only" in err


def test_a_port_already_in_use_exits_2_saying_so(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "dfhelper", "--config", str(config_at(tmp_path))]
        done = subprocess.run(
            [*command, "serve", "--port", str(port)],
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1 port {port}" in done.stderr
    assert "Traceback" not in done.stderr


def test_serving_imports_textual_serve_but_never_textual() -> None:
    code = (
        "import io, sys\n"
        "from dfhelper import serve\n"
        "from dfhelper.config import Config\n"
        "light = not any(m.split('.')[0] in {'aiohttp', 'jinja2', 'textual_serve'} for m in sys.modules)\n"
        "server = serve.make_server(serve.plan(Config()), out=io.StringIO())\n"
        "print(light, type(server).__mro__[1].__module__,"
        " sorted({m.split('.')[0] for m in sys.modules} & {'textual'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["True", "textual_serve.server", "[]"]


def test_the_page_shows_nothing_typed_and_escapes_what_it_is_given() -> None:
    """The page template is autoescaped: a hostile Host header cannot add markup to the page."""
    import jinja2

    page = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(serve.PAGE)
    text = page.render(
        title="dfhelper",
        mode="kiosk",
        nonce="n",
        static_url='"><script>alert(1)</script>/',
        websocket_url="ws://x/ws",
        font_size=16,
        closed_text=serve.CLOSED_TEXT["kiosk"],
    )
    assert "<script>alert(1)</script>" not in text
    assert "Please ask at reception." in text


def test_the_docs_name_every_serve_setting_and_show_the_real_warning() -> None:
    import dataclasses

    doc = (Path(__file__).resolve().parents[2] / "docs" / "serve.md").read_text(encoding="utf-8")
    for name in (f.name for f in dataclasses.fields(ServeConfig)):
        assert f"\n{name} = " in doc, name
    warning = serve.network_warning(serve.plan(Config(), host="192.168.1.20"))
    assert warning is not None
    assert warning.split(" Use it")[0] in doc
    assert serve.CLOSED_TEXT["kiosk"].replace("\n\n", " ") in " ".join(doc.split()).replace('"', "")
