"""The practice configuration and the staff PIN."""

from __future__ import annotations

from pathlib import Path

import pytest

from dfhelper.config import Config, ConfigError, default_config_path, example_config_text, load_config
from dfhelper.pin import hash_pin, is_pin_hash, verify_pin


def _write(tmp: Path, text: str) -> Path:
    path = tmp / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(tmp: Path, text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp, text))
    return [(p.line, p.code, p.message) for p in caught.value.problems]


def test_no_file_gives_the_demo_practice() -> None:
    config = load_config(None)
    assert config == Config()
    assert config.practice.name == "Demo Surgery"
    assert config.source is None


def test_the_example_file_loads_to_the_defaults(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, example_config_text()))
    assert config == Config()
    assert config.source == tmp_path / "config.toml"


def test_values_are_read_and_typed(tmp_path: Path) -> None:
    config = load_config(
        _write(
            tmp_path,
            '[practice]\nname = "Riverside Surgery"\nappointments_online = false\n'
            '[kiosk]\nlanguages = ["en", "pl"]\nidle_seconds = 90\n[engine]\ntext_accept_score = 90\n',
        )
    )
    assert config.practice.name == "Riverside Surgery"
    assert config.practice.appointments_online is False
    assert config.kiosk.languages == ("en", "pl")
    assert config.engine.text_accept_score == 90.0


def test_relative_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    config = load_config(
        _write(tmp_path, '[paths]\nflows = ["my-flows", "/abs/flows"]\ncache_dir = "cache"\n')
    )
    assert config.paths.flows == (tmp_path / "my-flows", Path("/abs/flows"))
    assert config.paths.cache_dir == tmp_path / "cache"


def test_unknown_key_is_reported_with_its_line_and_a_suggestion(tmp_path: Path) -> None:
    assert _problems(tmp_path, '[practice]\nname = "X"\nphon = "1"\n') == [
        (3, "config-unknown-key", "Unknown key 'practice.phon'. Did you mean 'practice.phone'?")
    ]


def test_unknown_table(tmp_path: Path) -> None:
    ((line, code, message),) = _problems(tmp_path, "[engin]\nmax_steps = 100\n")
    assert (line, code) == (1, "config-unknown-key")
    assert "Did you mean '[engine]'?" in message


def test_every_problem_is_collected_at_once(tmp_path: Path) -> None:
    found = _problems(
        tmp_path,
        '[practice]\nphone = 1632\n[kiosk]\nidle_seconds = "two minutes"\nstill_there_seconds = 5\n'
        "[engine]\nrevisits_before_stuck = true\n",
    )
    assert [(line, code) for line, code, _ in found] == [
        (2, "config-type"),
        (4, "config-type"),
        (5, "config-range"),
        (7, "config-type"),
    ]
    assert "'kiosk.idle_seconds' must be a whole number, not \"two minutes\"." in found[1][2]
    assert "'kiosk.still_there_seconds' must be at least 20" in found[2][2]


def test_confirm_score_must_be_below_accept_score(tmp_path: Path) -> None:
    ((line, code, _),) = _problems(tmp_path, "[engine]\ntext_accept_score = 70\ntext_confirm_score = 80\n")
    assert (line, code) == (3, "config-range")


def test_toml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    ((line, code, message),) = _problems(tmp_path, '[practice]\nname = "unclosed\n')
    assert (line, code) == (2, "config-syntax")
    assert message.startswith("TOML error:")


def test_a_key_whose_line_cannot_be_found_has_no_line(tmp_path: Path) -> None:
    ((line, code, _),) = _problems(tmp_path, 'practice = { nmae = "X" }\n')
    assert code == "config-unknown-key"
    assert line is None


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="dfhelper init"):
        load_config(tmp_path / "nope.toml")


def test_a_plain_pin_in_the_hash_field_is_refused(tmp_path: Path) -> None:
    ((line, code, _),) = _problems(tmp_path, '[kiosk]\nstaff_pin_hash = "1234"\n')
    assert (line, code) == (2, "config-type")


def test_default_config_path_follows_the_environment(tmp_path: Path) -> None:
    assert default_config_path({"DFHELPER_CONFIG": str(tmp_path / "c.toml")}) == tmp_path / "c.toml"
    assert default_config_path({}) in (None, default_config_path({}))


def test_pin_hash_verifies_only_the_right_pin() -> None:
    stored = hash_pin("2468")
    assert is_pin_hash(stored)
    assert "2468" not in stored
    assert verify_pin("2468", stored)
    assert not verify_pin("2469", stored)
    assert hash_pin("2468") != stored  # salted


def test_pin_typed_in_other_digits_still_works() -> None:
    stored = hash_pin("2468")
    assert verify_pin("২৪৬৮", stored)  # Bengali digits
    assert verify_pin("٢٤٦٨", stored)  # Arabic-Indic digits


@pytest.mark.parametrize("bad", ["12", "1234567890123", "12a4", ""])
def test_pin_must_be_4_to_12_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="4 to 12 digits"):
        hash_pin(bad)


@pytest.mark.parametrize("stored", ["", "1234", "scrypt$1$8$1$00$00", "scrypt$16384$8$1$zz$zz", "md5$x"])
def test_malformed_hash_never_verifies(stored: str) -> None:
    assert not is_pin_hash(stored)
    assert not verify_pin("1234", stored)
