"""``dfhelper handout``: saved, written where asked, printed by the configured command, clear errors."""

from __future__ import annotations

import io
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dfhelper.cli import main


def run(args: list[str], config: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--config", str(config), *args], env={}, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def printer_script(tmp_path: Path, *, exit_code: int = 0) -> Path:
    """A stand-in for ``lp``: copies the file it is given into its first argument's folder and
    notes the path it was given."""
    script = tmp_path / "printer.sh"
    script.write_text(
        '#!/bin/sh\ncp "$2" "$1/printed.html"\nprintf %s "$2" > "$1/given.txt"\n'
        f'echo "printer on fire" >&2\nexit {exit_code}\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def write_config(tmp_path: Path, flows_dir: Path, *, print_command: list[str] | None = None) -> Path:
    path = tmp_path / "config.toml"
    lines = [
        "[paths]",
        f'flows = ["{flows_dir}"]',
        f'data_dir = "{tmp_path / "data"}"',
        "[practice]",
        'name = "Test Surgery"',
    ]
    if print_command is not None:
        quoted = ", ".join(f'"{part}"' for part in print_command)
        lines += ["[handout]", f"print_command = [{quoted}]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_by_default_it_is_saved_in_the_handouts_folder_with_no_patient_data_in_the_name(
    tmp_path: Path, flows_dir: Path
) -> None:
    config = write_config(tmp_path, flows_dir)
    code, out, err = run(["handout", "h", "--lang", "pl", "--fact", "not has_smartphone"], config)
    assert (code, err) == (0, "")
    (saved,) = (tmp_path / "data" / "handouts").iterdir()
    assert re.fullmatch(r"h-pl-\d{8}-\d{6}\.html", saved.name)
    assert out == f"Wrote {saved}\n"
    html = saved.read_text(encoding="utf-8")
    assert '<html lang="pl" dir="ltr"' in html
    assert "instead of a phone" in html


def test_output_to_a_file_or_the_screen(tmp_path: Path, flows_dir: Path) -> None:
    config = write_config(tmp_path, flows_dir)
    target = tmp_path / "out.html"
    code, out, _ = run(["handout", "h", "-o", str(target), "--large-print"], config)
    assert (code, out) == (0, f"Wrote {target}\n")
    assert 'class="large-print"' in target.read_text(encoding="utf-8")
    code, out, _ = run(["handout", "h", "-o", "-"], config)
    assert code == 0
    assert out.startswith("<!DOCTYPE html>")
    assert "All done at Test Surgery." in out
    assert not (tmp_path / "data" / "handouts").exists()


def test_print_runs_the_configured_command_with_the_file_and_keeps_nothing(
    tmp_path: Path, flows_dir: Path
) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    config = write_config(tmp_path, flows_dir, print_command=[str(printer_script(tmp_path)), str(spool)])
    code, out, err = run(["handout", "h", "--lang", "ur", "--print"], config)
    assert (code, out, err) == (0, "Sent to the printer.\n", "")
    assert '<html lang="ur" dir="rtl"' in (spool / "printed.html").read_text(encoding="utf-8")
    given = Path((spool / "given.txt").read_text(encoding="utf-8"))
    assert re.fullmatch(r"h-ur-\d{8}-\d{6}\.html", given.name)
    assert not given.exists()  # the temporary copy is gone
    assert not (tmp_path / "data" / "handouts").exists()


def test_a_failing_printer_says_why_and_exits_1(tmp_path: Path, flows_dir: Path) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    script = printer_script(tmp_path, exit_code=3)
    config = write_config(tmp_path, flows_dir, print_command=[str(script), str(spool)])
    code, _, err = run(["handout", "h", "--print"], config)
    assert code == 1
    assert err == "dfhelper: The print command failed (exit code 3): printer on fire.\n"


def test_a_missing_print_command_is_named(tmp_path: Path, flows_dir: Path) -> None:
    config = write_config(tmp_path, flows_dir, print_command=[str(tmp_path / "no-such-printer")])
    code, _, err = run(["handout", "h", "--print"], config)
    assert code == 1
    assert "was not found" in err


def test_print_without_a_printer_set_up_is_a_clear_error(tmp_path: Path, flows_dir: Path) -> None:
    config = write_config(tmp_path, flows_dir)
    code, out, err = run(["handout", "h", "--print"], config)
    assert (code, out) == (2, "")
    assert "no printer is set up. Set [handout] print_command" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["handout", "nope"], "there is no usable flow called 'nope'"),
        (["handout", "h", "--lang", "xx"], "there is no catalog for 'xx'"),
        (["handout", "h", "--fact", "rich"], "'rich' is not a fact"),
    ],
)
def test_an_unknown_flow_language_or_fact_exits_2(
    tmp_path: Path, flows_dir: Path, args: list[str], message: str
) -> None:
    code, out, err = run(args, write_config(tmp_path, flows_dir))
    assert (code, out) == (2, "")
    assert message in err


def test_making_a_handout_never_imports_textual(tmp_path: Path) -> None:
    code = (
        "import io, sys\n"
        "from dfhelper.cli import main\n"
        f"main(['handout', 'repeat-prescription', '--lang', 'ur', '-o', {str(tmp_path / 'h.html')!r}],"
        " env={}, stdout=io.StringIO())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'rich'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
    assert (tmp_path / "h.html").is_file()
