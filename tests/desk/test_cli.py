"""``dfhelper desk list``: the open requests for scripts (json) and people (text), on both stores."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from dfhelper.cli import desk_store_url, main
from dfhelper.config import load_config
from dfhelper.escalation.store import default_url, open_store
from tests.desk.conftest import Kiosks


def run(args: list[str], config: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--config", str(config), *args], env={}, stdin=io.StringIO(), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def config_file(tmp_path: Path, store_url: str = "") -> Path:
    path = tmp_path / "config.toml"
    desk = f'store_url = "{store_url}"\n' if store_url else ""
    path.write_text(
        f'[paths]\ndata_dir = "{tmp_path / "data"}"\n\n[desk]\n{desk}name = "Front desk"\n', encoding="utf-8"
    )
    return path


def test_desk_list_json_gives_each_open_request_in_the_stores_order(tmp_path: Path, store_url: str) -> None:
    store = open_store(store_url)
    kiosks = Kiosks(tmp_path, store)
    try:
        first = kiosks.ask(0)
        claimed = kiosks.ask(2)
        urgent = kiosks.ask(5, priority=True)
        done = kiosks.ask(6)
        store.claim(claimed.id, "Back office")
        store.resolve(done.id, "Back office", "helped_at_kiosk")
        code, out, err = run(["desk", "list", "--format", "json"], config_file(tmp_path, store_url))
        listed = json.loads(out)
        assert (code, err) == (0, "")
        assert [r["id"] for r in listed] == [urgent.id, first.id, claimed.id]
        assert listed == [r.to_json() for r in store.open_requests()]
        assert listed[0]["priority"] is True
        assert listed[2]["state"] == "claimed"
        assert listed[2]["claimed_by"] == "Back office"
        assert listed[1]["needs"] == ["needs_interpreter"]
        assert listed[1]["created_at"] == "2026-01-05T09:00:00+00:00"
    finally:
        kiosks.close()
        store.close()


def test_desk_list_text_prints_one_aligned_line_per_request(tmp_path: Path, desk_url: str) -> None:
    store = open_store(desk_url)
    kiosks = Kiosks(tmp_path, store)
    try:
        kiosks.ask(0)
        kiosks.ask(1, priority=True, lang="ur", needs=["wants_easy_read"])
        code, out, _ = run(["desk", "list"], config_file(tmp_path, desk_url))
    finally:
        kiosks.close()
        store.close()
    heading, urgent, other = out.splitlines()
    assert code == 0
    assert heading.startswith("Priority")
    assert urgent.startswith("URGENT")
    assert "Urdu" in urgent
    assert "Easy Read" in urgent
    assert "Order a repeat prescription" in other  # the shipped flow's title, not its id
    assert heading.index("Ticket") == urgent.index("002") == other.index("001")


def test_desk_list_with_nobody_waiting_says_so(tmp_path: Path, desk_url: str) -> None:
    code, out, _ = run(["desk", "list"], config_file(tmp_path, desk_url))
    assert (code, out) == (0, "Nobody is waiting for help.\n")
    code, out, _ = run(["desk", "list", "--format", "json"], config_file(tmp_path, desk_url))
    assert (code, json.loads(out)) == (0, [])


def test_without_a_store_url_the_desk_uses_the_data_folders_store_as_the_kiosk_does(tmp_path: Path) -> None:
    config = config_file(tmp_path)
    url = default_url(tmp_path / "data")
    assert desk_store_url(load_config(config)) == url
    store = open_store(url)
    kiosks = Kiosks(tmp_path, store)
    try:
        asked = kiosks.ask(0)
        code, out, _ = run(["desk", "list", "--format", "json"], config)
    finally:
        kiosks.close()
        store.close()
    assert code == 0
    assert [r["id"] for r in json.loads(out)] == [asked.id]


def test_desk_list_with_an_unreachable_store_exits_1_saying_why_without_the_password(tmp_path: Path) -> None:
    url = "postgresql://desk:s3cret@127.0.0.1:1/dfhelper?connect_timeout=2"
    code, out, err = run(["desk", "list", "--format", "json"], config_file(tmp_path, url))
    assert code == 1
    assert out == ""
    assert err.startswith("dfhelper: cannot read the help requests from postgresql://desk:***@127.0.0.1:1/")
    assert "s3cret" not in err
    assert "Traceback" not in err


def test_desk_list_with_an_unusable_sqlite_path_exits_1(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    code, _, err = run(["desk", "list"], config_file(tmp_path, f"sqlite:///{blocker / 'desk.sqlite3'}"))
    assert code == 1
    assert "cannot read the help requests" in err


def test_desk_list_runs_without_importing_textual(tmp_path: Path, desk_url: str) -> None:
    config = config_file(tmp_path, desk_url)
    code = (
        "import io, sys\n"
        "from dfhelper.cli import main\n"
        f"rc = main(['--config', {str(config)!r}, 'desk', 'list'], env={{}}, stdout=io.StringIO())\n"
        "print(rc, any(m.split('.')[0] in {'textual', 'rich'} for m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0 False"


def test_dfhelper_desk_opens_the_console_on_the_configured_store_with_task_titles(
    tmp_path: Path, desk_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dfhelper.desk.app import DeskApp

    opened: list[DeskApp] = []

    def fake_run(self: DeskApp) -> None:
        opened.append(self)

    monkeypatch.setattr(DeskApp, "run", fake_run)
    code, _, err = run(["desk"], config_file(tmp_path, desk_url))
    (app,) = opened
    assert (code, err) == (0, "")
    assert app.store_url == desk_url
    assert app.desk_name == "Front desk"
    assert app.titles["repeat-prescription"] == "Order a repeat prescription"


def test_dfhelper_desk_after_an_unexpected_error_says_where_and_exits_1(
    tmp_path: Path, desk_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dfhelper.desk.app import DeskApp

    def crashed(self: DeskApp) -> None:
        self.crash = "RuntimeError at app.py:1 tick"

    monkeypatch.setattr(DeskApp, "run", crashed)
    code, _, err = run(["desk"], config_file(tmp_path, desk_url))
    assert code == 1
    assert err == (
        "dfhelper: the desk stopped after an unexpected error (RuntimeError at app.py:1 tick). "
        "Please report it.\n"
    )
