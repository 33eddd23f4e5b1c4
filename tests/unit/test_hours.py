"""Opening hours: days and times in the configuration, shown in each patient's language."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from dfhelper import resources
from dfhelper.config import ConfigError, load_config
from dfhelper.engine.session import Session
from dfhelper.flowlang.hours import localised, parse
from dfhelper.flowlang.library import Library
from dfhelper.i18n.catalogs import CatalogTranslator


def test_days_and_several_times_a_day_are_read() -> None:
    (weekdays, saturday) = parse("Mon-Thu 08:00-13:00, 14:00-18:30; Sat 9:00-12:00")
    assert (weekdays.first, weekdays.last) == (0, 3)
    assert weekdays.spans == ((dt.time(8), dt.time(13)), (dt.time(14), dt.time(18, 30)))
    assert (saturday.first, saturday.last, saturday.spans) == (5, 5, ((dt.time(9), dt.time(12)),))


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Monday to Friday, 8am to 6:30pm", "is not days and times"),
        ("Fri-Mon 08:00-18:30", "the days go backwards"),
        ("Mon-Fri 18:30-08:00", "closing time is not after"),
        ("Mon-Fri 25:00-26:00", "not a real time"),
        ("Mon-Fry 08:00-18:30", "'Fry' is not a day"),
        ("", "no opening hours"),
    ],
)
def test_hours_that_cannot_be_read_say_why(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse(text)


@pytest.mark.parametrize(
    ("locale", "shown"),
    [
        ("en", "Monday–Friday 08:00–18:30; Saturday 09:00–12:00"),
        ("pl", "poniedziałek–piątek 08:00–18:30; sobota 09:00–12:00"),
        ("uk", "понеділок–пʼятниця 08:00–18:30; субота 09:00–12:00"),
    ],
)
def test_hours_are_shown_with_the_languages_day_names_and_times(locale: str, shown: str) -> None:
    assert localised("Mon-Fri 08:00-18:30; Sat 09:00-12:00", locale) == shown


def test_hours_that_are_not_days_and_times_are_shown_as_written() -> None:
    assert localised("ring for details", "pl") == "ring for details"


def test_a_configuration_with_unreadable_hours_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[practice]\nname = "X"\nopening_hours = "weekdays 9 to 5"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [problem] = caught.value.problems
    assert problem.line == 3
    assert "practice.opening_hours" in problem.message


def test_a_flow_shows_the_practice_hours_in_the_patients_language() -> None:
    from dfhelper.config import PracticeConfig

    practice = dataclasses.asdict(PracticeConfig(opening_hours="Mon-Fri 08:00-18:30"))
    library = Library.load([resources.flows_dir()])
    session = Session(
        library,
        "repeat-prescription",
        translator=CatalogTranslator("pl", resources.locales_dir()),
        practice=practice,
    )
    flow = library.flow("repeat-prescription")
    step = next(s for s in flow.steps if s.id == "phone_end")
    text = session._flow_text(flow, step, "what_next.0", step.what_next[0])  # type: ignore[attr-defined]
    assert "poniedziałek–piątek 08:00–18:30" in text.text
    assert "Monday" not in text.text
