"""Read-aloud on the step screen, with a fake speaker: what is said, in which language, and when it stops."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Button, Static

from dfhelper.kiosk import strings as s
from dfhelper.kiosk.app import KioskApp
from dfhelper.kiosk.screens import LanguageScreen, StepScreen, TasksScreen
from dfhelper.kiosk.widgets import KioskInput
from tests.kiosk.conftest import MakeApp


class FakeSpeaker:
    """Records what it is asked to say; has voices only for ``langs``."""

    def __init__(self, langs: tuple[str, ...] = ("en", "pl")) -> None:
        self.langs = langs
        self.said: list[tuple[str, str]] = []
        self.stops = 0
        self._speaking = False

    def voice_for(self, lang: str) -> str | None:
        return lang if lang in self.langs else None

    def say(self, text: str, lang: str) -> bool:
        self.stop()
        if lang not in self.langs:
            return False
        self.said.append((text, lang))
        self._speaking = True
        return True

    def stop(self) -> None:
        self.stops += 1
        self._speaking = False

    @property
    def speaking(self) -> bool:
        return self._speaking


def plain(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def to_step(pilot: Pilot[int], flow: str, *, language: int = 1) -> None:
    """Choose the ``language``-th language, start ``flow``, skip "What applies to you?"."""
    app = pilot.app
    assert isinstance(app, KioskApp)
    await pilot.press("enter")
    await pilot.pause()
    if isinstance(app.screen, LanguageScreen):
        await pilot.press(str(language))
        await pilot.pause()
    app.start_task(flow)
    await pilot.pause()
    await pilot.click("#skip")
    await pilot.pause()
    assert isinstance(app.screen, StepScreen)


def app_with(make_app: MakeApp, speaker: FakeSpeaker, languages: tuple[str, ...]) -> KioskApp:
    app = make_app(languages=languages, min_translation_coverage=0.0)
    app.speaker = speaker
    return app


async def test_the_button_reads_the_step_in_the_patients_language(make_app: MakeApp) -> None:
    speaker = FakeSpeaker()
    app = app_with(make_app, speaker, ("en", "pl"))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription", language=2)
        assert app.visit is not None
        assert app.visit.lang == "pl"
        button = app.screen.query_one("#read-aloud", Button)
        assert str(button.label) == app.visit.ui(s.READ_ALOUD).text != s.READ_ALOUD
        await pilot.click("#read-aloud")
        await pilot.pause()
        assert len(speaker.said) == 1
        text, lang = speaker.said[0]
        assert lang == "pl"
        shown = plain(app, "#step-text")
        assert shown.split("\n")[0].strip() in text
        options = [str(b.label) for b in app.screen.query(".option").results(Button) if b.display]
        for label in options:  # "1  Tak" shown, "1. Tak" said
            number, _, answer = label.partition("  ")
            assert f"{number}. {answer.strip()}" in text
        assert "[b]" not in text
        assert "[/b]" not in text
        assert not app.screen.query_one("#no-voice", Static).display


async def test_r_reads_aloud_and_answering_stops_it(make_app: MakeApp) -> None:
    speaker = FakeSpeaker()
    app = app_with(make_app, speaker, ("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription")
        await pilot.press("r")
        await pilot.pause()
        assert [lang for _, lang in speaker.said] == ["en"]
        assert speaker.speaking
        first = speaker.said[0][0]
        await pilot.press("1")  # answer: the step changes
        await pilot.pause()
        assert not speaker.speaking
        await pilot.press("r")
        await pilot.pause()
        assert speaker.said[1][0] != first  # the new step is read
        assert speaker.speaking
        await pilot.click("#back")
        await pilot.pause()
        assert not speaker.speaking


async def test_no_voice_shows_a_notice_in_the_patients_language(make_app: MakeApp) -> None:
    speaker = FakeSpeaker(langs=("en",))
    app = app_with(make_app, speaker, ("en", "pl"))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription", language=2)
        notice = app.screen.query_one("#no-voice", Static)
        assert not notice.display
        await pilot.click("#read-aloud")
        await pilot.pause()
        assert speaker.said == []
        assert notice.display
        assert app.visit is not None
        expected = app.visit.ui(s.NO_VOICE).text
        assert expected != s.NO_VOICE  # Polish, not English
        assert " ".join(str(notice.render()).split()) == " ".join(expected.split())
        await pilot.press("1")  # the next step: the notice goes
        await pilot.pause()
        assert not notice.display


async def test_leaving_the_step_and_the_wipe_stop_speech(make_app: MakeApp) -> None:
    speaker = FakeSpeaker()
    app = app_with(make_app, speaker, ("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription")
        await pilot.press("r")
        await pilot.click("#back")  # from the first step: back to the tasks
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        assert not speaker.speaking
        app.start_task("repeat-prescription")
        await pilot.pause()
        await pilot.press("r")
        assert speaker.speaking
        await pilot.click("#stuck")  # the help screen goes on top
        await pilot.pause()
        assert not speaker.speaking
        app.leave_help()
        await pilot.pause()
        await pilot.press("r")
        assert speaker.speaking
        await app.wipe()
        await pilot.pause()
        assert not speaker.speaking


async def test_speech_stops_when_the_app_exits(make_app: MakeApp) -> None:
    speaker = FakeSpeaker()
    app = app_with(make_app, speaker, ("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription")
        await pilot.press("r")
        assert speaker.speaking
    assert not speaker.speaking


async def test_r_in_a_text_box_is_typed_not_read(make_app: MakeApp) -> None:
    speaker = FakeSpeaker()
    app = app_with(make_app, speaker, ("en",))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_step(pilot, "repeat-prescription")
        app.screen.query_one("#text-row").display = True  # as on a step that asks for typing
        typed = app.screen.query_one("#typed", KioskInput)
        typed.focus()
        await pilot.pause()
        assert app.focused is typed
        await pilot.press("r")
        await pilot.pause()
        assert typed.value == "r"
        assert speaker.said == []


async def test_the_kiosk_makes_a_real_speaker_only_when_asked(make_app: MakeApp) -> None:
    from dfhelper.speech import Speaker

    app = make_app(languages=("en",))
    async with app.run_test(size=(80, 24)):
        assert app._speaker is None  # nothing started for a patient who never asks
        assert isinstance(app.speaker, Speaker)
        assert app.speaker is app.speaker
