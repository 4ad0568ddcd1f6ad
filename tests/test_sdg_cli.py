"""``ictstats sdg``: files written, closing note printed, exit codes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_sdg_series import observation, observations

from pipeline.cli import main
from pipeline.sdg.aggregates import AGGREGATE_COLUMNS
from pipeline.sdg.series import SERIES_COLUMNS
from pipeline.store import read_table, write_table


def _processed(tmp_path: Path) -> Path:
    rows = [
        observation(indicator, value, economy=economy)
        for economy in ("IND", "CHN", "USA", "IDN", "PAK", "NGA", "BRA", "BGD")
        for indicator, value in (("HH7", 50.0), ("i271pop", 95.0), ("i4213tfbb", 1e6))
    ]
    write_table(observations(*rows), tmp_path / "ingest", "observations")
    return tmp_path


def test_sdg_writes_series_aggregates_and_sdmx(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    processed = _processed(tmp_path)
    assert main(["sdg", "--processed", str(processed)]) == 0
    series = read_table(processed / "sdg", "series")
    aggregates = read_table(processed / "sdg", "aggregates")
    assert tuple(series.columns) == SERIES_COLUMNS and len(series) == 8 * 4
    assert tuple(aggregates.columns) == AGGREGATE_COLUMNS
    assert (processed / "sdg" / "series.csv").exists()
    sdmx = pd.read_csv(processed / "sdg" / "sdg_sdmx.csv", dtype=str)
    assert sdmx.columns[0] == "DATAFLOW" and len(sdmx) >= len(series)
    note = capsys.readouterr().out
    assert "SDG series × economies" in note and "IT_NET_BBND " in note
    assert "SDMX-CSV rows:" in note


def test_missing_observations_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["sdg", "--processed", str(tmp_path)]) == 2


def test_broken_sdg_methodology_is_a_usage_error_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """load_methodology raises ValueError listing the problems (or a TOML syntax error);
    the handler let it escape as a traceback instead of exit code 2 and the message."""
    from pipeline.sdg import cli as sdg_cli
    from pipeline.sdg.definitions import load_methodology

    broken = tmp_path / "schemas"
    broken.mkdir()
    for name in ("series.toml", "aggregation.toml", "sdmx.toml"):
        (broken / name).write_text("[[series]]\ncode = 'X'\n" if name == "series.toml" else "")
    monkeypatch.setattr(sdg_cli, "load_methodology", lambda: load_methodology(broken))
    assert main(["sdg", "--processed", str(_processed(tmp_path))]) == 2
    assert "missing indicator_sdg" in capsys.readouterr().err
