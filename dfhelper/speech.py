"""Read-aloud: dfhelper's text spoken by the ``espeak-ng`` program (Debian package ``espeak-ng``).

The text always goes to espeak-ng on its standard input, never on the command line and
never through a shell, and espeak-ng is not asked to read markup (no ``-m``): whatever a
flow or a translation says is spoken as words and nothing else. Speaking runs in the
background; nothing here blocks the caller for long or raises to it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from dfhelper.flowlang.markup import to_plain

PROGRAM = "espeak-ng"
MAX_CHARS = 4000
"""Longer text is cut here (a kiosk step is far shorter)."""
VOICES_TIMEOUT = 5.0
RENDER_TIMEOUT = 60.0

PREFERRED: Mapping[str, tuple[str, ...]] = {
    "en": ("en-gb", "en"),
    "pt": ("pt", "pt-pt"),
}
"""Voices tried first where espeak-ng has several for a language (British English for the NHS)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_OTHER = re.compile(r"\(([A-Za-z0-9-]+)\s+(\d+)\)")


class Speech(Protocol):
    """What the kiosk needs from a speaker (tests give it a fake)."""

    def voice_for(self, lang: str) -> str | None:
        """The voice for a dfhelper locale code, or None."""
        ...

    def say(self, text: str, lang: str) -> bool:
        """Start speaking ``text`` in ``lang``, stopping anything already speaking."""
        ...

    def stop(self) -> None:
        """Stop speaking."""
        ...

    @property
    def speaking(self) -> bool:
        """Whether something is being spoken now."""
        ...


@dataclass(frozen=True, slots=True)
class Voice:
    """One line of ``espeak-ng --voices``."""

    language: str
    """The voice's language code, which is also the name to pass to ``-v`` (e.g. ``en-gb``)."""
    priority: int
    file: str
    others: tuple[tuple[str, int], ...] = ()
    """Other languages the voice speaks, with their priority (lower is better)."""


def parse_voices(listing: str) -> list[Voice]:
    """The voices in the output of ``espeak-ng --voices`` (the header and odd lines are skipped)."""
    voices = []
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) < 5 or not fields[0].isdigit():
            continue
        others = tuple((lang.lower(), int(pty)) for lang, pty in _OTHER.findall(line))
        voices.append(Voice(fields[1].lower(), int(fields[0]), fields[4], others))
    return voices


def candidates(lang: str) -> list[str]:
    """espeak-ng language codes to try for a dfhelper locale code, best first.

    ``en@easyread`` is English; ``pt_BR`` tries ``pt-br`` then ``pt``; a script subtag
    (``pa_Arab``) never falls back to the bare language, whose voice reads another script.
    """
    code = lang.split("@", 1)[0].replace("_", "-").lower().strip()
    if not code:
        return []
    parts = code.split("-")
    found = [*PREFERRED.get(code, ()), code]
    if len(parts) > 1 and len(parts[1]) != 4:  # a region, not a script: the language will do
        found += [*PREFERRED.get(parts[0], ()), parts[0]]
    return list(dict.fromkeys(found))


def choose_voice(voices: list[Voice], lang: str) -> str | None:
    """The best voice in ``voices`` for the dfhelper locale ``lang``, or None."""
    by_language = {v.language: v for v in voices}
    for wanted in candidates(lang):
        if wanted in by_language:
            return by_language[wanted].language
        speakers = sorted((pty, v.language) for v in voices for other, pty in v.others if other == wanted)
        if speakers:
            return speakers[0][1]
    return None


def clean(text: str) -> str:
    """Text fit to speak: flow markup removed, control characters out, not too long."""
    return _CONTROL.sub(" ", to_plain(text))[:MAX_CHARS].strip()


class Speaker:
    """Speaks text with espeak-ng, one thing at a time, in the background."""

    def __init__(self, program: str = PROGRAM, *, words_per_minute: int = 150) -> None:
        self.program = program
        self.words_per_minute = words_per_minute
        self._executable: str | None = None
        self._voices: list[Voice] | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.last_voice: str | None = None
        """The voice used by the last `say` or `render_wav` that spoke."""

    @property
    def available(self) -> bool:
        """Whether espeak-ng is installed."""
        return self._find() is not None

    def _find(self) -> str | None:
        if self._executable is None:
            self._executable = shutil.which(self.program) or ""
        return self._executable or None

    def voices(self) -> list[Voice]:
        """espeak-ng's voices (asked once, then kept); none when it is missing or fails."""
        if self._voices is None:
            executable = self._find()
            listing = ""
            if executable is not None:
                try:
                    done = subprocess.run(
                        [executable, "--voices"],
                        capture_output=True,
                        timeout=VOICES_TIMEOUT,
                        check=False,
                    )
                    listing = done.stdout.decode("utf-8", "replace") if done.returncode == 0 else ""
                except (OSError, subprocess.SubprocessError):
                    listing = ""
            self._voices = parse_voices(listing)
        return self._voices

    def voice_for(self, lang: str) -> str | None:
        """The espeak-ng voice for a dfhelper locale code (``en``, ``pl``, ``pa_Arab``...), or None."""
        return choose_voice(self.voices(), lang)

    def _command(self, voice: str) -> list[str]:
        executable = self._find()
        assert executable is not None
        # -b 1: the input is UTF-8 whatever the kiosk's locale; --stdin: the text comes from there
        return [executable, "-v", voice, "-s", str(self.words_per_minute), "-b", "1"]

    def say(self, text: str, lang: str) -> bool:
        """Start speaking ``text`` in ``lang``, stopping anything already speaking.

        False (and nothing spoken) when there is no voice for the language, espeak-ng is
        missing, or it could not be started. Never blocks, never raises.
        """
        try:
            self.stop()
            voice = self.voice_for(lang)
            words = clean(text)
            if voice is None:
                return False
            if not words:
                return True
            process = subprocess.Popen(
                [*self._command(voice), "--stdin"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                close_fds=True,
            )
        except (OSError, ValueError, subprocess.SubprocessError, AssertionError):
            return False
        with self._lock:
            self._process = process
        self.last_voice = voice
        threading.Thread(target=_feed, args=(process, words), daemon=True).start()
        return True

    def stop(self) -> None:
        """Stop speaking (nothing happens when nothing is being spoken)."""
        with self._lock:
            process, self._process = self._process, None
        if process is None:
            return
        try:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=0.2)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=0.2)
        except (OSError, subprocess.SubprocessError):
            pass

    @property
    def speaking(self) -> bool:
        """Whether something is being spoken now."""
        with self._lock:
            process = self._process
        return process is not None and process.poll() is None

    def render_wav(self, text: str, lang: str, path: str | Path) -> bool:
        """Speak ``text`` into a WAV file instead of the loudspeaker (waits for it; for tests and checks)."""
        voice = self.voice_for(lang)
        if voice is None:
            return False
        try:
            done = subprocess.run(
                [*self._command(voice), "-w", str(Path(path)), "--stdin"],
                input=clean(text).encode("utf-8"),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=RENDER_TIMEOUT,
                check=False,
            )
        except (OSError, ValueError, subprocess.SubprocessError, AssertionError):
            return False
        if done.returncode != 0 or not Path(path).is_file():
            return False
        self.last_voice = voice
        return True


def _feed(process: subprocess.Popen[bytes], text: str) -> None:
    """Write the text to espeak-ng (in a thread: a full pipe must not hold up the app)."""
    stdin = process.stdin
    if stdin is None:
        return
    try:
        stdin.write(text.encode("utf-8"))
        stdin.close()
    except (OSError, ValueError):
        pass


if TYPE_CHECKING:
    from dfhelper.engine.session import StepView


def _sentence(text: str) -> str:
    """``text`` ending like a sentence, so the voice pauses before the next piece."""
    import unicodedata

    text = text.strip()
    if text and not unicodedata.category(text[-1]).startswith("P"):
        return text + "."
    return text


def step_speech(view: StepView) -> str:
    """What "Read aloud" says for a step: its text, question, ticks and numbered answers, as shown."""
    from dfhelper.flowlang.markup import to_plain

    pieces = [view.text.text]
    if view.question is not None:
        pieces.append(view.question.text)
    pieces += [fact.text.text for fact in view.facts]
    pieces += [f"{i}. {option.text.text}" for i, option in enumerate(view.options, start=1)]
    return "\n".join(_sentence(to_plain(piece)) for piece in pieces if piece.strip())
