"""The flow language, engine and headless CLI never import Textual (or Rich)."""

from __future__ import annotations

import subprocess
import sys

import pytest

PURE_MODULES = [
    "dfhelper.problems",
    "dfhelper.flowlang.library",
    "dfhelper.flowlang.schema",
    "dfhelper.flowlang.graph",
    "dfhelper.engine.session",
    "dfhelper.lineui.walk",
    "dfhelper.config",
    "dfhelper.cli",
]


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'rich'})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_headless_commands_run_without_importing_textual() -> None:
    code = (
        "import io, sys\n"
        "from dfhelper.cli import main\n"
        "main(['schema'], env={}, stdout=io.StringIO())\n"
        "print(any(m.split('.')[0] == 'textual' for m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_kiosk_paints_before_loading_flows_templates_and_matching() -> None:
    """The welcome screen comes first: flows, Jinja, YAML and rapidfuzz load after it is painted."""
    code = (
        "import sys, dfhelper.cli, dfhelper.kiosk.app\n"
        "heavy = {'jinja2', 'yaml', 'rapidfuzz', 'babel'}\n"
        "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & heavy)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
