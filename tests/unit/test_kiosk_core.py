"""What the kiosk decides without a screen: languages offered, tiles, search, help requests, launch."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
import segno

from dfhelper import resources
from dfhelper.config import PathsConfig
from dfhelper.engine import text as t
from dfhelper.engine.text import SAFETY_MESSAGES
from dfhelper.escalation.sender import SendStatus
from dfhelper.escalation.store import RemoteState
from dfhelper.i18n import tools
from dfhelper.i18n.languages import flow_coverage, names, offered
from dfhelper.kiosk import launch
from dfhelper.kiosk.phases import HelpPhase
from dfhelper.kiosk.qr import qr_lines
from dfhelper.kiosk.visit import KioskCore, Visit
from tests.helpers import flow_text, write
from tests.kiosk.conftest import kiosk_config, make_core


@pytest.fixture
def core(tmp_path: Path) -> KioskCore:
    return make_core(
        kiosk_config(tmp_path / "data", languages=("en", "pl", "ur", "bn"), min_translation_coverage=0)
    )


def test_languages_are_named_in_their_own_script_and_in_english() -> None:
    assert names("pl") == ("Polski", "Polish")
    assert names("ur") == ("اردو", "Urdu")
    assert names("pa_Arab")[1].startswith("Punjabi")
    assert names("en@easyread") == ("English (Easy Read)", "English (Easy Read)")


def test_a_language_missing_a_safety_message_is_not_offered(tmp_path: Path, core: KioskCore) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(resources.locales_dir(), locales)
    po = locales / "pl" / "LC_MESSAGES" / "dfhelper.po"
    text = po.read_text(encoding="utf-8")
    start = text.index(f'msgid "{t.NOT_FOR_EMERGENCIES}"')
    end = text.index("\n\n", start)
    po.write_text(text[:start] + f'msgid "{t.NOT_FOR_EMERGENCIES}"\nmsgstr ""' + text[end:], encoding="utf-8")
    tools.compile_all(locales)
    chosen, refused = offered(("en", "pl", "ur"), locales, min_coverage=0)
    assert [lang.code for lang in chosen] == ["en", "ur"]
    assert refused == [("pl", "its safety messages are not all translated")]


def test_a_language_below_the_coverage_threshold_is_not_offered(tmp_path: Path, core: KioskCore) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(resources.locales_dir(), locales)
    po = locales / "pl" / "LC_MESSAGES" / "dfhelper.po"
    catalog = tools._read(po)
    safety = {str(m) for m in SAFETY_MESSAGES}
    for message in catalog:
        if not message.context and message.id and message.id not in safety:
            message.string = ""  # the kiosk's own sentences left untranslated
    tools._write(po, catalog)
    tools.compile_all(locales)
    chosen, refused = offered(("pl", "ur"), locales, min_coverage=0.9)
    assert [lang.code for lang in chosen] == ["en", "ur"]
    assert refused[0][0] == "pl"
    assert "of the kiosk's own text translated (need 90%)" in refused[0][1]


def test_an_untranslated_flow_does_not_stop_a_language_being_offered(tmp_path: Path, core: KioskCore) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(resources.locales_dir(), locales)
    po = locales / "pl" / "LC_MESSAGES" / "dfhelper.po"
    catalog = tools._read(po)
    for message in catalog:
        if message.context and message.context.startswith("register-with-gp:"):
            message.string = ""  # a new flow, not translated yet
    tools._write(po, catalog)
    tools.compile_all(locales)
    chosen, refused = offered(("pl",), locales, min_coverage=0.9)
    assert [lang.code for lang in chosen] == ["en", "pl"]
    assert refused == []
    coverage = flow_coverage("pl", locales, core.library)
    assert coverage["register-with-gp"] == 0.0
    assert coverage["repeat-prescription"] == 1.0


def test_every_shipped_language_is_offered_by_default(tmp_path: Path) -> None:
    core = make_core(kiosk_config(tmp_path / "data"))
    codes = [lang.code for lang in core.languages]
    assert codes[:2] == ["en", "en@easyread"]
    expected = {"pl", "ro", "pa", "pa_Arab", "ur", "pt", "es", "ar", "bn", "gu", "it", "uk"}
    assert set(codes[2:]) == expected
    english_names = [core.language(c).english for c in codes[2:]]
    assert english_names == sorted(english_names)
    assert core.language("pa_Arab").english == "Punjabi Shahmukhi"
    assert core.language("pa_Arab").direction == "rtl"
    assert core.language("pa").label == "ਪੰਜਾਬੀ ਗੁਰਮੁਖੀ (Punjabi Gurmukhi)"


def test_an_unknown_language_is_refused_with_the_reason(core: KioskCore) -> None:
    _, refused = offered(("xx",), core.locales_dir, min_coverage=0)
    assert refused == [("xx", "no compiled catalog (run: dfhelper i18n compile)")]


def test_english_is_always_offered_first(core: KioskCore) -> None:
    assert core.languages[0].code == "en"
    assert [lang.code for lang in core.languages] == ["en", "pl", "ur", "bn"]
    assert core.language("ur").direction == "rtl"
    assert core.language("pl").draft


def test_tiles_put_flows_that_suit_the_patient_first(core: KioskCore) -> None:
    visit = core.visit()
    assert [task.flow for task in visit.tasks()][:3] == [
        "repeat-prescription",
        "gp-appointment",
        "contact-practice-online",
    ]
    assert len(visit.tasks()) == len(core.library.infos)  # every flow has a tile
    visit.set_fact("has_photo_id", False)
    visit.set_fact("has_fixed_address", False)
    assert visit.tasks()[0].flow == "register-with-gp"
    visit.set_fact("has_photo_id", None)
    visit.set_fact("has_fixed_address", None)
    visit.set_fact("has_nhs_login", True)
    assert visit.tasks()[0].flow == "repeat-prescription"
    visit.set_fact("has_nhs_login", None)
    assert "has_nhs_login" not in visit.facts


def test_top_tasks_from_the_configuration(tmp_path: Path) -> None:
    config = kiosk_config(tmp_path, top_tasks=("repeat-prescription", "no-such-flow"))
    visit = make_core(config).visit()
    assert [task.flow for task in visit.tasks()] == ["repeat-prescription"]


def test_search_in_the_patients_language_and_english(core: KioskCore) -> None:
    visit = core.visit()
    visit.choose_language("pl")
    found = visit.search("recpta")
    assert found.kind in {"found", "did_you_mean"}
    assert found.tasks[0].flow == "repeat-prescription"
    assert found.tasks[0].title.lang == "pl"
    assert visit.search("prescription").tasks[0].flow == "repeat-prescription"
    assert visit.search("   ").kind == "empty"
    assert visit.search("qqqq").kind == "nothing"


def test_search_in_urdu_and_bengali(core: KioskCore) -> None:
    visit = core.visit()
    visit.choose_language("ur")
    assert visit.search("نسخہ").tasks[0].flow == "repeat-prescription"
    visit.choose_language("bn")
    assert visit.search("নিবন্ধন").tasks[0].flow == "register-with-gp"


def test_changing_language_keeps_the_place(core: KioskCore) -> None:
    visit = core.visit()
    session = visit.start("repeat-prescription")
    session.answer()
    visit.choose_language("pl")
    assert session.step_id == "can_log_in"
    assert session.view().text.lang == "pl"


def test_help_request_carries_where_and_needs_but_nothing_identifying(core: KioskCore) -> None:
    visit: Visit = core.visit()
    visit.choose_language("ur")
    visit.set_fact("needs_interpreter", True)
    session = visit.start("repeat-prescription")
    session.answer()
    state = visit.request_help()
    assert state.request is not None
    saved = state.request
    assert (saved.flow, saved.step, saved.lang) == ("repeat-prescription", "can_log_in", "ur")
    assert saved.needs == ("needs_interpreter",)
    assert saved.steps_tried == ("repeat-prescription:intro", "repeat-prescription:can_log_in")
    assert visit.request_help() is state  # once per visit until they go back
    visit.leave_help()
    assert not session.finished
    assert session.step_id == "can_log_in"


def test_help_without_an_outbox_says_not_saved(tmp_path: Path) -> None:
    config = kiosk_config(tmp_path)
    core = make_core(config)
    core = KioskCore(
        config, core.library, locales_dir=core.locales_dir, languages=core.languages, outbox=None, practice={}
    )
    assert core.visit().request_help().request is None


def test_a_broken_translation_field_falls_back_to_english(core: KioskCore) -> None:
    visit = core.visit()
    translator = visit.translator
    fake = dataclasses.replace(translator.ui("x"), text="{nope}")
    visit.core._translators["en"] = type("T", (), {"locale": "en", "ui": lambda self, e: fake})()
    shown = visit.ui("Step {position} of about {estimate}", position=1, estimate=2)
    assert shown.text == "Step 1 of about 2"
    assert shown.fallback


def test_qr_lines_draw_the_codes_modules() -> None:
    url = "https://www.nhs.uk/nhs-app/"
    lines = qr_lines(url, border=0)
    matrix = [[bool(m) for m in row] for row in segno.make(url, error="m", micro=False).matrix_iter(border=0)]
    for y, line in enumerate(lines):
        for x, glyph in enumerate(line):
            top = matrix[2 * y][x]
            bottom = matrix[2 * y + 1][x] if 2 * y + 1 < len(matrix) else False
            assert (
                glyph
                == {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}[
                    (top, bottom)
                ]
            )


def test_scrub_environment_removes_every_textual_setting() -> None:
    env = {"TEXTUAL": "devtools", "TEXTUAL_PRESS": "ctrl+q", "textual_log": "x", "HOME": "/root"}
    assert launch.scrub_environment(env) == ["TEXTUAL", "TEXTUAL_PRESS", "textual_log"]
    assert env == {"HOME": "/root"}


def test_supervisor_restarts_after_a_crash_and_stops_when_staff_close() -> None:
    codes = iter([launch.EXIT_CRASHED, 1, launch.EXIT_STAFF])
    screen = io.StringIO()
    slept: list[float] = []
    result = launch.supervise(["kiosk"], screen=screen, run=lambda c: next(codes), sleep=slept.append)
    assert result == launch.EXIT_STAFF
    assert slept == [launch.RESTART_DELAY, launch.RESTART_DELAY]
    assert screen.getvalue().count(launch.CLEAR_SCREEN) == 3


def test_supervisor_shows_out_of_order_in_a_crash_loop() -> None:
    screen = io.StringIO()
    slept: list[float] = []
    now = [0.0]

    def clock() -> float:
        now[0] += 1
        return now[0]

    launch.supervise(
        ["kiosk"],
        screen=screen,
        run=lambda c: 1,
        sleep=slept.append,
        clock=clock,
        max_runs=launch.CRASH_LOOP[0] + 1,
    )
    assert "Please ask at reception" in screen.getvalue()
    assert launch.CRASH_LOOP_PAUSE in slept


def test_child_command_drops_supervise() -> None:
    command = launch.child_command(["--config", "c.toml", "kiosk", "--supervise"])
    assert command[1:] == ["-m", "dfhelper", "--config", "c.toml", "kiosk"]


def test_review_state_survives_update_and_compile(tmp_path: Path, core: KioskCore) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(resources.locales_dir(), locales)
    po = locales / "pl" / "LC_MESSAGES" / "dfhelper.po"
    catalog = tools._read(po)
    assert tools.review_state(catalog) == tools.DRAFT
    tools._mark(catalog, tools.REVIEWED)
    tools._write(po, catalog)
    tools.update(locales, locales / "dfhelper.pot")
    assert "# Review: reviewed" in po.read_text(encoding="utf-8")
    tools.compile_all(locales)
    from dfhelper.i18n.languages import assess

    language = assess("pl", locales, [])
    assert not language.draft
    assert (language.native, language.english, language.direction) == ("Polski", "Polish", "ltr")
    assert assess("ur", locales, []).direction == "rtl"


def test_carry_on_url_is_an_official_page_from_the_flow(core: KioskCore) -> None:
    visit = core.visit()
    session = visit.start("repeat-prescription")
    while not session.finished:
        session.answer(session.view().options[0].value)
    url = visit.carry_on_url(session.view())
    assert url is not None
    assert url.startswith("https://")
    flow = core.library.flow("repeat-prescription")
    assert url in {*flow.sources, *(s for step in flow.steps for s in step.sources)}


class StubSender:
    """A sender whose status the test sets."""

    def __init__(self) -> None:
        self.now = SendStatus(delivered=False, remote=None, store_ok_age=None, desk_seen=None)
        self.woken = 0

    def status(self, request: object) -> SendStatus:
        return self.now

    def wake(self) -> None:
        self.woken += 1


def _phase_core(tmp_path: Path) -> tuple[KioskCore, StubSender, list[float]]:
    loaded = make_core(kiosk_config(tmp_path))
    assert loaded.sender is not None
    loaded.sender.stop()
    stub, clock = StubSender(), [0.0]
    core = KioskCore(
        loaded.config,
        loaded.library,
        locales_dir=loaded.locales_dir,
        languages=loaded.languages,
        outbox=loaded.outbox,
        practice={},
        sender=stub,  # type: ignore[arg-type]
        clock=lambda: clock[0],
    )
    return core, stub, clock


def test_the_help_phase_follows_the_request_to_the_desk_and_back(tmp_path: Path) -> None:
    core, stub, clock = _phase_core(tmp_path)
    visit = core.visit()
    visit.start("repeat-prescription")
    visit.request_help()
    assert stub.woken == 1  # the sender is told at once
    now = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
    assert visit.help_phase(now=now) is HelpPhase.SENDING
    clock[0] = core.config.desk.unreachable_seconds + 1
    assert visit.help_phase(now=now) is HelpPhase.GO_TO_DESK  # never reached the desk
    stub.now = SendStatus(True, RemoteState("open"), 0.1, desk_seen=None)
    assert visit.help_phase(now=now) is HelpPhase.GO_TO_DESK  # delivered, but no desk was ever open
    stub.now = SendStatus(True, RemoteState("open"), 0.1, desk_seen=now - dt.timedelta(seconds=5))
    assert visit.help_phase(now=now) is HelpPhase.AT_DESK
    late = now + dt.timedelta(seconds=core.config.desk.desk_absent_seconds + 10)
    assert visit.help_phase(now=late) is HelpPhase.GO_TO_DESK  # the desk stopped watching
    stub.now = SendStatus(True, RemoteState("claimed"), 0.1, desk_seen=now)
    assert visit.help_phase(now=now) is HelpPhase.COMING
    stub.now = SendStatus(True, RemoteState("resolved", "come_to_desk"), 0.1, desk_seen=now)
    assert visit.help_phase(now=now) is HelpPhase.GO_TO_DESK
    stub.now = SendStatus(True, RemoteState("resolved", "helped_at_kiosk"), 0.1, desk_seen=now)
    assert visit.help_phase(now=now) is HelpPhase.DONE


def test_a_red_flag_escalation_is_a_priority_request(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    write(
        flows,
        flow_text(
            "- id: chest\n  kind: choice\n  text: Do you have chest pain now?\n  options:\n"
            "    - {value: yes, text: 'Yes', next: urgent}\n    - {value: no, text: 'No', next: done}\n"
            "- id: urgent\n  kind: escalate\n  reason: red_flag_chest_pain\n  priority: true\n"
            "  text: Please tell reception now.\n"
            "- id: done\n  kind: end\n  text: Done.\n",
            flow_id="t",
        ),
    )
    config = dataclasses.replace(
        kiosk_config(tmp_path / "data"), paths=PathsConfig(flows=(flows,), data_dir=tmp_path / "data")
    )
    core = make_core(config)
    assert not core.library.errors, core.library.errors
    visit = core.visit()
    session = visit.start("t")
    session.answer("yes")
    assert session.status == "escalated"
    state = visit.request_help(str((session.outcome or {}).get("reason")))
    assert state.request is not None
    assert state.request.priority is True
    assert state.request.reason == "red_flag_chest_pain"
    core.close()


@pytest.fixture
def easy_read_core(tmp_path: Path) -> KioskCore:
    return make_core(kiosk_config(tmp_path / "data", languages=("en", "en@easyread", "pl")))


def test_ticking_easy_read_in_english_switches_to_easy_read_and_back(easy_read_core: KioskCore) -> None:
    visit = easy_read_core.visit()
    visit.set_fact("wants_easy_read", True)
    assert visit.lang == "en@easyread"
    session = visit.start("repeat-prescription")
    assert session.translator is not None
    assert session.translator.locale == "en@easyread"
    visit.set_fact("wants_easy_read", False)
    assert visit.lang == "en"
    assert session.translator.locale == "en"


def test_choosing_easy_read_records_that_the_patient_wants_it(easy_read_core: KioskCore) -> None:
    visit = easy_read_core.visit()
    visit.choose_language("en@easyread")
    assert visit.facts["wants_easy_read"] is True


def test_easy_read_in_another_language_keeps_that_language(easy_read_core: KioskCore) -> None:
    visit = easy_read_core.visit()
    visit.choose_language("pl")
    visit.set_fact("wants_easy_read", True)
    assert visit.lang == "pl"
    assert visit.facts["wants_easy_read"] is True
