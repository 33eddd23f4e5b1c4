"""``dfhelper serve`` end to end: a real server process, headless Chromium, a patient's first step.

Each test starts ``dfhelper serve`` as its own process group (textual-serve starts one app
process per browser) with a temporary configuration: data in ``tmp_path``, the embedded SQLite
desk store. Chromium is Debian's, driven by Playwright. The app's screen is read from what it
sends to the page (see browser.py), and screenshots are checked for not being blank.

Skipped without Chromium, unless ``DFHELPER_REQUIRE_CHROMIUM=1``.
"""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.chromium import chromium_or_skip
from tests.serve.browser import (
    TIMEOUT,
    Server,
    Tab,
    colours,
    handshake,
    launch_args,
    listening_addresses,
    serving,
    write_config,
)

pytestmark = pytest.mark.slow

VIEWPORT = {"width": 1024, "height": 700}


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Debian Chromium, through Playwright."""
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=launch_args())
        try:
            yield chromium
        finally:
            chromium.close()


def open_tab(browser: Any, server: Server) -> Tab:
    page = browser.new_page(viewport=VIEWPORT)
    tab = Tab(page)
    page.goto(server.url)
    return tab


def assert_not_blank(png: Path) -> None:
    distinct, spread = colours(png)
    assert distinct > 8, f"{png.name} has only {distinct} colours"
    assert spread > 10, f"{png.name} is nearly one flat colour (brightness spread {spread:.1f})"


def only_the_server_is_left(server: Server, timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.group() == [server.process.pid]:
            return True
        time.sleep(0.2)
    return False


def test_a_patient_completes_a_step_in_the_browser_and_quit_keys_do_not_end_it(
    browser: Any, tmp_path: Path
) -> None:
    """Touch to start, English, a task tile, skip the circumstances, answer step 1: step 2 shows.

    Quit, interrupt, palette and suspend keys on the way change nothing. Textual settings given
    to the server (a log file, screenshots) never reach the kiosk.
    """
    env = dict(os.environ)
    env["TEXTUAL_LOG"] = str(tmp_path / "textual.log")
    env["TEXTUAL_SCREENSHOT"] = "1"
    env["TEXTUAL_SCREENSHOT_LOCATION"] = str(tmp_path / "screenshots")
    with serving(write_config(tmp_path), tmp_path, env=env) as server:
        tab = open_tab(browser, server)
        tab.wait_for("Touch the screen to start")
        tab.page.screenshot(path=tmp_path / "welcome.png")
        assert_not_blank(tmp_path / "welcome.png")

        tab.touch("Touch the screen to start")
        tab.wait_for("Choose your language")
        tab.touch("1  English")
        tab.wait_for("What do you need help with?")
        tab.touch("Order a repeat prescription")
        tab.wait_for("What applies to you?")
        tab.touch("Skip")
        step_one = tab.wait_for("Step 1 of about")
        assert "Order a repeat prescription" in step_one
        tab.page.screenshot(path=tmp_path / "step1.png")

        tab.press("Control+q", "Control+c", "Control+p", "Control+z", "Control+Backslash", "F1")
        tab.page.wait_for_timeout(1500)  # the time a quit would take to show
        assert not tab.session_ended()
        assert tab.closed_sockets == 0
        assert "Step 1 of about" in tab.grid.text()
        assert "Search" not in tab.grid.text()  # no command palette

        tab.touch("1  Continue")
        step_two = tab.wait_for("Step 2 of about")
        assert "Step 1 of about" not in step_two
        shot = tmp_path / "step2.png"
        tab.page.screenshot(path=shot)
        assert_not_blank(shot)
        assert shot.read_bytes() != (tmp_path / "step1.png").read_bytes()

        tab.page.close()  # the patient's session ends with the page: its kiosk process goes too
        assert only_the_server_is_left(server), f"still running: {server.group()}"
    assert not (tmp_path / "textual.log").exists()
    assert not (tmp_path / "screenshots").exists()


def test_the_kiosk_page_starts_a_fresh_kiosk_when_the_last_one_stopped(browser: Any, tmp_path: Path) -> None:
    """Like ``dfhelper kiosk --supervise``: an app that stops (here: killed) is started again."""
    import signal

    with serving(write_config(tmp_path), tmp_path) as server:
        tab = open_tab(browser, server)
        tab.wait_for("Touch the screen to start")
        tab.touch("Touch the screen to start")
        tab.wait_for("Choose your language")
        [kiosk] = [pid for pid in server.group() if pid != server.process.pid]
        fresh = Tab(tab.page)  # reads the next session, after the page has reloaded itself
        os.kill(kiosk, signal.SIGKILL)
        wait_until_ended(tab)
        assert "Please ask at reception." in tab.page.locator(".closed").inner_text()
        fresh.wait_for("Touch the screen to start")
        assert not fresh.session_ended()
        assert kiosk not in server.group()


def test_the_staff_key_sequence_and_pin_work_in_the_browser(browser: Any, tmp_path: Path) -> None:
    """ctrl+x, ctrl+k, ctrl+x opens the PIN box; the right PIN closes that kiosk (the page starts another)."""
    from dfhelper.pin import hash_pin

    config = write_config(tmp_path, f'[kiosk]\nstaff_pin_hash = "{hash_pin("2468")}"\n')
    with serving(config, tmp_path) as server:
        tab = open_tab(browser, server)
        tab.wait_for("Touch the screen to start")
        tab.touch("Touch the screen to start")
        tab.wait_for("Choose your language")
        tab.press("Control+x", "Control+k", "Control+x")
        tab.wait_for("Staff only: enter the PIN to close dfhelper.")
        tab.press("1", "3", "5", "7", "Enter")
        tab.wait_for("That PIN is not right.")
        assert not tab.session_ended()
        fresh = Tab(tab.page)
        tab.press(*"2468", "Enter")
        wait_until_ended(tab)
        fresh.wait_for("Touch the screen to start")


def wait_until_ended(tab: Tab) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not tab.session_ended():
        assert time.monotonic() < deadline, "the page never showed that the session ended"
        tab.page.wait_for_timeout(100)


def test_it_listens_on_127_0_0_1_only_by_default(tmp_path: Path) -> None:
    with serving(write_config(tmp_path), tmp_path) as server:
        assert listening_addresses(server.port) == ["127.0.0.1"]
        assert "serving the kiosk at http://127.0.0.1:" in server.out.read_text()
        assert "anyone on that network" not in server.err.read_text()


def test_the_server_offers_the_page_and_nothing_else(tmp_path: Path) -> None:
    with serving(write_config(tmp_path), tmp_path) as server:
        with urllib.request.urlopen(server.url, timeout=30) as answer:
            page = answer.read().decode()
            headers = answer.headers
        assert "fonts.googleapis.com" not in page  # the page asks nothing of other sites
        assert "https://" not in page
        assert headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["Cache-Control"] == "no-store"
        for path in ("download/anything", "static/", "static/js/", "static/../server.py", "textual.log"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(server.url + path, timeout=30)
            assert refused.value.code in (403, 404), path
        with urllib.request.urlopen(server.url + "static/js/textual.js", timeout=30) as script:
            assert script.status == 200

        assert handshake(server.port, "https://evil.example").endswith("403 Forbidden")
        assert handshake(server.port, None).endswith("403 Forbidden")
        rebound = handshake(server.port, "http://evil.example:1", host="evil.example:1")
        assert rebound.endswith("403 Forbidden")
        assert server.group() == [server.process.pid]  # no app was started for any of them


def test_assist_mode_is_served_with_its_flow(browser: Any, tmp_path: Path) -> None:
    with serving(
        write_config(tmp_path), tmp_path, "--mode", "assist", "--flow", "repeat-prescription"
    ) as server:
        assert "serving assist mode at" in server.out.read_text()
        tab = open_tab(browser, server)
        shown = tab.wait_for("Answers and where they go")
        assert "Volunteer notes" in shown
        assert "Flow: repeat-prescription  (step 1)" in shown
        tab.touch_anywhere()  # gives the terminal the keyboard
        tab.press("1")  # the helper answers for the patient
        tab.wait_for("Flow: repeat-prescription  (step 2)")
        shot = tmp_path / "assist.png"
        tab.page.screenshot(path=shot)
        assert_not_blank(shot)
        assert tab.page.title() == "dfhelper assist"
        # nothing on the page can open another page or tab (links in the text, or the app asking)
        assert tab.page.evaluate("() => window.open('https://www.nhs.uk/') === null")
        assert len(tab.page.context.pages) == 1
