"""Read-aloud with espeak-ng: choosing voices, never putting text on a command line, real speech in a WAV.

The tests that run the real espeak-ng are skipped when it is not installed, unless
``DFHELPER_REQUIRE_ESPEAK=1`` (then they fail), so a kiosk image can insist on it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import time
import wave
from pathlib import Path

import pytest

from dfhelper.speech import Speaker, candidates, choose_voice, clean, parse_voices

VOICES = """\
Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  ar              --/M      Arabic             sem/ar
 2  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)
 5  en-gb-x-rp      --/M      English_(Received_Pronunciation) gmw/en-GB-x-rp       (en-gb 4)(en 5)
 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)
 5  es-419          --/M      Spanish_(Latin_America) roa/es-419           (es-mx 6)(es 6)
 5  pa              --/M      Punjabi            inc/pa
 5  pl              --/M      Polish             zlw/pl
 5  pt              --/M      Portuguese_(Portugal) roa/pt
 5  pt-br           --/M      Portuguese_(Brazil) roa/pt-BR
 5  ur              --/M      Urdu               inc/ur
"""

LOCALES = ("en", "en@easyread", "pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "gu", "it", "uk")
"""The shipped languages that espeak-ng 1.51 (Debian 12) has a voice for; pa_Arab has none."""

REQUIRE = os.environ.get("DFHELPER_REQUIRE_ESPEAK") == "1"
HAVE_ESPEAK = shutil.which("espeak-ng") is not None


@pytest.fixture
def real() -> Speaker:
    """A speaker on the installed espeak-ng (skipped without it, unless it is required)."""
    if not HAVE_ESPEAK:
        if REQUIRE:
            pytest.fail("espeak-ng is not installed and DFHELPER_REQUIRE_ESPEAK=1")
        pytest.skip("espeak-ng is not installed")
    return Speaker()


def seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


# -- choosing a voice (no espeak-ng needed) ----------------------------------------------------


def test_voices_are_parsed_with_their_other_languages() -> None:
    voices = parse_voices(VOICES)
    assert [v.language for v in voices][:3] == ["ar", "en-gb", "en-gb-x-rp"]
    assert voices[1].others == (("en", 2),)
    assert voices[4].others == (("es-mx", 6), ("es", 6))


def test_each_locale_gets_its_own_voice() -> None:
    voices = parse_voices(VOICES)
    assert choose_voice(voices, "en") == "en-gb"
    assert choose_voice(voices, "en@easyread") == "en-gb"
    assert choose_voice(voices, "pl") == "pl"
    assert choose_voice(voices, "pa") == "pa"
    assert choose_voice(voices, "pt") == "pt"
    assert choose_voice(voices, "pt_BR") == "pt-br"
    assert choose_voice(voices, "es") == "es-419"  # only through "Other Languages"
    assert choose_voice(voices, "ur") == "ur"


def test_a_script_never_falls_back_to_another_scripts_voice() -> None:
    voices = parse_voices(VOICES)
    assert candidates("pa_Arab") == ["pa-arab"]
    assert choose_voice(voices, "pa_Arab") is None  # the Punjabi voice reads Gurmukhi
    assert choose_voice(voices, "xx") is None
    assert choose_voice(voices, "") is None


def test_spoken_text_is_plain() -> None:
    assert clean("Tap [b]Prescriptions[/b] \\[1]\x1b[2J") == "Tap Prescriptions [1] [2J"


# -- without espeak-ng -------------------------------------------------------------------------


def test_missing_espeak_means_no_voice_and_nothing_spoken(tmp_path: Path) -> None:
    speaker = Speaker(program=str(tmp_path / "no-such-espeak"))
    assert not speaker.available
    assert speaker.voice_for("en") is None
    assert speaker.say("Hello", "en") is False
    assert not speaker.speaking
    assert speaker.render_wav("Hello", "en", tmp_path / "x.wav") is False
    speaker.stop()  # nothing to stop, and no error


FAKE = """\
import json, sys, time
from pathlib import Path
if sys.argv[1:] == ["--voices"]:
    sys.stdout.write({voices!r})
    raise SystemExit(0)
text = sys.stdin.buffer.read().decode("utf-8")
Path({log!r}).write_text(json.dumps({{"argv": sys.argv[1:], "stdin": text}}), encoding="utf-8")
time.sleep(30)
"""


def fake_espeak(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in espeak-ng that records its arguments and input, then 'speaks' for 30 s."""
    log = tmp_path / "said.json"
    program = tmp_path / "espeak-ng"
    program.write_text(f"#!{sys.executable}\n" + FAKE.format(voices=VOICES, log=str(log)), encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program, log


def wait_for(path: Path) -> dict[str, object]:
    for _ in range(100):
        if path.is_file() and path.read_text(encoding="utf-8"):
            said: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
            return said
        time.sleep(0.05)
    raise AssertionError("the fake espeak-ng never ran")


def test_text_goes_on_stdin_never_the_command_line(tmp_path: Path) -> None:
    program, log = fake_espeak(tmp_path)
    speaker = Speaker(program=str(program))
    text = "--help; rm -rf / $(reboot) [b]Zamów[/b] receptę"
    started = time.monotonic()
    assert speaker.say(text, "pl") is True
    assert time.monotonic() - started < 2  # in the background
    said = wait_for(log)
    assert said["stdin"] == "--help; rm -rf / $(reboot) Zamów receptę"
    argv = said["argv"]
    assert isinstance(argv, list)
    assert argv[argv.index("-v") + 1] == "pl"
    assert not any("Zam" in arg or "reboot" in arg for arg in argv)
    assert speaker.speaking
    speaker.stop()
    assert not speaker.speaking


def test_saying_something_new_stops_the_old(tmp_path: Path) -> None:
    program, log = fake_espeak(tmp_path)
    speaker = Speaker(program=str(program))
    assert speaker.say("first", "en")
    wait_for(log)
    first = speaker._process
    assert first is not None
    assert speaker.say("second", "en")
    assert first.poll() is not None  # the first one was stopped
    speaker.stop()


def test_no_voice_speaks_nothing(tmp_path: Path) -> None:
    program, log = fake_espeak(tmp_path)
    speaker = Speaker(program=str(program))
    assert speaker.say("کجھ", "pa_Arab") is False
    assert not speaker.speaking
    time.sleep(0.2)
    assert not log.exists()


# -- the real espeak-ng ------------------------------------------------------------------------


def test_the_installed_espeak_has_a_voice_for_each_language(real: Speaker) -> None:
    for lang in LOCALES:
        assert real.voice_for(lang) is not None, lang
    assert real.voice_for("en") == "en-gb"
    assert real.voice_for("pl") == "pl"


def test_english_speech_renders_to_a_wav(real: Speaker, tmp_path: Path) -> None:
    path = tmp_path / "en.wav"
    assert real.render_wav("Order a repeat prescription in the NHS App.", "en", path)
    assert real.last_voice == "en-gb"
    assert seconds(path) > 0.5


def test_polish_speech_renders_to_a_wav_in_a_polish_voice(real: Speaker, tmp_path: Path) -> None:
    path = tmp_path / "pl.wav"
    assert real.render_wav("Zamów receptę w aplikacji [b]NHS App[/b].", "pl", path)
    assert real.last_voice == "pl"
    voice = next(v for v in real.voices() if v.language == real.last_voice)
    assert voice.file.endswith("/pl")  # espeak-ng's Polish voice file
    assert seconds(path) > 0.5


def test_the_real_espeak_says_no_for_shahmukhi(real: Speaker, tmp_path: Path) -> None:
    assert real.voice_for("pa_Arab") is None
    assert real.say("معاف کرنا", "pa_Arab") is False
    assert real.render_wav("معاف کرنا", "pa_Arab", tmp_path / "x.wav") is False
    assert not (tmp_path / "x.wav").exists()
