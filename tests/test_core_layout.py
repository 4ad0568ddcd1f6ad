"""The layout is the architecture: import direction and the CLI's exit codes (STYLE.md §1)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipeline.cli import main

PIPELINE = Path(__file__).resolve().parents[1] / "pipeline"

#: Packages that compute numbers must not depend on presentation or on spreadsheets.
FORBIDDEN = {
    "index": ("openpyxl", "pipeline.publish", "pipeline.validate", "matplotlib"),
    "sdg": ("openpyxl", "pipeline.publish", "pipeline.validate", "matplotlib"),
    "uncertainty": ("openpyxl", "pipeline.publish", "pipeline.validate"),
    "derive.py": ("openpyxl", "pipeline.publish"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_compute_packages_do_not_import_presentation(part: str) -> None:
    target = PIPELINE / part
    files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
    assert files, f"{part} is missing"
    for file in files:
        for name in _imports(file):
            assert not name.startswith(FORBIDDEN[part]), f"{file.name} imports {name}"


def test_version_and_help_exit_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert "ictstats" in capsys.readouterr().out


def test_usage_error_exits_2() -> None:
    assert main(["no-such-command"]) == 2
