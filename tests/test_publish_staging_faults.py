"""Run faults: a processed/ that is a mount point, staging left by a killed run, an earlier
vintage that cannot be read. Each leaves consistent outputs and never stops the run."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.publish import staging
from pipeline.validate import cli as validate_cli


def _old(processed: Path) -> None:
    processed.mkdir()
    (processed / "old.txt").write_text("old")
    (processed / "README.md").write_text("kept")


def _leftovers(parent: Path) -> list[str]:
    names = [p.name for p in parent.rglob("*")]
    return [n for n in names if "staging" in n or "previous" in n]


def test_mount_point_swaps_its_contents(tmp_path: Path, monkeypatch) -> None:
    processed = tmp_path / "processed"
    _old(processed)
    real = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda p: Path(p) == processed or real(p))
    with staging.staged(processed) as folder:
        assert folder.parent == processed  # same file system as the mount
        (folder / "new.txt").write_text("new")
    assert sorted(p.name for p in processed.iterdir()) == ["README.md", "new.txt"]
    assert _leftovers(tmp_path) == []


def test_busy_rename_falls_back_to_swapping_contents(tmp_path: Path, monkeypatch) -> None:
    processed = tmp_path / "processed"
    _old(processed)
    monkeypatch.setattr(staging, "_exchange", lambda a, b: False)
    real_rename = Path.rename

    def busy(self: Path, target):
        if self == processed:
            raise OSError(errno.EBUSY, "Device or resource busy", str(self))
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", busy)
    with staging.staged(processed) as folder:
        (folder / "new.txt").write_text("new")
    assert sorted(p.name for p in processed.iterdir()) == ["README.md", "new.txt"]
    assert _leftovers(tmp_path) == []


def test_stale_staging_is_removed_live_one_kept(tmp_path: Path) -> None:
    processed = tmp_path / "processed"
    _old(processed)
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = tmp_path / f".processed.staging-{ended.stdout.strip()}"
    live = tmp_path / f".processed.staging-{os.getppid()}"
    for folder in (dead, live):
        folder.mkdir()
        (folder / "half.parquet").write_bytes(b"x" * 1000)
    with staging.staged(processed) as folder:
        (folder / "new.txt").write_text("new")
    assert not dead.exists() and live.exists()


def test_unreadable_previous_vintage_is_a_finding(tmp_path: Path) -> None:
    corrupt = tmp_path / "observations.parquet"
    corrupt.write_bytes(b"PAR1 not really parquet")
    previous, finding = validate_cli._previous(corrupt)
    assert previous is None
    assert finding["rule_id"].tolist() == ["REV-PREVIOUS-UNREADABLE"]
    assert finding["severity"].tolist() == ["warning"]


@pytest.mark.parametrize("path", [None])
def test_no_previous_vintage_is_no_finding(path) -> None:
    assert validate_cli._previous(path) == (None, None)
