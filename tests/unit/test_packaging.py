"""The wheel carries the shipped flows and locales, where `dfhelper.resources` finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_contains_flows_and_locales(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("dfhelper-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(p.name for p in (ROOT / "flows").glob("*.yaml"))
    assert shipped
    for name in shipped:
        assert f"dfhelper/_bundled/flows/{name}" in names
    assert any(n.startswith("dfhelper/_bundled/locales/") for n in names)
    assert "dfhelper/resources.py" in names
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)
