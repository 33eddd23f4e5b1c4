"""The hazard log names real tests: a control verified by a test that does not exist is a failure."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "docs" / "safety" / "hazard-log.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")
HAZARDS = [f"H{i}" for i in range(1, 11)]


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    }


def test_every_test_the_hazard_log_names_exists() -> None:
    text = LOG.read_text(encoding="utf-8")
    references = REFERENCE.findall(text)
    assert references, "the hazard log names no tests"
    missing = [
        f"{file}::{name}"
        for file, name in references
        if not (ROOT / file).is_file() or name not in _tests_in(ROOT / file)
    ]
    assert missing == []


def test_every_hazard_has_causes_effect_controls_and_named_tests() -> None:
    text = LOG.read_text(encoding="utf-8")
    sections = re.split(r"^## (H\d+):", text, flags=re.MULTILINE)[1:]
    found = dict(zip(sections[::2], sections[1::2], strict=True))
    assert list(found) == HAZARDS
    for hazard, body in found.items():
        for part in ("**Causes**", "**Effect**", "**Controls**", "**Verified by**"):
            assert part in body, (hazard, part)
        assert REFERENCE.search(body), f"{hazard} names no test"
