"""Atomic table writes: a failing writer leaves the previous file intact."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.store import atomic_write, read_table, write_table


def test_write_and_read_round_trip(tmp_path: Path) -> None:
    frame = pd.DataFrame({"economy": ["KEN", "FIN"], "value": [1.5, 2.0]})
    write_table(frame, tmp_path, "scores")
    assert (tmp_path / "scores.csv").exists()
    pd.testing.assert_frame_equal(read_table(tmp_path, "scores"), frame)


def test_failed_write_keeps_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "table.csv"
    target.write_text("old")

    def broken(path: Path) -> None:
        path.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, broken)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_written_files_are_readable_by_others(tmp_path: Path) -> None:
    """Published outputs follow the umask, not mkstemp's private 0600."""
    import os

    old = os.umask(0o022)
    try:
        path = write_table(pd.DataFrame({"a": [1]}), tmp_path, "t")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "t.csv").stat().st_mode & 0o777 == 0o644
