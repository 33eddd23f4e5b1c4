"""The ``dfhelper`` command, as a facilitator or a script would use it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from dfhelper.cli import main
from tests.helpers import flow_text, write

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "flows"


def run(args: list[str], stdin: str = "", config: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    argv = (["--config", str(config)] if config else []) + args
    code = main(argv, env={}, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def sample_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[paths]\nflows = ["{SAMPLE}"]\n\n[practice]\nname = "Test Surgery"\n', encoding="utf-8")
    return path


def test_validate_reports_problems_with_positions_and_exits_1(tmp_path: Path) -> None:
    write(
        tmp_path,
        flow_text("- id: a\n  kind: say\n  text: Hi.\n  next: nowhere\n- id: b\n  kind: end\n  text: B.\n"),
    )
    code, out, _ = run(["validate", str(tmp_path)])
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{tmp_path / 't.yaml'}:10:")
    assert "goes to 'nowhere'" in first
    assert out.rstrip().endswith("0 flows fit to use; 1 errors, 0 warnings.")


def test_validate_json_for_tools(tmp_path: Path) -> None:
    write(
        tmp_path,
        flow_text("- id: a\n  kind: say\n  text: Hi.\n  next: nowhere\n- id: b\n  kind: end\n  text: B.\n"),
    )
    code, out, _ = run(["validate", "--format", "json", str(tmp_path)])
    report = json.loads(out)
    assert code == 1
    assert report["errors"] == 1
    assert report["problems"][0]["code"] == "unknown-next"
    assert report["problems"][0]["line"] == 10


def test_validate_clean_flows_exits_0() -> None:
    code, out, _ = run(["validate", str(SAMPLE)])
    assert code == 0
    assert "1 flows fit to use; 0 errors" in out


def test_walk_text_mode_numbers_answers_and_stops_cleanly_at_end_of_input(sample_config: Path) -> None:
    code, out, _ = run(["walk", "sample"], stdin="1\n", config=sample_config)
    assert code == 0
    assert "Welcome to Test Surgery." in out
    assert "  1. Continue" in out
    assert "Tick what applies to you." in out
    assert out.rstrip().endswith("Stopped at sample › about.")


def test_walk_jsonl_prints_each_step_and_how_it_ended(sample_config: Path) -> None:
    answers = "1\n0\n1\n1\ntablets\n1\n"
    code, out, _ = run(["walk", "sample", "--format", "jsonl"], stdin=answers, config=sample_config)
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["step"] for r in records if r["event"] == "step"] == [
        "intro",
        "about",
        "pick",
        "try_it",
        "what",
        "phone_only",
    ]
    assert records[0]["options"] == [{"key": "1", "value": "continue", "text": "Continue"}]
    assert records[-1] == {"event": "end", "flow": "sample", "step": "done"}


def test_walk_facts_from_the_command_line(sample_config: Path) -> None:
    code, out, _ = run(
        ["walk", "sample", "--format", "jsonl", "--fact", "has_smartphone"], stdin="1\n", config=sample_config
    )
    about = [json.loads(line) for line in out.splitlines()][1]
    assert code == 0
    assert about["facts"][0] == {
        "key": "1",
        "fact": "has_smartphone",
        "text": "I have a smartphone",
        "value": True,
    }


def test_walk_escalate_is_the_last_record(sample_config: Path) -> None:
    code, out, _ = run(["walk", "sample", "--format", "jsonl"], stdin="1\n0\n2\n", config=sample_config)
    assert code == 0
    assert json.loads(out.splitlines()[-1]) == {
        "event": "escalate",
        "flow": "sample",
        "step": "staff",
        "reason": "no_app",
    }


def test_walk_commands_back_help_and_stuck(sample_config: Path) -> None:
    code, out, _ = run(["walk", "sample"], stdin="1\nback\nhelp\nstuck\n", config=sample_config)
    assert code == 0
    assert out.count("Welcome to Test Surgery.") == 2
    assert "There is no more help for this step." in out
    assert "Help requested from staff (asked_for_help) at sample › intro." in out


def test_walk_odd_keystrokes_are_refused_not_crashed_and_not_echoed(sample_config: Path) -> None:
    odd = "[@click=app.quit]\n\x1b[2J\n99\n-1\n\n"
    code, out, _ = run(["walk", "sample"], stdin="1\n1 9\n" + odd, config=sample_config)
    assert code == 0
    assert "Sorry, that is not one of the answers." in out
    assert "@click" not in out
    assert "\x1b" not in out


def test_walk_random_with_a_seed_is_reproducible(sample_config: Path) -> None:
    first = run(["walk", "sample", "--random", "--seed", "7", "--format", "jsonl"], config=sample_config)
    second = run(["walk", "sample", "--random", "--seed", "7", "--format", "jsonl"], config=sample_config)
    assert first == second
    assert first[0] == 0
    assert json.loads(first[1].splitlines()[-1])["event"] in {"end", "escalate"}


def test_walk_unknown_flow_and_fact_are_usage_errors(sample_config: Path) -> None:
    code, _, err = run(["walk", "nope"], config=sample_config)
    assert code == 2
    assert "there is no usable flow called 'nope'" in err
    code, _, err = run(["walk", "sample", "--fact", "has_phone"], config=sample_config)
    assert code == 2
    assert "'has_phone' is not a fact" in err


def test_graph_prints_mermaid(sample_config: Path) -> None:
    code, out, _ = run(["graph", "sample"], config=sample_config)
    assert code == 0
    assert out.startswith("flowchart TD")


def test_schema_is_json() -> None:
    code, out, _ = run(["schema"])
    assert code == 0
    assert json.loads(out)["title"] == "dfhelper flow"


def test_init_writes_a_config_that_loads_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "config.toml"
    assert run(["init", str(target)])[0] == 0
    assert run(["--config", str(target), "validate", str(SAMPLE)])[0] == 0
    code, _, err = run(["init", str(target)])
    assert code == 2
    assert "already exists" in err


def test_bad_config_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[practice]\nnmae = 'x'\n", encoding="utf-8")
    code, _, err = run(["validate", str(SAMPLE)], config=path)
    assert code == 2
    assert f"{path}:2" in err
    assert "practice.nmae" in err


def test_python_m_dfhelper_runs_in_a_fresh_process(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "dfhelper", "validate", str(SAMPLE)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "1 flows fit to use" in result.stdout


def test_pin_command_prints_a_hash_that_verifies() -> None:
    from dfhelper.pin import verify_pin

    code, out, _ = run(["pin"], stdin="97531\n")
    assert code == 0
    stored = out.split('staff_pin_hash = "')[1].split('"')[0]
    assert verify_pin("97531", stored)
    assert "97531" not in out


def test_pin_command_refuses_a_short_pin() -> None:
    code, _, err = run(["pin"], stdin="12\n")
    assert code == 2
    assert "4 to 12 digits" in err
